/**
 * Server-rendered SVG map of wards: no JavaScript and no style attributes (the
 * site's CSP forbids inline styles), so all styling hangs off the kith-map
 * classes in the site stylesheet.
 */
import { type BBox, bbox, type Position, polygonsOf } from './geometry.js';
import { simplifyRing } from './simplify.js';
import type { WardShape } from './wards.js';

export interface WardMapOptions {
  /** Width of the viewBox in pixels. The SVG scales to its container; this sets how much detail is kept. */
  width: number;
  /** Accessible name of the map. */
  title: string;
  description?: string;
  /** When given, each ward becomes a link to this URL. */
  hrefFor?: (ward: WardShape) => string;
  /** Code of the ward to mark with kith-map__ward--current. */
  highlightCode?: string;
  /** Prefix for element ids, so two maps on one page do not clash. Default "kith-map". */
  idPrefix?: string;
  /** Accessible name of each ward link, when it says more than the ward's name (default: the name). */
  linkLabelFor?: (ward: WardShape) => string;
  /**
   * Numbered points drawn over the wards (search results, say). They are hidden from assistive
   * technology and take no clicks, so the page must list the same things beside the map.
   */
  markers?: readonly MapMarker[];
  /** A point drawn as a diamond: where distances are measured from. */
  origin?: { lon: number; lat: number; title: string };
}

export interface MapMarker {
  lon: number;
  lat: number;
  /** Short text inside the marker, such as its number in the list. */
  label: string;
  /** Tooltip for pointer users. */
  title: string;
}

export interface MapProjection {
  readonly width: number;
  readonly height: number;
  /** Lon/lat to viewBox pixels (y grows downwards). */
  project(position: Position): [x: number, y: number];
}

/** Keeps strokes on the outermost boundaries inside the viewBox. */
const PADDING_PX = 2;
/**
 * Half a pixel is invisible. It leaves the 20 m generalised boundaries almost
 * untouched but cuts full-resolution ones to a seventh of their points.
 */
const SIMPLIFY_TOLERANCE_PX = 0.5;

/**
 * Equirectangular projection with longitude scaled by cos(mean latitude), so
 * a borough at 53°N is not stretched sideways, fitted to `width`.
 */
export function fitProjection(box: BBox, width: number): MapProjection {
  const [west, south, east, north] = box;
  if (!Number.isFinite(width) || width <= 2 * PADDING_PX) {
    throw new Error(`map width must be a number above ${2 * PADDING_PX}, got ${width}`);
  }
  if (!(east > west && north > south)) {
    throw new Error('cannot fit a map to an empty or zero-area bounding box');
  }
  const lonScale = Math.cos((((south + north) / 2) * Math.PI) / 180);
  const pxPerDegree = (width - 2 * PADDING_PX) / ((east - west) * lonScale);
  // Round up so rounding the coordinates can never push the bottom edge out of view.
  const height = Math.ceil((2 * PADDING_PX + (north - south) * pxPerDegree) * 10) / 10;
  return {
    width,
    height,
    project: ([lon, lat]) => [
      PADDING_PX + (lon - west) * lonScale * pxPerDegree,
      PADDING_PX + (north - lat) * pxPerDegree,
    ],
  };
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Safe in both text and quoted attribute values. */
const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char] ?? char);

/** One decimal place is a tenth of a pixel: below what anyone can see. */
const formatPx = (value: number): string => String(Math.round(value * 10) / 10);

function wardsBBox(wards: readonly WardShape[]): BBox {
  const boxes = wards.map((ward) => bbox(ward.geometry));
  return [
    Math.min(...boxes.map((b) => b[0])),
    Math.min(...boxes.map((b) => b[1])),
    Math.max(...boxes.map((b) => b[2])),
    Math.max(...boxes.map((b) => b[3])),
  ];
}

/** Path data for every ring; the svg's fill-rule="evenodd" punches the holes. */
function pathData(ward: WardShape, projection: MapProjection): string {
  let d = '';
  for (const polygon of polygonsOf(ward.geometry)) {
    for (const ring of polygon) {
      const simplified = simplifyRing(ring.map(projection.project), SIMPLIFY_TOLERANCE_PX);
      const rounded = simplified.map(([x, y]) => `${formatPx(x)},${formatPx(y)}`);
      // Rounding can land neighbours on the same tenth; drop repeats unless that leaves under 3 points.
      const distinct = rounded.filter((point, i) => point !== rounded[(i || rounded.length) - 1]);
      d += `M${(distinct.length >= 3 ? distinct : rounded).join(' ')}Z`;
    }
  }
  return d;
}

/** Big enough to read the number on a phone, where a 640-pixel map is drawn about 330 wide. */
const MARKER_RADIUS_PX = 12;

function insideView(projection: MapProjection, [x, y]: [number, number]): boolean {
  return x >= 0 && y >= 0 && x <= projection.width && y <= projection.height;
}

/**
 * Markers and origin as SVG: presentation attributes rather than classes, so they look right
 * wherever the map is shown, and (being attributes, not style) pass the strict CSP.
 */
function overlay(options: WardMapOptions, projection: MapProjection): string[] {
  const lines: string[] = [];
  const { origin, markers = [] } = options;
  if (!origin && markers.length === 0) return lines;
  lines.push('<g class="kith-map__overlay" aria-hidden="true" pointer-events="none">');
  if (origin) {
    const at = projection.project([origin.lon, origin.lat]);
    if (insideView(projection, at)) {
      const [x, y] = at.map(formatPx) as [string, string];
      const r = MARKER_RADIUS_PX + 2;
      const d = `M${formatPx(at[0] - r)},${y} L${x},${formatPx(at[1] - r)} L${formatPx(at[0] + r)},${y} L${x},${formatPx(at[1] + r)}Z`;
      lines.push(
        `<g class="kith-map__origin"><title>${escapeXml(origin.title)}</title><path d="${d}" fill="#ffdd00" stroke="#0b0c0c" stroke-width="2"/></g>`,
      );
    }
  }
  // Drawn last to first, so number 1 is on top where markers overlap.
  for (const marker of [...markers].reverse()) {
    const at = projection.project([marker.lon, marker.lat]);
    if (!insideView(projection, at)) continue;
    const [x, y] = at.map(formatPx) as [string, string];
    const fontSize = marker.label.length > 2 ? 10 : 13;
    lines.push(
      `<g class="kith-map__marker"><title>${escapeXml(marker.title)}</title>` +
        `<circle cx="${x}" cy="${y}" r="${MARKER_RADIUS_PX}" fill="#0b0c0c" stroke="#ffffff" stroke-width="2"/>` +
        `<text x="${x}" y="${y}" dy="0.35em" text-anchor="middle" font-size="${fontSize}" font-weight="700" fill="#ffffff">${escapeXml(marker.label)}</text></g>`,
    );
  }
  lines.push('</g>');
  return lines;
}

export function renderWardMapSvg(wards: readonly WardShape[], options: WardMapOptions): string {
  if (wards.length === 0) throw new Error('renderWardMapSvg needs at least one ward');
  const idPrefix = options.idPrefix ?? 'kith-map';
  if (!/^[A-Za-z][\w-]*$/.test(idPrefix)) {
    throw new Error(
      `idPrefix must be a letter followed by letters, digits, "_" or "-", got ${JSON.stringify(idPrefix)}`,
    );
  }
  const projection = fitProjection(wardsBBox(wards), options.width);
  const titleId = `${idPrefix}-title`;
  const descId = `${idPrefix}-desc`;
  const { hrefFor, description } = options;

  // With links inside, role="img" would hide them from assistive technology, so group them instead.
  const rootAttributes = [
    'xmlns="http://www.w3.org/2000/svg"',
    'class="kith-map"',
    `viewBox="0 0 ${formatPx(projection.width)} ${formatPx(projection.height)}"`,
    'fill-rule="evenodd"',
    hrefFor ? 'role="group"' : 'role="img"',
    `aria-labelledby="${titleId}"`,
    ...(description === undefined ? [] : [`aria-describedby="${descId}"`]),
  ];
  const lines = [
    `<svg ${rootAttributes.join(' ')}>`,
    `<title id="${titleId}">${escapeXml(options.title)}</title>`,
  ];
  if (description !== undefined) lines.push(`<desc id="${descId}">${escapeXml(description)}</desc>`);

  for (const ward of wards) {
    const current = ward.code === options.highlightCode;
    const classes = current ? 'kith-map__ward kith-map__ward--current' : 'kith-map__ward';
    const path = `<path class="${classes}" d="${pathData(ward, projection)}"`;
    const name = escapeXml(ward.name);
    if (hrefFor) {
      const href = escapeXml(hrefFor(ward));
      const label = options.linkLabelFor ? escapeXml(options.linkLabelFor(ward)) : name;
      const currentAttribute = current ? ' aria-current="true"' : '';
      lines.push(
        `<a href="${href}" class="kith-map__link" aria-label="${label}"${currentAttribute}><title>${label}</title>${path}/></a>`,
      );
    } else {
      lines.push(`${path}><title>${name}</title></path>`);
    }
  }
  lines.push(...overlay(options, projection));
  lines.push('</svg>');
  return lines.join('\n');
}

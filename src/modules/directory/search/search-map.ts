import { type BBox, bbox, type MapMarker, renderWardMapSvg, type WardShape } from '../../../lib/geo/index.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { type SearchResults, type SearchWard, searchWards } from '../../../platform/search/search-service.js';
import { wardBoundaries } from '../../wards/ward-service.js';

type Shapes = { shapes: WardShape[]; box: BBox | null };

// Ward outlines change once a decade: keep the generalised shapes per place version.
const shapesCache = new Map<string, { version: string; value: Shapes }>();

async function wardShapes(ctx: ServiceContext): Promise<Shapes> {
  const version = ctx.place.updatedAt.toISOString();
  const hit = shapesCache.get(ctx.place.id);
  if (hit && hit.version === version) return hit.value;
  const wards = await wardBoundaries(ctx, 'display_boundary');
  const shapes = wards.map((w) => ({ code: w.code, name: w.name, geometry: w.geometry }));
  const boxes = shapes.map((w) => bbox(w.geometry));
  const box: BBox | null = boxes.length
    ? [
        Math.min(...boxes.map((b) => b[0])),
        Math.min(...boxes.map((b) => b[1])),
        Math.max(...boxes.map((b) => b[2])),
        Math.max(...boxes.map((b) => b[3])),
      ]
    : null;
  if (shapesCache.size > 1000) shapesCache.clear();
  shapesCache.set(ctx.place.id, { version, value: { shapes, box } });
  return { shapes, box };
}

/**
 * The place's wards with this page of results drawn on them as numbered points (the numbers
 * of the list beside it), and the point distances are measured from. Each ward links to the
 * same search measured from that ward, so a place can be chosen on the map without JavaScript.
 * Null when the place has no wards to draw; `box` is their extent (west, south, east, north).
 */
export async function searchMapSvg(
  ctx: ServiceContext,
  results: SearchResults,
  options: {
    title: string;
    description: string;
    /** The search measured from a ward (a link on the map). */
    hrefFor: (ward: SearchWard) => string;
    linkLabelFor: (ward: SearchWard) => string;
    originTitle: string | null;
    /** The ward to shade: the one searched in, or measured from. */
    highlightCode: string | null;
    itemTitle: (n: number, title: string) => string;
  },
): Promise<{ svg: string; box: BBox } | null> {
  const { shapes, box } = await wardShapes(ctx);
  if (shapes.length === 0 || !box) return null;
  const byCode = new Map((await searchWards(ctx)).map((w) => [w.code, w]));
  const wardFor = (shape: WardShape): SearchWard =>
    byCode.get(shape.code) ?? { code: shape.code, slug: shape.code, name: shape.name, centroid: null };
  const first = (results.page - 1) * results.perPage + 1;
  const markers: MapMarker[] = results.items.flatMap((item, i) =>
    item.point
      ? [{ ...item.point, label: String(first + i), title: options.itemTitle(first + i, item.title) }]
      : [],
  );
  const svg = renderWardMapSvg(shapes, {
    width: 640,
    title: options.title,
    description: options.description,
    idPrefix: 'search-map',
    hrefFor: (shape) => options.hrefFor(wardFor(shape)),
    linkLabelFor: (shape) => options.linkLabelFor(wardFor(shape)),
    ...(options.highlightCode ? { highlightCode: options.highlightCode } : {}),
    markers,
    ...(results.origin && options.originTitle
      ? { origin: { lon: results.origin.lon, lat: results.origin.lat, title: options.originTitle } }
      : {}),
  });
  return { svg, box };
}

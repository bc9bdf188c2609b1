import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type BBox, bbox, type Position, pointInGeometry, polygonsOf } from './geometry.js';
import { fitProjection, renderWardMapSvg } from './svg-map.js';
import { loadPollingStations, loadTraffordBoundaries } from './test-fixtures.js';
import { createWardLocator, type WardShape } from './wards.js';

const wards = loadTraffordBoundaries('ward2023_trafford_ward_generalised');
const WIDTH = 800;
const linkedMap = renderWardMapSvg(wards, {
  width: WIDTH,
  title: 'Wards in Trafford',
  description: 'Each ward links to its page.',
  hrefFor: (ward) => `/wards/${ward.code}?from=map&view=all`,
  highlightCode: 'E05015253',
});

const wardsBox: BBox = bbox({
  type: 'MultiPolygon',
  coordinates: wards.flatMap((w) => polygonsOf(w.geometry)),
});

const escapeXml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/**
 * A strict little XML check, enough for what renderWardMapSvg emits: tags
 * nest and balance, attributes are quoted, and text and attribute values
 * contain no raw markup characters or bare ampersands.
 */
function assertWellFormed(xml: string): void {
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/g;
  const bareAmpersand = /&(?!amp;|lt;|gt;|quot;|#39;)/;
  const open: string[] = [];
  let end = 0;
  for (const match of xml.matchAll(tag)) {
    const text = xml.slice(end, match.index);
    assert.ok(
      !/[<>]/.test(text) && !bareAmpersand.test(text),
      `stray markup before ${match[0].slice(0, 40)}`,
    );
    assert.ok(!bareAmpersand.test(match[3] ?? ''), `bare & in ${match[0].slice(0, 60)}`);
    const names = [...(match[3] ?? '').matchAll(/([\w:-]+)=/g)].map((m) => m[1]);
    assert.equal(new Set(names).size, names.length, `repeated attribute in ${match[0].slice(0, 60)}`);
    end = match.index + match[0].length;
    if (match[1]) assert.equal(open.pop(), match[2], `unbalanced </${match[2]}>`);
    else if (!match[4]) open.push(match[2] as string);
    if (open.length === 0) assert.equal(xml.slice(end).trim(), '', 'content after the root element');
  }
  assert.deepEqual(open, [], 'unclosed elements');
  assert.ok(xml.startsWith('<svg '), 'root is not <svg>');
}

/** The rings of a path's d attribute, as pixel positions. */
function ringsOf(d: string): Position[][] {
  return [...d.matchAll(/M([^MZ]*)Z/g)].map((m) =>
    (m[1] ?? '')
      .trim()
      .split(' ')
      .map((pair) => pair.split(',').map(Number) as unknown as Position),
  );
}

const pathDataOf = (svg: string) => [...svg.matchAll(/<path [^>]*\bd="([^"]*)"/g)].map((m) => m[1] as string);

describe('renderWardMapSvg on the 21 generalised 2023 wards', () => {
  test('is well-formed and small', () => {
    assertWellFormed(linkedMap);
    const bytes = Buffer.byteLength(linkedMap);
    assert.ok(bytes < 40_000, `${bytes} bytes`);
    assert.equal(pathDataOf(linkedMap).length, 21);
    assert.equal(linkedMap.match(/<a /g)?.length, 21);
  });

  test('names every ward, escaped, as link label and title', () => {
    for (const ward of wards) {
      const name = escapeXml(ward.name);
      assert.ok(
        linkedMap.includes(`aria-label="${name}"><title>${name}</title>`) ||
          linkedMap.includes(`aria-label="${name}" aria-current="true"><title>${name}</title>`),
        ward.name,
      );
    }
    assert.ok(linkedMap.includes('Gorse Hill &amp; Cornbrook'));
    assert.ok(linkedMap.includes('href="/wards/E05015239?from=map&amp;view=all"'));
  });

  test('uses classes only: no style attributes, style elements or scripts', () => {
    assert.doesNotMatch(linkedMap, /\sstyle\s*=|<style|<script|\son\w+\s*=|javascript:/i);
    assert.equal(linkedMap.match(/class="kith-map__ward[ "]/g)?.length, 21);
    assert.equal(linkedMap.match(/kith-map__ward--current/g)?.length, 1);
    assert.match(
      linkedMap,
      /aria-label="Old Trafford" aria-current="true"><title>Old Trafford<\/title><path class="kith-map__ward kith-map__ward--current"/,
    );
  });

  test('is a labelled group when it has links, and an img when it has none', () => {
    assert.match(
      linkedMap,
      /^<svg [^>]*role="group" aria-labelledby="kith-map-title" aria-describedby="kith-map-desc">/,
    );
    assert.match(
      linkedMap,
      /<title id="kith-map-title">Wards in Trafford<\/title>\n<desc id="kith-map-desc">/,
    );
    const picture = renderWardMapSvg(wards, { width: 300, title: 'Trafford', idPrefix: 'small-map' });
    assertWellFormed(picture);
    assert.match(picture, /^<svg [^>]*role="img" aria-labelledby="small-map-title">/);
    assert.doesNotMatch(picture, /<a |aria-describedby|<desc/);
    assert.equal(
      picture.match(/<path class="kith-map__ward" d="[^"]+"><title>[^<]+<\/title><\/path>/g)?.length,
      21,
    );
  });

  test('two maps with different idPrefix share no ids', () => {
    const idsOf = (svg: string) => [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    const other = renderWardMapSvg(wards, { width: 300, title: 'Trafford', idPrefix: 'other' });
    const ids = [...idsOf(linkedMap), ...idsOf(other)];
    assert.equal(new Set(ids).size, ids.length);
    assert.throws(() => renderWardMapSvg(wards, { width: 300, title: 'x', idPrefix: 'a b"' }), /idPrefix/);
  });

  test('keeps every ring valid, inside the viewBox', () => {
    const [, , width, height] = (linkedMap.match(/viewBox="([^"]+)"/)?.[1] ?? '').split(' ').map(Number);
    assert.equal(width, WIDTH);
    for (const ring of pathDataOf(linkedMap).flatMap(ringsOf)) {
      assert.ok(ring.length >= 3, 'a ring needs 3 distinct points plus the closing Z');
      for (const [x, y] of ring)
        assert.ok(x >= 0 && x <= WIDTH && y >= 0 && y <= (height ?? 0), `${x},${y} outside`);
    }
  });

  test('is not stretched: the aspect ratio matches distances on the ground', () => {
    const [west, south, east, north] = wardsBox;
    const [left, top] = fitProjection(wardsBox, WIDTH).project([west, north]);
    const [right, bottom] = fitProjection(wardsBox, WIDTH).project([east, south]);
    const groundRatio = (Math.cos((((south + north) / 2) * Math.PI) / 180) * (east - west)) / (north - south);
    assert.ok(Math.abs((right - left) / (bottom - top) - groundRatio) < 1e-9);
  });

  test('puts each polling station inside its ward as drawn (or within a pixel of its edge)', () => {
    const locator = createWardLocator(wards);
    const projection = fitProjection(wardsBox, WIDTH);
    const drawn = new Map(wards.map((w, i) => [w.code, ringsOf(pathDataOf(linkedMap)[i] ?? '')]));
    for (const station of loadPollingStations()) {
      const ward = locator.wardAt(...station.position);
      if (!ward) continue; // Generalisation can leave a station just outside every ward.
      const pixel = projection.project(station.position);
      const rings = drawn.get(ward.code) ?? [];
      const inside = pointInGeometry(pixel, { type: 'Polygon', coordinates: rings.map(closeRing) });
      assert.ok(inside || distanceToRings(pixel, rings) < 1, `${station.name} drawn outside ${ward.name}`);
    }
  });

  test('simplifies the dense 2022 full-resolution wards to under 40 KB too', () => {
    const svg = renderWardMapSvg(loadTraffordBoundaries('ward2022_trafford_ward_full_resolution'), {
      width: WIDTH,
      title: 'Old wards',
    });
    assertWellFormed(svg);
    assert.ok(Buffer.byteLength(svg) < 40_000, `${Buffer.byteLength(svg)} bytes`);
    assert.ok(svg.includes('<title>St Mary&#39;s</title>'));
  });
});

describe('renderWardMapSvg escaping', () => {
  const hostile = `<script>&"'`;
  const square: WardShape = {
    code: `"><script>`,
    name: hostile,
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [0.01, 0],
          [0.01, 0.01],
          [0, 0.01],
          [0, 0],
        ],
      ],
    },
  };
  const svg = renderWardMapSvg([square], {
    width: 100,
    title: hostile,
    description: hostile,
    hrefFor: (ward) => `/wards/${ward.code}`,
    highlightCode: square.code,
  });

  test('escapes ward names, titles, descriptions and hrefs', () => {
    assertWellFormed(svg);
    assert.doesNotMatch(svg, /<script/);
    assert.equal(svg.match(/&lt;script&gt;&amp;&quot;&#39;/g)?.length, 4); // title, desc, aria-label, link title
    assert.ok(svg.includes('href="/wards/&quot;&gt;&lt;script&gt;"'));
  });

  test('rejects input it cannot draw', () => {
    assert.throws(() => renderWardMapSvg([], { width: 100, title: 'x' }), /at least one ward/);
    assert.throws(() => renderWardMapSvg([square], { width: Number.NaN, title: 'x' }), /width/);
    assert.throws(() => renderWardMapSvg([square], { width: 2, title: 'x' }), /width/);
  });
});

describe('renderWardMapSvg markers and origin', () => {
  const stations = loadPollingStations().slice(0, 12);
  const projection = fitProjection(wardsBox, WIDTH);
  const withMarkers = renderWardMapSvg(wards, {
    width: WIDTH,
    title: 'Results',
    hrefFor: (ward) => `/search?near=${ward.code}`,
    linkLabelFor: (ward) => `Nearest to ${ward.name}`,
    markers: [
      ...stations.map((s, i) => ({
        lon: s.position[0],
        lat: s.position[1],
        label: String(i + 1),
        title: `${i + 1}. ${s.name}`,
      })),
      { lon: 0, lat: 51.5, label: '99', title: 'Far away in London' },
    ],
    origin: { lon: -2.3467, lat: 53.3906, title: 'Altrincham <centre>' },
  });
  const markers = [
    ...withMarkers.matchAll(
      /<g class="kith-map__marker"><title>([^<]*)<\/title><circle cx="([\d.]+)" cy="([\d.]+)"/g,
    ),
  ];

  test('draws each point where it is, in the ward that contains it, and skips points off the map', () => {
    assertWellFormed(withMarkers);
    assert.equal(markers.length, stations.length, 'the London point is not drawn');
    const locator = createWardLocator(wards);
    const drawn = new Map(wards.map((w, i) => [w.code, ringsOf(pathDataOf(withMarkers)[i] ?? '')]));
    for (const station of stations) {
      const [x, y] = projection.project(station.position);
      const marker = markers.find((m) => m[1]?.endsWith(`. ${escapeXml(station.name)}`));
      assert.ok(marker, station.name);
      assert.ok(Math.abs(Number(marker[2]) - x) <= 0.05 && Math.abs(Number(marker[3]) - y) <= 0.05);
      const ward = locator.wardAt(...station.position);
      if (!ward) continue;
      const rings = drawn.get(ward.code) ?? [];
      const inside = pointInGeometry([x, y], { type: 'Polygon', coordinates: rings.map(closeRing) });
      assert.ok(inside || distanceToRings([x, y], rings) < 1, `${station.name} outside ${ward.name}`);
    }
  });

  test('number 1 is drawn last, so it is on top where points overlap', () => {
    assert.equal(markers.at(-1)?.[1], `1. ${escapeXml(stations[0]?.name ?? '')}`);
    assert.match(withMarkers, />1<\/text><\/g>\n<\/g>\n<\/svg>$/);
  });

  test('keeps the overlay away from assistive technology and clicks, and the ward links labelled', () => {
    assert.match(withMarkers, /<g class="kith-map__overlay" aria-hidden="true" pointer-events="none">/);
    assert.ok(
      withMarkers.includes('aria-label="Nearest to Altrincham"><title>Nearest to Altrincham</title>'),
    );
    assert.equal(withMarkers.match(/<a /g)?.length, 21);
    assert.doesNotMatch(withMarkers, /\sstyle\s*=|<style|<script/i);
  });

  test('marks the origin with an escaped title', () => {
    assert.match(
      withMarkers,
      /<g class="kith-map__origin"><title>Altrincham &lt;centre&gt;<\/title><path d="M[^"]+Z" fill="#ffdd00"/,
    );
    const without = renderWardMapSvg(wards, { width: WIDTH, title: 'Plain' });
    assert.doesNotMatch(without, /kith-map__overlay/);
  });
});

function closeRing(ring: Position[]): Position[] {
  return [...ring, ring[0] as Position];
}

function distanceToRings(p: Position, rings: Position[][]): number {
  let best = Number.POSITIVE_INFINITY;
  for (const ring of rings) {
    ring.forEach((a, i) => {
      const b = ring[(i + 1) % ring.length] as Position;
      const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
      const t = Math.max(
        0,
        Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy || 1)),
      );
      best = Math.min(best, Math.hypot(a[0] + t * dx - p[0], a[1] + t * dy - p[1]));
    });
  }
  return best;
}

/**
 * A geometry pre-processed for repeated containment tests.
 *
 * Full-resolution ward boundaries have up to ~5,000 vertices, so scanning every
 * edge costs ~10 µs per ward. Bucketing edges into horizontal bands means a
 * lookup only scans the few edges whose latitude span covers the point, which
 * brings a test down to well under a microsecond. The answers are identical to
 * pointInGeometry because both use edgeCrossesRayToRight on the same edges.
 */
import {
  type AreaGeometry,
  type BBox,
  bbox,
  edgeCrossesRayToRight,
  type Position,
  polygonsOf,
} from './geometry.js';

export interface PreparedArea {
  readonly bbox: BBox;
  contains(lon: number, lat: number): boolean;
}

/** Target average edges per band; memory grows as this shrinks. */
const EDGES_PER_BAND = 4;
const MAX_BANDS = 8192;

export function prepareArea(geometry: AreaGeometry): PreparedArea {
  const box = bbox(geometry);
  const [minLon, minLat, maxLon, maxLat] = box;

  // Flat [ax, ay, bx, by, …]; horizontal edges never cross a horizontal ray, so skip them.
  const flat: number[] = [];
  for (const polygon of polygonsOf(geometry)) {
    for (const ring of polygon) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const a = ring[j] as Position;
        const b = ring[i] as Position;
        if (a[1] !== b[1]) flat.push(a[0], a[1], b[0], b[1]);
      }
    }
  }
  const edges = Float64Array.from(flat);
  const edgeCount = edges.length / 4;
  const bandCount = Math.max(1, Math.min(MAX_BANDS, Math.ceil(edgeCount / EDGES_PER_BAND)));
  const bandHeight = (maxLat - minLat) / bandCount;
  // Monotonic in lat, so an edge spanning [lo, hi] is in every band a lat inside it maps to.
  const bandOf = (lat: number): number =>
    bandHeight > 0 ? Math.min(bandCount - 1, Math.max(0, Math.floor((lat - minLat) / bandHeight))) : 0;

  // Compressed rows: band k's edge numbers are members[starts[k] .. starts[k + 1]).
  const starts = new Int32Array(bandCount + 1);
  const spanOf = (e: number): [number, number] => {
    const ay = edges[e * 4 + 1] as number;
    const by = edges[e * 4 + 3] as number;
    return [bandOf(Math.min(ay, by)), bandOf(Math.max(ay, by))];
  };
  for (let e = 0; e < edgeCount; e++) {
    const [lo, hi] = spanOf(e);
    for (let k = lo; k <= hi; k++) starts[k + 1] = (starts[k + 1] as number) + 1;
  }
  for (let k = 0; k < bandCount; k++) starts[k + 1] = (starts[k + 1] as number) + (starts[k] as number);
  const members = new Int32Array(starts[bandCount] as number);
  const next = starts.slice(0, bandCount);
  for (let e = 0; e < edgeCount; e++) {
    const [lo, hi] = spanOf(e);
    for (let k = lo; k <= hi; k++) {
      members[next[k] as number] = e;
      next[k] = (next[k] as number) + 1;
    }
  }

  return {
    bbox: box,
    contains(lon: number, lat: number): boolean {
      // Written so NaN fails too. Outside the bbox the ray crosses an even number of edges anyway.
      if (!(lon >= minLon && lon <= maxLon && lat >= minLat && lat <= maxLat)) return false;
      const band = bandOf(lat);
      const end = starts[band + 1] as number;
      let inside = false;
      for (let m = starts[band] as number; m < end; m++) {
        const o = (members[m] as number) * 4;
        const crosses = edgeCrossesRayToRight(
          lon,
          lat,
          edges[o] as number,
          edges[o + 1] as number,
          edges[o + 2] as number,
          edges[o + 3] as number,
        );
        if (crosses) inside = !inside;
      }
      return inside;
    },
  };
}

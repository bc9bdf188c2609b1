/**
 * Planar geometry on GeoJSON (RFC 7946) WGS84 lon/lat areas.
 *
 * Containment treats lon/lat as a plane. That is exact enough for ward-sized
 * areas: the boundaries are densely sampled, so the curvature of an edge
 * between two vertices is far below the precision of the data itself.
 */

export type Position = readonly [lon: number, lat: number];

/** A closed ring: first and last positions are equal (RFC 7946 §3.1.6). */
export type LinearRing = readonly Position[];

export interface PolygonGeometry {
  readonly type: 'Polygon';
  /** The first ring is the outer boundary; any further rings are holes. */
  readonly coordinates: readonly LinearRing[];
}

export interface MultiPolygonGeometry {
  readonly type: 'MultiPolygon';
  readonly coordinates: readonly (readonly LinearRing[])[];
}

export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

/** [west, south, east, north]: the GeoJSON bbox order. */
export type BBox = readonly [minLon: number, minLat: number, maxLon: number, maxLat: number];

/** Every polygon of the geometry, so callers need not branch on its type. */
export function polygonsOf(geometry: AreaGeometry): readonly (readonly LinearRing[])[] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/**
 * Does a horizontal ray from (x, y) towards +x cross the edge a→b?
 *
 * Half-open rule: an edge counts when exactly one endpoint lies above y, so a
 * ray through a vertex is counted once and horizontal edges never count. The
 * crossing is computed from the lower endpoint whichever way the edge runs, so
 * two neighbouring polygons that share an edge get bit-identical answers and a
 * point on that edge belongs to exactly one of them (the one to its right),
 * never to both or neither.
 */
export function edgeCrossesRayToRight(
  x: number,
  y: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): boolean {
  if (ay > y === by > y) return false;
  const crossX = ay < by ? ax + ((y - ay) * (bx - ax)) / (by - ay) : bx + ((y - by) * (ax - bx)) / (ay - by);
  return x < crossX;
}

/**
 * Even-odd containment over every ring of every polygon. A point in a hole is
 * crossed by the outer ring and the hole, so it is outside; ring direction and
 * start point do not matter. Overlapping parts of an (invalid) multipolygon
 * cancel out, as they would when an SVG is filled with fill-rule="evenodd".
 */
export function pointInGeometry(point: Position, geometry: AreaGeometry): boolean {
  const [x, y] = point;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  let inside = false;
  for (const polygon of polygonsOf(geometry)) {
    for (const ring of polygon) {
      // j trails i so the closing edge (last → first) is included even for an unclosed ring.
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const a = ring[j] as Position;
        const b = ring[i] as Position;
        if (edgeCrossesRayToRight(x, y, a[0], a[1], b[0], b[1])) inside = !inside;
      }
    }
  }
  return inside;
}

/** Bounding box of all positions; an empty geometry gives [∞, ∞, -∞, -∞]. */
export function bbox(geometry: AreaGeometry): BBox {
  let minLon = Number.POSITIVE_INFINITY;
  let minLat = Number.POSITIVE_INFINITY;
  let maxLon = Number.NEGATIVE_INFINITY;
  let maxLat = Number.NEGATIVE_INFINITY;
  for (const polygon of polygonsOf(geometry)) {
    for (const ring of polygon) {
      for (const [lon, lat] of ring) {
        if (lon < minLon) minLon = lon;
        if (lon > maxLon) maxLon = lon;
        if (lat < minLat) minLat = lat;
        if (lat > maxLat) maxLat = lat;
      }
    }
  }
  return [minLon, minLat, maxLon, maxLat];
}

/** IUGG mean Earth radius; the sphere is within 0.5% of the ellipsoid everywhere. */
const EARTH_MEAN_RADIUS_METRES = 6_371_008.8;
const RADIANS_PER_DEGREE = Math.PI / 180;

/** Great-circle distance in metres between two lon/lat positions. */
export function haversineMetres(a: Position, b: Position): number {
  const lat1 = a[1] * RADIANS_PER_DEGREE;
  const lat2 = b[1] * RADIANS_PER_DEGREE;
  const sinHalfDLat = Math.sin((lat2 - lat1) / 2);
  const sinHalfDLon = Math.sin(((b[0] - a[0]) * RADIANS_PER_DEGREE) / 2);
  const h = sinHalfDLat * sinHalfDLat + Math.cos(lat1) * Math.cos(lat2) * sinHalfDLon * sinHalfDLon;
  // min() guards against h creeping past 1 by rounding for antipodal points.
  return 2 * EARTH_MEAN_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

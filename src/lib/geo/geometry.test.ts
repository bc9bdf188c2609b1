import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  bbox,
  haversineMetres,
  type LinearRing,
  type PolygonGeometry,
  type Position,
  pointInGeometry,
} from './geometry.js';

const polygon = (...rings: LinearRing[]): PolygonGeometry => ({ type: 'Polygon', coordinates: rings });
const rectangle = (x0: number, y0: number, x1: number, y1: number): Position[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];
const close = (open: readonly Position[]): Position[] => [...open, open[0] as Position];

/**
 * Small integers, so random points often land exactly on edges and vertices,
 * and the arithmetic is exact, which lets the properties demand equality.
 */
const coordinate = fc.integer({ min: -8, max: 8 }).map((n) => n / 2);
const position = fc.tuple(coordinate, coordinate) as fc.Arbitrary<Position>;
/** Any ring at all, self-intersecting included: the invariances hold regardless. */
const openRing = fc.array(position, { minLength: 3, maxLength: 12 });

describe('pointInGeometry', () => {
  test('is unchanged by reversing a ring or rotating its start point', () => {
    fc.assert(
      fc.property(openRing, fc.nat(), position, (ring, shift, point) => {
        const expected = pointInGeometry(point, polygon(close(ring)));
        const k = shift % ring.length;
        const rotated = [...ring.slice(k), ...ring.slice(0, k)];
        assert.equal(pointInGeometry(point, polygon(close([...ring].reverse()))), expected);
        assert.equal(pointInGeometry(point, polygon(close(rotated))), expected);
        // An unclosed ring is read as closed.
        assert.equal(pointInGeometry(point, polygon(ring)), expected);
      }),
      { numRuns: 2000 },
    );
  });

  test('a square with a hole excludes the hole, whichever way the rings run', () => {
    const outer = rectangle(0, 0, 10, 10);
    const hole = rectangle(3, 3, 7, 7);
    const inside = (x: number, y: number, lo: number, hi: number) => x > lo && x < hi && y > lo && y < hi;
    // Odd twentieths never land on a boundary (those are whole numbers); boundaries have their own test.
    const offGrid = fc.integer({ min: -40, max: 239 }).map((n) => (2 * n + 1) / 20);
    fc.assert(
      fc.property(offGrid, offGrid, fc.boolean(), (x, y, reverseHole) => {
        const geometry = polygon(outer, reverseHole ? [...hole].reverse() : hole);
        assert.equal(pointInGeometry([x, y], geometry), inside(x, y, 0, 10) && !inside(x, y, 3, 7));
      }),
      { numRuns: 500 },
    );
  });

  test('a multipolygon contains the points of each part and not of the gap', () => {
    const geometry = {
      type: 'MultiPolygon',
      coordinates: [[rectangle(0, 0, 1, 1)], [rectangle(2, 0, 3, 1)]],
    } as const;
    assert.equal(pointInGeometry([0.5, 0.5], geometry), true);
    assert.equal(pointInGeometry([2.5, 0.5], geometry), true);
    assert.equal(pointInGeometry([1.5, 0.5], geometry), false);
  });

  test('tiles that share edges and corners claim every point exactly once', () => {
    // Cut a box into a grid of cells and each cell into two triangles along a
    // diagonal, so there are slanted edges and vertices where up to 8 tiles meet.
    const cuts = fc
      .uniqueArray(fc.integer({ min: 1, max: 7 }), { maxLength: 3 })
      .map((inner) => [0, ...inner.sort((a, b) => a - b), 8]);
    const spans = (list: number[]) => list.slice(1).map((hi, i) => [list[i] as number, hi] as const);
    const half = fc.integer({ min: -2, max: 18 }).map((n) => n / 2);
    fc.assert(
      fc.property(cuts, cuts, fc.boolean(), fc.tuple(half, half), (xs, ys, slash, point) => {
        const tiles: LinearRing[] = [];
        for (const [x0, x1] of spans(xs)) {
          for (const [y0, y1] of spans(ys)) {
            const [a, b, c, d]: Position[] = [
              [x0, y0],
              [x1, y0],
              [x1, y1],
              [x0, y1],
            ];
            const split = slash
              ? [
                  [a, b, c],
                  [a, c, d],
                ]
              : [
                  [a, b, d],
                  [b, c, d],
                ];
            for (const triangle of split) tiles.push(close(triangle as Position[]));
          }
        }
        const claims = tiles.filter((tile) => pointInGeometry(point, polygon(tile))).length;
        assert.equal(claims, pointInGeometry(point, polygon(rectangle(0, 0, 8, 8))) ? 1 : 0);
      }),
      { numRuns: 1000 },
    );
  });

  test('with inexact coordinates, a point on a shared slanted edge is claimed exactly once', () => {
    // Tenths are inexact in binary, so the crossing arithmetic rounds; this only
    // holds because both neighbours compute the shared edge from the same endpoint.
    const tenths = fc.integer({ min: -1000, max: 1000 });
    const corner = fc.tuple(tenths, tenths);
    // Only a convex quadrilateral is tiled by the two triangles either side of its diagonal.
    const quadrilateral = fc.tuple(corner, corner, corner, corner).filter(isConvex);
    // Not within rounding of a or c: there the diagonal's rounding can reorder it against the
    // other edges through that vertex, which no convention can prevent (vertices in exact
    // arithmetic are covered by the tiling test above).
    const along = fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true });
    fc.assert(
      fc.property(quadrilateral, along, (corners, t) => {
        const [a, b, c, d] = corners.map(([x, y]): Position => [x / 10, y / 10]) as [
          Position,
          Position,
          Position,
          Position,
        ];
        const point: Position = [a[0] + t * (c[0] - a[0]), a[1] + t * (c[1] - a[1])];
        const claims = [close([a, b, c]), close([c, d, a])].filter((tile) =>
          pointInGeometry(point, polygon(tile)),
        );
        assert.equal(claims.length, Number(pointInGeometry(point, polygon(close([a, b, c, d])))));
      }),
      { numRuns: 5000 },
    );
  });

  test('non-finite points are outside', () => {
    const square = polygon(rectangle(0, 0, 1, 1));
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.equal(pointInGeometry([bad, 0.5], square), false);
      assert.equal(pointInGeometry([0.5, bad], square), false);
    }
  });
});

/** Strictly convex, either winding: every turn has the same nonzero sign. Exact for integer corners. */
function isConvex(corners: readonly (readonly [number, number])[]): boolean {
  const turns = corners.map((p, i) => {
    const q = corners[(i + 1) % corners.length] as Position;
    const r = corners[(i + 2) % corners.length] as Position;
    return Math.sign((q[0] - p[0]) * (r[1] - q[1]) - (q[1] - p[1]) * (r[0] - q[0]));
  });
  return turns.every((turn) => turn !== 0 && turn === turns[0]);
}

describe('bbox', () => {
  test('spans every ring of every polygon', () => {
    const geometry = {
      type: 'MultiPolygon',
      coordinates: [[rectangle(0, -1, 1, 1)], [rectangle(2, 0, 3, 4)]],
    } as const;
    assert.deepEqual(bbox(geometry), [0, -1, 3, 4]);
  });
});

describe('haversineMetres', () => {
  test('a degree of latitude is about 111.2 km', () => {
    assert.ok(Math.abs(haversineMetres([-2.3, 53], [-2.3, 54]) - 111_195) < 1);
  });

  test('Manchester Town Hall to Trafford Town Hall is about 4.8 km', () => {
    const distance = haversineMetres([-2.2446, 53.4794], [-2.3074, 53.4578]);
    assert.ok(distance > 4_700 && distance < 4_900, `got ${distance}`);
  });

  test('is symmetric, non-negative and zero from a point to itself', () => {
    const lonLat = fc.tuple(
      fc.double({ min: -180, max: 180, noNaN: true }),
      fc.double({ min: -90, max: 90, noNaN: true }),
    );
    fc.assert(
      fc.property(lonLat, lonLat, (a, b) => {
        assert.equal(haversineMetres(a, a), 0);
        const d = haversineMetres(a, b);
        assert.ok(d >= 0 && d <= Math.PI * 6_371_008.8 + 1);
        assert.ok(Math.abs(d - haversineMetres(b, a)) < 1e-6);
      }),
    );
  });
});

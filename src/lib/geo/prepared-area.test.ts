import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type AreaGeometry, bbox, type LinearRing, type Position, pointInGeometry } from './geometry.js';
import { prepareArea } from './prepared-area.js';
import { loadTraffordBoundaries, seededRandom } from './test-fixtures.js';

// Small integers: points often sit exactly on edges and vertices, where a band
// index is most likely to disagree with the plain scan.
const coordinate = fc.integer({ min: -6, max: 6 });
const position = fc.tuple(coordinate, coordinate) as fc.Arbitrary<Position>;
const ring = fc
  .array(position, { minLength: 3, maxLength: 40 })
  .map((open): LinearRing => [...open, open[0] as Position]);
const geometry: fc.Arbitrary<AreaGeometry> = fc.oneof(
  fc
    .array(ring, { minLength: 1, maxLength: 3 })
    .map((rings) => ({ type: 'Polygon', coordinates: rings }) as const),
  fc
    .array(fc.array(ring, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 3 })
    .map((polygons) => ({ type: 'MultiPolygon', coordinates: polygons }) as const),
);

test('prepareArea agrees with pointInGeometry on arbitrary rings', () => {
  fc.assert(
    fc.property(geometry, fc.array(position, { minLength: 1, maxLength: 20 }), (shape, points) => {
      const area = prepareArea(shape);
      for (const [x, y] of points)
        assert.equal(area.contains(x, y), pointInGeometry([x, y], shape), `at ${x},${y}`);
    }),
    { numRuns: 1000 },
  );
});

test('prepareArea agrees with pointInGeometry on real wards, at random points and at every vertex', () => {
  const wards = loadTraffordBoundaries('ward2023_trafford_ward_full_resolution');
  const random = seededRandom(2023);
  for (const ward of wards) {
    const area = prepareArea(ward.geometry);
    const [west, south, east, north] = bbox(ward.geometry);
    const samples = Array.from(
      { length: 300 },
      (): Position => [west + random() * (east - west), south + random() * (north - south)],
    );
    const vertices = ward.geometry.type === 'Polygon' ? ward.geometry.coordinates.flat() : [];
    for (const point of [...samples, ...vertices]) {
      assert.equal(
        area.contains(point[0], point[1]),
        pointInGeometry(point, ward.geometry),
        `${ward.name} at ${point}`,
      );
    }
  }
});

test('prepareArea rejects non-finite input', () => {
  const area = prepareArea({
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 0],
      ],
    ],
  });
  assert.equal(area.contains(Number.NaN, 0.5), false);
  assert.equal(area.contains(0.9, Number.POSITIVE_INFINITY), false);
  assert.equal(area.contains(0.9, 0.5), true);
});

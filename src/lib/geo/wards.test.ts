import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { bbox, type Position, pointInGeometry } from './geometry.js';
import {
  loadPollingStations,
  loadTraffordBoundaries,
  loadTraffordOutline,
  seededRandom,
} from './test-fixtures.js';
import { createWardLocator, parseWardCollection } from './wards.js';

const square = [
  [
    [0, 0],
    [1, 0],
    [1, 1],
    [0, 1],
    [0, 0],
  ],
];
const feature = (properties: unknown, geometry: unknown = { type: 'Polygon', coordinates: square }) => ({
  type: 'Feature',
  properties,
  geometry,
});
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });
const ward = (code: string, extra: object = {}) => ({ area_code: code, area_name: `Ward ${code}`, ...extra });

describe('parseWardCollection', () => {
  test('reads codes, names, geometry and string or number centroids', () => {
    const [first, second] = parseWardCollection(
      collection(
        feature(ward('A', { lon: '-2.3', lat: '53.4' })),
        feature(ward('B', { lon: -2.2, lat: 53.5 }), { type: 'MultiPolygon', coordinates: [square] }),
      ),
    );
    assert.deepEqual(first, {
      code: 'A',
      name: 'Ward A',
      geometry: { type: 'Polygon', coordinates: square },
      centroid: [-2.3, 53.4],
    });
    assert.equal(second?.geometry.type, 'MultiPolygon');
    assert.deepEqual(second?.centroid, [-2.2, 53.5]);
  });

  test('copies positions, dropping altitude, and honours custom property names', () => {
    const ring = [
      [0, 0, 9],
      [1, 0, 9],
      [1, 1, 9],
      [0, 0, 9],
    ];
    const input = collection(
      feature({ WD23CD: 'X', WD23NM: 'Ex' }, { type: 'Polygon', coordinates: [ring] }),
    );
    const [parsed] = parseWardCollection(input, { code: 'WD23CD', name: 'WD23NM' });
    assert.deepEqual(parsed?.geometry.coordinates, [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 0],
      ],
    ]);
    assert.equal(parsed?.centroid, undefined);
    (ring[0] as number[])[0] = 5;
    assert.deepEqual(parsed?.geometry.coordinates[0]?.[0], [0, 0]);
  });

  const rejections: [string, unknown, RegExp][] = [
    ['null', null, /expected a FeatureCollection object, got null/],
    ['an array', [], /got an array/],
    ['a single Feature', feature(ward('A')), /expected type "FeatureCollection", got "Feature"/],
    ['missing features', { type: 'FeatureCollection' }, /"features" must be an array, got undefined/],
    ['a non-feature', collection(42), /features\[0\] is not a GeoJSON Feature/],
    ['no code', collection(feature({ area_name: 'Nameless' })), /features\[0\] has no "area_code" property/],
    ['blank code', collection(feature(ward('  '))), /features\[0\] has no "area_code" property/],
    ['numeric code', collection(feature({ area_code: 5, area_name: 'x' })), /has no "area_code" property/],
    ['no name', collection(feature({ area_code: 'A' })), /features\[0\] \("A"\) has no "area_name" property/],
    ['no properties', collection({ type: 'Feature', geometry: null }), /features\[0\] has no "area_code"/],
    ['null geometry', collection(feature(ward('A'), null)), /features\[0\] \("A"\) has no geometry/],
    [
      'a Point',
      collection(feature(ward('A'), { type: 'Point', coordinates: [0, 0] })),
      /unsupported geometry type "Point"; expected Polygon or MultiPolygon/,
    ],
    [
      'no rings',
      collection(feature(ward('A'), { type: 'Polygon', coordinates: [] })),
      /non-empty array of rings/,
    ],
    [
      'no polygons',
      collection(feature(ward('A'), { type: 'MultiPolygon', coordinates: [] })),
      /MultiPolygon needs a non-empty array of polygons/,
    ],
    [
      'a short ring',
      collection(
        feature(ward('A'), {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 1],
              [0, 0],
            ],
          ],
        }),
      ),
      /ring 0 has 3 positions; a closed ring needs at least 4/,
    ],
    [
      'an open ring',
      collection(
        feature(ward('A'), {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 1],
            ],
          ],
        }),
      ),
      /ring 0 is not closed/,
    ],
    [
      'string coordinates',
      collection(
        feature(ward('A'), {
          type: 'Polygon',
          coordinates: [
            [
              ['0', '0'],
              [1, 0],
              [1, 1],
              [0, 0],
            ],
          ],
        }),
      ),
      /ring 0 position 0 is \["0","0"\]; expected \[lon, lat\]/,
    ],
    [
      'British National Grid coordinates',
      collection(
        feature(ward('A'), {
          type: 'Polygon',
          coordinates: [
            [
              [383000, 398000],
              [383100, 398000],
              [383100, 398100],
              [383000, 398000],
            ],
          ],
        }),
      ),
      /features\[0\] \("A"\) ring 0 position 0 is \[383000,398000\]; expected \[lon, lat\] in WGS84 degrees/,
    ],
    [
      'a bad hole in part 1',
      collection(feature(ward('A'), { type: 'MultiPolygon', coordinates: [square, [square[0], 'x']] })),
      /polygon 1 ring 1 is not an array of positions/,
    ],
    [
      'a repeated code',
      collection(feature(ward('A')), feature(ward('B')), feature(ward('A'))),
      /features\[2\] \("A"\) repeats the ward code of features\[0\]/,
    ],
    [
      'a bad centroid',
      collection(feature(ward('A', { lon: 'west', lat: '53' }))),
      /invalid centroid: "lon" "west", "lat" "53"/,
    ],
  ];
  for (const [what, input, message] of rejections) {
    test(`rejects ${what}`, () => {
      assert.throws(
        () => parseWardCollection(input),
        (error: unknown) => {
          assert.ok(error instanceof Error);
          assert.match(error.message, /^Invalid ward GeoJSON: /);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  test('given any garbage, returns wards or throws an Error saying what is wrong', () => {
    const garbage = fc.anything({
      withNullPrototype: true,
      withBigInt: true,
      withSparseArray: true,
      maxDepth: 6,
    });
    const nearlyValid = fc.oneof(
      garbage.map((features) => ({ type: 'FeatureCollection', features })),
      garbage.map((x) => collection(x)),
      fc.tuple(garbage, garbage).map(([properties, geometry]) => collection(feature(properties, geometry))),
      garbage.map((coordinates) => collection(feature(ward('A'), { type: 'Polygon', coordinates }))),
      garbage.map((ring) => collection(feature(ward('A'), { type: 'Polygon', coordinates: [ring] }))),
    );
    fc.assert(
      fc.property(fc.oneof(garbage, nearlyValid), (input) => {
        try {
          assert.ok(Array.isArray(parseWardCollection(input)));
        } catch (error) {
          assert.ok(
            error instanceof Error && error.message.startsWith('Invalid ward GeoJSON: '),
            String(error),
          );
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Trafford boundaries', () => {
  const stations = loadPollingStations();

  test('every polling station lies in the 2022 ward its CSV row names', () => {
    assert.equal(stations.length, 81);
    const locator = createWardLocator(loadTraffordBoundaries('ward2022_trafford_ward_full_resolution'));
    const mismatches = stations
      .map((station) => ({ station, found: locator.wardAt(...station.position) }))
      .filter(({ station, found }) => found?.code !== station.wardCode)
      .map(
        ({ station, found }) =>
          `${station.id} ${station.name}: listed ${station.wardName}, found ${found?.name ?? 'none'}`,
      );
    assert.deepEqual(mismatches, []);
  });

  test('the 2023 wards are E05015239..E05015259', () => {
    const codes = loadTraffordBoundaries('ward2023_trafford_ward_full_resolution').map((w) => w.code);
    const expected = Array.from({ length: 21 }, (_, i) => `E0501${5239 + i}`);
    assert.deepEqual([...codes].sort(), expected);
  });

  test('every polling station falls in exactly one 2023 ward, and faraway points in none', () => {
    const wards = loadTraffordBoundaries('ward2023_trafford_ward_full_resolution');
    for (const station of stations) {
      const containing = wards
        .filter((w) => pointInGeometry(station.position, w.geometry))
        .map((w) => w.name);
      assert.equal(containing.length, 1, `${station.name} is in [${containing.join(', ')}]`);
    }
    const london: Position = [-0.1276, 51.5072];
    for (const faraway of [london, [0, 0] as const]) {
      assert.deepEqual(
        wards.filter((w) => pointInGeometry(faraway, w.geometry)),
        [],
      );
    }
  });

  test('every polling station is inside the borough outline', () => {
    const outline = loadTraffordOutline();
    const outside = stations.filter((s) => !pointInGeometry(s.position, outline)).map((s) => s.name);
    assert.deepEqual(outside, []);
  });

  test('random points in the borough bbox are in at most one 2023 ward', () => {
    const wards = loadTraffordBoundaries('ward2023_trafford_ward_full_resolution');
    const [west, south, east, north] = bbox(loadTraffordOutline());
    const lon = fc.double({ min: west, max: east, noNaN: true });
    const lat = fc.double({ min: south, max: north, noNaN: true });
    fc.assert(
      fc.property(lon, lat, (x, y) => {
        assert.ok(wards.filter((w) => pointInGeometry([x, y], w.geometry)).length <= 1);
      }),
      { numRuns: 500 },
    );
  });

  test('ward vertices, where neighbours touch, are in at most one ward', () => {
    const wards = loadTraffordBoundaries('ward2023_trafford_ward_full_resolution');
    const random = seededRandom(21);
    const vertices = wards.flatMap((w) =>
      w.geometry.type === 'Polygon' ? w.geometry.coordinates.flat() : [],
    );
    for (let i = 0; i < 1000; i++) {
      const vertex = vertices[Math.floor(random() * vertices.length)] as Position;
      assert.ok(wards.filter((w) => pointInGeometry(vertex, w.geometry)).length <= 1, `at ${vertex}`);
    }
  });
});

describe('createWardLocator', () => {
  const wards = loadTraffordBoundaries('ward2023_trafford_ward_full_resolution');
  const locator = createWardLocator(wards);

  test('finds the same ward as testing each ward in turn', () => {
    const [west, south, east, north] = bbox(loadTraffordOutline());
    fc.assert(
      fc.property(
        fc.double({ min: west - 0.01, max: east + 0.01, noNaN: true }),
        fc.double({ min: south - 0.01, max: north + 0.01, noNaN: true }),
        (x, y) => {
          const expected = wards.find((w) => pointInGeometry([x, y], w.geometry)) ?? null;
          assert.equal(locator.wardAt(x, y), expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('returns null for faraway and non-finite input', () => {
    assert.equal(locator.wardAt(-0.1276, 51.5072), null);
    assert.equal(locator.wardAt(0, 0), null);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.equal(locator.wardAt(bad, 53.4), null);
      assert.equal(locator.wardAt(-2.3, bad), null);
    }
  });

  test('answers in microseconds', () => {
    const random = seededRandom(7);
    const [west, south, east, north] = bbox(loadTraffordOutline());
    const points = Array.from(
      { length: 100_000 },
      () => [west + random() * (east - west), south + random() * (north - south)] as const,
    );
    const started = performance.now();
    let found = 0;
    for (const [x, y] of points) if (locator.wardAt(x, y)) found++;
    const microsecondsEach = ((performance.now() - started) * 1000) / points.length;
    assert.ok(found > 50_000, `only ${found} points landed in a ward`);
    // Typically ~0.3 µs. Scanning every edge of every ward would be ~40 µs, so the generous
    // limit still catches the index being bypassed, without flaking on a slow CI machine.
    assert.ok(microsecondsEach < 10, `${microsecondsEach.toFixed(2)} µs per lookup`);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type Point, simplifyRing } from './simplify.js';

const point = fc
  .tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }))
  .map(([x, y]): Point => [x / 4, y / 4]);
const openRing = fc.array(point, { minLength: 3, maxLength: 60 });
const tolerance = fc.constantFrom(0, 0.5, 2, 10);

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const lengthSquared = dx * dx + dy * dy;
  const t =
    lengthSquared === 0
      ? 0
      : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / lengthSquared));
  return Math.hypot(a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
}

test('simplifyRing keeps a subsequence of ≥ 3 points, starting with the first', () => {
  fc.assert(
    fc.property(openRing, tolerance, fc.boolean(), (ring, tol, closed) => {
      // An "open" ring whose last point repeats its first is a closed ring of one point fewer
      // (found by fast-check: [a, b, a] is the two-point ring a–b), so it is not an open one.
      const [first, last] = [ring[0] as Point, ring.at(-1) as Point];
      fc.pre(closed || first[0] !== last[0] || first[1] !== last[1]);
      const input = closed ? [...ring, ring[0] as Point] : ring;
      const result = simplifyRing(input, tol);
      assert.ok(result.length >= 3);
      assert.equal(result[0], ring[0]);
      let cursor = 0;
      for (const kept of result) {
        cursor = ring.indexOf(kept, cursor);
        assert.ok(cursor >= 0, 'output is not a subsequence of the input');
        cursor++;
      }
    }),
    { numRuns: 1000 },
  );
});

test('simplifyRing moves no point further than the tolerance from the outline', () => {
  fc.assert(
    fc.property(openRing, tolerance, (ring, tol) => {
      const result = simplifyRing(ring, tol);
      const edges = result.map((a, i) => [a, result[(i + 1) % result.length] as Point] as const);
      for (const p of ring) {
        const nearest = Math.min(...edges.map(([a, b]) => distanceToSegment(p, a, b)));
        assert.ok(nearest <= tol + 1e-9, `${p} is ${nearest} from the simplified ring`);
      }
    }),
    { numRuns: 1000 },
  );
});

test('simplifyRing reduces a finely sampled circle', () => {
  const circle = Array.from(
    { length: 1000 },
    (_, i): Point => [100 * Math.cos((2 * Math.PI * i) / 1000), 100 * Math.sin((2 * Math.PI * i) / 1000)],
  );
  const simplified = simplifyRing(circle, 0.5);
  assert.ok(simplified.length > 10 && simplified.length < 100, `${simplified.length} points`);
});

test('simplifyRing keeps a sliver as a triangle', () => {
  const sliver: Point[] = [
    [0, 0],
    [5, 0.1],
    [10, 0],
    [5, -0.1],
    [0, 0],
  ];
  assert.equal(simplifyRing(sliver, 1).length, 3);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from './seeded.js';

test('the same seed gives the same numbers, in [0, 1); another seed gives others', () => {
  const a = seededRandom(2026);
  const b = seededRandom(2026);
  const first = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(
    Array.from({ length: 1000 }, () => b()),
    first,
  );
  assert.ok(first.every((x) => x >= 0 && x < 1));
  const c = seededRandom(2027);
  assert.notDeepEqual(
    Array.from({ length: 10 }, () => c()),
    first.slice(0, 10),
  );
  // mulberry32's published first output for seed 1 (as in every copy of the algorithm).
  assert.equal(seededRandom(1)(), 0.6270739405881613);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { pageNumbers } from './pagination.js';

test('first, last and the neighbours of the current page, with gaps marked', () => {
  assert.deepEqual(pageNumbers(1, 1), [1]);
  assert.deepEqual(pageNumbers(5, 10), [1, null, 4, 5, 6, null, 10]);
  assert.deepEqual(pageNumbers(2, 10), [1, 2, 3, null, 10]);
  assert.deepEqual(pageNumbers(5, 10, 2), [1, null, 3, 4, 5, 6, 7, null, 10]);
  // Past the end (a stale link): the last page is still offered.
  assert.deepEqual(pageNumbers(12, 10), [1, null, 10]);
});

test('never two gaps together, numbers ascending and within the pages', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 0, max: 3 }),
      (c, t, a) => {
        const out = pageNumbers(c, t, a);
        const numbers = out.filter((n): n is number => n !== null);
        assert.deepEqual(
          numbers,
          [...numbers].sort((x, y) => x - y),
        );
        assert.ok(numbers.every((n) => n >= 1 && n <= t));
        assert.ok(out.every((n, i) => n !== null || (out[i - 1] !== null && out[i + 1] !== null)));
      },
    ),
  );
});

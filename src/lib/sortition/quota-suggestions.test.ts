import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  oneDecimal,
  percent,
  quotasConsistent,
  suggestFromShares,
  suggestQuotas,
} from './quota-suggestions.js';

test('a 51.2% share of 50 seats is 25.6 seats, suggested as 24 to 27', () => {
  const [women, men] = suggestQuotas(
    [
      { value: 'female', label: 'Female', count: 512 },
      { value: 'male', label: 'Male', count: 488 },
    ],
    50,
  );
  assert.equal(percent(women?.share ?? 0), 51.2);
  assert.equal(oneDecimal(women?.target ?? 0), 25.6);
  assert.equal(women?.min, 24);
  assert.equal(women?.max, 27);
  assert.equal(oneDecimal(men?.target ?? 0), 24.4);
  assert.equal(men?.min, 23);
  assert.equal(men?.max, 26);
});

test('a whole-number target is not widened by rounding: 1/3 of 30 seats is exactly 10, so 9 to 11', () => {
  const quotas = suggestQuotas(
    [
      { value: 'a', label: 'A', count: 1 },
      { value: 'b', label: 'B', count: 1 },
      { value: 'c', label: 'C', count: 1 },
    ],
    30,
  );
  for (const q of quotas) {
    assert.equal(q.target, 10);
    assert.equal(q.min, 9);
    assert.equal(q.max, 11);
  }
});

test('small groups never go below 0 seats, and nobody gets more seats than the panel', () => {
  const [tiny, big] = suggestQuotas(
    [
      { value: 'tiny', label: 'Tiny', count: 1 },
      { value: 'big', label: 'Big', count: 999 },
    ],
    10,
    2,
  );
  assert.deepEqual([tiny?.min, tiny?.max], [0, 3]);
  assert.deepEqual([big?.min, big?.max], [7, 10]);
});

test('a value nobody has gets 0 to the tolerance', () => {
  const [none] = suggestQuotas(
    [
      { value: 'none', label: 'None', count: 0 },
      { value: 'all', label: 'All', count: 10 },
    ],
    20,
  );
  assert.deepEqual([none?.share, none?.target, none?.min, none?.max], [0, 0, 0, 1]);
});

test('tolerance 0 gives the floor and the ceiling of the target', () => {
  const [a] = suggestQuotas(
    [
      { value: 'a', label: 'A', count: 2 },
      { value: 'b', label: 'B', count: 3 },
    ],
    7,
    0,
  );
  assert.equal(a?.min, 2);
  assert.equal(a?.max, 3);
});

test('nonsense is refused: no population, a negative count, a panel of 0, a fractional tolerance', () => {
  assert.throws(() => suggestQuotas([], 10), RangeError);
  assert.throws(() => suggestQuotas([{ value: 'a', label: 'A', count: 0 }], 10), RangeError);
  assert.throws(() => suggestQuotas([{ value: 'a', label: 'A', count: -1 }], 10), RangeError);
  assert.throws(() => suggestQuotas([{ value: 'a', label: 'A', count: 1 }], 0), RangeError);
  assert.throws(() => suggestQuotas([{ value: 'a', label: 'A', count: 1 }], 10, 0.5), RangeError);
});

test('shares that do not quite add up to 1 are treated as the proportions they are', () => {
  const quotas = suggestFromShares(
    [
      { value: 'a', label: 'A', share: 0.3 },
      { value: 'b', label: 'B', share: 0.3 },
    ],
    10,
  );
  assert.deepEqual(
    quotas.map((q) => q.target),
    [5, 5],
  );
});

test('quotasConsistent checks min ≤ max ≤ k and Σ min ≤ k ≤ Σ max', () => {
  assert.equal(
    quotasConsistent(
      [
        { min: 2, max: 5 },
        { min: 3, max: 5 },
      ],
      8,
    ),
    true,
  );
  assert.equal(
    quotasConsistent(
      [
        { min: 5, max: 5 },
        { min: 4, max: 5 },
      ],
      8,
    ),
    false,
  );
  assert.equal(
    quotasConsistent(
      [
        { min: 0, max: 3 },
        { min: 0, max: 4 },
      ],
      8,
    ),
    false,
  );
  assert.equal(
    quotasConsistent(
      [
        { min: 4, max: 3 },
        { min: 0, max: 8 },
      ],
      8,
    ),
    false,
  );
  assert.equal(quotasConsistent([{ min: 0, max: 9 }], 8), false);
});

const countsArb = fc
  .array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: 25 })
  .filter((cs) => cs.some((c) => c > 0));

test('property: suggested quotas always hold together for any population, panel and tolerance', () => {
  fc.assert(
    fc.property(countsArb, fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 5 }), (cs, k, tol) => {
      const quotas = suggestQuotas(
        cs.map((count, i) => ({ value: `v${i}`, label: `V${i}`, count })),
        k,
        tol,
      );
      assert.ok(quotasConsistent(quotas, k));
      for (const q of quotas) {
        assert.ok(q.min >= 0 && q.max <= k);
        assert.ok(q.min <= q.target && q.target <= q.max);
        assert.ok(q.target - q.min <= tol + 1 && q.max - q.target <= tol + 1);
      }
    }),
  );
});

test('property: the targets add up to the panel size and the shares to 1', () => {
  fc.assert(
    fc.property(countsArb, fc.integer({ min: 1, max: 500 }), (cs, k) => {
      const quotas = suggestQuotas(
        cs.map((count, i) => ({ value: `v${i}`, label: `V${i}`, count })),
        k,
      );
      const targets = quotas.reduce((s, q) => s + q.target, 0);
      const shares = quotas.reduce((s, q) => s + q.share, 0);
      assert.ok(Math.abs(targets - k) < 1e-9 * k);
      assert.ok(Math.abs(shares - 1) < 1e-9);
    }),
  );
});

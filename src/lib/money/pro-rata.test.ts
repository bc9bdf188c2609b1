import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { proRataPence } from './pro-rata.js';

test('a whole hour costs the hourly rate; nothing costs nothing', () => {
  assert.equal(proRataPence(1500, 60), 1500);
  assert.equal(proRataPence(1500, 0), 0);
  assert.equal(proRataPence(0, 90), 0);
});

test('15 minutes and 1 hour 1 minute, on even and odd rates', () => {
  assert.equal(proRataPence(1200, 15), 300); // £12/hour: exactly £3
  assert.equal(proRataPence(1250, 15), 313); // 312.5p rounds half up
  assert.equal(proRataPence(1201, 15), 300); // 300.25p rounds down
  assert.equal(proRataPence(1203, 15), 301); // 300.75p rounds up
  assert.equal(proRataPence(1200, 61), 1220); // exactly £12.20
  assert.equal(proRataPence(999, 61), 1016); // 1015.65p
  assert.equal(proRataPence(750, 61), 763); // 762.5p rounds half up
});

test('a penny an hour: under half a penny is free, half a penny or more is a penny', () => {
  assert.equal(proRataPence(1, 29), 0);
  assert.equal(proRataPence(1, 30), 1);
  assert.equal(proRataPence(1, 89), 1);
  assert.equal(proRataPence(1, 90), 2);
});

test('never more than half a penny from the exact price, and never less for longer', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 1440 }), (rate, minutes) => {
      const p = proRataPence(rate, minutes);
      assert.ok(Number.isSafeInteger(p));
      // |p − rate×minutes/60| ≤ ½, in whole numbers: |60p − rate×minutes| ≤ 30.
      assert.ok(Math.abs(60 * p - rate * minutes) <= 30);
      assert.ok(proRataPence(rate, minutes + 1) >= p);
    }),
  );
});

test('refuses rates and lengths that are not whole, or negative', () => {
  assert.throws(() => proRataPence(12.5, 60), RangeError);
  assert.throws(() => proRataPence(-1, 60), RangeError);
  assert.throws(() => proRataPence(100, 1.5), RangeError);
});

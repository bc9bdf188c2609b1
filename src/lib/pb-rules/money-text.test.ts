import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMoney, formatMoneyApprox, fracText, ordinal, plural } from './money-text.js';
import { frac } from './rational.js';

test('money is written the way people read it, in the election currency', () => {
  const gbp = { scale: 1n, currency: 'GBP' };
  assert.equal(formatMoney(3100n, gbp), '£3,100');
  assert.equal(formatMoney(1234567n, { scale: 1n, currency: 'PLN' }), '1,234,567 PLN');
  assert.equal(formatMoney(5000n, { scale: 1n, currency: 'EUR' }), '€5,000');
  assert.equal(formatMoney(42n, { scale: 1n, currency: '' }), '42');
  assert.equal(formatMoney(310050n, { scale: 100n, currency: 'GBP' }), '£3,100.50');
  assert.equal(formatMoney(310000n, { scale: 100n, currency: 'GBP' }), '£3,100');
  assert.equal(formatMoney(5n, { scale: 100n, currency: 'GBP' }), '£0.05');
});

test('exact fractions of money are rounded to the penny for reading, and kept exact for traces', () => {
  const gbp = { scale: 1n, currency: 'GBP' };
  assert.equal(formatMoneyApprox(frac(13n, 6n), gbp), '£2.17');
  assert.equal(formatMoneyApprox(frac(7n, 2n), gbp), '£3.50');
  assert.equal(formatMoneyApprox(frac(3n), gbp), '£3');
  // 1/200 of a pound is half a penny: rounds up.
  assert.equal(formatMoneyApprox(frac(1n, 200n), gbp), '£0.01');
  assert.equal(formatMoneyApprox(frac(2501n, 1n), { scale: 100n, currency: 'GBP' }), '£25.01');
  assert.equal(fracText(frac(13n, 6n)), '13/6');
  assert.equal(fracText(frac(4n, 2n)), '2');
});

test('ordinals and plurals', () => {
  assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal), [
    '1st',
    '2nd',
    '3rd',
    '4th',
    '11th',
    '12th',
    '13th',
    '21st',
    '22nd',
    '101st',
    '111th',
  ]);
  assert.equal(plural(1, 'vote', 'votes'), '1 vote');
  assert.equal(plural(1204, 'vote', 'votes'), '1,204 votes');
  assert.equal(plural(0, 'vote', 'votes'), '0 votes');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { moneyIn, platformMoney } from './ballot-view.js';

test('the ballot’s cached money formatting says exactly what the platform’s does', () => {
  for (const lang of ['en', 'cy'] as const) {
    const mine = moneyIn(lang);
    const theirs = platformMoney(lang);
    assert.equal(mine(5_000_000n), '£50,000');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 100_000_000_000n }), (pence) => mine(pence) === theirs(pence)),
      { numRuns: 500 },
    );
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parsePounds, poundsText } from './pounds.js';

test('amounts people type become exact pence', () => {
  const cases: [string, bigint | null][] = [
    ['0', 0n],
    ['1', 100n],
    ['12.5', 1250n],
    ['12.50', 1250n],
    ['£1,250.05', 125005n],
    ['  250000 ', 25000000n],
    ['1,000,000,000', 100000000000n],
    ['9999999999.99', 999999999999n],
    ['12.505', null],
    ['12,34', null],
    ['1,2345', null],
    ['-5', null],
    ['£', null],
    ['', null],
    ['1e3', null],
    ['0x10', null],
    ['12.', null],
    ['.5', null],
    ['99999999999', null],
  ];
  for (const [text, pence] of cases) assert.equal(parsePounds(text), pence, text);
});

test('what poundsText writes reads back as the same pence', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 999_999_999_999n }), (pence) => {
      assert.equal(parsePounds(poundsText(pence)), pence);
    }),
  );
});

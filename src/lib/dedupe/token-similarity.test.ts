import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareTokens, withinOneEdit } from './token-similarity.js';

const units = (token: string) => (token === 'club' ? 1 : 4);

test('one edit: an insertion, a deletion, a substitution or a swap of neighbours', () => {
  assert.ok(withinOneEdit('harriers', 'hariers'));
  assert.ok(withinOneEdit('hariers', 'harriers'));
  assert.ok(withinOneEdit('harriers', 'harriors'));
  assert.ok(withinOneEdit('trafford', 'trafofrd'));
  assert.ok(withinOneEdit('sale', 'sale'));
  assert.ok(!withinOneEdit('harriers', 'harri'));
  assert.ok(!withinOneEdit('trafford', 'salford'));
  assert.ok(!withinOneEdit('abcd', 'badc'));
});

test('withinOneEdit agrees with a plain edit-distance count', () => {
  const distance = (a: string, b: string): number => {
    // Optimal string alignment distance, the textbook dynamic programme.
    const d = Array.from({ length: a.length + 1 }, (_, i) =>
      Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        const row = d[i] as number[];
        const up = d[i - 1] as number[];
        row[j] = Math.min(
          (up[j] as number) + 1,
          (row[j - 1] as number) + 1,
          (up[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
        }
      }
    }
    return (d[a.length] as number[])[b.length] as number;
  };
  const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 7 });
  fc.assert(
    fc.property(word, word, (a, b) => {
      assert.equal(withinOneEdit(a, b), distance(a, b) <= 1, `${a} / ${b}`);
    }),
    { numRuns: 3000 },
  );
});

test('similarity weighs generic words less, forgives typos and split words, never fuzzes numbers', () => {
  assert.equal(compareTokens(['sale', 'harrier'], ['sale', 'harrier'], units).dice, 1);
  assert.equal(compareTokens(['food', 'bank'], ['foodbank'], units).dice, 1);
  assert.equal(compareTokens(['altrincham', 'judo'], ['altrincham', 'judo', 'club'], units).dice, 16 / 17);
  assert.equal(
    compareTokens(['sale', 'harrier'], ['sale', 'harier'], units).dice,
    (10 * 8 + 9 * 8) / (10 * 16),
  );
  assert.equal(compareTokens(['unit1'], ['unit2'], units).dice, 0);
  assert.equal(compareTokens([], ['sale'], units).dice, 0);
  assert.deepEqual(compareTokens(['flat', '2', '10'], ['10'], units), {
    dice: 0.5,
    overlap: 1,
    numbersConflict: false,
  });
  assert.equal(compareTokens(['flat', '2', '10'], ['flat', '3', '10'], units).numbersConflict, true);
});

test('token similarity is symmetric and in [0, 1]', () => {
  const tokens = fc.array(
    fc.constantFrom(
      'sale',
      'harrier',
      'harier',
      'food',
      'bank',
      'foodbank',
      'club',
      '1',
      '2',
      'salesharks',
      'sharks',
    ),
    {
      maxLength: 6,
    },
  );
  fc.assert(
    fc.property(tokens, tokens, (a, b) => {
      const forward = compareTokens(a, b, units);
      assert.deepEqual(compareTokens(b, a, units), forward);
      for (const value of [forward.dice, forward.overlap]) assert.ok(value >= 0 && value <= 1, String(value));
    }),
    { numRuns: 3000 },
  );
});

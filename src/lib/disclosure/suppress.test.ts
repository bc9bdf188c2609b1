import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type Disclosed, discloseCount, disclosePartsOfTotal } from './suppress.js';

const s = (d: Disclosed | null) => (d === null ? null : d.status === 'shown' ? d.value : d.status);

test('a count on its own: 0 and 10 or more are shown, 1 to 9 never are', () => {
  assert.deepEqual(discloseCount(0), { status: 'shown', value: 0 });
  for (let n = 1; n <= 9; n++) assert.deepEqual(discloseCount(n), { status: 'low', value: null }, `${n}`);
  for (const n of [10, 11, 99, 100, 2140, Number.MAX_SAFE_INTEGER])
    assert.deepEqual(discloseCount(n), { status: 'shown', value: n });
});

test('anything that is not a whole count of 0 or more is refused rather than guessed at', () => {
  for (const bad of [-1, 1.5, 9.99, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
    assert.throws(() => discloseCount(bad), RangeError, String(bad));
    assert.throws(() => disclosePartsOfTotal([bad], 100), RangeError, String(bad));
    assert.throws(() => disclosePartsOfTotal([10], bad), RangeError, String(bad));
  }
});

test('parts without a published total: each is judged on its own', () => {
  const r = disclosePartsOfTotal([3, 40, 0, 12], null);
  assert.deepEqual(r.parts.map(s), ['low', 40, 0, 12]);
  assert.equal(r.total, null);
});

test('one small part of a total: the next smallest part is withheld, so subtraction finds nothing', () => {
  // 2,140 older people: 7 in one street, 40 in another, 2,093 elsewhere.
  const r = disclosePartsOfTotal([7, 40, 2093], 2140);
  assert.deepEqual(r.parts.map(s), ['low', 'withheld', 2093]);
  assert.equal(s(r.total), 2140);
});

test('zeros are never the part withheld; nothing else to withhold means the total is withheld', () => {
  assert.deepEqual((({ parts, total }) => [parts.map(s), s(total)])(disclosePartsOfTotal([4, 0, 30], 34)), [
    ['low', 0, 'withheld'],
    34,
  ]);
  const allSmall = disclosePartsOfTotal([4, 0, 8], 12);
  assert.deepEqual(allSmall.parts.map(s), ['low', 0, 'low']);
  assert.equal(s(allSmall.total), 'withheld');
  const alone = disclosePartsOfTotal([5], 5);
  assert.deepEqual(alone.parts.map(s), ['low']);
  assert.equal(s(alone.total), 'low');
});

test('a withheld part that could only be 10 is not enough: another is withheld', () => {
  // 1 + 10 = 11 would give both away (the small part is at least 1, the withheld one at least 10).
  const r = disclosePartsOfTotal([1, 10, 25, 300], 336);
  assert.deepEqual(r.parts.map(s), ['low', 'withheld', 'withheld', 300]);
  assert.equal(s(r.total), 336);
});

test('a small total is itself hidden, and then its parts need no more than their own rule', () => {
  const r = disclosePartsOfTotal([0, 3], 3);
  assert.deepEqual(r.parts.map(s), [0, 'low']);
  assert.equal(s(r.total), 'low');
});

test('no small parts: everything is shown as it is', () => {
  const r = disclosePartsOfTotal([10, 0, 55], 65);
  assert.deepEqual(r.parts.map(s), [10, 0, 55]);
  assert.equal(s(r.total), 65);
});

/**
 * What someone could work out from a published breakdown: the values a hidden small part could
 * take, knowing the shown numbers, that small parts are 1–9 and withheld ones 10 or more, and
 * (when the parts make up the whole total) that the parts add up to it.
 */
function possibleValues(parts: Disclosed[], total: number, exhaustive: boolean, cell: number): number[] {
  const shownSum = parts.reduce((acc, d) => acc + (d.status === 'shown' ? d.value : 0), 0);
  const hiddenSum = total - shownSum;
  const others = parts.filter((d, i) => i !== cell && d.status !== 'shown');
  const minOthers = others.reduce((acc, d) => acc + (d.status === 'low' ? 1 : 10), 0);
  const maxOthers = others.some((d) => d.status === 'withheld')
    ? Number.POSITIVE_INFINITY
    : others.length * 9;
  const out: number[] = [];
  for (let a = 1; a <= 9; a++) {
    const rest = hiddenSum - a;
    if (rest >= minOthers && (!exhaustive || rest <= maxOthers)) out.push(a);
  }
  return out;
}

const breakdown = fc
  .record({
    parts: fc.array(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 3000 })), {
      maxLength: 7,
    }),
    extra: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 40 })),
    withTotal: fc.boolean(),
  })
  .map(({ parts, extra, withTotal }) => ({
    parts,
    total: withTotal ? parts.reduce((a, b) => a + b, 0) + extra : null,
    exhaustive: extra === 0,
  }));

test('property: nothing from 1 to 9 is ever shown, and what is shown is the true count', () => {
  fc.assert(
    fc.property(breakdown, ({ parts, total }) => {
      const r = disclosePartsOfTotal(parts, total);
      assert.equal(r.parts.length, parts.length);
      for (const [i, d] of [...r.parts, ...(r.total ? [r.total] : [])].entries()) {
        const truth = i < parts.length ? parts[i] : total;
        if (d.status === 'shown') {
          assert.ok(d.value === 0 || d.value >= 10, `shown ${d.value}`);
          assert.equal(d.value, truth);
        } else {
          assert.equal(d.value, null);
          if (d.status === 'low') assert.ok((truth as number) >= 1 && (truth as number) <= 9);
        }
      }
    }),
    { numRuns: 3000 },
  );
});

test('property: with the total shown, no small part can be pinned down by arithmetic', () => {
  fc.assert(
    fc.property(breakdown, ({ parts, total, exhaustive }) => {
      if (total === null) return;
      const r = disclosePartsOfTotal(parts, total);
      if (r.total?.status !== 'shown') return;
      r.parts.forEach((d, i) => {
        if (d.status !== 'low') return;
        const possible = possibleValues(r.parts, total, exhaustive, i);
        assert.ok(possible.includes(parts[i] as number), 'the truth is among the possibilities');
        assert.ok(possible.length >= 2, `part ${i} of ${JSON.stringify(parts)} = ${total} is pinned`);
      });
    }),
    { numRuns: 5000 },
  );
});

test('property: parts judged alone are hidden no more than the rule for one count asks', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 8 }), (parts) => {
      const r = disclosePartsOfTotal(parts, null);
      assert.deepEqual(r.parts, parts.map(discloseCount));
    }),
  );
});

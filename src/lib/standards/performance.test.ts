import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  addMonths,
  formatScaled,
  isMet,
  isMonth,
  monthlyRecord,
  monthsEnding,
  parseScaled,
  scaledFromRatio,
  statusOf,
  tally,
  trendOf,
} from './performance.js';

test('exactly at the target is met, whichever way is better; one hundredth the wrong side is missed', () => {
  assert.equal(isMet(9500, 9500, 'higher-is-better'), true);
  assert.equal(isMet(9499, 9500, 'higher-is-better'), false);
  assert.equal(isMet(9501, 9500, 'higher-is-better'), true);
  assert.equal(isMet(200, 200, 'lower-is-better'), true);
  assert.equal(isMet(201, 200, 'lower-is-better'), false);
  assert.equal(isMet(199, 200, 'lower-is-better'), true);
  assert.equal(statusOf(null, 200, 'lower-is-better'), 'no-figure');
  assert.equal(statusOf(0, 0, 'higher-is-better'), 'met');
});

test('met and missed are opposites, and the two directions agree only at the target', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 10_000_000 }),
      fc.integer({ min: 0, max: 10_000_000 }),
      (v, target) => {
        const higher = isMet(v, target, 'higher-is-better');
        const lower = isMet(v, target, 'lower-is-better');
        if (v === target) assert.ok(higher && lower);
        else assert.notEqual(higher, lower);
        assert.equal(statusOf(v, target, 'higher-is-better'), higher ? 'met' : 'missed');
      },
    ),
  );
});

test('a ratio is rounded to the nearest hundredth, halves up, with no float error', () => {
  // 1 of 8 is 12.5%: exact.
  assert.equal(scaledFromRatio(1, 8, 'percent'), 1250);
  // 1 of 3 is 33.333…% → 33.33; 2 of 3 is 66.666…% → 66.67.
  assert.equal(scaledFromRatio(1, 3, 'percent'), 3333);
  assert.equal(scaledFromRatio(2, 3, 'percent'), 6667);
  // 1 of 16 is 6.25%; 1 of 32 is 3.125% → 3.13 (half up); 1 of 64 is 1.5625% → 1.56.
  assert.equal(scaledFromRatio(1, 16, 'percent'), 625);
  assert.equal(scaledFromRatio(1, 32, 'percent'), 313);
  assert.equal(scaledFromRatio(1, 64, 'percent'), 156);
  // 0.145 as a float rounds down to 0.14; exactly it is a half, so 0.15.
  assert.equal(scaledFromRatio(145, 1000, 'days'), 15);
  assert.equal(scaledFromRatio(29, 200, 'hours'), 15);
  // 1 of 200 000 is 0.0005% → 0.00 (below half a hundredth); 1 of 20 000 is 0.005% → 0.01.
  assert.equal(scaledFromRatio(1, 200_000, 'percent'), 0);
  assert.equal(scaledFromRatio(1, 20_000, 'percent'), 1);
  assert.equal(scaledFromRatio(1200, 1200, 'percent'), 10_000);
  assert.throws(() => scaledFromRatio(1, 0, 'percent'), RangeError);
  assert.throws(() => scaledFromRatio(-1, 2, 'percent'), RangeError);
  assert.throws(() => scaledFromRatio(1.5, 2, 'percent'), RangeError);
});

test('the rounded ratio is never more than half a hundredth away, and halves go up', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (n, d) => {
      const scaled = scaledFromRatio(n, d, 'percent');
      // |scaled − n × 10000 / d| ≤ 1/2, with ties (exactly 1/2 below) going up: in integers,
      // −d < 2 × (scaled × d − n × 10000) ≤ d.
      const twice = 2n * (BigInt(scaled) * BigInt(d) - BigInt(n) * 10_000n);
      assert.ok(twice > -BigInt(d) && twice <= BigInt(d), `${n}/${d} → ${scaled}`);
    }),
  );
});

test('decimals typed in are read exactly and shown back the same', () => {
  assert.equal(parseScaled('97.25'), 9725);
  assert.equal(parseScaled('97.2'), 9720);
  assert.equal(parseScaled('3'), 300);
  assert.equal(parseScaled(' 0.05 '), 5);
  for (const bad of ['', '-1', '1.234', '1e3', 'NaN', '1,000', '.5', '5.', 'Infinity', '0x10'])
    assert.equal(parseScaled(bad), null, bad);
  assert.equal(formatScaled(9725), '97.25');
  assert.equal(formatScaled(9720), '97.2');
  assert.equal(formatScaled(300), '3');
  assert.equal(formatScaled(5), '0.05');
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), (scaled) => {
      assert.equal(parseScaled(formatScaled(scaled)), scaled);
    }),
  );
});

test('months: adding and listing across years, and what counts as a month', () => {
  assert.equal(addMonths('2026-01', -1), '2025-12');
  assert.equal(addMonths('2025-12', 1), '2026-01');
  assert.equal(addMonths('2026-03', -15), '2024-12');
  assert.deepEqual(monthsEnding('2026-02', 3), ['2025-12', '2026-01', '2026-02']);
  assert.ok(isMonth('2026-12'));
  for (const bad of ['2026-13', '2026-00', '2026-1', '26-01', '2026-01-01', '0000-01', ''])
    assert.equal(isMonth(bad), false, bad);
  fc.assert(
    fc.property(
      fc.integer({ min: 1950, max: 2150 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: -500, max: 500 }),
      (y, m, n) => {
        const month = `${y}-${String(m).padStart(2, '0')}`;
        assert.equal(addMonths(addMonths(month, n), -n), month);
        assert.ok(isMonth(addMonths(month, n)));
      },
    ),
  );
});

const figures = (entries: [string, number][]) => new Map(entries);

test('trend: the latest three months against the three before, within 2% of the target is steady', () => {
  const base: [string, number][] = [
    ['2026-01', 9000],
    ['2026-02', 9000],
    ['2026-03', 9000],
  ];
  const up = figures([...base, ['2026-04', 9600], ['2026-05', 9600], ['2026-06', 9600]]);
  assert.equal(trendOf(up, '2026-06', 9500, 'higher-is-better'), 'improving');
  assert.equal(trendOf(up, '2026-06', 9500, 'lower-is-better'), 'worsening');
  // A rise of 1.89 points on a 95% target (2% of it is 1.9) is steady; 1.9 is not.
  const small = figures([...base, ['2026-04', 9189], ['2026-05', 9189], ['2026-06', 9189]]);
  assert.equal(trendOf(small, '2026-06', 9500, 'higher-is-better'), 'steady');
  const edge = figures([...base, ['2026-04', 9190], ['2026-05', 9190], ['2026-06', 9190]]);
  assert.equal(trendOf(edge, '2026-06', 9500, 'higher-is-better'), 'improving');
  // Missing months are left out, but each group needs two figures.
  const gappy = figures([
    ['2026-01', 500],
    ['2026-03', 500],
    ['2026-04', 200],
    ['2026-06', 200],
  ]);
  assert.equal(trendOf(gappy, '2026-06', 200, 'lower-is-better'), 'improving');
  const thin = figures([
    ['2026-01', 500],
    ['2026-04', 200],
    ['2026-06', 200],
  ]);
  assert.equal(trendOf(thin, '2026-06', 200, 'lower-is-better'), 'not-enough-figures');
  assert.equal(trendOf(figures([]), '2026-06', 0, 'lower-is-better'), 'not-enough-figures');
  const flatZero = figures([
    ...base.map(([m]) => [m, 0] as [string, number]),
    ['2026-04', 0],
    ['2026-05', 0],
    ['2026-06', 0],
  ]);
  assert.equal(trendOf(flatZero, '2026-06', 0, 'lower-is-better'), 'steady');
});

test('the trend flips with the direction and does not depend on the order of figures', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 6, maxLength: 6 }),
      fc.integer({ min: 0, max: 10_000 }),
      (values, target) => {
        const months = monthsEnding('2026-06', 6);
        const map = new Map(months.map((m, i) => [m, values[i] as number]));
        const higher = trendOf(map, '2026-06', target, 'higher-is-better');
        const lower = trendOf(map, '2026-06', target, 'lower-is-better');
        const flip = { improving: 'worsening', worsening: 'improving', steady: 'steady' } as const;
        assert.equal(lower, flip[higher as keyof typeof flip]);
        // The same figures the other way round in time trend the other way.
        const reversed = new Map(months.map((m, i) => [m, values[5 - i] as number]));
        assert.equal(trendOf(reversed, '2026-06', target, 'higher-is-better'), lower);
      },
    ),
  );
});

test('every month is in the record, with no figure where none was given, and the tally adds up', () => {
  const record = monthlyRecord(
    figures([
      ['2026-01', 100],
      ['2026-03', 300],
    ]),
    '2026-04',
    4,
    200,
    'lower-is-better',
  );
  assert.deepEqual(record, [
    { month: '2026-01', value: 100, status: 'met' },
    { month: '2026-02', value: null, status: 'no-figure' },
    { month: '2026-03', value: 300, status: 'missed' },
    { month: '2026-04', value: null, status: 'no-figure' },
  ]);
  assert.deepEqual(tally(record), { met: 1, missed: 1, noFigure: 2, months: 4 });
  // Before a standard began there is nothing to report, not a "no figure".
  assert.equal(monthlyRecord(new Map(), '2026-04', 12, 0, 'lower-is-better', '2026-03').length, 2);
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 500 }))),
      (entries) => {
        const months = monthsEnding('2026-12', 12);
        const map = new Map(entries.map(([i, v]) => [months[i] as string, v]));
        const t = tally(monthlyRecord(map, '2026-12', 12, 250, 'higher-is-better'));
        assert.equal(t.met + t.missed + t.noFigure, 12);
        assert.equal(t.noFigure, 12 - map.size);
      },
    ),
  );
});

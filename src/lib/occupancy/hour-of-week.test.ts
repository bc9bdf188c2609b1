import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { hourOfWeekOccupancy, mergeRanges, sumOccupancy, type TimeRange } from './hour-of-week.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (iso: string) => Date.parse(iso);
const range = (from: string, to: string): TimeRange => ({ start: at(from), end: at(to) });
const MON = 0;
const TUE = 1;
const WED = 2;
const THU = 3;
const SUN = 6;

function cell(result: ReturnType<typeof hourOfWeekOccupancy>, weekday: number, hour: number) {
  const c = result.cells[weekday]?.[hour];
  assert.ok(c, `cell ${weekday} ${hour}`);
  return c;
}

test('a winter week: minutes land in their London hour, a part hour is a share of it', () => {
  // Monday 5 to Monday 12 January 2026; London is on GMT, so London time = UTC.
  const period = range('2026-01-05T00:00:00Z', '2026-01-12T00:00:00Z');
  const r = hourOfWeekOccupancy([range('2026-01-06T10:00:00Z', '2026-01-06T12:30:00Z')], period);
  assert.equal(r.cells.length, 7);
  assert.ok(r.cells.every((row) => row.length === 24));
  assert.deepEqual(
    [cell(r, TUE, 10).occupiedMinutes, cell(r, TUE, 11).occupiedMinutes, cell(r, TUE, 12).occupiedMinutes],
    [60, 60, 30],
  );
  assert.equal(cell(r, TUE, 12).share, 0.5);
  assert.equal(cell(r, TUE, 13).occupiedMinutes, 0);
  assert.equal(cell(r, MON, 10).occupiedMinutes, 0);
  assert.ok(r.cells.flat().every((c) => c.totalMinutes === 60));
  assert.equal(r.occupiedMinutes, 150);
  assert.equal(r.totalMinutes, 7 * 24 * 60);
  assert.equal(r.share, 150 / (7 * 24 * 60));
});

test('in summer a booking sits in its BST hour, not its UTC hour', () => {
  const period = range('2026-06-29T00:00:00+01:00', '2026-07-06T00:00:00+01:00');
  // 10:00 to 11:00 London on Wednesday 1 July is 09:00Z to 10:00Z.
  const r = hourOfWeekOccupancy([range('2026-07-01T09:00:00Z', '2026-07-01T10:00:00Z')], period);
  assert.equal(cell(r, WED, 10).occupiedMinutes, 60);
  assert.equal(cell(r, WED, 10).share, 1);
  assert.equal(cell(r, WED, 9).occupiedMinutes, 0);
});

test('29 March 2026: the hour that does not exist has no minutes, and a booking across it is counted in real time', () => {
  // The London week Monday 23 to Monday 30 March: 167 hours long.
  const period = range('2026-03-23T00:00:00Z', '2026-03-29T23:00:00Z');
  // 00:30 GMT to 02:30 BST on Sunday 29 March: one real hour (00:30Z to 01:30Z).
  const r = hourOfWeekOccupancy([range('2026-03-29T00:30:00Z', '2026-03-29T01:30:00Z')], period);
  assert.equal(cell(r, SUN, 1).totalMinutes, 0);
  assert.equal(cell(r, SUN, 1).occupiedMinutes, 0);
  assert.equal(cell(r, SUN, 1).share, 0);
  assert.equal(cell(r, SUN, 0).occupiedMinutes, 30);
  assert.equal(cell(r, SUN, 2).occupiedMinutes, 30);
  assert.equal(cell(r, SUN, 2).totalMinutes, 60);
  assert.equal(r.occupiedMinutes, 60);
  assert.equal(r.totalMinutes, 167 * 60);
});

test('25 October 2026: the repeated hour counts both times', () => {
  // The London week Monday 19 to Monday 26 October: 169 hours long.
  const period = range('2026-10-19T00:00:00+01:00', '2026-10-26T00:00:00Z');
  // 01:00 BST (00:00Z) to 02:00 GMT (02:00Z): 01:00 to 02:00 on the clock, twice.
  const r = hourOfWeekOccupancy([range('2026-10-25T00:00:00Z', '2026-10-25T02:00:00Z')], period);
  assert.equal(cell(r, SUN, 1).totalMinutes, 120);
  assert.equal(cell(r, SUN, 1).occupiedMinutes, 120);
  assert.equal(cell(r, SUN, 1).share, 1);
  assert.equal(cell(r, SUN, 0).occupiedMinutes, 0);
  assert.equal(cell(r, SUN, 2).occupiedMinutes, 0);
  assert.equal(r.totalMinutes, 169 * 60);
  // Only the second 01:00 (GMT) booked: half the cell's minutes that week.
  const second = hourOfWeekOccupancy([range('2026-10-25T01:00:00Z', '2026-10-25T02:00:00Z')], period);
  assert.equal(cell(second, SUN, 1).occupiedMinutes, 60);
  assert.equal(cell(second, SUN, 1).share, 0.5);
});

test('a whole London year: the lost and gained hours cancel, Sundays 01:00 lose one and gain one', () => {
  // 2026 starts on a Thursday: 53 Thursdays, 52 of every other day.
  const period = range('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z');
  const r = hourOfWeekOccupancy([], period);
  assert.equal(r.totalMinutes, 365 * 24 * 60);
  assert.equal(cell(r, THU, 5).totalMinutes, 53 * 60);
  assert.equal(cell(r, SUN, 1).totalMinutes, 52 * 60);
  assert.equal(cell(r, SUN, 2).totalMinutes, 52 * 60);
  assert.equal(r.occupiedMinutes, 0);
  assert.equal(r.share, 0);
});

test('overlapping bookings count each minute once; bookings are clipped to the period', () => {
  const period = range('2026-01-05T00:00:00Z', '2026-01-12T00:00:00Z');
  const r = hourOfWeekOccupancy(
    [
      range('2026-01-05T10:00:00Z', '2026-01-05T11:00:00Z'),
      range('2026-01-05T10:30:00Z', '2026-01-05T11:30:00Z'),
      range('2026-01-04T23:00:00Z', '2026-01-05T00:15:00Z'), // starts before the period
      range('2026-01-11T23:45:00Z', '2026-01-12T02:00:00Z'), // ends after it
      range('2026-02-01T10:00:00Z', '2026-02-01T11:00:00Z'), // outside it
    ],
    period,
  );
  assert.equal(cell(r, MON, 10).occupiedMinutes, 60);
  assert.equal(cell(r, MON, 11).occupiedMinutes, 30);
  assert.equal(cell(r, MON, 0).occupiedMinutes, 15);
  assert.equal(cell(r, SUN, 23).occupiedMinutes, 15);
  assert.equal(r.occupiedMinutes, 120);
});

test('an empty or backwards period has no minutes at all', () => {
  const r = hourOfWeekOccupancy([range('2026-01-05T10:00:00Z', '2026-01-05T11:00:00Z')], {
    start: at('2026-01-06T00:00:00Z'),
    end: at('2026-01-05T00:00:00Z'),
  });
  assert.equal(r.totalMinutes, 0);
  assert.equal(r.occupiedMinutes, 0);
  assert.equal(r.share, 0);
});

test('mergeRanges joins touching and overlapping ranges and drops empty ones', () => {
  const period = { start: 0, end: 100 * HOUR };
  assert.deepEqual(
    mergeRanges(
      [
        { start: 5 * HOUR, end: 6 * HOUR },
        { start: HOUR, end: 2 * HOUR },
        { start: 2 * HOUR, end: 3 * HOUR },
        { start: 7 * HOUR, end: 7 * HOUR },
        { start: 5 * HOUR + MIN, end: 5 * HOUR + 2 * MIN },
      ],
      period,
    ),
    [
      { start: HOUR, end: 3 * HOUR },
      { start: 5 * HOUR, end: 6 * HOUR },
    ],
  );
});

test('sumOccupancy adds spaces cell by cell', () => {
  const period = range('2026-01-05T00:00:00Z', '2026-01-12T00:00:00Z');
  const a = hourOfWeekOccupancy([range('2026-01-05T10:00:00Z', '2026-01-05T11:00:00Z')], period);
  const b = hourOfWeekOccupancy([], period);
  const both = sumOccupancy([a, b]);
  assert.equal(cell(both, MON, 10).occupiedMinutes, 60);
  assert.equal(cell(both, MON, 10).totalMinutes, 120);
  assert.equal(cell(both, MON, 10).share, 0.5);
  assert.equal(both.totalMinutes, 2 * 7 * 24 * 60);
});

// Properties over a stretch around both 2026 clock changes, at minute resolution.
const WINDOW_START = at('2026-03-20T00:00:00Z');
const WINDOW_MINUTES = 60 * 24 * 230; // into November
const minute = fc.integer({ min: 0, max: WINDOW_MINUTES });
const periodArb = fc
  .tuple(minute, fc.integer({ min: 0, max: 60 * 24 * 40 }))
  .map(([s, len]): TimeRange => ({ start: WINDOW_START + s * MIN, end: WINDOW_START + (s + len) * MIN }));
const anyRange = fc
  .tuple(minute, fc.integer({ min: 1, max: 60 * 30 }))
  .map(([s, len]): TimeRange => ({ start: WINDOW_START + s * MIN, end: WINDOW_START + (s + len) * MIN }));
/** Disjoint ranges: sorted cut points taken in pairs. */
const disjointRanges = fc.uniqueArray(minute, { minLength: 0, maxLength: 40 }).map((points) => {
  const sorted = [...points].sort((a, b) => a - b);
  const ranges: TimeRange[] = [];
  for (let i = 0; i + 1 < sorted.length; i += 2) {
    ranges.push({
      start: WINDOW_START + (sorted[i] ?? 0) * MIN,
      end: WINDOW_START + (sorted[i + 1] ?? 0) * MIN,
    });
  }
  return ranges;
});

test('property: with no overlaps, occupied minutes are the bookings’ minutes inside the period', () => {
  fc.assert(
    fc.property(disjointRanges, periodArb, (ranges, period) => {
      const expected = ranges.reduce(
        (sum, r) => sum + Math.max(0, Math.min(r.end, period.end) - Math.max(r.start, period.start)) / MIN,
        0,
      );
      const result = hourOfWeekOccupancy(ranges, period);
      assert.equal(result.occupiedMinutes, expected);
      const cellSum = result.cells.flat().reduce((s, c) => s + c.occupiedMinutes, 0);
      assert.equal(cellSum, expected);
    }),
    { numRuns: 150 },
  );
});

test('property: every share is in [0, 1], no cell is fuller than it is long, cells add up to the period', () => {
  fc.assert(
    fc.property(fc.array(anyRange, { maxLength: 40 }), periodArb, (ranges, period) => {
      const result = hourOfWeekOccupancy(ranges, period);
      for (const c of result.cells.flat()) {
        assert.ok(c.share >= 0 && c.share <= 1, `share ${c.share}`);
        assert.ok(c.occupiedMinutes <= c.totalMinutes);
      }
      assert.ok(result.share >= 0 && result.share <= 1);
      assert.equal(result.totalMinutes, (period.end - period.start) / MIN);
    }),
    { numRuns: 150 },
  );
});

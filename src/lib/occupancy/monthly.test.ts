import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  addMonths,
  localAt,
  monthlyUse,
  monthsFrom,
  type OpeningHours,
  openRanges,
  percent1,
  sumMonthly,
  totalUse,
  type UseBooking,
} from './monthly.js';

const TZ = 'Europe/London';
const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const booking = (from: string, to: string, o: Partial<UseBooking> = {}): UseBooking => ({
  start: at(from),
  end: at(to),
  community: true,
  groupId: null,
  ...o,
});
/** Open every day of the week, the same hours. */
const daily = (opens: number, closes: number): OpeningHours => ({
  weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens, closes })),
  exceptions: new Map(),
});
const ROUND_THE_CLOCK = daily(0, 24 * 60);

function use(first: string, count: number, hours: OpeningHours, bookings: UseBooking[] = []) {
  const months = monthsFrom(first, count, TZ);
  const open = openRanges(hours, `${first}-01`, `${addMonths(first, count)}-01`, TZ);
  return monthlyUse(months, open, bookings);
}
const byMonth = (rows: ReturnType<typeof use>) => new Map(rows.map((r) => [r.month, r]));

test('months start at London midnight: March 2026 has 743 hours, October 745', () => {
  assert.equal(addMonths('2026-12', 1), '2027-01');
  assert.equal(addMonths('2026-01', -1), '2025-12');
  assert.equal(addMonths('2026-06', -17), '2025-01');
  const months = monthsFrom('2026-03', 8, TZ);
  const march = months[0];
  const october = months[7];
  assert.equal(new Date(march?.start ?? 0).toISOString(), '2026-03-01T00:00:00.000Z');
  // April begins at midnight BST, 23:00 UTC on 31 March.
  assert.equal(new Date(march?.end ?? 0).toISOString(), '2026-03-31T23:00:00.000Z');
  assert.equal(((march?.end ?? 0) - (march?.start ?? 0)) / HOUR, 743);
  assert.equal(((october?.end ?? 0) - (october?.start ?? 0)) / HOUR, 745);

  const rows = byMonth(use('2026-01', 12, ROUND_THE_CLOCK));
  assert.equal(rows.get('2026-02')?.openMinutes, 28 * 24 * 60);
  assert.equal(rows.get('2026-03')?.openMinutes, 743 * 60);
  assert.equal(rows.get('2026-06')?.openMinutes, 30 * 24 * 60);
  assert.equal(rows.get('2026-10')?.openMinutes, 745 * 60);
  assert.equal(rows.get('2026-12')?.openMinutes, 31 * 24 * 60);
});

test('opening hours that cross the change are real hours: 00:00 to 03:00 is 2 hours in March, 4 in October', () => {
  assert.equal(localAt('2026-03-29', 3 * 60, TZ), at('2026-03-29T02:00:00Z'));
  assert.equal(localAt('2026-10-25', 3 * 60, TZ), at('2026-10-25T03:00:00Z'));
  assert.equal(localAt('2026-10-25', 24 * 60, TZ), at('2026-10-26T00:00:00Z'));
  const sundays: OpeningHours = { weekly: [{ weekday: 7, opens: 0, closes: 180 }], exceptions: new Map() };
  const march = openRanges(sundays, '2026-03-29', '2026-03-30', TZ);
  const october = openRanges(sundays, '2026-10-25', '2026-10-26', TZ);
  assert.deepEqual(march, [{ start: at('2026-03-29T00:00:00Z'), end: at('2026-03-29T02:00:00Z') }]);
  assert.deepEqual(october, [{ start: at('2026-10-24T23:00:00Z'), end: at('2026-10-25T03:00:00Z') }]);
  // A summer day: 10:00 to 16:00 BST is 09:00Z to 15:00Z.
  const summer = openRanges(daily(600, 960), '2026-07-01', '2026-07-02', TZ);
  assert.deepEqual(summer, [{ start: at('2026-07-01T09:00:00Z'), end: at('2026-07-01T15:00:00Z') }]);
});

test('exceptions replace a day’s hours: closed for Christmas, a late opening, touching spans merge', () => {
  const hours: OpeningHours = {
    weekly: [
      // Friday 25 December 2026: 09:00–12:00 and 12:00–17:00, one span of 8 hours.
      { weekday: 5, opens: 540, closes: 720 },
      { weekday: 5, opens: 720, closes: 1020 },
      { weekday: 6, opens: 540, closes: 1020 },
    ],
    exceptions: new Map([
      ['2026-12-25', []],
      ['2026-12-26', [{ opens: 540, closes: 1260 }]],
    ]),
  };
  assert.deepEqual(openRanges(hours, '2026-12-18', '2026-12-19', TZ), [
    { start: at('2026-12-18T09:00:00Z'), end: at('2026-12-18T17:00:00Z') },
  ]);
  assert.deepEqual(openRanges(hours, '2026-12-25', '2026-12-27', TZ), [
    { start: at('2026-12-26T09:00:00Z'), end: at('2026-12-26T21:00:00Z') },
  ]);
  // December 2026: Fridays 4, 11, 18 (8 hours), Saturdays 5, 12, 19 (8), 26 (12); Christmas closed.
  const dec = use('2026-12', 1, hours)[0];
  assert.equal(dec?.openMinutes, (6 * 8 + 12) * 60);
});

test('a booking over midnight at the end of a month counts in both months, on the London clock', () => {
  const rows = byMonth(
    use('2026-01', 12, ROUND_THE_CLOCK, [
      // 22:00 on Saturday 31 January to 02:00 on 1 February, GMT: two hours each side.
      booking('2026-01-31T22:00:00Z', '2026-02-01T02:00:00Z', { groupId: 'g1' }),
      // 23:00 BST on 31 March to 01:00 BST on 1 April: April starts at 23:00Z.
      booking('2026-03-31T22:00:00Z', '2026-04-01T00:00:00Z', { groupId: 'g2', community: false }),
      // 23:30 BST on 30 September to 00:30 BST on 1 October.
      booking('2026-09-30T22:30:00Z', '2026-09-30T23:30:00Z'),
      // 22:00 GMT on 31 October to 01:00 on 1 November.
      booking('2026-10-31T22:00:00Z', '2026-11-01T01:00:00Z'),
    ]),
  );
  assert.equal(rows.get('2026-01')?.bookedMinutes, 120);
  assert.equal(rows.get('2026-02')?.bookedMinutes, 120);
  assert.deepEqual([...(rows.get('2026-01')?.groups ?? [])], ['g1']);
  assert.deepEqual([...(rows.get('2026-02')?.groups ?? [])], ['g1']);
  assert.equal(rows.get('2026-03')?.commercialMinutes, 60);
  assert.equal(rows.get('2026-04')?.commercialMinutes, 60);
  assert.equal(rows.get('2026-03')?.communityMinutes, 0);
  assert.equal(rows.get('2026-09')?.bookedMinutes, 30);
  assert.equal(rows.get('2026-10')?.bookedMinutes, 30 + 120);
  assert.equal(rows.get('2026-11')?.bookedMinutes, 60);
  assert.equal(rows.get('2026-05')?.bookedMinutes, 0);
  assert.equal(rows.get('2026-05')?.groups.size, 0);
});

test('a booking across the October clock change is its real length: 00:30 BST to 03:00 GMT is 3½ hours', () => {
  const [october] = use('2026-10', 1, ROUND_THE_CLOCK, [
    booking('2026-10-24T23:30:00Z', '2026-10-25T03:00:00Z'),
  ]);
  assert.equal(october?.bookedMinutes, 210);
  assert.equal(october?.bookedOpenMinutes, 210);
  assert.equal(october?.share, 210 / (745 * 60));
  // And across the March change: 00:30 GMT to 02:30 BST is one hour.
  const [march] = use('2026-03', 1, ROUND_THE_CLOCK, [
    booking('2026-03-29T00:30:00Z', '2026-03-29T01:30:00Z'),
  ]);
  assert.equal(march?.bookedMinutes, 60);
});

test('occupancy is the booked share of opening hours; bookings outside them count as hours, not occupancy', () => {
  // Open Wednesdays 10:00–12:00 in June 2026 (3, 10, 17, 24): 8 hours.
  const hours: OpeningHours = { weekly: [{ weekday: 3, opens: 600, closes: 720 }], exceptions: new Map() };
  const [june] = use('2026-06', 1, hours, [
    // 10:00–11:00 BST on 10 June: inside.
    booking('2026-06-10T09:00:00Z', '2026-06-10T10:00:00Z', { groupId: 'a' }),
    // 11:30–13:30 BST on 17 June: half an hour inside.
    booking('2026-06-17T10:30:00Z', '2026-06-17T12:30:00Z', { groupId: 'b', community: false }),
    // A Thursday, when it is closed.
    booking('2026-06-18T09:00:00Z', '2026-06-18T10:00:00Z', { groupId: 'a' }),
  ]);
  assert.equal(june?.openMinutes, 8 * 60);
  assert.equal(june?.bookedMinutes, 60 + 120 + 60);
  assert.equal(june?.communityMinutes, 120);
  assert.equal(june?.commercialMinutes, 120);
  assert.equal(june?.bookedOpenMinutes, 90);
  assert.equal(june?.share, 90 / 480);
  assert.equal(percent1(june?.share ?? 0), 18.8);
  assert.equal(june?.groups.size, 2);
  // Never open: no share, not a division by nothing.
  const [shut] = use('2026-06', 1, { weekly: [], exceptions: new Map() }, [
    booking('2026-06-10T09:00:00Z', '2026-06-10T10:00:00Z'),
  ]);
  assert.equal(shut?.openMinutes, 0);
  assert.equal(shut?.share, 0);
});

test('a place adds its spaces month by month: a group in two spaces counts once, the share is of all open time', () => {
  const a = use('2026-06', 2, daily(600, 720), [
    booking('2026-06-01T09:00:00Z', '2026-06-01T11:00:00Z', { groupId: 'g' }),
  ]);
  const b = use('2026-06', 2, daily(600, 660), [
    booking('2026-06-02T09:00:00Z', '2026-06-02T10:00:00Z', { groupId: 'g' }),
    booking('2026-07-02T09:00:00Z', '2026-07-02T10:00:00Z', { groupId: 'h' }),
  ]);
  const place = sumMonthly([a, b]);
  assert.deepEqual(
    place.map((m) => m.month),
    ['2026-06', '2026-07'],
  );
  assert.equal(place[0]?.openMinutes, 30 * 120 + 30 * 60);
  assert.equal(place[0]?.bookedMinutes, 180);
  assert.equal(place[0]?.share, 180 / (30 * 180));
  assert.equal(place[0]?.groups.size, 1);
  assert.equal(place[1]?.groups.size, 1);
  const year = totalUse(place);
  assert.equal(year.groups.size, 2);
  assert.equal(year.bookedMinutes, 240);
  assert.equal(year.openMinutes, 61 * 180);
});

test('percentages keep one decimal place, halves rounding up', () => {
  assert.equal(percent1(0), 0);
  assert.equal(percent1(1), 100);
  assert.equal(percent1(1 / 3), 33.3);
  assert.equal(percent1(2 / 3), 66.7);
  assert.equal(percent1(1 / 2000), 0.1);
  assert.equal(percent1(1 / 2001), 0);
  assert.equal(percent1(0.1875), 18.8);
});

test('properties: months add up to the bookings inside them, and occupancy never exceeds open or booked time', () => {
  const START = at('2025-12-20T00:00:00Z');
  const SPAN = 400 * 24 * HOUR;
  const arb = fc.array(
    fc
      .record({ s: fc.integer({ min: 0, max: SPAN }), len: fc.integer({ min: 1, max: 72 * 60 }) })
      .map(({ s, len }) => ({ start: START + s, end: START + s + len * 60_000 })),
    { maxLength: 25 },
  );
  fc.assert(
    fc.property(arb, fc.integer({ min: 0, max: 20 * 60 }), fc.integer({ min: 30, max: 240 }), (raw, o, l) => {
      // Bookings never overlap in the database: keep only the ones that do not.
      const sorted = [...raw].sort((x, y) => x.start - y.start);
      const kept = sorted.filter((r, i) => i === 0 || r.start >= (sorted[i - 1]?.end ?? 0));
      const rows = use(
        '2026-01',
        12,
        daily(o, Math.min(1440, o + l)),
        kept.map((r) => ({ ...r, community: true, groupId: null })),
      );
      const months = monthsFrom('2026-01', 12, TZ);
      const first = months[0]?.start ?? 0;
      const last = months[11]?.end ?? 0;
      const expected = kept.reduce(
        (n, r) => n + Math.max(0, Math.min(r.end, last) - Math.max(r.start, first)),
        0,
      );
      const total = rows.reduce((n, r) => n + r.bookedMinutes, 0);
      assert.equal(Math.round(total * 60_000), expected);
      for (const r of rows) {
        assert.ok(r.bookedOpenMinutes <= r.openMinutes + 1e-9);
        assert.ok(r.bookedOpenMinutes <= r.bookedMinutes + 1e-9);
        assert.ok(r.share >= 0 && r.share <= 1);
      }
    }),
    { numRuns: 60 },
  );
});

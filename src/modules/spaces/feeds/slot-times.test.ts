import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slotTimes } from './slot-times.js';

const london = (d: Date) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d);
const minutes = (s: { start: Date; end: Date }) => (s.end.getTime() - s.start.getTime()) / 60_000;

// A space open round the clock on Sundays (ISO weekday 7).
const allDaySunday = [{ weekday: 7, opens: '00:00', closes: '24:00' }];

test('the last Sunday of March has 23 hour-long slots: there is no 01:00 on a London clock', () => {
  const slots = slotTimes(allDaySunday, [], '2026-03-29', 1);
  assert.equal(slots.length, 23);
  assert.ok(slots.every((s) => minutes(s) === 60));
  const labels = slots.map((s) => london(s.start));
  assert.deepEqual(labels.slice(0, 4), ['00:00', '02:00', '03:00', '04:00']);
  assert.ok(!labels.includes('01:00'));
  assert.equal(slots[0]?.start.toISOString(), '2026-03-29T00:00:00.000Z');
  // 02:00 BST is 01:00 UTC: the first slot ends where the second starts.
  assert.equal(slots[1]?.start.toISOString(), '2026-03-29T01:00:00.000Z');
  assert.equal(slots.at(-1)?.end.toISOString(), '2026-03-29T23:00:00.000Z');
});

test('the last Sunday of October has 25 hour-long slots: 01:00 happens twice', () => {
  const slots = slotTimes(allDaySunday, [], '2026-10-25', 1);
  assert.equal(slots.length, 25);
  assert.ok(slots.every((s) => minutes(s) === 60));
  const ones = slots.filter((s) => london(s.start) === '01:00');
  assert.deepEqual(
    ones.map((s) => s.start.toISOString()),
    ['2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z'],
  );
  assert.equal(slots[0]?.start.toISOString(), '2026-10-24T23:00:00.000Z');
  assert.equal(slots.at(-1)?.end.toISOString(), '2026-10-26T00:00:00.000Z');
});

test('an ordinary week: weekday hours, a short last slot, a closed day and a late opening', () => {
  const hours = [
    { weekday: 1, opens: '09:00', closes: '12:30' },
    { weekday: 2, opens: '09:00', closes: '11:00' },
    { weekday: 3, opens: '09:00', closes: '11:00' },
  ];
  const slots = slotTimes(
    hours,
    [
      { onDate: '2026-06-02', opens: null, closes: null },
      { onDate: '2026-06-03', opens: '18:00', closes: '20:00' },
    ],
    '2026-06-01',
    7,
  );
  assert.deepEqual(
    slots.map((s) => `${s.start.toISOString().slice(0, 10)} ${london(s.start)}–${london(s.end)}`),
    [
      '2026-06-01 09:00–10:00',
      '2026-06-01 10:00–11:00',
      '2026-06-01 11:00–12:00',
      '2026-06-01 12:00–12:30',
      '2026-06-03 18:00–19:00',
      '2026-06-03 19:00–20:00',
    ],
  );
  // Summer: 09:00 in London is 08:00 UTC.
  assert.equal(slots[0]?.start.toISOString(), '2026-06-01T08:00:00.000Z');
});

test('an opening time in the spring gap moves an hour on, as clocks do', () => {
  const slots = slotTimes([{ weekday: 7, opens: '01:30', closes: '04:00' }], [], '2026-03-29', 1);
  assert.deepEqual(
    slots.map((s) => `${london(s.start)}–${london(s.end)}`),
    ['02:30–03:30', '03:30–04:00'],
  );
});

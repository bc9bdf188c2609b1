import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  createNeedCalendar,
  type OfferAvailability,
  overlapMinutes,
  parseClock,
  WEEKDAYS,
  type WeeklySlot,
} from './availability.js';
import { wallClockAt } from './time-zone.js';

const LONDON = 'Europe/London';
const window = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });
const weekly = (...slots: WeeklySlot[]): OfferAvailability => ({ weekly: slots, window: null });
const overlap = (from: string, to: string, availability: OfferAvailability) =>
  overlapMinutes(createNeedCalendar(window(from, to), LONDON), availability);

test('clock times: HH:MM from 00:00 to 24:00, anything else is not a time', () => {
  assert.equal(parseClock('00:00'), 0);
  assert.equal(parseClock('09:30'), 570);
  assert.equal(parseClock('24:00'), 1440);
  for (const bad of ['24:01', '9:30', '09:60', '0930', 'ab:cd', '', '09:30:00']) {
    assert.equal(parseClock(bad), -1, bad);
  }
});

test('a Saturday morning slot over a fortnight counts both Saturdays', () => {
  // Monday 2 March to Monday 16 March 2026, GMT.
  const slot = { day: 'SA', from: '10:00', to: '12:00' } as const;
  assert.equal(overlap('2026-03-02T00:00:00Z', '2026-03-16T00:00:00Z', weekly(slot)), 240);
  assert.equal(overlap('2026-03-02T00:00:00Z', '2026-03-06T00:00:00Z', weekly(slot)), 0);
});

test('slots keep their London wall-clock hours in winter and in summer', () => {
  const slot = { day: 'SA', from: '10:00', to: '12:00' } as const;
  // Saturday 3 January 2026: 10:00 GMT is 10:00 UTC.
  assert.equal(overlap('2026-01-03T10:00:00Z', '2026-01-03T12:00:00Z', weekly(slot)), 120);
  // Saturday 4 July 2026: 10:00 BST is 09:00 UTC, so a 10:00–12:00 UTC window shares one hour.
  assert.equal(overlap('2026-07-04T10:00:00Z', '2026-07-04T12:00:00Z', weekly(slot)), 60);
  assert.equal(overlap('2026-07-04T09:00:00Z', '2026-07-04T11:00:00Z', weekly(slot)), 120);
});

test('the Sunday the clocks go forward (29 March 2026) is 23 hours long', () => {
  const from = '2026-03-28T00:00:00Z';
  const to = '2026-03-29T23:00:00Z'; // Monday 00:00 BST
  assert.equal(overlap(from, to, weekly({ day: 'SU', from: '00:00', to: '24:00' })), 23 * 60);
  assert.equal(overlap(from, to, weekly({ day: 'SU', from: '00:00', to: '03:00' })), 120);
  assert.equal(
    overlap(from, to, weekly({ day: 'SU', from: '01:00', to: '02:00' })),
    0,
    'that hour never happens',
  );
  assert.equal(overlap(from, to, weekly({ day: 'SU', from: '09:00', to: '11:00' })), 120);
  assert.equal(overlap(from, to, weekly({ day: 'SA', from: '09:00', to: '11:00' })), 120);
});

test('the Sunday the clocks go back (25 October 2026) is 25 hours long', () => {
  const from = '2026-10-24T23:00:00Z'; // Sunday 00:00 BST
  const to = '2026-10-26T00:00:00Z'; // Monday 00:00 GMT
  assert.equal(overlap(from, to, weekly({ day: 'SU', from: '00:00', to: '24:00' })), 25 * 60);
  assert.equal(
    overlap(from, to, weekly({ day: 'SU', from: '01:00', to: '02:00' })),
    120,
    'that hour happens twice',
  );
  assert.equal(overlap(from, to, weekly({ day: 'SU', from: '14:00', to: '15:00' })), 60);
});

test('the need window cuts slots at its edges, and the offer’s own dates cut it further', () => {
  const slot = { day: 'TU', from: '09:00', to: '17:00' } as const;
  // Tuesday 10 February 2026, 16:30 to Wednesday: half an hour of the slot.
  assert.equal(overlap('2026-02-10T16:30:00Z', '2026-02-12T00:00:00Z', weekly(slot)), 30);
  const offerDates = { from: new Date('2026-02-10T00:00:00Z'), to: new Date('2026-02-10T10:00:00Z') };
  assert.equal(
    overlap('2026-02-09T00:00:00Z', '2026-02-20T00:00:00Z', { weekly: [slot], window: offerDates }),
    60,
  );
  assert.equal(
    overlap('2026-02-09T00:00:00Z', '2026-02-20T00:00:00Z', { weekly: [], window: offerDates }),
    600,
  );
  assert.equal(
    overlap('2026-02-09T00:00:00Z', '2026-02-10T00:00:00Z', { weekly: [], window: offerDates }),
    0,
  );
});

test('an hour offered twice counts once; broken and back-to-front slots count nothing', () => {
  const day = ['2026-02-14T00:00:00Z', '2026-02-15T00:00:00Z'] as const; // a Saturday
  assert.equal(
    overlap(
      ...day,
      weekly({ day: 'SA', from: '10:00', to: '12:00' }, { day: 'SA', from: '11:00', to: '13:00' }),
    ),
    180,
  );
  assert.equal(overlap(...day, weekly({ day: 'SA', from: '12:00', to: '10:00' })), 0);
  assert.equal(overlap(...day, weekly({ day: 'SA', from: 'noon', to: '13:00' })), 0);
  assert.equal(overlap(...day, { weekly: [], window: null }), 24 * 60, 'no slots and no dates: any time');
});

test('an empty or back-to-front need window overlaps nothing', () => {
  assert.equal(overlap('2026-02-14T12:00:00Z', '2026-02-14T12:00:00Z', { weekly: [], window: null }), 0);
  assert.equal(overlap('2026-02-15T12:00:00Z', '2026-02-14T12:00:00Z', { weekly: [], window: null }), 0);
});

test('overlap agrees with checking the London clock minute by minute, across both clock changes', () => {
  const MINUTE = 60_000;
  const bases = [Date.UTC(2026, 2, 27), Date.UTC(2026, 9, 23), Date.UTC(2026, 5, 10)];
  const clock = (m: number) =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const slot = fc
    .record({
      day: fc.constantFrom(...WEEKDAYS),
      from: fc.integer({ min: 0, max: 1439 }),
      length: fc.integer({ min: 1, max: 600 }),
    })
    .map(({ day, from, length }) => ({ day, from: clock(from), to: clock(Math.min(1440, from + length)) }));
  fc.assert(
    fc.property(
      fc.constantFrom(...bases),
      fc.integer({ min: 0, max: 72 * 4 }),
      fc.integer({ min: 1, max: 72 * 4 }),
      fc.array(slot, { maxLength: 4 }),
      fc.option(fc.tuple(fc.integer({ min: 0, max: 96 * 60 }), fc.integer({ min: 0, max: 96 * 60 }))),
      (base, startQuarters, lengthQuarters, slots, dates) => {
        const from = base + startQuarters * 15 * MINUTE;
        const to = from + lengthQuarters * 15 * MINUTE;
        const offerWindow = dates
          ? {
              from: new Date(base + Math.min(...dates) * MINUTE),
              to: new Date(base + Math.max(...dates) * MINUTE),
            }
          : null;
        const got = overlapMinutes(createNeedCalendar({ from: new Date(from), to: new Date(to) }, LONDON), {
          weekly: slots,
          window: offerWindow,
        });
        let expected = 0;
        for (let t = from; t < to; t += MINUTE) {
          if (offerWindow && (t < offerWindow.from.getTime() || t >= offerWindow.to.getTime())) continue;
          const wall = wallClockAt(t, LONDON);
          const weekday = WEEKDAYS[(new Date(wall).getUTCDay() + 6) % 7];
          const minute = Math.floor((wall % 86_400_000) / MINUTE);
          const free =
            slots.length === 0 ||
            slots.some((s) => s.day === weekday && minute >= parseClock(s.from) && minute < parseClock(s.to));
          if (free) expected++;
        }
        assert.equal(got, expected);
      },
    ),
    { numRuns: 300 },
  );
});

test('a slot inside the hour the clocks repeat counts both times it happens', () => {
  // 25 October 2026: 01:00–01:01 happens at 00:00 UTC (summer time) and again at 01:00 UTC.
  const got = overlapMinutes(
    createNeedCalendar(
      { from: new Date('2026-10-25T00:00:00Z'), to: new Date('2026-10-25T03:17:00Z') },
      LONDON,
    ),
    { weekly: [{ day: 'SU', from: '01:00', to: '01:01' }], window: null },
  );
  assert.equal(got, 2);
});

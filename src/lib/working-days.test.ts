import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addDays, isoWeekday } from './civil-date.js';
import { addWorkingDays, isWorkingDay, workingDaysBetween } from './working-days.js';

// England and Wales, 2026 (gov.uk/bank-holidays): Good Friday 3 April, Easter Monday 6 April,
// Boxing Day falls on a Saturday so its substitute is Monday 28 December.
const EW_2026 = new Set([
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28',
]);
const ew = (d: string) => EW_2026.has(d);
const none = () => false;

test('a working day after a Friday is the Monday, and weekends never count', () => {
  assert.equal(addWorkingDays('2026-11-20', 1, none), '2026-11-23');
  assert.equal(addWorkingDays('2026-11-21', 1, none), '2026-11-23', 'from a Saturday');
  assert.equal(addWorkingDays('2026-11-23', 5, none), '2026-11-30');
  assert.equal(addWorkingDays('2026-11-23', 0, none), '2026-11-23');
});

test('bank holidays are skipped: Easter 2026 and Christmas with its substitute day', () => {
  assert.equal(addWorkingDays('2026-04-02', 1, ew), '2026-04-07', 'Good Friday and Easter Monday skipped');
  assert.equal(addWorkingDays('2026-12-24', 1, ew), '2026-12-29', 'Christmas Day and the Monday substitute');
  assert.equal(addWorkingDays('2026-04-07', -1, ew), '2026-04-02', 'counting back over Easter');
  assert.equal(workingDaysBetween('2026-12-23', '2026-12-31', ew), 4, '24, 29, 30, 31 December');
});

test('the start day is never counted, whether or not it is a working day', () => {
  assert.equal(workingDaysBetween('2026-11-23', '2026-11-23', none), 0);
  assert.equal(workingDaysBetween('2026-11-23', '2026-11-24', none), 1);
  assert.equal(workingDaysBetween('2026-11-24', '2026-11-23', none), 0, 'backwards is no notice');
});

test('fractional working days are refused rather than rounded', () => {
  assert.throws(() => addWorkingDays('2026-11-23', 1.5, none), RangeError);
});

const date = fc.integer({ min: 0, max: 3650 }).map((n) => addDays('2024-01-01', n));
const holidays = fc.uniqueArray(fc.integer({ min: 0, max: 3700 }), { maxLength: 200 }).map((ns) => {
  const set = new Set(ns.map((n) => addDays('2024-01-01', n)));
  return (d: string) => set.has(d);
});

test('property: n working days on lands on a working day exactly n working days later', () => {
  fc.assert(
    fc.property(date, fc.integer({ min: 1, max: 60 }), holidays, (d, n, isHoliday) => {
      const to = addWorkingDays(d, n, isHoliday);
      assert.ok(isWorkingDay(to, isHoliday));
      assert.ok(isoWeekday(to) <= 5);
      assert.equal(workingDaysBetween(d, to, isHoliday), n);
      // And the day before it is one working day short.
      assert.equal(workingDaysBetween(d, addDays(to, -1), isHoliday), n - 1);
    }),
  );
});

test('property: counting back undoes counting on from a working day', () => {
  fc.assert(
    fc.property(date, fc.integer({ min: 0, max: 60 }), holidays, (d, n, isHoliday) => {
      fc.pre(isWorkingDay(d, isHoliday));
      assert.equal(addWorkingDays(addWorkingDays(d, n, isHoliday), -n, isHoliday), d);
    }),
  );
});

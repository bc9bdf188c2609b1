import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  BANK_HOLIDAY_NATIONS,
  BANK_HOLIDAY_YEARS,
  type BankHolidayName,
  type BankHolidayNation,
  bankHolidayNationOf,
  bankHolidays,
  coversYear,
  isBankHoliday,
} from './index.js';

const DAY = 86_400_000;
const utc = (date: string) => Date.parse(`${date}T00:00:00Z`);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** 0 Sunday … 6 Saturday. */
const weekdayOf = (date: string) => new Date(utc(date)).getUTCDay();
const isWeekend = (date: string) => weekdayOf(date) === 0 || weekdayOf(date) === 6;

const COUNTS: Record<BankHolidayNation, number> = {
  'england-and-wales': 8,
  scotland: 9,
  'northern-ireland': 10,
};

const nation = fc.constantFrom(...BANK_HOLIDAY_NATIONS);
const year = fc.integer({ min: BANK_HOLIDAY_YEARS.first, max: BANK_HOLIDAY_YEARS.last });

test('every bank holiday in the table falls on a weekday, in its own year, once, in date order', () => {
  fc.assert(
    fc.property(nation, year, (n, y) => {
      const days = bankHolidays(n, y);
      for (const h of days) {
        assert.ok(!isWeekend(h.date), `${n} ${h.date} (${h.name}) is at a weekend`);
        assert.equal(h.date.slice(0, 4), String(y));
        assert.equal(iso(utc(h.date)), h.date, `${h.date} is a real date`);
      }
      const dates = days.map((h) => h.date);
      assert.equal(new Set(dates).size, dates.length);
      assert.deepEqual(dates, [...dates].sort());
    }),
  );
});

test('each nation has its number of bank holidays each year: 8 in England and Wales, 9 in Scotland, 10 in Northern Ireland', () => {
  fc.assert(
    fc.property(nation, year, (n, y) => {
      assert.equal(bankHolidays(n, y).length, COUNTS[n]);
    }),
  );
});

test('isBankHoliday agrees with the list for any date in the covered years', () => {
  const start = utc(`${BANK_HOLIDAY_YEARS.first}-01-01`);
  const days = (utc(`${BANK_HOLIDAY_YEARS.last}-12-31`) - start) / DAY;
  fc.assert(
    fc.property(nation, fc.integer({ min: 0, max: days }), (n, offset) => {
      const date = iso(start + offset * DAY);
      const listed = bankHolidays(n, Number(date.slice(0, 4))).some((h) => h.date === date);
      assert.equal(isBankHoliday(n, date), listed);
      if (isWeekend(date)) assert.equal(isBankHoliday(n, date), false);
    }),
  );
});

test('substitute days: the holiday itself fell at a weekend and the next weekday is off instead', () => {
  // Boxing Day 2026 is a Saturday: Monday 28 December instead.
  assert.equal(isBankHoliday('england-and-wales', '2026-12-26'), false);
  assert.equal(isBankHoliday('england-and-wales', '2026-12-28'), true);
  // Christmas 2027 on a Saturday and Boxing Day on a Sunday: Monday 27 and Tuesday 28.
  assert.deepEqual(
    bankHolidays('england-and-wales', 2027)
      .filter((h) => h.substitute)
      .map((h) => [h.date, h.name]),
    [
      ['2027-12-27', 'christmas'],
      ['2027-12-28', 'boxing-day'],
    ],
  );
  // New Year's Day 2028 is a Saturday: Monday 3 January (and in Scotland 2 January's Tuesday 4th).
  assert.equal(isBankHoliday('england-and-wales', '2028-01-03'), true);
  assert.equal(isBankHoliday('england-and-wales', '2028-01-04'), false);
  assert.equal(isBankHoliday('scotland', '2028-01-04'), true);
  // St Andrew's Day 2025 is a Sunday; the Boyne 2026 a Sunday; St Patrick's Day 2024 a Sunday.
  assert.equal(isBankHoliday('scotland', '2025-12-01'), true);
  assert.equal(isBankHoliday('northern-ireland', '2026-07-13'), true);
  assert.equal(isBankHoliday('northern-ireland', '2024-03-18'), true);
  assert.equal(isBankHoliday('england-and-wales', '2024-03-18'), false);
  // Scotland has no Easter Monday and its summer holiday is in early August.
  assert.equal(isBankHoliday('scotland', '2026-04-06'), false);
  assert.equal(isBankHoliday('scotland', '2026-08-03'), true);
  assert.equal(isBankHoliday('scotland', '2026-08-31'), false);
});

// An independent derivation from the rules on gov.uk (Easter by the Gregorian computus, the
// Mondays, and a weekend day moving to the next weekday not already a holiday), to check the table.
function easterSunday(y: number): string {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
const addDays = (date: string, n: number) => iso(utc(date) + n * DAY);
const firstMonday = (y: number, month: number) => {
  let d = `${y}-${String(month).padStart(2, '0')}-01`;
  while (weekdayOf(d) !== 1) d = addDays(d, 1);
  return d;
};
const lastMonday = (y: number, month: number) => {
  let d = addDays(`${y}-${String(month + 1).padStart(2, '0')}-01`, -1);
  while (weekdayOf(d) !== 1) d = addDays(d, -1);
  return d;
};

function byRules(n: BankHolidayNation, y: number): [string, BankHolidayName, boolean][] {
  const easter = easterSunday(y);
  const fixed: [string, BankHolidayName][] = [[`${y}-01-01`, 'new-year']];
  const moving: [string, BankHolidayName][] = [
    [addDays(easter, -2), 'good-friday'],
    [firstMonday(y, 5), 'early-may'],
    [lastMonday(y, 5), 'spring'],
  ];
  if (n === 'scotland') {
    fixed.push([`${y}-01-02`, 'second-january'], [`${y}-11-30`, 'st-andrews-day']);
    moving.push([firstMonday(y, 8), 'summer']);
  } else {
    moving.push([addDays(easter, 1), 'easter-monday'], [lastMonday(y, 8), 'summer']);
  }
  if (n === 'northern-ireland')
    fixed.push([`${y}-03-17`, 'st-patricks-day'], [`${y}-07-12`, 'battle-of-the-boyne']);
  fixed.push([`${y}-12-25`, 'christmas'], [`${y}-12-26`, 'boxing-day']);
  const taken = new Set(moving.map(([d]) => d));
  const out: [string, BankHolidayName, boolean][] = moving.map(([d, name]) => [d, name, false]);
  for (const [d, name] of fixed.sort()) {
    let day = d;
    while (isWeekend(day) || taken.has(day)) day = addDays(day, 1);
    taken.add(day);
    out.push([day, name, day !== d]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

test('the table matches the rules for every nation and covered year (no special days in 2024–2028)', () => {
  for (const n of BANK_HOLIDAY_NATIONS)
    for (let y = BANK_HOLIDAY_YEARS.first; y <= BANK_HOLIDAY_YEARS.last; y++)
      assert.deepEqual(
        bankHolidays(n, y).map((h) => [h.date, h.name, h.substitute]),
        byRules(n, y),
        `${n} ${y}`,
      );
});

test('years outside the table are refused rather than answered wrongly', () => {
  assert.equal(coversYear(2023), false);
  assert.equal(coversYear(2026), true);
  assert.throws(() => bankHolidays('england-and-wales', 2029), RangeError);
  assert.throws(() => bankHolidays('scotland', 2023), RangeError);
  assert.throws(() => isBankHoliday('northern-ireland', '2030-01-01'), RangeError);
  assert.throws(() => isBankHoliday('england-and-wales', '25/12/2026'), RangeError);
});

test('a place follows its nation’s list; Wales shares England’s', () => {
  assert.equal(bankHolidayNationOf('england'), 'england-and-wales');
  assert.equal(bankHolidayNationOf('wales'), 'england-and-wales');
  assert.equal(bankHolidayNationOf('scotland'), 'scotland');
  assert.equal(bankHolidayNationOf('northern-ireland'), 'northern-ireland');
  // Callers get copies: changing one does not change the table.
  const first = bankHolidays('england-and-wales', 2026);
  (first[0] as { date: string }).date = '1999-01-01';
  assert.equal(bankHolidays('england-and-wales', 2026)[0]?.date, '2026-01-01');
});

/**
 * UK bank holidays, as the official list at https://www.gov.uk/bank-holidays gives them, for
 * each of the three divisions that list uses. Substitute days are included: when a holiday falls
 * at a weekend, the official list names the weekday that replaces it (and not the weekend day).
 *
 * A table, not a rule: special days (a coronation, a jubilee, a state funeral) are announced
 * case by case, so the list is the source of truth. Years outside the table are refused with a
 * RangeError rather than answered wrongly; add the next years here when gov.uk publishes them.
 */

export type BankHolidayNation = 'england-and-wales' | 'scotland' | 'northern-ireland';
export const BANK_HOLIDAY_NATIONS: readonly BankHolidayNation[] = [
  'england-and-wales',
  'scotland',
  'northern-ireland',
];

/** Which holiday a date is; the words for each are in the message catalogues. */
export type BankHolidayName =
  | 'new-year'
  | 'second-january'
  | 'st-patricks-day'
  | 'good-friday'
  | 'easter-monday'
  | 'early-may'
  | 'spring'
  | 'battle-of-the-boyne'
  | 'summer'
  | 'st-andrews-day'
  | 'christmas'
  | 'boxing-day';

export type BankHoliday = {
  /** `YYYY-MM-DD`, the day off (for a substitute, the weekday that replaces the weekend day). */
  date: string;
  name: BankHolidayName;
  /** True when the day replaces a holiday that fell at a weekend. */
  substitute: boolean;
};

type Row = [date: string, name: BankHolidayName, substitute?: 'substitute'];
const SUB = 'substitute' as const;

/** The years the table covers, first and last. */
export const BANK_HOLIDAY_YEARS = { first: 2024, last: 2028 } as const;

const ENGLAND_AND_WALES: Row[] = [
  ['2024-01-01', 'new-year'],
  ['2024-03-29', 'good-friday'],
  ['2024-04-01', 'easter-monday'],
  ['2024-05-06', 'early-may'],
  ['2024-05-27', 'spring'],
  ['2024-08-26', 'summer'],
  ['2024-12-25', 'christmas'],
  ['2024-12-26', 'boxing-day'],

  ['2025-01-01', 'new-year'],
  ['2025-04-18', 'good-friday'],
  ['2025-04-21', 'easter-monday'],
  ['2025-05-05', 'early-may'],
  ['2025-05-26', 'spring'],
  ['2025-08-25', 'summer'],
  ['2025-12-25', 'christmas'],
  ['2025-12-26', 'boxing-day'],

  ['2026-01-01', 'new-year'],
  ['2026-04-03', 'good-friday'],
  ['2026-04-06', 'easter-monday'],
  ['2026-05-04', 'early-may'],
  ['2026-05-25', 'spring'],
  ['2026-08-31', 'summer'],
  ['2026-12-25', 'christmas'],
  ['2026-12-28', 'boxing-day', SUB],

  ['2027-01-01', 'new-year'],
  ['2027-03-26', 'good-friday'],
  ['2027-03-29', 'easter-monday'],
  ['2027-05-03', 'early-may'],
  ['2027-05-31', 'spring'],
  ['2027-08-30', 'summer'],
  ['2027-12-27', 'christmas', SUB],
  ['2027-12-28', 'boxing-day', SUB],

  ['2028-01-03', 'new-year', SUB],
  ['2028-04-14', 'good-friday'],
  ['2028-04-17', 'easter-monday'],
  ['2028-05-01', 'early-may'],
  ['2028-05-29', 'spring'],
  ['2028-08-28', 'summer'],
  ['2028-12-25', 'christmas'],
  ['2028-12-26', 'boxing-day'],
];

const SCOTLAND: Row[] = [
  ['2024-01-01', 'new-year'],
  ['2024-01-02', 'second-january'],
  ['2024-03-29', 'good-friday'],
  ['2024-05-06', 'early-may'],
  ['2024-05-27', 'spring'],
  ['2024-08-05', 'summer'],
  ['2024-12-02', 'st-andrews-day', SUB],
  ['2024-12-25', 'christmas'],
  ['2024-12-26', 'boxing-day'],

  ['2025-01-01', 'new-year'],
  ['2025-01-02', 'second-january'],
  ['2025-04-18', 'good-friday'],
  ['2025-05-05', 'early-may'],
  ['2025-05-26', 'spring'],
  ['2025-08-04', 'summer'],
  ['2025-12-01', 'st-andrews-day', SUB],
  ['2025-12-25', 'christmas'],
  ['2025-12-26', 'boxing-day'],

  ['2026-01-01', 'new-year'],
  ['2026-01-02', 'second-january'],
  ['2026-04-03', 'good-friday'],
  ['2026-05-04', 'early-may'],
  ['2026-05-25', 'spring'],
  ['2026-08-03', 'summer'],
  ['2026-11-30', 'st-andrews-day'],
  ['2026-12-25', 'christmas'],
  ['2026-12-28', 'boxing-day', SUB],

  ['2027-01-01', 'new-year'],
  ['2027-01-04', 'second-january', SUB],
  ['2027-03-26', 'good-friday'],
  ['2027-05-03', 'early-may'],
  ['2027-05-31', 'spring'],
  ['2027-08-02', 'summer'],
  ['2027-11-30', 'st-andrews-day'],
  ['2027-12-27', 'christmas', SUB],
  ['2027-12-28', 'boxing-day', SUB],

  ['2028-01-03', 'new-year', SUB],
  ['2028-01-04', 'second-january', SUB],
  ['2028-04-14', 'good-friday'],
  ['2028-05-01', 'early-may'],
  ['2028-05-29', 'spring'],
  ['2028-08-07', 'summer'],
  ['2028-11-30', 'st-andrews-day'],
  ['2028-12-25', 'christmas'],
  ['2028-12-26', 'boxing-day'],
];

/** Northern Ireland: England and Wales's days plus St Patrick's Day and the Battle of the Boyne. */
const NORTHERN_IRELAND: Row[] = [
  ...ENGLAND_AND_WALES,
  ['2024-03-18', 'st-patricks-day', SUB],
  ['2024-07-12', 'battle-of-the-boyne'],
  ['2025-03-17', 'st-patricks-day'],
  ['2025-07-14', 'battle-of-the-boyne', SUB],
  ['2026-03-17', 'st-patricks-day'],
  ['2026-07-13', 'battle-of-the-boyne', SUB],
  ['2027-03-17', 'st-patricks-day'],
  ['2027-07-12', 'battle-of-the-boyne'],
  ['2028-03-17', 'st-patricks-day'],
  ['2028-07-12', 'battle-of-the-boyne'],
];

function build(rows: Row[]): Map<number, BankHoliday[]> {
  const byYear = new Map<number, BankHoliday[]>();
  for (const [date, name, sub] of rows) {
    const year = Number(date.slice(0, 4));
    const list = byYear.get(year) ?? [];
    list.push({ date, name, substitute: sub === SUB });
    byYear.set(year, list);
  }
  for (const list of byYear.values()) list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return byYear;
}

const TABLE: Record<BankHolidayNation, Map<number, BankHoliday[]>> = {
  'england-and-wales': build(ENGLAND_AND_WALES),
  scotland: build(SCOTLAND),
  'northern-ireland': build(NORTHERN_IRELAND),
};

/** Whether the table covers a year (for every nation). */
export function coversYear(year: number): boolean {
  return Number.isInteger(year) && year >= BANK_HOLIDAY_YEARS.first && year <= BANK_HOLIDAY_YEARS.last;
}

/** A nation's bank holidays in a calendar year, in date order. RangeError outside the table. */
export function bankHolidays(nation: BankHolidayNation, year: number): BankHoliday[] {
  if (!coversYear(year))
    throw new RangeError(
      `Bank holidays are known for ${BANK_HOLIDAY_YEARS.first}–${BANK_HOLIDAY_YEARS.last}, not ${year}`,
    );
  const list = TABLE[nation]?.get(year);
  if (!list) throw new RangeError(`Unknown nation ${nation}`);
  return list.map((h) => ({ ...h }));
}

/** Whether a `YYYY-MM-DD` date is a bank holiday (a day off) in a nation. RangeError outside the table. */
export function isBankHoliday(nation: BankHolidayNation, date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`Not a date: ${date}`);
  return bankHolidays(nation, Number(date.slice(0, 4))).some((h) => h.date === date);
}

/** Which bank holiday list a place follows: Wales shares England's. */
export function bankHolidayNationOf(
  nation: 'england' | 'wales' | 'scotland' | 'northern-ireland',
): BankHolidayNation {
  return nation === 'scotland' || nation === 'northern-ireland' ? nation : 'england-and-wales';
}

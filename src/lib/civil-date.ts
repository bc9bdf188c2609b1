/**
 * Civil dates (`YYYY-MM-DD`) with no time of day and no zone: a notice period, a bank holiday or
 * an event's day is a date on the calendar, so arithmetic on them never meets a clock change.
 */
const DAY_MS = 86_400_000;
export const CIVIL_DATE = /^\d{4}-\d{2}-\d{2}$/;

const epochDay = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const fromEpochDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Whether `YYYY-MM-DD` names a real date (not 2026-02-30). */
export function isRealDate(date: string): boolean {
  return CIVIL_DATE.test(date) && !Number.isNaN(epochDay(date)) && fromEpochDay(epochDay(date)) === date;
}

export function addDays(date: string, n: number): string {
  return fromEpochDay(epochDay(date) + n);
}

/** Days from `from` to `to`: positive when `to` is later. */
export function daysBetween(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}

/** ISO weekday: 1 Monday … 7 Sunday. */
export function isoWeekday(date: string): number {
  return ((new Date(epochDay(date) * DAY_MS).getUTCDay() + 6) % 7) + 1;
}

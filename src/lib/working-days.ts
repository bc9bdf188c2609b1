import { addDays, isoWeekday } from './civil-date.js';

/**
 * Working days as councils count notice: Monday to Friday, less the bank holidays of the place's
 * nation (England and Wales, Scotland and Northern Ireland each have their own). The holidays come
 * in as a predicate so this stays pure and testable with any calendar.
 */
export type IsHoliday = (date: string) => boolean;

export function isWorkingDay(date: string, isHoliday: IsHoliday): boolean {
  return isoWeekday(date) <= 5 && !isHoliday(date);
}

/**
 * The date `n` working days after `date` (before it when `n` is negative). The start day itself
 * is never counted: 1 working day after a Friday is the Monday. `n = 0` gives `date` itself.
 */
export function addWorkingDays(date: string, n: number, isHoliday: IsHoliday): string {
  if (!Number.isInteger(n)) throw new RangeError('working days must be a whole number');
  const step = n < 0 ? -1 : 1;
  let day = date;
  for (let left = Math.abs(n); left > 0; ) {
    day = addDays(day, step);
    if (isWorkingDay(day, isHoliday)) left -= 1;
  }
  return day;
}

/**
 * Working days strictly after `from` up to and including `to` (0 when `to` is not later): the
 * number of working days' notice that `to` gives on `from`.
 */
export function workingDaysBetween(from: string, to: string, isHoliday: IsHoliday): number {
  let count = 0;
  for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) {
    if (isWorkingDay(day, isHoliday)) count += 1;
  }
  return count;
}

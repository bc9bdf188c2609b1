import { londonParts, TIME_ZONE } from '../../../lib/london-clock.js';
import { MS_PER_DAY, wallClockAt, wallToUtc } from '../../../lib/matching/time-zone.js';

/**
 * Sessions are entered and shown on the place's clock, whatever the server's zone: the clock and
 * the civil-date arithmetic are the shared ones (src/lib/london-clock.ts, src/lib/civil-date.ts).
 */
export { addDays } from '../../../lib/civil-date.js';
export { TIME_ZONE };

const LOCALE: Record<string, string> = { en: 'en-GB', cy: 'cy-GB' };

/**
 * The instant a London wall-clock time happens, "wall" being Date.UTC of the local fields. A time
 * that does not exist (01:30 as the clocks go forward) comes out an hour later, as clocks do
 * (where the place's clock's `londonAt` gives the hour before: hence this one of its own).
 */
export function londonToUtc(wallMs: number): Date {
  const midnight = Math.floor(wallMs / MS_PER_DAY) * MS_PER_DAY;
  const guess = wallToUtc(midnight, TIME_ZONE) + (wallMs - midnight);
  const at = guess - (wallClockAt(guess, TIME_ZONE) - wallMs);
  // In the spring gap the wall time never shows; the offset after the change moves it on.
  return new Date(wallClockAt(at, TIME_ZONE) === wallMs ? at : guess);
}

/** The London wall-clock time of an instant, as Date.UTC of its fields. */
export function londonWall(at: Date): number {
  return wallClockAt(at.getTime(), TIME_ZONE);
}

/** `YYYY-MM-DD` of an instant on the London clock. */
export function londonDay(at: Date): string {
  return londonParts(at).date;
}

/**
 * Midnight starting a London day given as `YYYY-MM-DD`, as an instant. (The same as the place's
 * clock's `londonAt(day)` for any real day, but not for years before 100, which the feeds'
 * `from` and `to` let through; kept so that those still answer as they did.)
 */
export function dayStart(day: string): Date {
  return londonToUtc(Date.parse(`${day}T00:00:00Z`));
}

/** The Monday (`YYYY-MM-DD`) of an ISO week such as `2026-W13`, or null if there is no such week. */
export function isoWeekMonday(week: string): string | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) return null;
  const year = Number(m[1]);
  const n = Number(m[2]);
  if (year < 2000 || year > 2100 || n < 1) return null;
  // 4 January is always in week 1.
  const jan4 = Date.UTC(year, 0, 4);
  const monday1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * MS_PER_DAY;
  const monday = monday1 + (n - 1) * 7 * MS_PER_DAY;
  if (isoWeekOf(new Date(monday).toISOString().slice(0, 10)) !== week) return null;
  return new Date(monday).toISOString().slice(0, 10);
}

/** The ISO week (`YYYY-Www`) a day (`YYYY-MM-DD`) falls in. */
export function isoWeekOf(day: string): string {
  const d = Date.parse(`${day}T00:00:00Z`);
  const weekday = (new Date(d).getUTCDay() + 6) % 7;
  const thursday = new Date(d + (3 - weekday) * MS_PER_DAY);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const n = Math.floor((thursday.getTime() - jan1) / MS_PER_DAY / 7) + 1;
  return `${year}-W${String(n).padStart(2, '0')}`;
}

/** "Sunday 29 March 2026" in the reader's language. */
export function dayLabel(day: string, lang: string): string {
  return new Intl.DateTimeFormat(LOCALE[lang] ?? 'en-GB', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(`${day}T00:00:00Z`));
}

/** "14:30" on the London clock. */
export function timeLabel(at: Date): string {
  return londonParts(at).time;
}

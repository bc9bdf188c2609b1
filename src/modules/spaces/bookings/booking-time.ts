/**
 * Bookings are asked for and shown on the place's clock (Europe/London) and stored as instants
 * (timestamptz). A date is `YYYY-MM-DD`, a time `HH:MM`, both on the London clock. The instant of
 * a London date and time, and the reverse, are the place's clock's (src/lib/london-clock.ts).
 *
 * The date arithmetic below stays its own: it reads a date's fields with Date.UTC, which takes
 * years 0–99 as 1900–1999 (so `isRealDate` refuses them) and reads unpadded fields, where
 * src/lib/civil-date.ts parses the ISO string; the two differ on those inputs.
 */
export { londonAt, londonParts, TIME_ZONE } from '../../../lib/london-clock.js';

const DAY = 86_400_000;

export const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

function wallOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

/** Whether `YYYY-MM-DD` names a real calendar date. */
export function isRealDate(date: string): boolean {
  if (!DATE.test(date)) return false;
  return new Date(wallOf(date)).toISOString().slice(0, 10) === date;
}

export function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

export function addDays(date: string, n: number): string {
  return new Date(wallOf(date) + n * DAY).toISOString().slice(0, 10);
}

/** ISO weekday: 1 Monday … 7 Sunday. */
export function isoWeekday(date: string): number {
  return ((new Date(wallOf(date)).getUTCDay() + 6) % 7) + 1;
}

/** The Monday of the week a date is in. */
export function mondayOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

/** "Sunday 29 March 2026" in the reader's language, for a London date (GOV.UK style: no comma). */
export function dateLabel(date: string, lang: string): string {
  const parts = new Intl.DateTimeFormat(lang === 'cy' ? 'cy-GB' : 'en-GB', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).formatToParts(new Date(wallOf(date)));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

/** A London wall-clock date and time as rrule's "floating" Date (UTC fields = local fields). */
export function floating(date: string, minutes: number): Date {
  return new Date(wallOf(date) + minutes * 60_000);
}

/** The London date of rrule's floating Date. */
export function floatingDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

import { wallClockAt, wallToUtc } from '../../../lib/matching/time-zone.js';

/** Rota times are entered and shown on the place's clock, whatever the server's zone. */
const TIME_ZONE = 'Europe/London';
const LOCALE: Record<string, string> = { en: 'en-GB', cy: 'cy-GB' };

/** The instant a London date and time happens (`minutes` past midnight; 24:00 is allowed). */
export function londonInstant(year: number, month: number, day: number, minutes: number): Date {
  const midnight = wallToUtc(Date.UTC(year, month - 1, day), TIME_ZONE);
  // From that day's midnight by wall-clock minutes, so 10:00 stays 10:00 across BST changes.
  const wall = Date.UTC(year, month - 1, day) + minutes * 60_000;
  const guess = midnight + minutes * 60_000;
  return new Date(guess - (wallClockAt(guess, TIME_ZONE) - wall));
}

/** Whether year/month/day name a real calendar date. */
export function isRealDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** `YYYY-MM-DD` of an instant on the London clock: rota rows are grouped by it. */
export function londonDay(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** "Monday 30 November 2026" in the reader's language. */
export function dayLabel(at: Date, lang: string): string {
  return new Intl.DateTimeFormat(LOCALE[lang] ?? 'en-GB', {
    timeZone: TIME_ZONE,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(at);
}

/** "14:30" on the London clock. */
export function timeLabel(at: Date, lang: string): string {
  return new Intl.DateTimeFormat(LOCALE[lang] ?? 'en-GB', {
    timeZone: TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

import { wallClockAt, wallToUtc } from './matching/time-zone.js';

/**
 * The place's clock (Europe/London) for code that thinks in civil dates: the instant a London
 * date and time happens, and the London date and time of an instant, whatever the server's zone.
 */
export const TIME_ZONE = 'Europe/London';

const wallOf = (date: string) => Date.parse(`${date}T00:00:00Z`);

/**
 * The instant a London date and time happens, counted from that day's midnight in wall-clock
 * minutes, so 10:00 is 10:00 in GMT and in BST (`minutes` may be 1440, the next midnight).
 */
export function londonAt(date: string, minutes = 0): Date {
  const wallDay = wallOf(date);
  const midnight = wallToUtc(wallDay, TIME_ZONE);
  const wall = wallDay + minutes * 60_000;
  const guess = midnight + minutes * 60_000;
  return new Date(guess - (wallClockAt(guess, TIME_ZONE) - wall));
}

/** The London date and time of an instant. */
export function londonParts(at: Date): { date: string; time: string; minutes: number } {
  const wall = new Date(wallClockAt(at.getTime(), TIME_ZONE));
  const iso = wall.toISOString();
  return {
    date: iso.slice(0, 10),
    time: iso.slice(11, 16),
    minutes: wall.getUTCHours() * 60 + wall.getUTCMinutes(),
  };
}

/** The end of a London date ("by the end of 7 December"): the next midnight, as an instant. */
export function endOfLondonDay(date: string): Date {
  return londonAt(date, 1440);
}

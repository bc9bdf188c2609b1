import { addDays, londonToUtc } from '../activities/activity-time.js';

/** How far ahead slots are published, and how long each is (docs/spaces.md explains why). */
export const SLOT_WEEKS = 4;
export const SLOT_MINUTES = 60;
const SLOT_MS = SLOT_MINUTES * 60_000;

export type WeeklySpan = { weekday: number; opens: string; closes: string };
/** A day that differs: null opens/closes means closed all day. */
export type DayException = { onDate: string; opens: string | null; closes: string | null };
export type SlotTime = { start: Date; end: Date };

const minutesOf = (time: string) => {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/** ISO weekday (1 Monday … 7 Sunday) of a `YYYY-MM-DD` date. */
const isoWeekday = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/**
 * The hour-long slots a space offers from `fromDate` for `days` London days: each opening span
 * (the day's exception if it has one, else its weekly hours) is cut into real hours from its
 * opening time, the last one shorter when the span ends off the hour. Counting real hours rather
 * than clock hours is what makes clock changes come out right: a space open all day has 23 slots
 * on the last Sunday of March (there is no 01:00) and 25 on the last Sunday of October (01:00
 * happens twice, an hour apart), and every slot lasts an hour. An opening time that does not
 * exist (in the spring gap) moves an hour on, as clocks do. Sorted by start, no two the same.
 */
export function slotTimes(
  hours: readonly WeeklySpan[],
  exceptions: readonly DayException[],
  fromDate: string,
  days: number,
): SlotTime[] {
  const byDate = new Map(exceptions.map((e) => [e.onDate, e]));
  const slots = new Map<number, SlotTime>();
  for (let i = 0; i < days; i++) {
    const date = addDays(fromDate, i);
    const exception = byDate.get(date);
    const spans = exception
      ? exception.opens && exception.closes
        ? [{ opens: exception.opens, closes: exception.closes }]
        : []
      : hours.filter((h) => h.weekday === isoWeekday(date));
    const midnight = Date.parse(`${date}T00:00:00Z`);
    for (const span of spans) {
      const open = londonToUtc(midnight + minutesOf(span.opens) * 60_000).getTime();
      const close = londonToUtc(midnight + minutesOf(span.closes) * 60_000).getTime();
      for (let t = open; t < close; t += SLOT_MS)
        if (!slots.has(t)) slots.set(t, { start: new Date(t), end: new Date(Math.min(t + SLOT_MS, close)) });
    }
  }
  return [...slots.values()].sort((a, b) => a.start.getTime() - b.start.getTime());
}

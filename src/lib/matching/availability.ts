/**
 * How long a helper is free within the window a need gives, with weekly slots read on the
 * place's clock (Europe/London), so a slot keeps its wall-clock hours across the change to and
 * from British Summer Time and a slot on the day of a change lasts the real time it lasts.
 */

import { MS_PER_DAY, MS_PER_MINUTE, wallClockAt, wallToUtc, weekdayOfWall } from './time-zone.js';

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A regular weekly time, e.g. { day: 'SA', from: '10:00', to: '12:00' }; to may be '24:00'. */
export interface WeeklySlot {
  day: Weekday;
  from: string;
  to: string;
}

export interface DateWindow {
  from: Date;
  to: Date;
}

/**
 * When a helper is free. No weekly slots means any time of the week; no window means no start or
 * end date. Both empty: any time at all.
 */
export interface OfferAvailability {
  weekly: readonly WeeklySlot[];
  window: DateWindow | null;
}

const WEEKDAY_INDEX: Readonly<Record<string, number>> = Object.fromEntries(WEEKDAYS.map((d, i) => [d, i]));

/**
 * Minutes after midnight of 'HH:MM' (00:00 to 24:00), or -1 when it is not a clock time. Done by
 * char codes because it runs for every slot of every offer on each ranking.
 */
export function parseClock(clock: string): number {
  if (clock.length !== 5 || clock.charCodeAt(2) !== 58) return -1;
  const h1 = clock.charCodeAt(0) - 48;
  const h2 = clock.charCodeAt(1) - 48;
  const m1 = clock.charCodeAt(3) - 48;
  const m2 = clock.charCodeAt(4) - 48;
  if (h1 < 0 || h1 > 9 || h2 < 0 || h2 > 9 || m1 < 0 || m1 > 5 || m2 < 0 || m2 > 9) return -1;
  const minutes = (h1 * 10 + h2) * 60 + m1 * 10 + m2;
  return minutes > 1440 ? -1 : minutes;
}

/** One local calendar day that the need's window touches. */
interface LocalDay {
  weekday: number;
  wallMidnight: number;
  startUtc: number;
  endUtc: number;
  /** Offsets at the start and end, and the instant the clocks change (only if they differ). */
  offsetStart: number;
  offsetEnd: number;
  changeUtc: number;
}

/**
 * A need's window cut into local days, built once per need. Whole days inside the window with no
 * clock change are only counted per weekday, because a slot on such a day always lasts exactly its
 * wall-clock length; the edge days and clock-change days are kept to work out exactly.
 */
export interface NeedCalendar {
  readonly fromUtc: number;
  readonly toUtc: number;
  readonly plainDaysByWeekday: Int32Array;
  readonly specialDaysByWeekday: readonly (readonly LocalDay[])[];
  readonly days: readonly LocalDay[];
}

/** Finds the minute the clocks change within a day by halving; offsets are whole minutes. */
function clockChangeWithin(startUtc: number, endUtc: number, offsetStart: number, timeZone: string): number {
  let lo = startUtc / MS_PER_MINUTE;
  let hi = endUtc / MS_PER_MINUTE;
  // Invariant: the offset at lo is the starting one and at hi it is not.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallClockAt(mid * MS_PER_MINUTE, timeZone) - mid * MS_PER_MINUTE === offsetStart) lo = mid;
    else hi = mid;
  }
  return hi * MS_PER_MINUTE;
}

export function createNeedCalendar(window: DateWindow, timeZone: string): NeedCalendar {
  const fromUtc = window.from.getTime();
  const toUtc = window.to.getTime();
  const plainDaysByWeekday = new Int32Array(7);
  const specialDaysByWeekday: LocalDay[][] = [[], [], [], [], [], [], []];
  const days: LocalDay[] = [];
  if (!(toUtc > fromUtc)) return { fromUtc, toUtc, plainDaysByWeekday, specialDaysByWeekday, days };
  const firstWall = wallClockAt(fromUtc, timeZone);
  let wallMidnight = firstWall - (((firstWall % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY);
  let startUtc = wallToUtc(wallMidnight, timeZone);
  while (startUtc < toUtc) {
    const nextWall = wallMidnight + MS_PER_DAY;
    const endUtc = wallToUtc(nextWall, timeZone);
    const offsetStart = wallMidnight - startUtc;
    const offsetEnd = nextWall - endUtc;
    const changes = offsetStart !== offsetEnd;
    const day: LocalDay = {
      weekday: weekdayOfWall(wallMidnight),
      wallMidnight,
      startUtc,
      endUtc,
      offsetStart,
      offsetEnd,
      changeUtc: changes ? clockChangeWithin(startUtc, endUtc, offsetStart, timeZone) : endUtc,
    };
    days.push(day);
    if (!changes && startUtc >= fromUtc && endUtc <= toUtc) {
      plainDaysByWeekday[day.weekday] = (plainDaysByWeekday[day.weekday] ?? 0) + 1;
    } else {
      specialDaysByWeekday[day.weekday]?.push(day);
    }
    wallMidnight = nextWall;
    startUtc = endUtc;
  }
  return { fromUtc, toUtc, plainDaysByWeekday, specialDaysByWeekday, days };
}

function intersect(a: number, b: number, c: number, d: number): number {
  const start = Math.max(a, c);
  const end = Math.min(b, d);
  return end > start ? end - start : 0;
}

/**
 * How long a wall-clock slot of one day overlaps [lo, hi). On a day the clocks change, the
 * slot is read on the old clock up to the change and on the new clock after it, so an hour the
 * clocks skip counts nothing and an hour they repeat counts twice, as on the helper's watch.
 */
function slotOverlapOnDay(day: LocalDay, from: number, to: number, lo: number, hi: number): number {
  const wallFrom = day.wallMidnight + from * MS_PER_MINUTE;
  const wallTo = day.wallMidnight + to * MS_PER_MINUTE;
  const start = Math.max(day.startUtc, lo);
  const end = Math.min(day.endUtc, hi);
  if (day.offsetStart === day.offsetEnd)
    return intersect(wallFrom - day.offsetStart, wallTo - day.offsetStart, start, end);
  return (
    intersect(wallFrom - day.offsetStart, wallTo - day.offsetStart, start, Math.min(end, day.changeUtc)) +
    intersect(wallFrom - day.offsetEnd, wallTo - day.offsetEnd, Math.max(start, day.changeUtc), end)
  );
}

// Scratch space for one offer's slots, reused so ranking 50,000 offers allocates nothing per offer.
let slotStarts = new Int32Array(16);
let slotEnds = new Int32Array(16);

/**
 * Reads an offer's slots into the scratch arrays as (weekday × 1441 + minute) so one sort orders
 * them by day and time, and merges overlapping ones so an hour offered twice counts once. Slots
 * that do not parse, or end before they start, count for nothing: an overnight slot must be given
 * as two (22:00–24:00, 00:00–02:00). Returns how many merged slots there are.
 */
function mergedSlots(slots: readonly WeeklySlot[]): number {
  if (slots.length > slotStarts.length) {
    slotStarts = new Int32Array(slots.length * 2);
    slotEnds = new Int32Array(slots.length * 2);
  }
  let count = 0;
  for (const slot of slots) {
    const weekday = WEEKDAY_INDEX[slot.day];
    const from = parseClock(slot.from);
    const to = parseClock(slot.to);
    if (weekday === undefined || from < 0 || to <= from) continue;
    const start = weekday * 1441 + from;
    const end = weekday * 1441 + to;
    // Insertion sort: offers have a handful of slots.
    let i = count++;
    while (i > 0 && (slotStarts[i - 1] as number) > start) {
      slotStarts[i] = slotStarts[i - 1] as number;
      slotEnds[i] = slotEnds[i - 1] as number;
      i--;
    }
    slotStarts[i] = start;
    slotEnds[i] = end;
  }
  let merged = 0;
  for (let i = 0; i < count; i++) {
    const start = slotStarts[i] as number;
    const end = slotEnds[i] as number;
    // Same weekday and touching the previous slot: both encode the day in the same way.
    if (merged > 0 && start <= (slotEnds[merged - 1] as number)) {
      if (end > (slotEnds[merged - 1] as number)) slotEnds[merged - 1] = end;
    } else {
      slotStarts[merged] = start;
      slotEnds[merged] = end;
      merged++;
    }
  }
  return merged;
}

/** Whole minutes a helper is free within the need's window. */
export function overlapMinutes(calendar: NeedCalendar, availability: OfferAvailability): number {
  let lo = calendar.fromUtc;
  let hi = calendar.toUtc;
  const offerWindow = availability.window;
  if (offerWindow) {
    lo = Math.max(lo, offerWindow.from.getTime());
    hi = Math.min(hi, offerWindow.to.getTime());
  }
  if (!(hi > lo)) return 0;
  if (availability.weekly.length === 0) return Math.floor((hi - lo) / MS_PER_MINUTE);
  const clipped = lo > calendar.fromUtc || hi < calendar.toUtc;
  const count = mergedSlots(availability.weekly);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const start = slotStarts[i] as number;
    const weekday = Math.floor(start / 1441);
    const from = start - weekday * 1441;
    const to = (slotEnds[i] as number) - weekday * 1441;
    if (clipped) {
      // The offer's own dates cut the window, so the per-weekday counts no longer hold: walk the days.
      for (const day of calendar.days) {
        if (day.weekday === weekday && day.endUtc > lo && day.startUtc < hi) {
          total += slotOverlapOnDay(day, from, to, lo, hi);
        }
      }
      continue;
    }
    total += (calendar.plainDaysByWeekday[weekday] ?? 0) * (to - from) * MS_PER_MINUTE;
    for (const day of calendar.specialDaysByWeekday[weekday] ?? []) {
      total += slotOverlapOnDay(day, from, to, lo, hi);
    }
  }
  return Math.floor(total / MS_PER_MINUTE);
}

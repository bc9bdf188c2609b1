import { MS_PER_DAY, MS_PER_MINUTE, wallClockAt, wallToUtc } from '../matching/time-zone.js';
import { mergeRanges, type TimeRange } from './hour-of-week.js';

/**
 * Utilisation over time (SPEC §3.3): month by month, how many hours a space was open, how many
 * were booked, and how much of the open time was booked. Pure: no I/O, no "now".
 *
 * Everything is counted in real elapsed time between instants, and months and opening hours are
 * placed on the local clock first, so a day the clocks go forward is 23 hours long and a day they
 * go back is 25: a space open round the clock has 743 hours in March 2026 and 745 in October.
 */

/** A calendar month on the local clock: `YYYY-MM`, from its first midnight to the next month's. */
export type Month = TimeRange & { key: string };

/** One opening span on the local clock, in minutes from midnight (`closes` may be 1440). */
export type OpeningSpan = { opens: number; closes: number };

/** Weekly hours (ISO weekday 1 Monday … 7 Sunday) and the dates that differ (empty: closed). */
export type OpeningHours = {
  weekly: ReadonlyArray<OpeningSpan & { weekday: number }>;
  exceptions: ReadonlyMap<string, readonly OpeningSpan[]>;
};

/** A confirmed booking: when, who for (community or commercial hire) and the group, if any. */
export type UseBooking = TimeRange & { community: boolean; groupId: string | null };

/** Something else a group did in the space (an activity's session): counts the group, not hours. */
export type GroupUse = TimeRange & { groupId: string };

export type MonthUse = {
  month: string;
  openMinutes: number;
  /** Every confirmed booking's minutes in the month (bookings never overlap). */
  bookedMinutes: number;
  /** Booked minutes that fall in opening hours: the top of the occupancy share. */
  bookedOpenMinutes: number;
  communityMinutes: number;
  commercialMinutes: number;
  groups: ReadonlySet<string>;
  /** bookedOpenMinutes / openMinutes; 0 when the space was not open at all. */
  share: number;
};

const pad2 = (n: number) => String(n).padStart(2, '0');
const monthKey = (year: number, month: number) => `${year}-${pad2(month)}`;

/** Calendar months step by step: month 13 is January of the next year. */
export function addMonths(key: string, n: number): string {
  const [y, m] = key.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return monthKey(Math.floor(index / 12), (index % 12) + 1);
}

/**
 * The instant a local date and time happens, counted from that day's midnight in wall-clock
 * minutes, so 10:00 is 10:00 in GMT and in BST and `minutes` may be 1440 (the next midnight).
 * A time in the spring gap lands where the clock reading is that far past midnight in real time.
 */
export function localAt(date: string, minutes: number, timeZone: string): number {
  const wallDay = Date.parse(`${date}T00:00:00Z`);
  const midnight = wallToUtc(wallDay, timeZone);
  const wall = wallDay + minutes * MS_PER_MINUTE;
  const guess = midnight + minutes * MS_PER_MINUTE;
  return guess - (wallClockAt(guess, timeZone) - wall);
}

/** `count` months from `first` (`YYYY-MM`), each from local midnight on the 1st to the next. */
export function monthsFrom(first: string, count: number, timeZone: string): Month[] {
  return Array.from({ length: count }, (_, i) => {
    const key = addMonths(first, i);
    return {
      key,
      start: localAt(`${key}-01`, 0, timeZone),
      end: localAt(`${addMonths(key, 1)}-01`, 0, timeZone),
    };
  });
}

const isoWeekday = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/**
 * The instants a space was open between two local dates (`from` inclusive, `to` exclusive): each
 * day's exception if it has one, else its weekly hours, merged where spans touch or overlap.
 */
export function openRanges(hours: OpeningHours, from: string, to: string, timeZone: string): TimeRange[] {
  const ranges: TimeRange[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let day = Date.parse(`${from}T00:00:00Z`); day < end; day += MS_PER_DAY) {
    const date = new Date(day).toISOString().slice(0, 10);
    const weekday = isoWeekday(date);
    const spans = hours.exceptions.get(date) ?? hours.weekly.filter((s) => s.weekday === weekday);
    for (const s of spans)
      if (s.closes > s.opens)
        ranges.push({ start: localAt(date, s.opens, timeZone), end: localAt(date, s.closes, timeZone) });
  }
  if (!ranges.length) return [];
  return mergeRanges(ranges, { start: -Infinity, end: Infinity });
}

/** Milliseconds of a range inside [start, end). */
const inside = (r: TimeRange, start: number, end: number) =>
  Math.max(0, Math.min(r.end, end) - Math.max(r.start, start));

/** Milliseconds two sorted, merged lists of ranges have in common. */
function overlapMs(a: readonly TimeRange[], b: readonly TimeRange[]): number {
  let total = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as TimeRange;
    const y = b[j] as TimeRange;
    total += Math.max(0, Math.min(x.end, y.end) - Math.max(x.start, y.start));
    if (x.end < y.end) i++;
    else j++;
  }
  return total;
}

/**
 * Month by month: hours open, hours booked (community and commercial), the share of open time
 * booked, and the distinct groups that booked or ran something. A booking across a month's end
 * counts in each month for the time it spent there.
 */
export function monthlyUse(
  months: readonly Month[],
  open: readonly TimeRange[],
  bookings: readonly UseBooking[],
  other: readonly GroupUse[] = [],
): MonthUse[] {
  return months.map((m) => {
    const openIn = mergeRanges(open, m);
    const bookedIn = mergeRanges(bookings, m);
    let community = 0;
    let commercial = 0;
    const groups = new Set<string>();
    for (const b of bookings) {
      const ms = inside(b, m.start, m.end);
      if (ms <= 0) continue;
      if (b.community) community += ms;
      else commercial += ms;
      if (b.groupId) groups.add(b.groupId);
    }
    for (const u of other) if (inside(u, m.start, m.end) > 0) groups.add(u.groupId);
    const openMs = openIn.reduce((n, r) => n + (r.end - r.start), 0);
    const bookedOpenMs = overlapMs(openIn, bookedIn);
    return {
      month: m.key,
      openMinutes: openMs / MS_PER_MINUTE,
      bookedMinutes: (community + commercial) / MS_PER_MINUTE,
      bookedOpenMinutes: bookedOpenMs / MS_PER_MINUTE,
      communityMinutes: community / MS_PER_MINUTE,
      commercialMinutes: commercial / MS_PER_MINUTE,
      groups,
      share: openMs > 0 ? Math.min(1, bookedOpenMs / openMs) : 0,
    };
  });
}

/**
 * Several months (or several spaces' same month) added up: minutes add, a group counts once, and
 * the share is of all the open time together (not an average of shares).
 */
export function totalUse(parts: readonly MonthUse[], month = ''): MonthUse {
  const groups = new Set<string>();
  const sum = { open: 0, booked: 0, bookedOpen: 0, community: 0, commercial: 0 };
  for (const p of parts) {
    sum.open += p.openMinutes;
    sum.booked += p.bookedMinutes;
    sum.bookedOpen += p.bookedOpenMinutes;
    sum.community += p.communityMinutes;
    sum.commercial += p.commercialMinutes;
    for (const g of p.groups) groups.add(g);
  }
  return {
    month,
    openMinutes: sum.open,
    bookedMinutes: sum.booked,
    bookedOpenMinutes: sum.bookedOpen,
    communityMinutes: sum.community,
    commercialMinutes: sum.commercial,
    groups,
    share: sum.open > 0 ? Math.min(1, sum.bookedOpen / sum.open) : 0,
  };
}

/** Several spaces' months added month by month (all must cover the same months). */
export function sumMonthly(spaces: readonly (readonly MonthUse[])[]): MonthUse[] {
  const first = spaces[0] ?? [];
  return first.map((m, i) =>
    totalUse(
      spaces.map((s) => s[i] as MonthUse),
      m.month,
    ),
  );
}

/**
 * A share as a percentage to one decimal place, to the nearest tenth with halves going up (so
 * 1 minute booked in 2,000 open is 0.1%). Some use that rounds to nothing is 0 here; pages say
 * "under 0.1%".
 */
export function percent1(share: number): number {
  return Math.round(share * 1000) / 10;
}

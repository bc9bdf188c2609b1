import { MS_PER_MINUTE, wallClockAt } from '../matching/time-zone.js';

/**
 * Occupancy round the clock (SPEC §3.3, "measure what matters"): how many minutes of each hour of
 * the week a space was in use, on the place's wall clock. Pure: no I/O, no "now".
 *
 * Each UTC hour of the period is put in the cell (weekday, hour) its start shows on the local
 * clock. UK offsets are whole hours, so a UTC hour is exactly one local hour: on the last Sunday
 * of March no UTC hour shows 01:00, so that cell has 60 minutes fewer that week; on the last
 * Sunday of October two UTC hours show 01:00, so that cell has 120 minutes that week and both
 * count.
 */

/** A half-open time range [start, end) in UTC milliseconds. */
export type TimeRange = { start: number; end: number };

export type OccupancyCell = {
  /** Monday-first weekday: 0 Monday … 6 Sunday. */
  weekday: number;
  /** Hour of the day on the local clock, 0 … 23. */
  hour: number;
  /** Minutes in use (overlapping bookings count once). */
  occupiedMinutes: number;
  /** Minutes this cell had in the period (60 per week it occurs, fewer at the period's edges). */
  totalMinutes: number;
  /** occupiedMinutes / totalMinutes, 0 when the cell never occurs. */
  share: number;
};

export type HourOfWeekOccupancy = {
  /** 7 rows (Monday first) of 24 cells. */
  cells: OccupancyCell[][];
  occupiedMinutes: number;
  totalMinutes: number;
  share: number;
};

const MS_PER_HOUR = 60 * MS_PER_MINUTE;

// The cell of a UTC hour (by index) in a zone, remembered across calls: Intl is the slow part,
// and a place's spaces share the same hours. Bounded: cleared when it grows past a few decades.
const cellCache = new Map<string, Map<number, number>>();
const CELL_CACHE_LIMIT = 500_000;

function cellOfHour(hourIndex: number, timeZone: string): number {
  let zone = cellCache.get(timeZone);
  if (!zone) {
    zone = new Map();
    cellCache.set(timeZone, zone);
  }
  let cell = zone.get(hourIndex);
  if (cell === undefined) {
    const wall = new Date(wallClockAt(hourIndex * MS_PER_HOUR, timeZone));
    cell = ((wall.getUTCDay() + 6) % 7) * 24 + wall.getUTCHours();
    if (zone.size >= CELL_CACHE_LIMIT) zone.clear();
    zone.set(hourIndex, cell);
  }
  return cell;
}

// Every space in a place is measured over the same period: its cells' lengths are kept.
let lastTotals: { key: string; totals: Float64Array } | null = null;

/** Sorted, merged, clipped to the period: a minute booked twice is one minute used. */
export function mergeRanges(ranges: readonly TimeRange[], period: TimeRange): TimeRange[] {
  const clipped = ranges
    .map((r) => ({ start: Math.max(r.start, period.start), end: Math.min(r.end, period.end) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const merged: TimeRange[] = [];
  for (const r of clipped) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

/**
 * Occupied and total minutes per hour-of-week cell for `ranges` within `period`, on the clock of
 * `timeZone` (default Europe/London).
 */
export function hourOfWeekOccupancy(
  ranges: readonly TimeRange[],
  period: TimeRange,
  timeZone = 'Europe/London',
): HourOfWeekOccupancy {
  const occupiedMs = new Float64Array(168);
  const totalMs = new Float64Array(168);
  const cellOf = (hourIndex: number) => cellOfHour(hourIndex, timeZone);
  const spread = (range: TimeRange, into: Float64Array) => {
    for (let h = Math.floor(range.start / MS_PER_HOUR); h * MS_PER_HOUR < range.end; h++) {
      const from = Math.max(range.start, h * MS_PER_HOUR);
      const to = Math.min(range.end, (h + 1) * MS_PER_HOUR);
      if (to > from) into[cellOf(h)] = (into[cellOf(h)] ?? 0) + (to - from);
    }
  };
  const totalsKey = `${timeZone} ${period.start} ${period.end}`;
  if (lastTotals?.key === totalsKey) totalMs.set(lastTotals.totals);
  else {
    if (period.end > period.start) spread(period, totalMs);
    lastTotals = { key: totalsKey, totals: Float64Array.from(totalMs) };
  }
  for (const r of mergeRanges(ranges, period)) spread(r, occupiedMs);

  return occupancyGrid((d, hour) => ({
    occupied: (occupiedMs[d * 24 + hour] ?? 0) / MS_PER_MINUTE,
    total: (totalMs[d * 24 + hour] ?? 0) / MS_PER_MINUTE,
  }));
}

/** Adds several spaces' occupancy cell by cell (a place's heat map). */
export function sumOccupancy(parts: readonly HourOfWeekOccupancy[]): HourOfWeekOccupancy {
  return occupancyGrid((d, hour) => {
    let occupied = 0;
    let total = 0;
    for (const p of parts) {
      const c = p.cells[d]?.[hour];
      occupied += c?.occupiedMinutes ?? 0;
      total += c?.totalMinutes ?? 0;
    }
    return { occupied, total };
  });
}

/** The 7 × 24 cells from each one's occupied and total minutes, with the week's totals and share. */
function occupancyGrid(
  minutesAt: (weekday: number, hour: number) => { occupied: number; total: number },
): HourOfWeekOccupancy {
  const cells: OccupancyCell[][] = [];
  let occupied = 0;
  let total = 0;
  for (let d = 0; d < 7; d++) {
    const row: OccupancyCell[] = [];
    for (let hour = 0; hour < 24; hour++) {
      const m = minutesAt(d, hour);
      occupied += m.occupied;
      total += m.total;
      row.push({
        weekday: d,
        hour,
        occupiedMinutes: m.occupied,
        totalMinutes: m.total,
        share: m.total > 0 ? Math.min(1, m.occupied / m.total) : 0,
      });
    }
    cells.push(row);
  }
  return {
    cells,
    occupiedMinutes: occupied,
    totalMinutes: total,
    share: total > 0 ? Math.min(1, occupied / total) : 0,
  };
}

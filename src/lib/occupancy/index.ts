/** Public API of the occupancy library: pure functions, no I/O. */
export {
  type HourOfWeekOccupancy,
  hourOfWeekOccupancy,
  mergeRanges,
  type OccupancyCell,
  sumOccupancy,
  type TimeRange,
} from './hour-of-week.js';
export {
  addMonths,
  type GroupUse,
  localAt,
  type Month,
  type MonthUse,
  monthlyUse,
  monthsFrom,
  type OpeningHours,
  type OpeningSpan,
  openRanges,
  percent1,
  sumMonthly,
  totalUse,
  type UseBooking,
} from './monthly.js';

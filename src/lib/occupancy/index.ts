/** Public API of the occupancy library: pure functions, no I/O. */
export {
  type HourOfWeekOccupancy,
  hourOfWeekOccupancy,
  mergeRanges,
  type OccupancyCell,
  sumOccupancy,
  type TimeRange,
} from './hour-of-week.js';

/**
 * Wall-clock arithmetic in a named time zone with nothing but Intl, so that "Saturdays 10:00 to
 * 12:00" means 10:00 on a London clock in both GMT and BST. "Wall" times below are milliseconds on
 * a clock that never changes (Date.UTC of the local date and time), which makes adding a day safe.
 */

export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock time in the zone at an instant, as Date.UTC of its fields. */
export function wallClockAt(utcMs: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(utcMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return Date.UTC(
    fields.year ?? 1970,
    (fields.month ?? 1) - 1,
    fields.day ?? 1,
    fields.hour ?? 0,
    fields.minute ?? 0,
    fields.second ?? 0,
    ((utcMs % 1000) + 1000) % 1000,
  );
}

/** How far the zone's clock is ahead of UTC at an instant, in ms (BST: 3,600,000). */
export function offsetAt(utcMs: number, timeZone: string): number {
  return wallClockAt(utcMs, timeZone) - utcMs;
}

/**
 * The instant a wall-clock time happens. Two passes settle on the offset in force then; a time
 * that happens twice (clocks going back) gives its first occurrence. Only used for midnights,
 * which exist exactly once in the UK (and almost everywhere).
 */
export function wallToUtc(wallMs: number, timeZone: string): number {
  const guess = wallMs - offsetAt(wallMs, timeZone);
  return wallMs - offsetAt(guess, timeZone);
}

/** The Monday-first day of the week (0 = Monday … 6 = Sunday) of a wall-clock time. */
export function weekdayOfWall(wallMs: number): number {
  return (new Date(wallMs).getUTCDay() + 6) % 7;
}

/**
 * Service standards' performance, as pure functions on exact integers (SPEC §3.8).
 *
 * Every value is held as an integer number of hundredths of its unit ("scaled"): 97.25% is
 * 9725, 1.5 days is 150, 12 missed collections is 1200. So comparing with a target and working
 * out a trend never meets a floating-point number, and what is shown is what was entered.
 */

export type Unit = 'percent' | 'count' | 'days' | 'hours';
export type Direction = 'higher-is-better' | 'lower-is-better';
export type MonthStatus = 'met' | 'missed' | 'no-figure';
export type Trend = 'improving' | 'worsening' | 'steady' | 'not-enough-figures';

export const UNITS: readonly Unit[] = ['percent', 'count', 'days', 'hours'];
export const DIRECTIONS: readonly Direction[] = ['higher-is-better', 'lower-is-better'];

/** Hundredths in one unit. */
export const SCALE = 100;

/** The largest value any unit takes, scaled: 100% for percentages, a billion for the rest. */
export function maxScaled(unit: Unit): number {
  return unit === 'percent' ? 100 * SCALE : 1_000_000_000 * SCALE;
}

/** A month as YYYY-MM (a London calendar month). */
export const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && MONTH.test(value) && value >= '1900-01';
}

/** The month `n` months after (or before, when negative) `month`. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  const year = Math.floor(index / 12);
  return `${String(year).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The `count` months ending with `last`, oldest first. */
export function monthsEnding(last: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addMonths(last, i - count + 1));
}

/** Met when the value reaches the target in the direction that is better; exact comparison. */
export function isMet(value: number, target: number, direction: Direction): boolean {
  return direction === 'higher-is-better' ? value >= target : value <= target;
}

export function statusOf(
  value: number | null | undefined,
  target: number,
  direction: Direction,
): MonthStatus {
  if (value === null || value === undefined) return 'no-figure';
  return isMet(value, target, direction) ? 'met' : 'missed';
}

/**
 * A value from a numerator and denominator (e.g. 1,163 of 1,200 missed bins collected in
 * time), scaled: for percentages numerator × 100 / denominator, otherwise numerator ÷
 * denominator (e.g. total days ÷ cases gives the average), in hundredths. Rounded to the
 * nearest hundredth, exact halves rounded up (away from zero), with integer arithmetic only.
 */
export function scaledFromRatio(numerator: number, denominator: number, unit: Unit): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator))
    throw new RangeError('numerator and denominator must be whole numbers');
  if (numerator < 0 || denominator <= 0) throw new RangeError('numerator ≥ 0 and denominator > 0');
  const factor = BigInt(unit === 'percent' ? 100 * SCALE : SCALE);
  const n = BigInt(numerator) * factor;
  const d = BigInt(denominator);
  const rounded = (2n * n + d) / (2n * d);
  return Number(rounded);
}

/**
 * A decimal as typed ("97.25", "3", "1.5") in hundredths, or null when it is not a plain
 * non-negative decimal with at most two decimal places. Never goes through a float.
 */
export function parseScaled(text: string): number | null {
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const whole = Number(m[1]);
  const fraction = Number((m[2] ?? '').padEnd(2, '0'));
  const scaled = whole * SCALE + fraction;
  return Number.isSafeInteger(scaled) ? scaled : null;
}

/** Hundredths as the exact decimal shown and published: 9725 → "97.25", 300 → "3", 150 → "1.5". */
export function formatScaled(scaled: number): string {
  const sign = scaled < 0 ? '-' : '';
  const abs = Math.abs(scaled);
  const whole = Math.floor(abs / SCALE);
  const fraction = String(abs % SCALE)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/**
 * Whether performance is getting better: the mean of the latest three months is compared with
 * the mean of the three before them (months without a figure are left out; each group needs at
 * least two figures, or there are not enough figures to say). Within 2% of the target of each
 * other (exactly equal when the target is 0) is steady; otherwise it is improving when it moved
 * the way that is better, worsening when it moved the other way.
 */
export function trendOf(
  figures: ReadonlyMap<string, number>,
  latestMonth: string,
  target: number,
  direction: Direction,
): Trend {
  const group = (months: string[]) => months.map((m) => figures.get(m)).filter((v) => v !== undefined);
  const recent = group(monthsEnding(latestMonth, 3));
  const earlier = group(monthsEnding(addMonths(latestMonth, -3), 3));
  if (recent.length < 2 || earlier.length < 2) return 'not-enough-figures';
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  // Means compared by cross-multiplying, so no division: mean(r) − mean(e) = diff / (nR × nE).
  const diff = BigInt(sum(recent)) * BigInt(earlier.length) - BigInt(sum(earlier)) * BigInt(recent.length);
  const abs = diff < 0n ? -diff : diff;
  const scale = BigInt(recent.length * earlier.length);
  // |mean difference| < target × 2 / 100  ⇔  |diff| × 50 < target × nR × nE
  if (abs * 50n < BigInt(Math.abs(target)) * scale || diff === 0n) return 'steady';
  const wentUp = diff > 0n;
  return wentUp === (direction === 'higher-is-better') ? 'improving' : 'worsening';
}

export type MonthFigure = { month: string; status: MonthStatus; value: number | null };

/** Each of the `count` months ending with `last`, with its figure or honestly none. */
export function monthlyRecord(
  figures: ReadonlyMap<string, number>,
  last: string,
  count: number,
  target: number,
  direction: Direction,
  since?: string,
): MonthFigure[] {
  return monthsEnding(last, count)
    .filter((m) => !since || m >= since)
    .map((month) => {
      const value = figures.get(month) ?? null;
      return { month, value, status: statusOf(value, target, direction) };
    });
}

export type Tally = { met: number; missed: number; noFigure: number; months: number };

/** How many of the months were met, missed, or have no figure. */
export function tally(record: readonly MonthFigure[]): Tally {
  const t: Tally = { met: 0, missed: 0, noFigure: 0, months: record.length };
  for (const r of record) {
    if (r.status === 'met') t.met++;
    else if (r.status === 'missed') t.missed++;
    else t.noFigure++;
  }
  return t;
}

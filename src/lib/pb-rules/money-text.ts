/**
 * Words and figures for explanations: money in the election's currency, exact fractions as
 * strings for traces, ordinals and plurals. Pure, so every rule words things the same way.
 */
import type { Election } from './election.js';
import type { Frac } from './rational.js';

/** Currencies written before the figure; any other code is written after it ("3,100 PLN"). */
const SYMBOLS: Record<string, string> = { GBP: '£', EUR: '€', USD: '$' };

function groupThousands(whole: bigint): string {
  return whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Digits after the point that `scale` allows: 2 for 100. Scale is a power of ten from a file. */
function decimalsOf(scale: bigint): number {
  let d = 0;
  for (let s = scale; s > 1n; s /= 10n) d++;
  return d;
}

function withCurrency(figure: string, currency: string): string {
  if (currency === '') return figure;
  const symbol = SYMBOLS[currency];
  if (symbol === undefined) return `${figure} ${currency}`;
  return figure.startsWith('-') ? `-${symbol}${figure.slice(1)}` : `${symbol}${figure}`;
}

/**
 * An amount of money units split exactly into currency units: the whole part and the digits after
 * the point, as many as the scale allows ("50" for 1000.50 at scale 100; "" at scale 1).
 */
export function splitAmount(
  units: bigint,
  scale: bigint,
): { negative: boolean; whole: bigint; fraction: string } {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const digits = decimalsOf(scale);
  return {
    negative,
    whole: abs / scale,
    fraction: digits === 0 ? '' : (abs % scale).toString().padStart(digits, '0'),
  };
}

/**
 * An amount in money units as people read it: "£3,100", "£3,100.50", "3,100 PLN". Pennies are
 * shown only when the amount has some, so whole-pound budgets read cleanly.
 */
export function formatMoney(units: bigint, election: Pick<Election, 'scale' | 'currency'>): string {
  const { negative, whole, fraction } = splitAmount(units, election.scale);
  let figure = groupThousands(whole);
  if (/[1-9]/.test(fraction)) figure += `.${fraction}`;
  return withCurrency(negative ? `-${figure}` : figure, election.currency);
}

/**
 * An exact fraction of money units rounded to the nearest penny (two decimals) for reading, e.g.
 * a Phragmén load "£9.12". The exact value goes in the trace; this is only for the sentence.
 */
export function formatMoneyApprox(units: Frac, election: Pick<Election, 'scale' | 'currency'>): string {
  // Round half up to hundredths of a currency unit, in integers.
  const hundredths = (units.num * 200n + units.den * election.scale) / (2n * units.den * election.scale);
  const whole = hundredths / 100n;
  const cents = hundredths % 100n;
  const figure =
    cents === 0n ? groupThousands(whole) : `${groupThousands(whole)}.${cents.toString().padStart(2, '0')}`;
  return withCurrency(figure, election.currency);
}

/** "num/den" (or just "num" for whole numbers), JSON-safe and exact, for traces. */
export function fracText(a: Frac): string {
  return a.den === 1n ? a.num.toString() : `${a.num}/${a.den}`;
}

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st… */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  const suffix = ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** "1 vote", "1,204 votes". */
export function plural(n: number | bigint, one: string, many: string): string {
  const text = groupThousands(BigInt(n));
  return `${text} ${n === 1 || n === 1n ? one : many}`;
}

/** Whether a ballot's score is counted in votes or in points. */
export function scoreWords(election: Pick<Election, 'points'>): { one: string; many: string } {
  return election.points ? { one: 'point', many: 'points' } : { one: 'vote', many: 'votes' };
}

/**
 * Exact fractions over BigInt, for every comparison that decides an outcome. Always normalised:
 * den > 0 and gcd(num, den) = 1, so equal values have equal fields.
 */
export interface Frac {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function frac(num: bigint | number, den: bigint | number = 1n): Frac {
  let n = BigInt(num);
  let d = BigInt(den);
  if (d === 0n) throw new RangeError('Division by zero');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d);
  return g > 1n ? { num: n / g, den: d / g } : { num: n, den: d };
}

export const ZERO = frac(0n);
export const add = (a: Frac, b: Frac): Frac => frac(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Frac, b: Frac): Frac => frac(a.num * b.den - b.num * a.den, a.den * b.den);
export const mul = (a: Frac, b: Frac): Frac => frac(a.num * b.num, a.den * b.den);
export const div = (a: Frac, b: Frac): Frac => frac(a.num * b.den, a.den * b.num);
/** -1, 0 or 1 as a is less than, equal to or greater than b. */
export const cmp = (a: Frac, b: Frac): number => {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
};
export const toNumber = (a: Frac): number => Number(a.num) / Number(a.den);

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/**
 * The nearest double to a fraction, within 2 units in the last place even when numerator and
 * denominator are far beyond 2^53 (where toNumber overflows to Infinity or loses all precision).
 */
export function toFloat(a: Frac): number {
  const neg = a.num < 0n;
  const n = neg ? -a.num : a.num;
  if (n === 0n) return 0;
  if (n <= 0x1fffffffffffffn && a.den <= 0x1fffffffffffffn) return Number(a.num) / Number(a.den);
  // Scale so the integer quotient has about 64 significant bits, then undo the scale exactly.
  const shift = 64 - (bitLength(n) - bitLength(a.den));
  const q = shift >= 0 ? (n << BigInt(shift)) / a.den : n / (a.den << BigInt(-shift));
  const v = Number(q) * 2 ** -shift;
  return neg ? -v : v;
}

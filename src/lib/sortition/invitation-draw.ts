/**
 * The invitation draw of a citizens' assembly: which addresses on the council's list get a
 * letter. It is a seeded, published draw that anyone can repeat in any language with a SHA-256
 * function (docs/assemblies-recruitment.md gives the rule and a Python version):
 *
 * 1. Each address gets a key: `normaliseAddress(address) + "|" + normalisePostcode(postcode)`.
 * 2. Each key gets a score: the SHA-256 of the UTF-8 bytes of `seed + ":" + key`, in lower-case hex.
 * 3. Addresses are sorted by score, smallest first (comparing the hex strings), and the first
 *    N are invited. Two addresses with the same key are one address: a list must not repeat one.
 *
 * The seed is the text published, exactly (leading and trailing spaces removed).
 */
import { createHash } from 'node:crypto';

export const DRAW_RULE = 'sha256-rank-v1';

// The ASCII white space characters (space, tab, LF, VT, FF, CR): defined here rather than as
// a regex class, because "white space" differs between languages' regex engines.
const SPACES = /[ \t\n\v\f\r]+/g;

/**
 * An address as the draw compares it: Unicode NFKC, each run of white space one space, no
 * white space at either end, upper case (Unicode's default mapping, as JavaScript's
 * toUpperCase and Python's str.upper).
 */
export function normaliseAddress(address: string): string {
  return address.normalize('NFKC').replace(SPACES, ' ').trim().toUpperCase();
}

/** A postcode as the draw compares it: NFKC, upper case, every white space character removed. */
export function normaliseDrawPostcode(postcode: string): string {
  return postcode.normalize('NFKC').replace(SPACES, '').toUpperCase();
}

/** The key an address is ranked (and a household known) by: "ADDRESS|POSTCODE". */
export function addressKey(address: string, postcode: string): string {
  return `${normaliseAddress(address)}|${normaliseDrawPostcode(postcode)}`;
}

/** The seed as it is used: the published text without leading or trailing white space. */
export function normaliseSeed(seed: string): string {
  return seed.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
}

/** An address's score in a draw: SHA-256 of `${seed}:${key}` (UTF-8), lower-case hex. */
export function drawScore(seed: string, key: string): string {
  return createHash('sha256')
    .update(`${normaliseSeed(seed)}:${key}`, 'utf8')
    .digest('hex');
}

export type Drawn<T> = { item: T; key: string; score: string; rank: number };

/**
 * Draws `n` of `items` with `seed`: ranks every item by the score of its key and keeps the
 * first n (all of them when n ≥ the list). The result is in rank order, rank 1 first, and does
 * not depend on the order of `items`. Throws if two items share a key.
 */
export function drawInvitations<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  seed: string,
  n: number,
): Drawn<T>[] {
  const seen = new Set<string>();
  const scored = items.map((item) => {
    const key = keyOf(item);
    if (seen.has(key)) throw new Error(`The address "${key}" is on the list twice`);
    seen.add(key);
    return { item, key, score: drawScore(seed, key) };
  });
  scored.sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : a.key < b.key ? -1 : 1));
  return scored.slice(0, Math.max(0, Math.floor(n))).map((s, i) => ({ ...s, rank: i + 1 }));
}

/**
 * A fingerprint of a list: SHA-256 (hex) of its keys in UTF-8, sorted by their bytes (which is
 * Unicode code point order, as Python sorts strings), joined with "\n". Whoever holds the same
 * list gets the same fingerprint, whatever order its rows are in.
 */
export function listFingerprint(keys: readonly string[]): string {
  const sorted = keys.map((k) => Buffer.from(k, 'utf8')).sort(Buffer.compare);
  return createHash('sha256')
    .update(Buffer.concat(sorted.flatMap((k, i) => (i ? [Buffer.from('\n'), k] : [k]))))
    .digest('hex');
}

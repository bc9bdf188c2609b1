/**
 * Small-number suppression for published counts about people (statistical disclosure control).
 *
 * The rule Kith applies, after the usual ONS and NHS practice:
 * - A count from 1 to 9 is never published: it is shown as "fewer than 10" (`low`). Its value
 *   is not rounded, banded or otherwise kept in what is published: the number is simply absent.
 * - 0 is published as 0. It says nobody is counted, which identifies nobody; suppressing it would
 *   also make every "fewer than 10" ambiguous.
 * - Where counts are parts of a published total, a hidden part could be worked out by
 *   subtraction. So, while any part is `low`, further parts are withheld (`withheld`, secondary
 *   suppression: the smallest part shown first, never a 0, whose hiding adds nothing) until at
 *   least one part of 10 or more is hidden and the hidden parts add up to more than the least
 *   they could be (every `low` at least 1, every `withheld` at least 10), so that no hidden part
 *   is pinned to one value. If no part is left to withhold, the total is withheld instead. A
 *   total from 1 to 9 is itself `low`. This stops recovery by arithmetic on what is published; it
 *   cannot stop someone who already knows some of the hidden numbers, so small areas should not
 *   be broken down finely in the first place.
 * - Anything that is not a whole number of 0 or more is refused: counts are counts.
 */

export const SUPPRESS_BELOW = 10;

export type Disclosed =
  | { status: 'shown'; value: number }
  | { status: 'low'; value: null }
  | { status: 'withheld'; value: null };

function assertCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`A count must be a whole number of 0 or more`);
}

const shown = (value: number): Disclosed => ({ status: 'shown', value });
const LOW: Disclosed = Object.freeze({ status: 'low', value: null });
const WITHHELD: Disclosed = Object.freeze({ status: 'withheld', value: null });

/** One count on its own: 1 to 9 become `low`; 0 and 10 or more are shown. */
export function discloseCount(n: number): Disclosed {
  assertCount(n);
  return n > 0 && n < SUPPRESS_BELOW ? LOW : shown(n);
}

/**
 * Parts of a total (the total may be null when none is published). Returns the parts in the
 * same order and the total, each disclosed so that no hidden count can be worked out from the
 * ones shown.
 */
export function disclosePartsOfTotal(
  parts: readonly number[],
  total: number | null,
): { parts: Disclosed[]; total: Disclosed | null } {
  for (const p of parts) assertCount(p);
  if (total !== null) assertCount(total);
  const out = parts.map(discloseCount);
  let outTotal = total === null ? null : discloseCount(total);
  // Without a published total nothing can be subtracted; with a hidden total neither.
  if (outTotal === null || outTotal.status !== 'shown') return { parts: out, total: outTotal };
  const least = (d: Disclosed) => (d.status === 'low' ? 1 : d.status === 'withheld' ? SUPPRESS_BELOW : 0);
  while (out.some((d) => d.status === 'low')) {
    let slack = 0;
    out.forEach((d, i) => {
      if (d.status !== 'shown') slack += (parts[i] as number) - least(d);
    });
    if (out.some((d) => d.status === 'withheld') && slack >= 1) break;
    // The smallest part still shown that is not 0 (withholding a 0 hides nothing).
    let pick = -1;
    out.forEach((d, i) => {
      const v = parts[i] as number;
      if (d.status === 'shown' && v > 0 && (pick < 0 || v < (parts[pick] as number))) pick = i;
    });
    if (pick < 0) {
      outTotal = WITHHELD;
      break;
    }
    out[pick] = WITHHELD;
  }
  return { parts: out, total: outTotal };
}

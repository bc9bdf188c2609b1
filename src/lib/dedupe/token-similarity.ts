/**
 * Similarity of two token lists (normalised names or addresses), written here rather than taken
 * from a library because what matters is domain-specific: which words count, how typos and
 * split words are forgiven, and that numbers never fuzzily match.
 *
 * Measure: a weighted Dice coefficient over a one-to-one matching of tokens. Each token has a
 * weight (generic words such as "club" or "road" weigh less). Two tokens match with credit 1
 * when equal, 0.9 when both have five letters or more and are one edit apart (Damerau, so
 * "harriers"/"hariers" and "trafford"/"trafofrd" match, "sale"/"hale" do not). Words split or
 * joined differently ("food bank"/"foodbank") are joined before matching. Then
 *
 *   dice    = Σ credit × (weight in a + weight in b) / (total weight of a + total weight of b)
 *   overlap = Σ credit × (weight in a + weight in b) / (2 × smaller total weight)
 *
 * Tokens with digits ("1", "10a") only ever match exactly; when both sides have numbers and neither
 * side's numbers are contained in the other's, the lists are said to conflict ("1st Sale
 * Scouts"/"2nd Sale Scouts", "Flat 2"/"Flat 3").
 *
 * The result is exactly symmetric (same number whichever side is a), which the duplicate
 * clustering relies on.
 */

import { isNumberToken } from './text-fold.js';

export type TokenComparison = {
  /** Weighted Dice coefficient in [0, 1]. */
  readonly dice: number;
  /** Weighted overlap (containment of the smaller side) in [0, 1]. */
  readonly overlap: number;
  /** Both sides have numbers and neither side's numbers are all in the other's. */
  readonly numbersConflict: boolean;
};

/** True when a and b are at most one insertion, deletion, substitution or adjacent swap apart. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (long.length - short.length > 1) return false;
  let start = 0;
  while (start < short.length && short[start] === long[start]) start++;
  if (short.length === long.length) {
    // One substitution, or one swap of neighbours.
    if (short.slice(start + 1) === long.slice(start + 1)) return true;
    return (
      short[start] === long[start + 1] &&
      short[start + 1] === long[start] &&
      short.slice(start + 2) === long.slice(start + 2)
    );
  }
  return short.slice(start) === long.slice(start + 1);
}

/**
 * Credit for matching two distinct tokens: typos in longer words only, never in anything with
 * a digit ("alpha1"/"alpha2", "m33"/"m34" are different things).
 */
function fuzzyCredit(a: string, b: string): number {
  if (a.length < 5 || b.length < 5 || /\d/.test(a) || /\d/.test(b)) return 0;
  return withinOneEdit(a, b) ? 0.9 : 0;
}

/** Joins neighbours that the other side writes as one word ("food", "bank" → "foodbank"). */
function joinSplitWords(tokens: readonly string[], own: ReadonlySet<string>, other: ReadonlySet<string>) {
  const joined: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const here = tokens[i] as string;
    const next = tokens[i + 1];
    const together = next === undefined ? '' : here + next;
    if (next !== undefined && other.has(together) && !own.has(together)) {
      joined.push(together);
      i++;
    } else {
      joined.push(here);
    }
  }
  return joined;
}

function numbersContained(inner: readonly string[], outer: readonly string[]): boolean {
  const left = [...outer];
  for (const number of inner) {
    const at = left.indexOf(number);
    if (at === -1) return false;
    left.splice(at, 1);
  }
  return true;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** Compares two token lists; see the module comment for the measure. */
export function compareTokens(
  a: readonly string[],
  b: readonly string[],
  weightOf: (token: string) => number,
): TokenComparison {
  const numbersA = a.filter(isNumberToken);
  const numbersB = b.filter(isNumberToken);
  const numbersConflict =
    numbersA.length > 0 &&
    numbersB.length > 0 &&
    !numbersContained(numbersA, numbersB) &&
    !numbersContained(numbersB, numbersA);
  if (a.length === 0 || b.length === 0) return { dice: 0, overlap: 0, numbersConflict };

  const setA = new Set(a);
  const setB = new Set(b);
  const tokensA = joinSplitWords(a, setA, setB);
  const tokensB = joinSplitWords(b, setB, setA);
  const totalA = sum(tokensA.map(weightOf));
  const totalB = sum(tokensB.map(weightOf));

  // Exact matches first (equal tokens are interchangeable, so this is order-free).
  const unmatchedB = new Map<string, number>();
  for (const token of tokensB) unmatchedB.set(token, (unmatchedB.get(token) ?? 0) + 1);
  const contributions: number[] = [];
  const leftoverA: string[] = [];
  for (const token of tokensA) {
    const count = unmatchedB.get(token) ?? 0;
    if (count > 0) {
      unmatchedB.set(token, count - 1);
      contributions.push(2 * weightOf(token));
    } else {
      leftoverA.push(token);
    }
  }
  const leftoverB: string[] = [];
  for (const [token, count] of unmatchedB) for (let i = 0; i < count; i++) leftoverB.push(token);

  // Then typos, greedily in an order that does not depend on which side is which.
  if (leftoverA.length > 0 && leftoverB.length > 0) {
    const candidates: { i: number; j: number; key: string; credit: number }[] = [];
    leftoverA.forEach((s, i) => {
      leftoverB.forEach((t, j) => {
        const credit = fuzzyCredit(s, t);
        if (credit > 0) candidates.push({ i, j, key: s < t ? `${s} ${t}` : `${t} ${s}`, credit });
      });
    });
    candidates.sort((x, y) => y.credit - x.credit || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    const usedA = new Set<number>();
    const usedB = new Set<number>();
    for (const { i, j, credit } of candidates) {
      if (usedA.has(i) || usedB.has(j)) continue;
      usedA.add(i);
      usedB.add(j);
      contributions.push(credit * (weightOf(leftoverA[i] as string) + weightOf(leftoverB[j] as string)));
    }
  }

  // Summed in sorted order so that swapping a and b gives bit-for-bit the same result.
  const matched = sum(contributions.sort((x, y) => x - y));
  const dice = Math.min(1, matched / (totalA + totalB));
  const overlap = Math.min(1, matched / (2 * Math.min(totalA, totalB)));
  return { dice, overlap, numbersConflict };
}

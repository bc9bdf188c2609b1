/**
 * Similarity of two token lists (normalised names or addresses), written here rather than taken
 * from a library because what matters is domain-specific: which words count, how typos and
 * split words are forgiven, and that numbers never fuzzily match.
 *
 * Measure: a weighted Dice coefficient over a one-to-one matching of tokens. Each token has a
 * weight in whole units (generic words such as "club" or "road" weigh less). Two tokens match
 * with credit 1 when equal, 0.9 when both have five letters or more and are one edit apart
 * (Damerau, so "harriers"/"hariers" and "trafford"/"trafofrd" match, "sale"/"hale" do not).
 * Words split or joined differently ("food bank"/"foodbank") are joined before matching. Then
 *
 *   dice    = Σ credit × (weight in a + weight in b) / (total weight of a + total weight of b)
 *   overlap = Σ credit × (weight in a + weight in b) / (2 × smaller total weight)
 *
 * Tokens with digits ("1", "10a") only ever match exactly; when both sides have numbers and
 * neither side's numbers are contained in the other's, the lists are said to conflict ("1st
 * Sale Scouts"/"2nd Sale Scouts", "Flat 2"/"Flat 3").
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

const HAS_DIGIT = /\d/;

/**
 * Whether two different tokens count as a typo of each other: words of five letters or more,
 * one edit apart, never anything with a digit ("alpha1"/"alpha2", "m33"/"m34" are different
 * things).
 */
function typoMatch(a: string, b: string): boolean {
  if (a.length < 5 || b.length < 5 || Math.abs(a.length - b.length) > 1) return false;
  return !HAS_DIGIT.test(a) && !HAS_DIGIT.test(b) && withinOneEdit(a, b);
}

/**
 * A token list with what comparing needs worked out once: weights in whole units (so sums are
 * exact and do not depend on order), total weight, neighbours written together and the number
 * tokens.
 */
export type TokenList = {
  readonly tokens: readonly string[];
  readonly units: readonly number[];
  readonly total: number;
  /** Neighbours written together, for a quick check that nothing needs joining. */
  readonly joinedPairs: readonly string[];
  readonly numbers: readonly string[];
};

/** Weight of a token in whole units (e.g. 4 for a distinctive word, 1 for a generic one). */
export type UnitsOf = (token: string) => number;

export function tokenList(tokens: readonly string[], unitsOf: UnitsOf): TokenList {
  const units = tokens.map(unitsOf);
  let total = 0;
  for (const unit of units) total += unit;
  const joinedPairs: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) joinedPairs.push(`${tokens[i]}${tokens[i + 1]}`);
  return { tokens, units, total, joinedPairs, numbers: tokens.filter(isNumberToken) };
}

/**
 * The same lists made quicker to compare with each other: neighbours written together are only
 * kept where they are a token of some list, so that there is nearly never anything to join.
 * Only valid for comparing lists of this set with each other.
 */
export function withSharedVocabulary(lists: readonly TokenList[]): TokenList[] {
  const vocabulary = new Set<string>();
  for (const list of lists) for (const token of list.tokens) vocabulary.add(token);
  return lists.map((list) => ({
    // Field by field in the same order as tokenList, so every list has one shape and property
    // access in compareTokenLists stays fast.
    tokens: list.tokens,
    units: list.units,
    total: list.total,
    joinedPairs: list.joinedPairs.filter((pair) => vocabulary.has(pair)),
    numbers: list.numbers,
  }));
}

/**
 * The list with neighbours joined where the other side writes them as one word ("food",
 * "bank" → "foodbank"), or the list itself when there is nothing to join (nearly always).
 */
function joinedFor(list: TokenList, other: TokenList, unitsOf: UnitsOf): TokenList {
  let needed = false;
  for (const pair of list.joinedPairs) {
    if (other.tokens.includes(pair) && !list.tokens.includes(pair)) {
      needed = true;
      break;
    }
  }
  if (!needed) return list;
  const joined: string[] = [];
  const { tokens } = list;
  for (let i = 0; i < tokens.length; i++) {
    const next = tokens[i + 1];
    const pair = next === undefined ? undefined : `${tokens[i]}${next}`;
    if (pair !== undefined && other.tokens.includes(pair) && !list.tokens.includes(pair)) {
      joined.push(pair);
      i++;
    } else {
      joined.push(tokens[i] as string);
    }
  }
  return tokenList(joined, unitsOf);
}

/**
 * Scratch flags for which tokens are already matched, reused across calls because comparing a
 * whole directory makes hundreds of thousands of comparisons (nothing here is re-entrant).
 */
const scratch = { a: new Uint8Array(64), b: new Uint8Array(64) };

function clearedFlags(which: 'a' | 'b', length: number): Uint8Array {
  if (scratch[which].length < length) scratch[which] = new Uint8Array(length * 2);
  const flags = scratch[which];
  flags.fill(0, 0, length);
  return flags;
}

function numbersContained(inner: readonly string[], outer: readonly string[]): boolean {
  const used = clearedFlags('b', outer.length);
  for (const number of inner) {
    let j = 0;
    while (j < outer.length && (used[j] === 1 || outer[j] !== number)) j++;
    if (j === outer.length) return false;
    used[j] = 1;
  }
  return true;
}

const EXACT_CREDIT = 10;
const TYPO_CREDIT = 9;

/** Compares two prepared token lists; see the module comment for the measure. */
export function compareTokenLists(first: TokenList, second: TokenList, unitsOf: UnitsOf): TokenComparison {
  const numbersConflict =
    first.numbers.length > 0 &&
    second.numbers.length > 0 &&
    !numbersContained(first.numbers, second.numbers) &&
    !numbersContained(second.numbers, first.numbers);
  if (first.tokens.length === 0 || second.tokens.length === 0)
    return { dice: 0, overlap: 0, numbersConflict };

  const a = joinedFor(first, second, unitsOf);
  const b = joinedFor(second, first, unitsOf);
  const matchedA = clearedFlags('a', a.tokens.length);
  const matchedB = clearedFlags('b', b.tokens.length);
  // Sums of whole numbers: exact, so swapping a and b gives bit-for-bit the same result.
  let matched = 0;

  // Exact matches first (equal tokens are interchangeable, so this is order-free).
  let leftA = 0;
  const lengthB = b.tokens.length;
  for (let i = 0; i < a.tokens.length; i++) {
    const token = a.tokens[i];
    let j = 0;
    while (j < lengthB && (matchedB[j] === 1 || b.tokens[j] !== token)) j++;
    if (j < lengthB) {
      matchedA[i] = 1;
      matchedB[j] = 1;
      matched += EXACT_CREDIT * ((a.units[i] as number) + (b.units[j] as number));
    } else {
      leftA++;
    }
  }

  // Then typos, greedily in an order that does not depend on which side is which.
  if (leftA > 0 && leftA + b.tokens.length > a.tokens.length) {
    const candidates: { i: number; j: number; key: string }[] = [];
    for (let i = 0; i < a.tokens.length; i++) {
      if (matchedA[i] === 1) continue;
      const s = a.tokens[i] as string;
      for (let j = 0; j < b.tokens.length; j++) {
        const t = b.tokens[j] as string;
        if (matchedB[j] === 0 && typoMatch(s, t))
          candidates.push({ i, j, key: s < t ? `${s} ${t}` : `${t} ${s}` });
      }
    }
    candidates.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    for (const { i, j } of candidates) {
      if (matchedA[i] === 1 || matchedB[j] === 1) continue;
      matchedA[i] = 1;
      matchedB[j] = 1;
      matched += TYPO_CREDIT * ((a.units[i] as number) + (b.units[j] as number));
    }
  }

  const dice = Math.min(1, matched / (EXACT_CREDIT * (a.total + b.total)));
  const overlap = Math.min(1, matched / (2 * EXACT_CREDIT * Math.min(a.total, b.total)));
  return { dice, overlap, numbersConflict };
}

/** Compares two token lists; see the module comment for the measure. */
export function compareTokens(a: readonly string[], b: readonly string[], unitsOf: UnitsOf): TokenComparison {
  return compareTokenLists(tokenList(a, unitsOf), tokenList(b, unitsOf), unitsOf);
}

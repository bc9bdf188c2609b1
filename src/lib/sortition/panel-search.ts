/**
 * A fast local search for type panels of high weight: move one seat from one type to another
 * while every quota and household rule still holds, as long as the move adds weight. Column
 * generation calls it around the integer program's panel to find more good panels per round.
 * Panels are sorted lists of types, one entry per seat (respondent-types.ts).
 */
import type { RespondentTypes } from './respondent-types.js';
import type { SelectionProblem } from './types.js';

export class PanelSearch {
  private readonly typeCount: number;
  private readonly featureCount: number;
  /** cell[t·F + f]: the quota (numbered across all features) type t falls in for feature f. */
  private readonly cell: Int32Array;
  private readonly mins: Int32Array;
  private readonly maxes: Int32Array;
  /** Household number per type (only people sharing a household carry one), or −1. */
  private readonly household: Int32Array;
  /** Every type that may have a seat. */
  private readonly candidates: number[];
  /**
   * Each type's feature values packed into `words` 31-bit words (each feature's value numbered
   * within the feature, in `featureBits[f]` of word `featureWord[f]`), so that whether two types
   * share the values of a set of features is one exclusive-or and one mask per word.
   */
  private readonly words: number;
  private readonly signature: Int32Array;
  private readonly featureWord: Int32Array;
  private readonly featureBits: Int32Array;
  private readonly lower: Int32Array;
  private readonly upper: Int32Array;

  constructor(problem: SelectionProblem, types: RespondentTypes) {
    this.typeCount = types.members.length;
    this.featureCount = problem.features.length;
    this.lower = types.lower;
    this.upper = types.upper;
    const quotaNumber = problem.features.map(() => new Map<string, number>());
    const mins: number[] = [];
    const maxes: number[] = [];
    problem.features.forEach((feature, f) => {
      for (const quota of feature.values) {
        quotaNumber[f]?.set(quota.value, mins.length);
        mins.push(quota.min);
        maxes.push(quota.max);
      }
    });
    this.mins = Int32Array.from(mins);
    this.maxes = Int32Array.from(maxes);
    this.cell = new Int32Array(this.typeCount * this.featureCount);
    types.members.forEach((members, t) => {
      // Every member of a type has the same values.
      problem.people[members[0] as number]?.values.forEach((value, f) => {
        this.cell[t * this.featureCount + f] = quotaNumber[f]?.get(value) ?? -1;
      });
    });
    this.household = new Int32Array(this.typeCount).fill(-1);
    let homes = 0;
    for (const row of types.rows) {
      if (row.label.kind !== 'household') continue;
      for (const t of row.members) this.household[t] = homes;
      homes++;
    }
    this.candidates = types.members.map((_, t) => t).filter((t) => (this.upper[t] as number) > 0);
    const packed = packValues(problem, this.cell, this.typeCount);
    this.words = packed.words;
    this.signature = packed.signature;
    this.featureWord = packed.featureWord;
    this.featureBits = packed.featureBits;
  }

  /**
   * Improves `panel` (which must meet the quotas) by best moves under `weights` until no move
   * adds more than `tolerance`; returns the improved panel, sorted.
   */
  improve(
    panel: readonly number[],
    weights: ArrayLike<number>,
    tolerance = 1e-12,
    maxSwaps = 1000,
  ): number[] {
    const F = this.featureCount;
    const { cell, mins, maxes, household, lower, upper } = this;
    const seats = new Int32Array(this.typeCount);
    const counts = new Int32Array(mins.length);
    const holderOf = new Map<number, number>();
    for (const t of panel) {
      seats[t] = (seats[t] as number) + 1;
      for (let f = 0; f < F; f++) bump(counts, cell[t * F + f] as number, 1);
      if ((household[t] as number) >= 0) holderOf.set(household[t] as number, t);
    }
    const current = [...panel];
    // Candidates heaviest first, and seats to give up lightest first: the first fitting move
    // found for the lightest seat sets a high bar, so scans for heavier seats stop almost at
    // once, and no seat at all is scanned once even the heaviest candidate cannot beat the bar.
    const order = this.candidates.slice().sort((a, b) => (weights[b] as number) - (weights[a] as number));
    const heaviest = order.length ? (weights[order[0] as number] as number) : 0;
    // A type whose values are at their quotas' mins can go out only for a type with the same values
    // there (measured: nearly every move tested and rejected broke a min). So the candidates are
    // also listed by those values, heaviest first, under the mask of the features at their min
    // (first word only; any others are tested move by move), and only the list that matches the
    // type going out is scanned. The lists depend on the weights alone, so they last the whole search.
    const W = this.words;
    const signature = this.signature;
    const matching = new Map<number, Map<number, number[]>>();
    const candidatesFor = (out: number, mask: number): number[] => {
      if (mask === 0) return order;
      let lists = matching.get(mask);
      if (!lists) {
        lists = new Map();
        for (const t of order) {
          const key = (signature[t * W] as number) & mask;
          const list = lists.get(key);
          if (list) list.push(t);
          else lists.set(key, [t]);
        }
        matching.set(mask, lists);
      }
      return lists.get((signature[out * W] as number) & mask) ?? [];
    };
    // full[t]: the signature bits of the features where type t's value is at its quota's max, so t
    // can come in only for a member with the same values there; likewise outBits, for the type
    // going out, marks its values at their min. Recomputed after each move, these masks make the
    // test of a move a few bit operations per word instead of a pass over every feature (measured:
    // almost all of the search's time goes on testing moves, most of which break a quota).
    const full = new Int32Array(this.typeCount * W);
    // full[t] is worked out only for the candidates a scan reaches, once per move.
    const fullAsOf = new Int32Array(this.typeCount).fill(-1);
    const outBits = new Int32Array(W);
    for (let swap = 0; swap < maxSwaps; swap++) {
      let bestGain = tolerance;
      let bestPosition = -1;
      let bestIn = -1;
      for (const position of this.lightestFirst(current, weights)) {
        const out = current[position] as number;
        const outWeight = weights[out] as number;
        if (heaviest - outWeight <= bestGain) break;
        if ((seats[out] as number) <= (lower[out] as number)) continue;
        this.limitBits(out, counts, mins, -1, outBits, 0);
        candidates: for (const candidate of candidatesFor(out, outBits[0] as number)) {
          const gain = (weights[candidate] as number) - outWeight;
          if (gain <= bestGain) break;
          if (candidate === out || (seats[candidate] as number) >= (upper[candidate] as number)) continue;
          if (fullAsOf[candidate] !== swap) {
            this.limitBits(candidate, counts, maxes, 1, full, candidate * W);
            fullAsOf[candidate] = swap;
          }
          for (let w = 0; w < W; w++) {
            const need = (outBits[w] as number) | (full[candidate * W + w] as number);
            const differ = (signature[out * W + w] as number) ^ (signature[candidate * W + w] as number);
            if ((need & differ) !== 0) continue candidates;
          }
          const home = household[candidate] as number;
          if (home >= 0) {
            const holder = holderOf.get(home);
            if (holder !== undefined && holder !== out) continue;
          }
          bestGain = gain;
          bestPosition = position;
          bestIn = candidate;
        }
      }
      if (bestPosition < 0) break;
      const out = current[bestPosition] as number;
      for (let f = 0; f < F; f++) {
        bump(counts, cell[out * F + f] as number, -1);
        bump(counts, cell[bestIn * F + f] as number, 1);
      }
      seats[out] = (seats[out] as number) - 1;
      seats[bestIn] = (seats[bestIn] as number) + 1;
      if ((household[out] as number) >= 0) holderOf.delete(household[out] as number);
      if ((household[bestIn] as number) >= 0) holderOf.set(household[bestIn] as number, bestIn);
      current[bestPosition] = bestIn;
    }
    return current.sort((a, b) => a - b);
  }

  /**
   * Writes into `into[at…at + words)` the signature bits of the features where type t's quota
   * count is at its limit: its max (`sign` 1) or its min (`sign` −1).
   */
  private limitBits(
    t: number,
    counts: Int32Array,
    limits: Int32Array,
    sign: 1 | -1,
    into: Int32Array,
    at: number,
  ): void {
    const F = this.featureCount;
    into.fill(0, at, at + this.words);
    for (let f = 0; f < F; f++) {
      const c = this.cell[t * F + f] as number;
      if (c >= 0 && sign * ((counts[c] as number) - (limits[c] as number)) >= 0) {
        const w = at + (this.featureWord[f] as number);
        into[w] = (into[w] as number) | (this.featureBits[f] as number);
      }
    }
  }

  /** One seat position per type on the panel (a type holding several is tried once), lightest type first. */
  private lightestFirst(current: readonly number[], weights: ArrayLike<number>): number[] {
    const seen = new Set<number>();
    const positions: number[] = [];
    current.forEach((t, position) => {
      if (seen.has(t)) return;
      seen.add(t);
      positions.push(position);
    });
    return positions.sort(
      (a, b) => (weights[current[a] as number] as number) - (weights[current[b] as number] as number),
    );
  }
}

function bump(counts: Int32Array, index: number, by: number): void {
  counts[index] = (counts[index] as number) + by;
}

/**
 * Packs each type's feature values into 31-bit words (see PanelSearch.signature): each feature
 * takes enough bits for its values' numbers within the feature, plus one more code for a value
 * with no quota, and starts a new word when the current one is full.
 */
function packValues(problem: SelectionProblem, cell: Int32Array, typeCount: number) {
  const F = problem.features.length;
  const featureWord = new Int32Array(F);
  const featureBits = new Int32Array(F);
  const shift = new Int32Array(F);
  const firstQuota = new Int32Array(F);
  let word = 0;
  let used = 0;
  let quotas = 0;
  problem.features.forEach((feature, f) => {
    const width = Math.max(1, Math.ceil(Math.log2(feature.values.length + 1)));
    if (used + width > 31) {
      word++;
      used = 0;
    }
    featureWord[f] = word;
    shift[f] = used;
    featureBits[f] = ((2 ** width - 1) << used) | 0;
    used += width;
    firstQuota[f] = quotas;
    quotas += feature.values.length;
  });
  const words = word + 1;
  const signature = new Int32Array(typeCount * words);
  for (let t = 0; t < typeCount; t++) {
    problem.features.forEach((feature, f) => {
      const c = cell[t * F + f] as number;
      const code = c < 0 ? feature.values.length : c - (firstQuota[f] as number);
      const at = t * words + (featureWord[f] as number);
      signature[at] = (signature[at] as number) | (code << (shift[f] as number));
    });
  }
  return { words, signature, featureWord, featureBits };
}

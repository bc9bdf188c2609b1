/**
 * A fast local search for panels of high weight: swap one member for one non-member while every
 * quota and household rule still holds, as long as the swap adds weight. Column generation calls
 * it before the exact integer program, which it saves most of the time; only when it finds
 * nothing does the integer program have to prove that nothing better exists.
 */
import type { SelectionProblem } from './types.js';

export class PanelSearch {
  private readonly n: number;
  private readonly featureCount: number;
  /** cell[i·F + f]: the quota (numbered across all features) person i falls in for feature f. */
  private readonly cell: Int32Array;
  private readonly mins: Int32Array;
  private readonly maxes: Int32Array;
  /** Household number per person, or −1. */
  private readonly household: Int32Array;
  /** Everyone who may sit on a panel. */
  private readonly candidates: number[];
  private readonly required: Uint8Array;

  constructor(problem: SelectionProblem) {
    this.n = problem.people.length;
    this.featureCount = problem.features.length;
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
    this.cell = new Int32Array(this.n * this.featureCount);
    problem.people.forEach((person, i) => {
      person.values.forEach((value, f) => {
        this.cell[i * this.featureCount + f] = quotaNumber[f]?.get(value) ?? -1;
      });
    });
    const households = new Map<string, number>();
    this.household = Int32Array.from(problem.people, (person) => {
      if (!person.household) return -1;
      if (!households.has(person.household)) households.set(person.household, households.size);
      return households.get(person.household) ?? -1;
    });
    const excluded = new Set(problem.excluded ?? []);
    this.candidates = problem.people.map((_, i) => i).filter((i) => !excluded.has(i));
    this.required = new Uint8Array(this.n);
    for (const i of problem.required ?? []) this.required[i] = 1;
  }

  /**
   * Improves `panel` (which must meet the quotas) by best swaps under `weights` until no swap
   * adds more than `tolerance`; returns the improved panel, sorted.
   */
  improve(
    panel: readonly number[],
    weights: ArrayLike<number>,
    tolerance = 1e-12,
    maxSwaps = 1000,
  ): number[] {
    const F = this.featureCount;
    const { cell, mins, maxes, household } = this;
    const members = new Uint8Array(this.n);
    const counts = new Int32Array(mins.length);
    const holderOf = new Map<number, number>();
    for (const i of panel) {
      members[i] = 1;
      for (let f = 0; f < F; f++) bump(counts, cell[i * F + f] as number, 1);
      if ((household[i] as number) >= 0) holderOf.set(household[i] as number, i);
    }
    const current = [...panel];
    // Candidates heaviest first: for each member, the scan stops at the first candidate too light
    // to beat the best swap so far, which in practice is after a handful.
    const order = this.candidates.slice().sort((a, b) => (weights[b] as number) - (weights[a] as number));
    for (let swap = 0; swap < maxSwaps; swap++) {
      let bestGain = tolerance;
      let bestPosition = -1;
      let bestIn = -1;
      for (let position = 0; position < current.length; position++) {
        const out = current[position] as number;
        if (this.required[out]) continue;
        const outWeight = weights[out] as number;
        for (const candidate of order) {
          const gain = (weights[candidate] as number) - outWeight;
          if (gain <= bestGain) break;
          if (members[candidate]) continue;
          let fits = true;
          for (let f = 0; f < F; f++) {
            const a = cell[out * F + f] as number;
            const b = cell[candidate * F + f] as number;
            if (
              a !== b &&
              ((counts[a] as number) <= (mins[a] as number) || (counts[b] as number) >= (maxes[b] as number))
            ) {
              fits = false;
              break;
            }
          }
          if (!fits) continue;
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
      members[out] = 0;
      members[bestIn] = 1;
      if ((household[out] as number) >= 0) holderOf.delete(household[out] as number);
      if ((household[bestIn] as number) >= 0) holderOf.set(household[bestIn] as number, bestIn);
      current[bestPosition] = bestIn;
    }
    return current.sort((a, b) => a - b);
  }
}

function bump(counts: Int32Array, index: number, by: number): void {
  counts[index] = (counts[index] as number) + by;
}

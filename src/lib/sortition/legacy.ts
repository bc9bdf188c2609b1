/**
 * The Sortition Foundation's old "legacy" greedy selector, kept to compare against LEXIMIN: it
 * fills the scarcest quota first, one random person at a time, and starts again from scratch
 * when it paints itself into a corner. It meets the quotas but gives no say over how often each
 * person is chosen, which is what the comparison shows.
 */
import { seededRandom } from '../random/seeded.js';
import { uniformChances } from './chances.js';
import type { SelectionProblem } from './types.js';

const MAX_ATTEMPTS = 100;

/** The problem with values turned into numbers, built once for all attempts. */
interface Prepared {
  k: number;
  /** valueIndex[i][f]: the index of person i's value within feature f's values. */
  valueIndex: number[][];
  /** min[f][v], max[f][v]: the quota of value v of feature f. */
  min: number[][];
  max: number[][];
  households: (string | undefined)[];
  required: number[];
  excluded: Set<number>;
}

export function legacyPanel(
  problem: SelectionProblem,
  random: () => number,
  maxAttempts = MAX_ATTEMPTS,
): number[] | null {
  const prepared = prepare(problem);
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const panel = attemptPanel(prepared, random);
    if (panel) return panel;
  }
  return null;
}

/** Draws m panels with the legacy selector from a seeded generator; chances are count ÷ m. */
export function legacyLottery(
  problem: SelectionProblem,
  m: number,
  seed: number,
): { panels: number[][]; probabilities: number[] } {
  const random = seededRandom(seed);
  const panels: number[][] = [];
  for (let draw = 0; draw < m; draw++) {
    const panel = legacyPanel(problem, random, MAX_ATTEMPTS);
    if (!panel) {
      throw new Error(
        `The legacy selector could not meet the quotas in ${MAX_ATTEMPTS} attempts (on draw ${draw + 1} of ${m})`,
      );
    }
    panels.push(panel);
  }
  return { panels, probabilities: uniformChances(panels, problem.people.length) };
}

function prepare(problem: SelectionProblem): Prepared {
  const { features, people, k } = problem;
  const valueIndex = people.map((person) =>
    features.map((feature, f) => {
      const v = feature.values.findIndex((quota) => quota.value === person.values[f]);
      if (v < 0)
        throw new Error(`${person.id} has ${feature.name} "${person.values[f]}", which has no quota`);
      return v;
    }),
  );
  const required = [...new Set(problem.required ?? [])];
  const excluded = new Set(problem.excluded ?? []);
  if (required.some((person) => excluded.has(person))) {
    throw new Error('Someone is both required on the panel and excluded from it');
  }
  return {
    k,
    valueIndex,
    min: features.map((feature) => feature.values.map((quota) => quota.min)),
    max: features.map((feature) => feature.values.map((quota) => quota.max)),
    households: people.map((person) => person.household),
    required,
    excluded,
  };
}

/** One greedy pass; null when it reaches a point from which some quota cannot be met. */
function attemptPanel(problem: Prepared, random: () => number): number[] | null {
  const { k, valueIndex, min, max, households } = problem;
  const n = valueIndex.length;
  const selected = min.map((values) => values.map(() => 0));
  const availableWith = min.map((values) => values.map(() => 0));
  const available = new Array<boolean>(n).fill(false);
  for (let i = 0; i < n; i++) {
    if (problem.excluded.has(i)) continue;
    available[i] = true;
    (valueIndex[i] as number[]).forEach((v, f) => {
      (availableWith[f] as number[])[v] = ((availableWith[f] as number[])[v] as number) + 1;
    });
  }
  const remove = (i: number) => {
    if (!available[i]) return;
    available[i] = false;
    (valueIndex[i] as number[]).forEach((v, f) => {
      (availableWith[f] as number[])[v] = ((availableWith[f] as number[])[v] as number) - 1;
    });
  };
  const panel: number[] = [];
  /** Takes out everyone who shares `household` or has a value already at its maximum. */
  const prune = (household: string | undefined) => {
    for (let i = 0; i < n; i++) {
      if (!available[i]) continue;
      const sameHousehold = household !== undefined && households[i] === household;
      if (sameHousehold || quotaFull(valueIndex[i] as number[], selected, max)) remove(i);
    }
  };
  const add = (person: number) => {
    panel.push(person);
    remove(person);
    (valueIndex[person] as number[]).forEach((v, f) => {
      (selected[f] as number[])[v] = ((selected[f] as number[])[v] as number) + 1;
    });
    prune(households[person]);
  };

  for (const person of problem.required) {
    // A required member whose household or quota is already taken cannot be seated.
    if (!available[person] || quotaFull(valueIndex[person] as number[], selected, max)) return null;
    add(person);
  }
  // Values with a maximum of 0 (e.g. when replacing a member) rule their people out from the start.
  prune(undefined);

  for (;;) {
    if (panel.length > k) return null;
    // Fail as soon as some value can no longer reach its minimum.
    for (let f = 0; f < min.length; f++) {
      const mins = min[f] as number[];
      for (let v = 0; v < mins.length; v++) {
        const reachable =
          ((selected[f] as number[])[v] as number) + ((availableWith[f] as number[])[v] as number);
        if (reachable < (mins[v] as number)) return null;
      }
    }
    if (panel.length === k) {
      const allMinsMet = min.every((mins, f) =>
        mins.every((lo, v) => ((selected[f] as number[])[v] as number) >= lo),
      );
      return allMinsMet ? panel.sort((a, b) => a - b) : null;
    }
    const choice = scarcestValue(min, max, selected, availableWith);
    if (!choice) return null;
    const [f, v] = choice;
    // The r-th available person (in list order) with that value.
    let r = Math.floor(random() * ((availableWith[f] as number[])[v] as number));
    let person = -1;
    for (let i = 0; i < n; i++) {
      if (available[i] && (valueIndex[i] as number[])[f] === v && r-- === 0) {
        person = i;
        break;
      }
    }
    add(person);
  }
}

function quotaFull(values: number[], selected: number[][], max: number[][]): boolean {
  return values.some(
    (v, f) => ((selected[f] as number[])[v] as number) >= ((max[f] as number[])[v] as number),
  );
}

/**
 * The value to fill next: while some minimum is unmet, among the unmet ones; after that, among
 * those below their maximum. The highest (min − selected) ÷ available wins (the legacy rule:
 * the value whose remaining people are most needed), the first on ties.
 */
function scarcestValue(
  min: number[][],
  max: number[][],
  selected: number[][],
  availableWith: number[][],
): [number, number] | undefined {
  const unmetMinimum = min.some((mins, f) =>
    mins.some((lo, v) => ((selected[f] as number[])[v] as number) < lo),
  );
  let best: [number, number] | undefined;
  let bestRatio = Number.NEGATIVE_INFINITY;
  min.forEach((mins, f) => {
    mins.forEach((lo, v) => {
      const count = (selected[f] as number[])[v] as number;
      const left = (availableWith[f] as number[])[v] as number;
      if (left === 0 || count >= ((max[f] as number[])[v] as number)) return;
      if (unmetMinimum && count >= lo) return;
      const ratio = (lo - count) / left;
      if (ratio > bestRatio) {
        bestRatio = ratio;
        best = [f, v];
      }
    });
  });
  return best;
}

/**
 * What both Method of Equal Shares implementations (the plain exact reference and the fast one)
 * share: the options, who supports which project with what utility, and the add1 completion loop.
 */
import type { Election } from './election.js';
import type { Completion } from './result.js';
import type { TieBreakKey } from './tie-break.js';

export type MesUtility = 'cost' | 'card' | 'points';

/**
 * When add1 stops raising shares. `exhaustive` (the default, as the issue and equalshares.net's
 * default options have it): as soon as no unfunded project with a supporter fits in what is
 * left, or the next share would overspend. `overspend`: only when the next share would overspend
 * (equalshares.net with its "exhaustive" option off; what Wieliczka's 2023 Green Budget did).
 */
export type Add1Stop = 'exhaustive' | 'overspend';
export const ADD1_STOPS: readonly Add1Stop[] = ['exhaustive', 'overspend'];

export interface MesOptions {
  utility: MesUtility;
  completion: Completion;
  tieBreak: TieBreakKey[];
  /** Default 'exhaustive'. */
  add1Stop?: Add1Stop;
}

/** Thrown for a request the rule cannot count, such as points utilities on approval ballots. */
export class MesError extends Error {}

export function checkUtility(election: Election, utility: MesUtility): void {
  if (
    utility === 'points' &&
    (election.points === null || !['cumulative', 'scoring'].includes(election.ballotKind))
  )
    throw new MesError(
      'mes-points needs cumulative or scoring ballots, because it uses the points as utilities. Use mes-cost or mes-card for these ballots.',
    );
}

/**
 * Ballots supporting each project, in project-major order (a CSR matrix by project), with each
 * supporter's weight. A voter who gave a project 0 points does not support it (as in support.ts).
 * `named` counts the supporters: the `supporters` tie-break.
 */
export interface Supporters {
  offsets: Uint32Array;
  voters: Uint32Array;
  /** The supporter's utility for mes-points; 1 otherwise (cost utilities are scaled per project). */
  weights: Uint32Array;
  named: Uint32Array;
}

export function supportersOf(election: Election, utility: MesUtility): Supporters {
  const m = election.projects.length;
  const { offsets: vo, approvals, points } = election;
  const usePoints = utility === 'points' && points !== null;
  const named = new Uint32Array(m);
  const counts = new Uint32Array(m + 1);
  for (let k = 0; k < approvals.length; k++) {
    const p = approvals[k] as number;
    if (points !== null && points[k] === 0) continue;
    named[p] = (named[p] as number) + 1;
    counts[p + 1] = (counts[p + 1] as number) + 1;
  }
  const offsets = new Uint32Array(m + 1);
  for (let p = 0; p < m; p++) offsets[p + 1] = (offsets[p] as number) + (counts[p + 1] as number);
  const total = offsets[m] as number;
  const voters = new Uint32Array(total);
  const weights = new Uint32Array(total).fill(1);
  const fill = offsets.slice(0, m);
  for (let v = 0; v < election.voters; v++) {
    for (let k = vo[v] as number; k < (vo[v + 1] as number); k++) {
      const p = approvals[k] as number;
      if (points !== null && points[k] === 0) continue;
      const w = usePoints ? (points[k] as number) : 1;
      const at = fill[p] as number;
      fill[p] = at + 1;
      voters[at] = v;
      weights[at] = w;
    }
  }
  return { offsets, voters, weights, named };
}

/** One fixed-budget run: the projects chosen, in order, when the voters share `totalBudget`. */
export type FixedBudgetRun = (totalBudget: bigint) => number[];

export interface Add1Outcome {
  selected: number[];
  /** The total (virtual) budget of the run whose outcome was kept. */
  virtualBudget: bigint;
  /** Fixed-budget runs made, the first one at the real budget included. */
  runs: number;
}

/**
 * add1 completion as in the reference implementation: run at the real budget; then, starting from
 * the largest whole-currency-unit share per voter not above it, raise every voter's share by one
 * currency unit and rerun while the outcome is not exhaustive, keeping the last outcome that stays
 * within the real budget. With `completion: 'none'` only the first run is made.
 */
export function add1Loop(
  election: Election,
  supporters: Supporters,
  run: FixedBudgetRun,
  completion: Completion,
  stop: Add1Stop = 'exhaustive',
): Add1Outcome {
  const B = election.budget;
  let selected = run(B);
  let runs = 1;
  let virtualBudget = B;
  const n = BigInt(election.voters);
  if (completion === 'none' || n === 0n) return { selected, virtualBudget, runs };
  const step = n * election.scale;
  let b = (B / step) * step;
  const costOf = (sel: number[]) => sel.reduce((s, p) => s + (election.projects[p]?.cost ?? 0n), 0n);
  let spent = costOf(selected);
  // Once every project the rule can fund is funded, more money cannot change the outcome; without
  // this a free project with supporters (never "funded" by MES, always "fitting") loops forever.
  let candidates = 0;
  election.projects.forEach((p, i) => {
    if (p.cost > 0n && (supporters.offsets[i + 1] as number) > (supporters.offsets[i] as number))
      candidates++;
  });
  for (;;) {
    if (selected.length >= candidates) break;
    const chosen = new Set(selected);
    const left = B - spent;
    const exhaustive =
      stop === 'exhaustive' &&
      !election.projects.some(
        (p, i) =>
          !chosen.has(i) &&
          (supporters.offsets[i + 1] as number) > (supporters.offsets[i] as number) &&
          p.cost <= left,
      );
    if (exhaustive) break;
    const next = run(b + step);
    runs++;
    const nextSpent = costOf(next);
    if (nextSpent > B) break;
    b += step;
    selected = next;
    spent = nextSpent;
    virtualBudget = b;
  }
  return { selected, virtualBudget, runs };
}

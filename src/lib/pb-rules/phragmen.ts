/**
 * Sequential Phragmén with costs, for approval ballots (ordinal ballots count as approval of every
 * project ranked; cumulative and scoring ballots as approval of every project given points).
 *
 * Each voter carries a load: the money they have been charged so far, starting at 0. In each
 * round, for every project not yet chosen that someone supports, work out the load its supporters
 * would all end up with if they shared its cost so as to even out their loads:
 *   t = (cost + the supporters' current loads) / (number of supporters).
 * The project with the lowest t is chosen (ties by the tie-break) and each of its supporters'
 * loads becomes t. Counting stops at the first chosen project that no longer fits in what is
 * left of the budget, as the method is usually defined for PB; nothing after it is funded.
 *
 * Exact and fast. A voter's load is always 0 or one of the t's chosen so far, so we keep a list of
 * those levels (exact, as whole numbers over one common denominator D) and per voter only the
 * index of their level. Per project we keep how many of its supporters sit at each level, so the
 * sum of their loads is Σ count × level: a round costs O(projects × levels) BigInt multiply-adds,
 * and choosing a project only moves its supporters' counts between levels (integer work).
 * Comparing two t's is a cross-multiplication; no fraction is ever rounded.
 */
import type { Election } from './election.js';
import { formatMoney, formatMoneyApprox, fracText, ordinal, plural } from './money-text.js';
import { cmp, type Frac, frac } from './rational.js';
import type { CountResult, ProjectExplanation } from './result.js';
import { ballotNotes, spendingSummary } from './result-text.js';
import { supportOf } from './support.js';
import { type TieBreakKey, tieBreakComparator } from './tie-break.js';

export interface PhragmenOptions {
  tieBreak: readonly TieBreakKey[];
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

/** Above 1 by far more than floating-point error in a round's sums (see the fast path). */
const NEAR = 1 + 1e-9;

const bits = (n: bigint): number => (n === 0n ? 0 : n.toString(16).length * 4);

/** A close double for a non-negative fraction whose parts may be far beyond 2^1024. */
function toDouble(f: Frac): number {
  const sn = Math.max(0, bits(f.num) - 64);
  const sd = Math.max(0, bits(f.den) - 64);
  return (Number(f.num >> BigInt(sn)) / Number(f.den >> BigInt(sd))) * 2 ** (sn - sd);
}

/** What one round found: for each candidate, t = num[p] / (D × supporters[p]). */
interface Round {
  candidates: number[];
  num: bigint[];
  den: bigint;
}

export function phragmen(election: Election, options: PhragmenOptions): CountResult {
  const { projects, offsets, approvals, points } = election;
  const nProjects = projects.length;
  const { supporters } = supportOf(election);
  const tie = tieBreakComparator(options.tieBreak, projects, supporters);
  const supports = (i: number): boolean => points === null || (points[i] as number) > 0;

  // Each project's supporters, as a transposed CSR: voters of p are byProject[start[p] … start[p+1]).
  const start = new Uint32Array(nProjects + 1);
  for (let p = 0; p < nProjects; p++) start[p + 1] = (start[p] as number) + (supporters[p] as number);
  const fill = start.slice(0, nProjects);
  const byProject = new Uint32Array(start[nProjects] as number);
  for (let v = 0; v < election.voters; v++) {
    for (let i = offsets[v] as number; i < (offsets[v + 1] as number); i++) {
      if (!supports(i)) continue;
      const p = approvals[i] as number;
      byProject[fill[p] as number] = v;
      fill[p] = (fill[p] as number) + 1;
    }
  }

  // Levels: loads[k] = levelNum[k] / D exactly. Level 0 is a load of 0.
  let D = 1n;
  const levelNum: bigint[] = [0n];
  const levelF: number[] = [0];
  const costF = projects.map((p) => Number(p.cost));
  /** levelCounts[k][p]: supporters of p whose load is level k. */
  const levelCounts: Uint32Array[] = [Uint32Array.from(supporters)];
  const voterLevel = new Uint32Array(election.voters);
  const chosen = new Uint8Array(nProjects);

  const selected: number[] = [];
  const loads: Frac[] = [];
  const leftBefore: bigint[] = [];
  let spent = 0n;
  let stop: { project: number; round: Round } | null = null;

  const compare = (r: Round, a: number, b: number): number => {
    // t_a < t_b ⇔ num_a / n_a < num_b / n_b (the common D cancels).
    const l = (r.num[a] as bigint) * BigInt(supporters[b] as number);
    const rr = (r.num[b] as bigint) * BigInt(supporters[a] as number);
    return l < rr ? -1 : l > rr ? 1 : tie(a, b);
  };

  const exactNum = (p: number): bigint => {
    let sum = (projects[p]?.cost as bigint) * D;
    for (let k = 1; k < levelNum.length; k++) {
      const c = (levelCounts[k] as Uint32Array)[p] as number;
      if (c !== 0) sum += BigInt(c) * (levelNum[k] as bigint);
    }
    return sum;
  };
  const approx = new Float64Array(nProjects);

  for (;;) {
    const round: Round = { candidates: [], num: new Array<bigint>(nProjects).fill(0n), den: D };
    // Fast path: every candidate's t in floating point. All terms are positive, so each
    // approximation is within a relative (levels + 5) × 2^-52 of the truth, far inside
    // NEAR; only candidates within NEAR of the least approximation can be the least t, and
    // those are compared exactly. So floating point never decides a choice.
    let least = Number.POSITIVE_INFINITY;
    for (let p = 0; p < nProjects; p++) {
      if (chosen[p] || supporters[p] === 0) continue;
      round.candidates.push(p);
      let sum = costF[p] as number;
      for (let k = 1; k < levelF.length; k++) {
        const c = (levelCounts[k] as Uint32Array)[p] as number;
        if (c !== 0) sum += c * (levelF[k] as number);
      }
      const t = sum / (supporters[p] as number);
      approx[p] = t;
      if (t < least) least = t;
    }
    let best = -1;
    for (const p of round.candidates) {
      if ((approx[p] as number) > least * NEAR) continue;
      round.num[p] = exactNum(p);
      if (best < 0 || compare(round, p, best) < 0) best = p;
    }
    if (best < 0) break;
    const cost = projects[best]?.cost as bigint;
    if (cost > election.budget - spent) {
      // Explaining the stop needs every candidate's exact load in this round.
      for (const p of round.candidates) round.num[p] = exactNum(p);
      stop = { project: best, round };
      break;
    }
    const t = frac(round.num[best] as bigint, D * BigInt(supporters[best] as number));
    leftBefore.push(election.budget - spent);
    spent += cost;
    selected.push(best);
    loads.push(t);
    chosen[best] = 1;

    // Put the new level over a common denominator with the old ones.
    const newD = (D / gcd(D, t.den)) * t.den;
    const grow = newD / D;
    if (grow !== 1n) for (let k = 1; k < levelNum.length; k++) levelNum[k] = (levelNum[k] as bigint) * grow;
    D = newD;
    const level = levelNum.length;
    levelNum.push(t.num * (newD / t.den));
    levelF.push(toDouble(t));
    const counts = new Uint32Array(nProjects);
    levelCounts.push(counts);
    for (let j = start[best] as number; j < (start[best + 1] as number); j++) {
      const v = byProject[j] as number;
      const old = levelCounts[voterLevel[v] as number] as Uint32Array;
      for (let i = offsets[v] as number; i < (offsets[v + 1] as number); i++) {
        if (!supports(i)) continue;
        const q = approvals[i] as number;
        old[q] = (old[q] as number) - 1;
        counts[q] = (counts[q] as number) + 1;
      }
      voterLevel[v] = level;
    }
  }

  const explanations = explain(election, supporters, selected, loads, leftBefore, stop, spent);
  return {
    rule: 'phragmen',
    completion: 'none',
    tieBreak: [...options.tieBreak],
    budget: election.budget,
    spent,
    selected,
    notes: ballotNotes(election, 'phragmen'),
    summary: [
      ...spendingSummary(election, selected, spent),
      ...(stop
        ? [
            `Counting stopped in round ${selected.length + 1}: the next project, ${projects[stop.project]?.id}, needed ${formatMoney(
              projects[stop.project]?.cost as bigint,
              election,
            )} and only ${formatMoney(election.budget - spent, election)} was left.`,
          ]
        : []),
    ],
    explanations,
  };
}

function explain(
  election: Election,
  supporters: Uint32Array,
  selected: number[],
  loads: Frac[],
  leftBefore: bigint[],
  stop: { project: number; round: Round } | null,
  spent: bigint,
): ProjectExplanation[] {
  const out: ProjectExplanation[] = [];
  const money = (units: bigint) => formatMoney(units, election);
  const roundOf = new Map(selected.map((p, r) => [p, r]));
  const stopRound = selected.length + 1;
  const each = (n: number) =>
    n === 1 ? 'its 1 supporter' : `each of its ${plural(n, 'supporter', 'supporters')}`;
  // Each candidate's load in the round where counting stopped, computed once: with big
  // denominators, normalising fractions is the costly part of explaining.
  const stopLoads = new Map<number, Frac>();
  if (stop)
    for (const q of stop.round.candidates)
      stopLoads.set(q, frac(stop.round.num[q] as bigint, stop.round.den * BigInt(supporters[q] as number)));
  const loadAtStop = (p: number): Frac | null => stopLoads.get(p) ?? null;
  // How many candidates had a strictly lower load than each, in that round.
  const byLoad = [...stopLoads.keys()].sort((a, b) => {
    const la = stopLoads.get(a) as Frac;
    const lb = stopLoads.get(b) as Frac;
    const l = la.num * lb.den;
    const r = lb.num * la.den;
    return l < r ? -1 : l > r ? 1 : 0;
  });
  const lowerThan = new Map<number, number>();
  byLoad.forEach((q, i) => {
    const prev = byLoad[i - 1];
    const same = prev !== undefined && cmp(stopLoads.get(prev) as Frac, stopLoads.get(q) as Frac) === 0;
    lowerThan.set(q, same ? (lowerThan.get(prev as number) as number) : i);
  });
  election.projects.forEach((project, p) => {
    const backers = plural(supporters[p] as number, 'supporter', 'supporters');
    const r = roundOf.get(p);
    if (r !== undefined) {
      const load = loads[r] as Frac;
      out.push({
        funded: true,
        text: `Chosen in round ${r + 1}: shared among its ${backers} on top of what they had already paid, its cost of ${money(project.cost)} gave the lowest load of any project; ${supporters[p] === 1 ? 'its supporter has' : 'each of them has'} now paid ${formatMoneyApprox(load, election)} in all.`,
        trace: {
          round: r + 1,
          supporters: supporters[p] as number,
          cost: project.cost.toString(),
          load: fracText(load),
          leftBefore: (leftBefore[r] as bigint).toString(),
        },
      });
      return;
    }
    if (supporters[p] === 0) {
      out.push({
        funded: false,
        text: 'Not funded: no ballot supports it, so Phragmén never considers it.',
        trace: { supporters: 0, cost: project.cost.toString() },
      });
      return;
    }
    const load = loadAtStop(p) as Frac;
    const left = election.budget - spent;
    if (stop && stop.project === p) {
      out.push({
        funded: false,
        text: `Not funded: it was next, in round ${stopRound}, with a load of ${formatMoneyApprox(load, election)} for ${each(supporters[p] as number)}, but it needed ${money(project.cost)} and only ${money(left)} was left, so counting stopped.`,
        trace: {
          stoppedCounting: true,
          round: stopRound,
          supporters: supporters[p] as number,
          cost: project.cost.toString(),
          load: fracText(load),
          leftBefore: left.toString(),
        },
      });
      return;
    }
    // Only reachable with a stop: without one every supported project is chosen.
    const stopper = stop as { project: number; round: Round };
    const next = election.projects[stopper.project];
    const nextLoad = loadAtStop(stopper.project) as Frac;
    const rank = lowerThan.get(p) ?? 0;
    out.push({
      funded: false,
      text: `Not funded: counting stopped in round ${stopRound}, when project ${next?.id} (needing ${money(next?.cost as bigint)}, with only ${money(left)} left) no longer fitted. This project would have given ${each(supporters[p] as number)} a load of ${formatMoneyApprox(load, election)}, ${rank === 0 ? 'tied lowest' : `${ordinal(rank + 1)} lowest`} in that round, against ${formatMoneyApprox(nextLoad, election)} for project ${next?.id}.`,
      trace: {
        stoppedBy: next?.id,
        round: stopRound,
        supporters: supporters[p] as number,
        cost: project.cost.toString(),
        load: fracText(load),
      },
    });
  });
  return out;
}

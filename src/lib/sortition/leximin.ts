/**
 * LEXIMIN (Flanigan, Gölz, Gupta, Hennig and Procaccia, Nature 596, 2021): of all the ways to
 * draw a panel that meets the quotas, the one that gives the least likely person the highest
 * chance, then the next least likely, and so on.
 *
 * The search runs over respondent types (respondent-types.ts): interchangeable people get equal
 * chances, so it is enough to decide how many of each type sit on each panel; person-panels.ts
 * seats actual members at the end so that each has exactly the type's chance.
 *
 * Level by level, a linear program over a growing set of panels (column generation) finds the
 * highest chance every not-yet-settled person can be given at once. We solve its dual
 * (dual-program.ts): a weight y_t ≥ 0 per member of each type (the unsettled people's weights sum
 * to 1) and a cap that every known panel's total weight must stay under; minimise cap − Σ settled
 * size_t·p_t·y_t. A panel whose weight exceeds the cap is a new column; the panel program (and a
 * quicker local search around its answer) finds them. When none exists the level is proven, and
 * every type with positive weight is tight in every optimal solution (complementary slackness),
 * so its chance is settled at the level's value.
 *
 * Speed: the LP is one persistent HiGHS model, warm-started from its last basis as rows are
 * added and costs change, and rid of panels far under the cap when it grows; panels are kept
 * from level to level; the integer program finds the heaviest panel each round (exact pricing
 * converges in far fewer rounds than panels that merely beat the cap) and a local search around
 * it adds more good panels per round; each level settles everyone it can; and a level is proven as
 * soon as its LP reaches the level of fractional panels (relaxed-leximin.ts), an upper bound that
 * real panels often meet, which spares the slowest last rounds of column generation.
 *
 * Before any level, one column generation aims straight at the fractional panels' LEXIMIN chances:
 * a lottery over real panels that meets them is optimal outright, and on the benchmark pools that
 * is much quicker than proving the levels one by one (docs/sortition.md). Where it is out of
 * reach the integer program proves so, and the levels follow.
 */
import { DualProgram } from './dual-program.js';
import { getHighs } from './highs.js';
import { type BestPanel, PanelModel } from './panel-model.js';
import { PanelSearch } from './panel-search.js';
import { personDistribution } from './person-panels.js';
import { relaxedLeximin } from './relaxed-leximin.js';
import { groupRespondents, type RespondentTypes } from './respondent-types.js';
import type { Progress, Selection, SelectionProblem } from './types.js';

/** A panel must beat the cap by this much to count as new (weights sum to 1 over unsettled people). */
const PRICE_TOLERANCE = 1e-7;
/** A level whose chance comes this close to the fractional panels' level is proven. */
const BOUND_TOLERANCE = 1e-8;
/**
 * A lottery that gives every type at least this share of its chance under fractional panels is
 * taken to give it that chance (so it is LEXIMIN-optimal): 1e-7 of a chance of about 0.1 is the
 * 1e-8 that BOUND_TOLERANCE allows a level.
 */
const TARGET_TOLERANCE = 1e-7;
/** Dual weights above this settle a type; below it is solver noise. */
const SETTLE_TOLERANCE = 1e-7;
/** How many known panels the local search starts from on each pricing round. */
const SEARCH_STARTS = 6;
/** At most this many new panels per linear solve, from at most this many searches. */
const MAX_NEW_PANELS = 25;
const MAX_ATTEMPTS = 60;
/** Give up on a round after this many searches in a row find nothing new. */
const MAX_MISSES = 6;
/** How much a found panel's members' weights are damped before the next search. */
const DAMPING = 0.8;
/** Drop panels with slack from the linear program when it holds more than this many per type. */
const PRUNE_ABOVE = 6;
/**
 * Search over types only when there are at most this many per person. Types change the path
 * column generation takes, and only pay when they shrink the programs a lot: measured on the
 * benchmark pools, 837 types for 2,000 people prove maximin in about 220 s where the search by
 * person had not after 700 s, but 280 types for 400 people (the hard pool) took 169 rounds where
 * the search by person takes 105.
 */
const TYPES_PER_PERSON_AT_MOST = 0.5;

export interface LeximinOptions {
  /** Stop after this many levels (1 = maximin). */
  maxLevels?: number;
  timeLimitSeconds?: number;
  onProgress?: (progress: Progress) => void;
  /**
   * Search over respondent types (true) or person by person (false); by default, over types when
   * there are at most half as many types as people.
   */
  aggregate?: boolean;
}

export class NoPanelError extends Error {}

export async function leximin(problem: SelectionProblem, options: LeximinOptions = {}): Promise<Selection> {
  const highs = await getHighs();
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const deadline = options.timeLimitSeconds ?? Number.POSITIVE_INFINITY;
  const n = problem.people.length;
  const types = chooseTypes(problem, options.aggregate);
  const sizes = types.members.map((members) => members.length);
  const typeCount = sizes.length;
  const panelModel = new PanelModel(highs, types);
  const search = new PanelSearch(problem, types);
  const dual = new DualProgram(highs, sizes);
  const stats = { lpCalls: 0, ilpCalls: 0, levels: 0, seconds: 0 };
  try {
    const panels = new PanelSet();
    const reachable = coverEveryone(panelModel, panels, typeCount);
    if (!panels.size) throw new NoPanelError('No panel meets the quotas.');
    // Settled chances per type: types no panel can hold get 0; required people 1.
    const settled = new Map<number, number>();
    for (let t = 0; t < typeCount; t++) if (!reachable[t]) settled.set(t, 0);
    for (const i of problem.required ?? []) settled.set(types.typeOf[i] as number, 1);
    const settledPeople = () => [...settled.keys()].reduce((sum, t) => sum + (sizes[t] as number), 0);
    const progress = (level: number, minimum: number, share?: number) =>
      options.onProgress?.({ level, fixed: settledPeople(), n, minimum, seconds: seconds(), share });
    /**
     * One round of column generation: solves `program`, and unless `onSolved` says its goal is
     * reached or time is up, looks for panels that beat its cap and adds them.
     */
    const round = (program: DualProgram, onSolved: (lp: LinearAnswer) => boolean): Round => {
      stats.lpCalls++;
      const lp = program.solve();
      if (onSolved(lp)) return { kind: 'reached', lp };
      if (seconds() > deadline) return { kind: 'stopped', lp };
      // Keep the linear program small: panels far from the cap play no part in the solution.
      if (program.panelCount > PRUNE_ABOVE * (typeCount + 1)) program.pruneSlackPanels();
      // The integer program finds the heaviest panel of all: with exact pricing, column generation
      // needs several times fewer rounds than with panels that merely beat the cap (measured).
      // The heaviest known panels seed it and, after it, the local search.
      const heaviest = panels.heaviest(lp.weights, SEARCH_STARTS);
      const best = panelModel.best(lp.weights, {
        start: heaviest[0],
        timeLimit: Math.max(1, deadline - seconds()),
      });
      if (best.panel && best.value > lp.cap + PRICE_TOLERANCE && !program.has(best.panel)) {
        const offer = (panel: number[]) => {
          panels.add(panel);
          program.addPanel(panel);
        };
        // The integer program's panel, and more found around it by the local search. The first
        // search from the integer program's panel finds nothing (it is the heaviest of all) but
        // damps its members, so the second looks around it; then the heaviest known panels.
        offer(best.panel);
        const starts = [best.panel, best.panel, ...heaviest.slice(0, SEARCH_STARTS - 1)];
        for (const panel of findBetterPanels(search, starts, program, lp.weights, lp.cap)) offer(panel);
        return { kind: 'more', lp, best };
      }
      // No panel beats the cap (proven), or the integer program ran out of time without a proof.
      return { kind: best.bound > lp.cap + PRICE_TOLERANCE ? 'stopped' : 'proven', lp, best };
    };
    const finish = (chosen: Lottery, optimal: boolean, bound: number): Selection => {
      const distribution = personDistribution(chosen.panels, chosen.weights, types, n);
      stats.seconds = seconds();
      stats.ilpCalls = panelModel.calls;
      const minimum = Math.min(
        ...distribution.probabilities.filter((_, i) => reachable[types.typeOf[i] as number]),
      );
      return {
        algorithm: options.maxLevels === 1 ? 'maximin' : 'leximin',
        distribution,
        optimal,
        bound: Math.max(bound, minimum),
        stats,
      };
    };

    // Fractional panels (relaxed-leximin.ts) can do no worse than real ones, so their LEXIMIN
    // chances are a target: a lottery over real panels that gives every type its target chance is
    // LEXIMIN-optimal outright, with no level to prove. One column generation looks for it: it
    // maximises the share z of its target that every type gets at least (a maximin with each type
    // weighed by its target), and stops at z = 1. On the benchmark pools that is several times
    // quicker than proving the levels one by one. Where whole seats matter the target is out of
    // reach; the integer program then proves z < 1, and the levels follow with every panel kept.
    const target =
      options.maxLevels === undefined && settled.size < typeCount
        ? relaxedLeximin(highs, types, settled)
        : null;
    if (target) {
      const chances = target.chances;
      const toTarget = new DualProgram(
        highs,
        sizes.map((size, t) => size * (chances[t] as number)),
      );
      try {
        for (const panel of panels.list) toTarget.addPanel(panel);
        const smallest = target.levels[0]?.value ?? 1;
        let outcome: Round;
        do {
          outcome = round(toTarget, (lp) => {
            const share = Math.max(0, Math.min(1, lp.objective));
            progress(1, share * smallest, share);
            return lp.objective >= 1 - TARGET_TOLERANCE;
          });
        } while (outcome.kind === 'more');
        if (outcome.kind === 'reached') {
          const chosen = toTarget.lastDistribution();
          if (chosen) {
            stats.levels = target.levels.length;
            return finish(chosen, true, smallest);
          }
        }
      } finally {
        toTarget.dispose();
      }
    }

    for (const panel of panels.list) dual.addPanel(panel);
    let optimal = true;
    const unreachable = [...settled].reduce((sum, [t, p]) => sum + (p === 0 ? (sizes[t] as number) : 0), 0);
    let bound = Math.min(1, problem.k / Math.max(1, n - unreachable), target?.levels[0]?.value ?? 1);
    let firstLevelValue: number | null = null;
    const maxLevels = options.maxLevels ?? Number.POSITIVE_INFINITY;
    while (settled.size < typeCount && stats.levels < maxLevels && optimal) {
      dual.setSettled(settled);
      // The fractional panels' level is an upper bound on this one: once the linear program reaches
      // it the level is proven, with no more panels to search for, and the relaxation's own duals
      // say which types it settles. The first level's is the target's first (same settled types).
      const relaxed =
        (stats.levels === 0 && target
          ? target.levels[0]
          : relaxedLeximin(highs, types, settled, 1)?.levels[0]) ?? null;
      if (relaxed && firstLevelValue === null) bound = Math.min(bound, relaxed.value);
      let outcome: Round;
      do {
        outcome = round(dual, (lp) => {
          progress(stats.levels + 1, firstLevelValue ?? lp.objective);
          return relaxed !== null && lp.objective >= relaxed.value - BOUND_TOLERANCE;
        });
        if (firstLevelValue === null && outcome.best)
          bound = Math.min(bound, outcome.best.bound - settledValue(settled, outcome.lp.weights, sizes));
      } while (outcome.kind === 'more');
      if (outcome.kind === 'stopped') {
        optimal = false;
        break;
      }
      const levelValue = outcome.lp.objective;
      stats.levels++;
      if (firstLevelValue === null) {
        firstLevelValue = levelValue;
        bound = levelValue;
      }
      let newlySettled = 0;
      const relaxedSettles = new Set(outcome.kind === 'reached' ? relaxed?.settles : []);
      const weights = outcome.lp.weights;
      const settles = (t: number) =>
        outcome.kind === 'reached' ? relaxedSettles.has(t) : (weights[t] as number) > SETTLE_TOLERANCE;
      for (let t = 0; t < typeCount; t++) {
        if (!settled.has(t) && settles(t)) {
          settled.set(t, Math.max(0, levelValue));
          newlySettled++;
        }
      }
      if (newlySettled === 0) throw new Error('LEXIMIN made no progress on a level (numerical trouble).');
    }
    // The last linear program solved is the answer: its row duals are a lottery over its panels
    // that gives every settled type its chance and every other type at least the level reached
    // (a time limit or maximin). When no level ran, everyone was settled from the start: required
    // people sit on every panel and the rest can sit on none, so any one panel is the answer.
    const chosen =
      stats.lpCalls > 0 ? dual.lastDistribution() : { panels: [panels.list[0] as number[]], weights: [1] };
    if (!chosen)
      throw new Error('The LEXIMIN lottery could not be read from its linear program (numerical trouble).');
    return finish(chosen, optimal, bound);
  } finally {
    panelModel.dispose();
    dual.dispose();
  }
}

type LinearAnswer = ReturnType<DualProgram['solve']>;
type Lottery = { panels: number[][]; weights: number[] };
/**
 * One round of column generation: the linear program reached its goal; or new panels were added
 * ('more'); or the integer program proved that no panel beats the cap; or time ran out, or the
 * integer program did without a proof either way ('stopped').
 */
type Round =
  | { kind: 'reached'; lp: LinearAnswer; best?: undefined }
  | { kind: 'more' | 'proven'; lp: LinearAnswer; best: BestPanel }
  | { kind: 'stopped'; lp: LinearAnswer; best?: BestPanel };

function chooseTypes(problem: SelectionProblem, aggregate: boolean | undefined): RespondentTypes {
  const types = groupRespondents(problem, aggregate ?? true);
  if (aggregate !== undefined) return types;
  const few = types.members.length <= TYPES_PER_PERSON_AT_MOST * problem.people.length;
  return few ? types : groupRespondents(problem, false);
}

/** Σ size_t·p_t·y_t over settled types: the part of a panel's weight already promised. */
function settledValue(settled: Map<number, number>, weights: Float64Array, sizes: readonly number[]): number {
  let total = 0;
  for (const [t, p] of settled) total += p * (sizes[t] as number) * (weights[t] as number);
  return total;
}

/**
 * Finds panels until every type that can sit on some panel is on one, by asking for the panel
 * with the most seats for types not yet covered; when the best panel covers no type that is new,
 * the rest can never be chosen. Returns which types are reachable.
 */
function coverEveryone(model: PanelModel, panels: PanelSet, typeCount: number): Uint8Array {
  const covered = new Uint8Array(typeCount);
  for (;;) {
    const weights = Float64Array.from(covered, (c) => (c ? 0 : 1));
    const best = model.best(weights);
    if (!best.panel) return covered;
    panels.add(best.panel);
    if (best.value < 0.5) return covered;
    for (const t of best.panel) covered[t] = 1;
  }
}

/**
 * Several new panels per linear solve, as the paper's implementation does: after each panel
 * found, damp its members' weights so the next search looks elsewhere, and keep every panel
 * that still beats the cap under the true weights. Fewer, richer rounds of the linear program
 * are what make column generation converge quickly.
 */
function findBetterPanels(
  search: PanelSearch,
  starts: number[][],
  inProgram: { has(panel: readonly number[]): boolean },
  weights: Float64Array,
  cap: number,
): number[][] {
  const found: number[][] = [];
  const damped = Float64Array.from(weights);
  let misses = 0;
  for (
    let attempt = 0;
    attempt < MAX_ATTEMPTS && found.length < MAX_NEW_PANELS && misses < MAX_MISSES;
    attempt++
  ) {
    const start = found.at(-1) ?? starts[attempt % starts.length];
    if (!start) break;
    const improved = search.improve(start, damped);
    const isNew = !inProgram.has(improved) && !found.some((panel) => samePanel(panel, improved));
    if (isNew && panelWeight(improved, weights) > cap + PRICE_TOLERANCE) {
      found.push(improved);
      misses = 0;
    } else {
      misses++;
    }
    for (const i of improved) damped[i] = (damped[i] as number) * DAMPING;
  }
  return found;
}

function panelWeight(panel: readonly number[], weights: ArrayLike<number>): number {
  let total = 0;
  for (const i of panel) total += weights[i] as number;
  return total;
}

function samePanel(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

class PanelSet {
  readonly list: number[][] = [];
  private readonly keys = new Set<string>();

  get size(): number {
    return this.list.length;
  }

  add(panel: number[]): void {
    const key = panel.join(',');
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.list.push(panel);
  }

  /** The `count` known panels of largest total weight, heaviest first. */
  heaviest(weights: ArrayLike<number>, count: number): number[][] {
    return this.list
      .map((panel) => ({ panel, weight: panelWeight(panel, weights) }))
      .sort((a, b) => b.weight - a.weight)
      .slice(0, count)
      .map(({ panel }) => panel);
  }
}

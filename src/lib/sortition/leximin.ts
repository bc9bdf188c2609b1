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
 */
import { DualProgram } from './dual-program.js';
import { getHighs } from './highs.js';
import { PanelModel } from './panel-model.js';
import { PanelSearch } from './panel-search.js';
import { personDistribution } from './person-panels.js';
import { type RelaxedLevel, relaxedLeximin } from './relaxed-leximin.js';
import { groupRespondents, type RespondentTypes } from './respondent-types.js';
import type { Progress, Selection, SelectionProblem } from './types.js';

/** A panel must beat the cap by this much to count as new (weights sum to 1 over unsettled people). */
const PRICE_TOLERANCE = 1e-7;
/** A level whose chance comes this close to the fractional panels' level is proven. */
const BOUND_TOLERANCE = 1e-8;
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
    for (const panel of panels.list) dual.addPanel(panel);
    const offer = (panel: number[]) => {
      panels.add(panel);
      dual.addPanel(panel);
    };

    let optimal = true;
    const unreachable = [...settled].reduce((sum, [t, p]) => sum + (p === 0 ? (sizes[t] as number) : 0), 0);
    let bound = Math.min(1, problem.k / Math.max(1, n - unreachable));
    let firstLevelValue: number | null = null;
    let levelValue = 0;
    const maxLevels = options.maxLevels ?? Number.POSITIVE_INFINITY;
    while (settled.size < typeCount && stats.levels < maxLevels) {
      dual.setSettled(settled);
      // Fractional panels (relaxed-leximin.ts) can do no worse than real ones, so their level is an
      // upper bound: once the linear program reaches it the level is proven, with no more panels to
      // search for, and the relaxation's own duals say which types it settles.
      const relaxed = relaxedLeximin(highs, types, settled, 1)?.levels[0] ?? null;
      if (relaxed && firstLevelValue === null) bound = Math.min(bound, relaxed.value);
      let reachedRelaxed: RelaxedLevel | null = null;
      let weights: Float64Array;
      for (;;) {
        stats.lpCalls++;
        const lp = dual.solve();
        weights = lp.weights;
        levelValue = lp.objective;
        const cap = lp.cap;
        options.onProgress?.({
          level: stats.levels + 1,
          fixed: settledPeople(),
          n,
          minimum: firstLevelValue ?? levelValue,
          seconds: seconds(),
        });
        if (relaxed && levelValue >= relaxed.value - BOUND_TOLERANCE) {
          reachedRelaxed = relaxed;
          break;
        }
        if (seconds() > deadline) {
          optimal = false;
          break;
        }
        // Keep the linear program small: panels far from the cap play no part in the solution.
        if (dual.panelCount > PRUNE_ABOVE * (typeCount + 1)) dual.pruneSlackPanels();
        // The integer program finds the heaviest panel of all: with exact pricing, column generation
        // needs several times fewer rounds than with panels that merely beat the cap (measured).
        // The heaviest known panels seed it and, after it, the local search.
        const heaviest = panels.heaviest(weights, SEARCH_STARTS);
        const best = panelModel.best(weights, {
          start: heaviest[0],
          timeLimit: Math.max(1, deadline - seconds()),
        });
        if (firstLevelValue === null)
          bound = Math.min(bound, best.bound - settledValue(settled, weights, sizes));
        if (best.panel && best.value > cap + PRICE_TOLERANCE && !dual.has(best.panel)) {
          // The integer program's panel, and more found around it by the local search.
          offer(best.panel);
          // The first search from the integer program's panel finds nothing (it is the heaviest
          // of all) but damps its members, so the second looks around it; then the heaviest
          // known panels.
          const starts = [best.panel, best.panel, ...heaviest.slice(0, SEARCH_STARTS - 1)];
          for (const panel of findBetterPanels(search, starts, dual, weights, cap)) offer(panel);
          continue;
        }
        if (best.bound > cap + PRICE_TOLERANCE) {
          // The integer program ran out of time without a proof either way.
          optimal = false;
        }
        break;
      }
      if (!optimal) break;
      stats.levels++;
      if (firstLevelValue === null) {
        firstLevelValue = levelValue;
        bound = levelValue;
      }
      let newlySettled = 0;
      const relaxedSettles = new Set(reachedRelaxed?.settles);
      const settles = (t: number) =>
        reachedRelaxed ? relaxedSettles.has(t) : (weights[t] as number) > SETTLE_TOLERANCE;
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
  } finally {
    panelModel.dispose();
    dual.dispose();
  }
}

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

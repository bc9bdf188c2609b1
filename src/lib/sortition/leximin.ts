/**
 * LEXIMIN (Flanigan, Gölz, Gupta, Hennig and Procaccia, Nature 596, 2021): of all the ways to
 * draw a panel that meets the quotas, the one that gives the least likely person the highest
 * chance, then the next least likely, and so on.
 *
 * Level by level, a linear program over a growing set of panels (column generation) finds the
 * highest chance every not-yet-settled person can be given at once. We solve its dual: a weight
 * y_i ≥ 0 per person (the unsettled ones' weights sum to 1) and a cap that every known panel's
 * total weight must stay under; minimise cap − Σ settled p_i·y_i. A panel whose weight exceeds
 * the cap is a new column; the panel program (or the quicker local search) finds one. When none
 * exists the level is proven, and everyone with positive weight is tight in every optimal
 * solution (complementary slackness), so their chance is settled at the level's value.
 *
 * Speed: the LP is one persistent HiGHS model, warm-started from its last basis as rows are
 * added and costs change, and rid of panels far under the cap when it grows; panels are kept
 * from level to level; the integer program finds the heaviest panel each round (exact pricing
 * converges in far fewer rounds than panels that merely beat the cap) and a local search around
 * it adds more good panels per round; and each level settles everyone it can.
 */
import type { Highs, HighsModel } from './highs.js';
import { getHighs } from './highs.js';
import { PanelModel } from './panel-model.js';
import { PanelSearch } from './panel-search.js';
import type { Distribution, Progress, Selection, SelectionProblem } from './types.js';

/** A panel must beat the cap by this much to count as new (weights sum to 1 over unsettled people). */
const PRICE_TOLERANCE = 1e-7;
/** Dual weights above this settle a person; below it is solver noise. */
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
/** Drop panels with slack from the linear program when it holds more than this many per person. */
const PRUNE_ABOVE = 6;
/** A panel this far under the cap is not part of the solution. */
const SLACK_TOLERANCE = 1e-6;

export interface LeximinOptions {
  /** Stop after this many levels (1 = maximin). */
  maxLevels?: number;
  timeLimitSeconds?: number;
  onProgress?: (progress: Progress) => void;
}

export class NoPanelError extends Error {}

export async function leximin(problem: SelectionProblem, options: LeximinOptions = {}): Promise<Selection> {
  const highs = await getHighs();
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const deadline = options.timeLimitSeconds ?? Number.POSITIVE_INFINITY;
  const n = problem.people.length;
  const panelModel = new PanelModel(highs, problem);
  const search = new PanelSearch(problem);
  const dual = new DualProgram(highs, n);
  const stats = { lpCalls: 0, ilpCalls: 0, levels: 0, seconds: 0 };
  try {
    const panels = new PanelSet();
    const reachable = coverEveryone(panelModel, panels, n);
    if (!panels.size) throw new NoPanelError('No panel meets the quotas.');
    // Settled chances: people no panel can hold get 0; required people 1.
    const settled = new Map<number, number>();
    for (let i = 0; i < n; i++) if (!reachable[i]) settled.set(i, 0);
    for (const i of problem.required ?? []) settled.set(i, 1);
    for (const panel of panels.list) dual.addPanel(panel);
    const offer = (panel: number[]) => {
      panels.add(panel);
      dual.addPanel(panel);
    };

    let optimal = true;
    let bound = Math.min(1, problem.k / Math.max(1, n - countZero(settled)));
    let firstLevelValue: number | null = null;
    let levelValue = 0;
    const maxLevels = options.maxLevels ?? Number.POSITIVE_INFINITY;
    while (settled.size < n && stats.levels < maxLevels) {
      dual.setSettled(settled);
      let weights: Float64Array;
      for (;;) {
        stats.lpCalls++;
        const lp = dual.solve();
        weights = lp.weights;
        levelValue = lp.objective;
        const cap = lp.cap;
        options.onProgress?.({
          level: stats.levels + 1,
          fixed: settled.size,
          n,
          minimum: firstLevelValue ?? levelValue,
          seconds: seconds(),
        });
        if (seconds() > deadline) {
          optimal = false;
          break;
        }
        // Keep the linear program small: panels far from the cap play no part in the solution.
        if (dual.panelCount > PRUNE_ABOVE * (n + 1)) dual.pruneSlackPanels();
        // The integer program finds the heaviest panel of all: with exact pricing, column generation
        // needs several times fewer rounds than with panels that merely beat the cap (measured).
        // The heaviest known panels seed it and, after it, the local search.
        const heaviest = panels.heaviest(weights, SEARCH_STARTS);
        const best = panelModel.best(weights, {
          start: heaviest[0],
          timeLimit: Math.max(1, deadline - seconds()),
        });
        if (firstLevelValue === null) bound = Math.min(bound, best.bound - settledValue(settled, weights));
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
      for (let i = 0; i < n; i++) {
        if (!settled.has(i) && (weights[i] as number) > SETTLE_TOLERANCE) {
          settled.set(i, Math.max(0, levelValue));
          newlySettled++;
        }
      }
      if (newlySettled === 0) throw new Error('LEXIMIN made no progress on a level (numerical trouble).');
    }
    // Everyone not yet settled (a time limit or maximin) is promised at least the level reached.
    const targets = Float64Array.from({ length: n }, (_, i) => settled.get(i) ?? Math.max(0, levelValue));
    stats.lpCalls++;
    const distribution = distributionMeeting(highs, panels.list, targets, n);
    stats.seconds = seconds();
    stats.ilpCalls = panelModel.calls;
    const minimum = Math.min(...distribution.probabilities.filter((_, i) => reachable[i]));
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

function countZero(settled: Map<number, number>): number {
  let zero = 0;
  for (const p of settled.values()) if (p === 0) zero++;
  return zero;
}

function settledValue(settled: Map<number, number>, weights: Float64Array): number {
  let total = 0;
  for (const [i, p] of settled) total += p * (weights[i] as number);
  return total;
}

/**
 * Finds panels until everyone who can sit on some panel is on one, by asking for the panel with
 * the most people not yet covered; when the best panel covers nobody new, the rest can never be
 * chosen. Returns who is reachable.
 */
function coverEveryone(model: PanelModel, panels: PanelSet, n: number): Uint8Array {
  const covered = new Uint8Array(n);
  for (;;) {
    const weights = Float64Array.from(covered, (c) => (c ? 0 : 1));
    const best = model.best(weights);
    if (!best.panel) return covered;
    panels.add(best.panel);
    if (best.value < 0.5) return covered;
    for (const i of best.panel) covered[i] = 1;
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

/**
 * The dual linear program of one level, kept in one HiGHS model for warm starts: columns
 * y_0 … y_{n−1} and the cap; row 0 makes the unsettled weights sum to 1; one row per panel.
 */
class DualProgram {
  private readonly model: HighsModel;
  private readonly capColumn: number;

  constructor(
    private readonly highs: Highs,
    private readonly n: number,
  ) {
    this.capColumn = n;
    const inf = highs.infinity;
    const lower = new Float64Array(n + 1);
    const upper = new Float64Array(n + 1).fill(inf);
    lower[n] = -inf;
    const cost = new Float64Array(n + 1);
    cost[n] = 1;
    const indices = Int32Array.from({ length: n }, (_, i) => i);
    this.model = highs.createModel({
      numCols: n + 1,
      numRows: 1,
      sense: highs.constants.objectiveSense.minimize,
      colCost: cost,
      colLower: lower,
      colUpper: upper,
      rowLower: new Float64Array([1]),
      rowUpper: new Float64Array([1]),
      matrix: {
        format: 'csr',
        numRows: 1,
        numCols: n + 1,
        starts: new Int32Array([0, n]),
        indices,
        values: new Float64Array(n).fill(1),
      },
    });
    this.model.options.set({ output_flag: false, solver: 'simplex', presolve: 'off' });
  }

  /** The key of the panel on each row after row 0, in row order. */
  private readonly rowKeys: string[] = [];
  private readonly keys = new Set<string>();

  get panelCount(): number {
    return this.rowKeys.length;
  }

  has(panel: readonly number[]): boolean {
    return this.keys.has(panel.join(','));
  }

  addPanel(panel: readonly number[]): void {
    const key = panel.join(',');
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.rowKeys.push(key);
    const indices = Int32Array.from([...panel, this.capColumn]);
    const values = new Float64Array(indices.length).fill(1);
    values[values.length - 1] = -1;
    this.model.addRow(-this.highs.infinity, 0, { indices, values });
  }

  /**
   * Deletes the rows of panels whose weight is below the cap in the last solution: their chance
   * is 0 there, so the solution and its basis stay optimal without them. Column generation adds
   * any of them back if it is needed again.
   */
  pruneSlackPanels(): void {
    const activity = this.model.getSolution().rowValue;
    const drop: number[] = [];
    this.rowKeys.forEach((_, r) => {
      if ((activity[r + 1] as number) < -SLACK_TOLERANCE) drop.push(r + 1);
    });
    if (!drop.length) return;
    this.model.deleteRows({ kind: 'set', indices: Int32Array.from(drop) });
    const dropped = new Set(drop);
    const kept = this.rowKeys.filter((_, r) => !dropped.has(r + 1));
    for (const r of drop) this.keys.delete(this.rowKeys[r - 1] as string);
    this.rowKeys.length = 0;
    this.rowKeys.push(...kept);
  }

  /** Settled people leave the sum-to-1 row and earn −p_i in the objective. */
  setSettled(settled: Map<number, number>): void {
    for (const [i, p] of settled) {
      this.model.changeCoefficient(0, i, 0);
      this.model.changeColCost(i, -p);
    }
  }

  solve(): { weights: Float64Array; cap: number; objective: number } {
    this.model.run();
    const status = this.model.getModelStatus();
    if (status !== this.highs.constants.modelStatus.optimal) {
      throw new Error(`The LEXIMIN linear program did not solve (HiGHS status ${status}).`);
    }
    const colValue = this.model.getSolution().colValue;
    return {
      weights: colValue.slice(0, this.n),
      cap: colValue[this.capColumn] as number,
      objective: this.model.getObjectiveValue(),
    };
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * The distribution over the known panels that gives everyone at least their target chance, or
 * as close as can be: minimise ε subject to Σλ = 1 and Σ_{panels with i} λ + ε ≥ target_i.
 */
export function distributionMeeting(
  highs: Highs,
  panels: number[][],
  targets: Float64Array,
  n: number,
): Distribution {
  const m = panels.length;
  // Columns: λ_0 … λ_{m−1}, ε. Rows: Σλ = 1, then one per person with a positive target.
  const people = [...targets.keys()].filter((i) => (targets[i] as number) > 0);
  const rowOf = new Map(people.map((i, r) => [i, r + 1]));
  const starts = [0];
  const indices: number[] = [];
  for (const panel of panels) {
    indices.push(0);
    for (const i of panel) {
      const row = rowOf.get(i);
      if (row !== undefined) indices.push(row);
    }
    starts.push(indices.length);
  }
  indices.push(...people.map((_, r) => r + 1));
  starts.push(indices.length);
  const numRows = people.length + 1;
  const cost = new Float64Array(m + 1);
  cost[m] = 1;
  const model = highs.createModel({
    numCols: m + 1,
    numRows,
    sense: highs.constants.objectiveSense.minimize,
    colCost: cost,
    colLower: new Float64Array(m + 1),
    colUpper: new Float64Array(m + 1).fill(highs.infinity),
    rowLower: Float64Array.from({ length: numRows }, (_, r) =>
      r === 0 ? 1 : (targets[people[r - 1] as number] as number),
    ),
    rowUpper: Float64Array.from({ length: numRows }, (_, r) => (r === 0 ? 1 : highs.infinity)),
    matrix: {
      format: 'csc',
      numRows,
      numCols: m + 1,
      starts: Int32Array.from(starts),
      indices: Int32Array.from(indices),
      values: new Float64Array(indices.length).fill(1),
    },
  });
  try {
    model.options.set({ output_flag: false });
    model.run();
    if (model.getModelStatus() !== highs.constants.modelStatus.optimal) {
      throw new Error('The final LEXIMIN distribution could not be found (numerical trouble).');
    }
    const values = model.getSolution().colValue;
    const kept: number[] = [];
    for (let c = 0; c < m; c++) if ((values[c] as number) > 1e-12) kept.push(c);
    const total = kept.reduce((sum, c) => sum + (values[c] as number), 0);
    const weights = kept.map((c) => (values[c] as number) / total);
    const keptPanels = kept.map((c) => panels[c] as number[]);
    const probabilities = new Array<number>(n).fill(0);
    keptPanels.forEach((panel, c) => {
      for (const i of panel) probabilities[i] = (probabilities[i] as number) + (weights[c] as number);
    });
    return { panels: keptPanels, weights, probabilities: probabilities.map((p) => Math.min(1, p)) };
  } finally {
    model.dispose();
  }
}

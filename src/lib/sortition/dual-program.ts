/**
 * The dual linear program of one LEXIMIN level over respondent types, kept in one HiGHS model for
 * warm starts. Columns: a weight y_t ≥ 0 per type (the weight of each of its members) and the cap.
 * Row 0 makes the unsettled people's weights sum to 1 (Σ size_t·y_t = 1 over unsettled types);
 * one row per type panel keeps its weight, Σ seats_t·y_t, under the cap. Minimise the cap less
 * Σ size_t·p_t·y_t over settled types: the level's chance (see leximin.ts).
 *
 * The row duals of an optimal solution are the level's own answer: a chance λ_P for each known
 * panel, summing to 1, that gives every settled type its chance and every other type at least the
 * level's value. `lastDistribution` hands them out, so no further program is needed at the end.
 */
import type { Highs, HighsModel } from './highs.js';
import { typeCounts } from './respondent-types.js';

/** A panel this far under the cap is not part of the solution. */
const SLACK_TOLERANCE = 1e-6;
/** Many times the simplex iterations a solve needs from a cold start on the benchmark's largest pool. */
const ITERATION_LIMIT = 25_000;
/** Panels with less chance than this in a solution are dropped (and the rest scaled back to a sum of 1). */
const NEGLIGIBLE = 1e-12;

export class DualProgram {
  private readonly model: HighsModel;
  private readonly capColumn: number;
  /** The panel on each row after row 0, in row order. */
  private readonly rowPanels: (readonly number[])[] = [];
  private readonly keys = new Set<string>();
  /** The panels and row duals of the last optimal solve (rows change afterwards). */
  private last: { panels: (readonly number[])[]; rowDual: Float64Array } | null = null;

  constructor(
    private readonly highs: Highs,
    private readonly sizes: readonly number[],
  ) {
    const columns = sizes.length;
    this.capColumn = columns;
    const inf = highs.infinity;
    const lower = new Float64Array(columns + 1);
    const upper = new Float64Array(columns + 1).fill(inf);
    lower[columns] = -inf;
    const cost = new Float64Array(columns + 1);
    cost[columns] = 1;
    this.model = highs.createModel({
      numCols: columns + 1,
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
        numCols: columns + 1,
        starts: new Int32Array([0, columns]),
        indices: Int32Array.from(sizes.keys()),
        values: Float64Array.from(sizes),
      },
    });
    this.model.options.set({ output_flag: false, solver: 'simplex', presolve: 'off' });
  }

  get panelCount(): number {
    return this.rowPanels.length;
  }

  has(panel: readonly number[]): boolean {
    return this.keys.has(panel.join(','));
  }

  addPanel(panel: readonly number[]): void {
    const key = panel.join(',');
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.rowPanels.push([...panel]);
    const counts = typeCounts(panel);
    const indices = Int32Array.from([...counts.keys(), this.capColumn]);
    const values = Float64Array.from([...counts.values(), -1]);
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
    this.rowPanels.forEach((_, r) => {
      if ((activity[r + 1] as number) < -SLACK_TOLERANCE) drop.push(r + 1);
    });
    if (!drop.length) return;
    this.model.deleteRows({ kind: 'set', indices: Int32Array.from(drop) });
    const dropped = new Set(drop);
    for (const r of drop) this.keys.delete((this.rowPanels[r - 1] as number[]).join(','));
    const kept = this.rowPanels.filter((_, r) => !dropped.has(r + 1));
    this.rowPanels.length = 0;
    this.rowPanels.push(...kept);
  }

  /** Settled types leave the sum-to-1 row and earn −size_t·p_t in the objective. */
  setSettled(settled: Map<number, number>): void {
    for (const [t, p] of settled) {
      this.model.changeCoefficient(0, t, 0);
      this.model.changeColCost(t, -p * (this.sizes[t] as number));
    }
  }

  solve(): { weights: Float64Array; cap: number; objective: number } {
    this.run();
    const status = this.model.getModelStatus();
    if (status !== this.highs.constants.modelStatus.optimal) {
      throw new Error(`The LEXIMIN linear program did not solve (HiGHS status ${status}).`);
    }
    const solution = this.model.getSolution();
    const colValue = solution.colValue;
    this.last = { panels: this.rowPanels.slice(), rowDual: solution.rowDual };
    return {
      weights: colValue.slice(0, this.capColumn),
      cap: colValue[this.capColumn] as number,
      objective: this.model.getObjectiveValue(),
    };
  }

  /**
   * Runs the simplex method from the last basis. HiGHS's dual simplex can stall on these highly
   * degenerate programs (seen when many near-equivalent panels are known): past an iteration limit,
   * far above what a warm or cold start normally needs, it starts again from the slack basis, and
   * then with the primal simplex method.
   */
  private run(): void {
    const { modelStatus } = this.highs.constants;
    this.model.options.set({ simplex_iteration_limit: ITERATION_LIMIT, simplex_strategy: 1 });
    this.model.run();
    if (this.model.getModelStatus() !== modelStatus.iterationLimit) return;
    this.model.setLogicalBasis();
    this.model.run();
    if (this.model.getModelStatus() !== modelStatus.iterationLimit) return;
    this.model.setLogicalBasis();
    this.model.options.set({ simplex_strategy: 4 });
    this.model.run();
  }

  /**
   * The lottery over panels that the last optimal solve proves best: each panel row's dual
   * (negated, as HiGHS signs the duals of a minimisation's ≤ rows), with chances below
   * `NEGLIGIBLE` dropped and the rest scaled to sum to 1. Null before the first solve.
   */
  lastDistribution(): { panels: number[][]; weights: number[] } | null {
    if (!this.last) return null;
    const { panels, rowDual } = this.last;
    const kept: number[] = [];
    panels.forEach((_, r) => {
      if (-(rowDual[r + 1] as number) > NEGLIGIBLE) kept.push(r);
    });
    const total = kept.reduce((sum, r) => sum - (rowDual[r + 1] as number), 0);
    if (!(total > 0)) return null;
    return {
      panels: kept.map((r) => [...(panels[r] as number[])]),
      weights: kept.map((r) => -(rowDual[r + 1] as number) / total),
    };
  }

  dispose(): void {
    this.model.dispose();
  }
}

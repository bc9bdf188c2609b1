/**
 * The integer program whose solutions are exactly the panels that meet every quota: one binary
 * variable per person, one row per feature value (min ≤ members with it ≤ max), one row for the
 * panel size, and one per household of two or more (at most one of them). The engine asks it
 * for the panel with the largest total weight, for ever-changing weights, so the model is built
 * once and only its objective changes.
 */
import type { Highs, HighsModel } from './highs.js';
import type { SelectionProblem } from './types.js';

export interface PanelRow {
  /** What the row stands for, for naming conflicting quotas. */
  label:
    | { kind: 'quota'; feature: string; value: string }
    | { kind: 'size' }
    | { kind: 'household'; key: string };
  members: number[];
  min: number;
  max: number;
}

/** The rows of the panel program, shared with the infeasibility report. */
export function panelRows(problem: SelectionProblem): PanelRow[] {
  const rows: PanelRow[] = [];
  problem.features.forEach((feature, f) => {
    feature.values.forEach((quota) => {
      const members: number[] = [];
      problem.people.forEach((person, i) => {
        if (person.values[f] === quota.value) members.push(i);
      });
      rows.push({
        label: { kind: 'quota', feature: feature.name, value: quota.value },
        members,
        min: quota.min,
        max: quota.max,
      });
    });
  });
  rows.push({
    label: { kind: 'size' },
    members: problem.people.map((_, i) => i),
    min: problem.k,
    max: problem.k,
  });
  const households = new Map<string, number[]>();
  problem.people.forEach((person, i) => {
    if (!person.household) return;
    const list = households.get(person.household) ?? [];
    list.push(i);
    households.set(person.household, list);
  });
  for (const [key, members] of households) {
    if (members.length > 1) rows.push({ label: { kind: 'household', key }, members, min: 0, max: 1 });
  }
  return rows;
}

/**
 * The panel program as a HiGHS model (maximising, objective all zero until set). Required people
 * are fixed in and excluded people fixed out through their bounds.
 */
export function createPanelProgram(highs: Highs, problem: SelectionProblem, rows: PanelRow[]): HighsModel {
  const n = problem.people.length;
  const lower = new Float64Array(n);
  const upper = new Float64Array(n).fill(1);
  for (const i of problem.required ?? []) lower[i] = 1;
  for (const i of problem.excluded ?? []) upper[i] = 0;
  const starts = new Int32Array(rows.length + 1);
  const indices: number[] = [];
  rows.forEach((row, r) => {
    indices.push(...row.members);
    starts[r + 1] = indices.length;
  });
  const model = highs.createModel({
    numCols: n,
    numRows: rows.length,
    sense: highs.constants.objectiveSense.maximize,
    colCost: new Float64Array(n),
    colLower: lower,
    colUpper: upper,
    rowLower: Float64Array.from(rows, (row) => row.min),
    rowUpper: Float64Array.from(rows, (row) => row.max),
    matrix: {
      format: 'csr',
      numRows: rows.length,
      numCols: n,
      starts,
      indices: Int32Array.from(indices),
      values: new Float64Array(indices.length).fill(1),
    },
    integrality: new Int32Array(n).fill(highs.constants.variableType.integer),
  });
  model.options.set({ output_flag: false });
  return model;
}

export interface BestPanel {
  /** The best panel found (sorted), or null when no panel meets the quotas. */
  panel: number[] | null;
  /** Its total weight. */
  value: number;
  /** A proven upper bound on any panel's total weight. */
  bound: number;
}

export class PanelModel {
  private readonly model: HighsModel;
  private readonly n: number;
  calls = 0;

  constructor(
    private readonly highs: Highs,
    problem: SelectionProblem,
  ) {
    this.n = problem.people.length;
    this.model = createPanelProgram(highs, problem, panelRows(problem));
    this.model.options.set({ mip_rel_gap: 1e-9, mip_abs_gap: 1e-10 });
  }

  /** The panel with the largest total weight; `start` seeds the search with a known panel. */
  best(weights: ArrayLike<number>, options: { start?: number[]; timeLimit?: number } = {}): BestPanel {
    this.calls++;
    const costs = Float64Array.from(weights);
    this.model.changeColsCost({ kind: 'range', from: 0, to: this.n - 1 }, costs);
    const { timeLimit } = options;
    this.model.options.set({
      time_limit: timeLimit !== undefined && Number.isFinite(timeLimit) ? timeLimit : 1e30,
    });
    if (options.start) {
      const colValue = new Float64Array(this.n);
      for (const i of options.start) colValue[i] = 1;
      this.model.setSolution({ colValue });
    }
    this.model.run();
    if (this.model.getModelStatus() === this.highs.constants.modelStatus.infeasible) {
      return { panel: null, value: 0, bound: 0 };
    }
    let bound = Number(this.model.info.get('mip_dual_bound'));
    const colValue = this.model.getSolution().colValue;
    const panel: number[] = [];
    for (let i = 0; i < this.n; i++) if ((colValue[i] as number) > 0.5) panel.push(i);
    let value = 0;
    for (const i of panel) value += costs[i] as number;
    if (!Number.isFinite(bound)) bound = value;
    return { panel: panel.length ? panel : null, value, bound: Math.max(bound, value) };
  }

  dispose(): void {
    this.model.dispose();
  }
}

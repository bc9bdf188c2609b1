/**
 * The integer program whose solutions are exactly the panels that meet every quota: one binary
 * variable per person, one row per feature value (min ≤ members with it ≤ max), one row for the
 * panel size, and one per household of two or more (at most one of them). The engine asks it
 * for the panel with the largest total weight, for ever-changing weights, so the model is built
 * once and only its objective changes; it asks over respondent types (respondent-types.ts), with
 * one whole-number variable per type counting its members on the panel.
 */
import type { Highs, HighsModel } from './highs.js';
import type { RespondentTypes } from './respondent-types.js';
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
  const lower = new Int32Array(n);
  const upper = new Int32Array(n).fill(1);
  for (const i of problem.required ?? []) lower[i] = 1;
  for (const i of problem.excluded ?? []) upper[i] = 0;
  return countProgram(highs, lower, upper, rows);
}

/**
 * The same program over columns that count how many of a group sit on the panel, each between
 * its `lower` and `upper` (a person is a column counting 0 or 1).
 */
function countProgram(highs: Highs, lower: Int32Array, upper: Int32Array, rows: PanelRow[]): HighsModel {
  const columns = lower.length;
  const starts = new Int32Array(rows.length + 1);
  const indices: number[] = [];
  rows.forEach((row, r) => {
    indices.push(...row.members);
    starts[r + 1] = indices.length;
  });
  const model = highs.createModel({
    numCols: columns,
    numRows: rows.length,
    sense: highs.constants.objectiveSense.maximize,
    colCost: new Float64Array(columns),
    colLower: Float64Array.from(lower),
    colUpper: Float64Array.from(upper),
    rowLower: Float64Array.from(rows, (row) => row.min),
    rowUpper: Float64Array.from(rows, (row) => row.max),
    matrix: {
      format: 'csr',
      numRows: rows.length,
      numCols: columns,
      starts,
      indices: Int32Array.from(indices),
      values: new Float64Array(indices.length).fill(1),
    },
    integrality: new Int32Array(columns).fill(highs.constants.variableType.integer),
  });
  model.options.set({ output_flag: false });
  return model;
}

export interface BestPanel {
  /** The best type panel found (sorted types, one entry per seat), or null when no panel meets the quotas. */
  panel: number[] | null;
  /** Its total weight. */
  value: number;
  /** A proven upper bound on any panel's total weight. */
  bound: number;
}

/** The panel program over respondent types: it chooses how many of each type sit on the panel. */
export class PanelModel {
  private readonly model: HighsModel;
  private readonly columns: number;
  calls = 0;

  constructor(
    private readonly highs: Highs,
    types: RespondentTypes,
  ) {
    this.columns = types.members.length;
    this.model = countProgram(highs, types.lower, types.upper, types.rows);
    this.model.options.set({ mip_rel_gap: 1e-9, mip_abs_gap: 1e-10 });
  }

  /**
   * The type panel with the largest total weight (each type's weight counted once per seat it
   * holds); `start` seeds the search with a known panel.
   */
  best(weights: ArrayLike<number>, options: { start?: number[]; timeLimit?: number } = {}): BestPanel {
    this.calls++;
    const costs = Float64Array.from(weights);
    this.model.changeColsCost({ kind: 'range', from: 0, to: this.columns - 1 }, costs);
    const { timeLimit } = options;
    this.model.options.set({
      time_limit: timeLimit !== undefined && Number.isFinite(timeLimit) ? timeLimit : 1e30,
    });
    if (options.start) {
      const colValue = new Float64Array(this.columns);
      for (const t of options.start) colValue[t] = (colValue[t] as number) + 1;
      this.model.setSolution({ colValue });
    }
    this.model.run();
    if (this.model.getModelStatus() === this.highs.constants.modelStatus.infeasible) {
      return { panel: null, value: 0, bound: 0 };
    }
    let bound = Number(this.model.info.get('mip_dual_bound'));
    const colValue = this.model.getSolution().colValue;
    const panel: number[] = [];
    for (let t = 0; t < this.columns; t++) {
      const count = Math.round(colValue[t] as number);
      for (let seat = 0; seat < count; seat++) panel.push(t);
    }
    let value = 0;
    for (const t of panel) value += costs[t] as number;
    if (!Number.isFinite(bound)) bound = value;
    return { panel: panel.length ? panel : null, value, bound: Math.max(bound, value) };
  }

  dispose(): void {
    this.model.dispose();
  }
}

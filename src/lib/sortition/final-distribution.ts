/**
 * The last step of LEXIMIN: a distribution over the type panels found that gives every type at
 * least its settled chance, or as close as can be: minimise ε subject to Σλ = 1 and, per type,
 * Σ_panels λ·seats_t ÷ size_t + ε ≥ target_t.
 */
import type { Highs } from './highs.js';
import { typeCounts } from './respondent-types.js';

/** Panels with less chance than this are dropped (and the rest scaled back to a sum of 1). */
const NEGLIGIBLE = 1e-12;

export function typeDistributionMeeting(
  highs: Highs,
  panels: readonly (readonly number[])[],
  targets: Float64Array,
  sizes: readonly number[],
): { panels: number[][]; weights: number[] } {
  const m = panels.length;
  // Columns: λ_0 … λ_{m−1}, ε. Rows: Σλ = 1, then one per type with a positive target.
  const types = [...targets.keys()].filter((t) => (targets[t] as number) > 0);
  const rowOf = new Map(types.map((t, r) => [t, r + 1]));
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const panel of panels) {
    indices.push(0);
    values.push(1);
    for (const [t, seats] of typeCounts(panel)) {
      const row = rowOf.get(t);
      if (row === undefined) continue;
      indices.push(row);
      values.push(seats / (sizes[t] as number));
    }
    starts.push(indices.length);
  }
  for (let r = 1; r <= types.length; r++) {
    indices.push(r);
    values.push(1);
  }
  starts.push(indices.length);
  const numRows = types.length + 1;
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
      r === 0 ? 1 : (targets[types[r - 1] as number] as number),
    ),
    rowUpper: Float64Array.from({ length: numRows }, (_, r) => (r === 0 ? 1 : highs.infinity)),
    matrix: {
      format: 'csc',
      numRows,
      numCols: m + 1,
      starts: Int32Array.from(starts),
      indices: Int32Array.from(indices),
      values: Float64Array.from(values),
    },
  });
  try {
    model.options.set({ output_flag: false });
    model.run();
    if (model.getModelStatus() !== highs.constants.modelStatus.optimal) {
      throw new Error('The final LEXIMIN distribution could not be found (numerical trouble).');
    }
    const solution = model.getSolution().colValue;
    const kept: number[] = [];
    for (let c = 0; c < m; c++) if ((solution[c] as number) > NEGLIGIBLE) kept.push(c);
    const total = kept.reduce((sum, c) => sum + (solution[c] as number), 0);
    return {
      panels: kept.map((c) => [...(panels[c] as number[])]),
      weights: kept.map((c) => (solution[c] as number) / total),
    };
  } finally {
    model.dispose();
  }
}

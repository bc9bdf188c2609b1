/**
 * LEXIMIN over the linear relaxation of the panel program: the same level-by-level question as
 * leximin.ts, asked of "fractional panels" (how many of each type sit on the panel may be any
 * number between its bounds, not only a whole one). Every lottery over real panels has expected
 * seats that form such a fractional panel, so the relaxation can only be fairer. That makes its
 * answer a target: if some lottery over real panels gives every type exactly the relaxation's
 * chances, that lottery is LEXIMIN-optimal (nothing fairer exists even among fractional panels),
 * and decomposition.ts looks for one.
 *
 * It is quick because no panels need to be generated: each level is one small linear program over
 * the types (measured: under a second for the benchmark's 2,000-person pool, where the full search
 * takes minutes per level). On the benchmark pools the relaxation's chances are exactly the
 * LEXIMIN ones; where whole-number seats matter (small pools, tight quotas, households) they can
 * differ, and the engine then falls back to the full search.
 *
 * Columns: x_t, the expected seats of type t (between its bounds), and z, the level's chance. Rows:
 * the quota, size and household rows of the panel program, then x_t − size_t·z ≥ 0 for every type
 * not yet settled (a settled type instead has x_t fixed at size_t·p_t). Maximise z. A type whose
 * row has a positive dual is at z in every optimal solution (complementary slackness): settled.
 */
import type { Highs } from './highs.js';
import type { RespondentTypes } from './respondent-types.js';

/** Row duals above this settle a type; below it is solver noise. */
const SETTLE_TOLERANCE = 1e-9;

export interface RelaxedLevel {
  /** The level's chance: an upper bound on what any lottery over real panels can give at this level. */
  value: number;
  /** The types the level settles: every optimal fractional answer gives them exactly `value`. */
  settles: number[];
}

export interface RelaxedLeximin {
  /** Each type's chance: the expected number of its members on the panel ÷ its size. */
  chances: Float64Array;
  /** The levels, lowest first. */
  levels: RelaxedLevel[];
}

/**
 * LEXIMIN chances over fractional panels, with `settled` types (e.g. those no real panel can hold,
 * at 0) held at their chances. Null when even the relaxation has no solution, or the solver fails.
 */
export function relaxedLeximin(
  highs: Highs,
  types: RespondentTypes,
  settled: ReadonlyMap<number, number>,
  maxLevels = Number.POSITIVE_INFINITY,
): RelaxedLeximin | null {
  const sizes = types.members.map((members) => members.length);
  const typeCount = sizes.length;
  const z = typeCount;
  const quotaRows = types.rows.length;
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of types.rows) {
    for (const t of row.members) {
      indices.push(t);
      values.push(1);
    }
    starts.push(indices.length);
  }
  for (let t = 0; t < typeCount; t++) {
    indices.push(t, z);
    values.push(1, -(sizes[t] as number));
    starts.push(indices.length);
  }
  const chances = new Float64Array(typeCount);
  const done = new Uint8Array(typeCount);
  const lower = Float64Array.from({ length: typeCount + 1 }, (_, t) =>
    t < z ? (types.lower[t] as number) : 0,
  );
  const upper = Float64Array.from({ length: typeCount + 1 }, (_, t) =>
    t < z ? (types.upper[t] as number) : 1,
  );
  const rowLower = Float64Array.from({ length: quotaRows + typeCount }, (_, r) =>
    r < quotaRows ? (types.rows[r]?.min as number) : 0,
  );
  const rowUpper = Float64Array.from({ length: quotaRows + typeCount }, (_, r) =>
    r < quotaRows ? (types.rows[r]?.max as number) : highs.infinity,
  );
  const settle = (t: number, chance: number) => {
    done[t] = 1;
    chances[t] = chance;
    lower[t] = chance * (sizes[t] as number);
    upper[t] = lower[t] as number;
    rowLower[quotaRows + t] = -highs.infinity;
  };
  for (const [t, chance] of settled) settle(t, chance);
  // A type of one required person has bounds 1 and 1: its chance is 1 whatever the level.
  for (let t = 0; t < typeCount; t++) {
    if (!done[t] && types.lower[t] === types.upper[t])
      settle(t, (types.lower[t] as number) / (sizes[t] as number));
  }
  const cost = new Float64Array(typeCount + 1);
  cost[z] = 1;
  const model = highs.createModel({
    numCols: typeCount + 1,
    numRows: quotaRows + typeCount,
    sense: highs.constants.objectiveSense.maximize,
    colCost: cost,
    colLower: lower,
    colUpper: upper,
    rowLower,
    rowUpper,
    matrix: {
      format: 'csr',
      numRows: quotaRows + typeCount,
      numCols: typeCount + 1,
      starts: Int32Array.from(starts),
      indices: Int32Array.from(indices),
      values: Float64Array.from(values),
    },
  });
  try {
    model.options.set({ output_flag: false });
    const levels: RelaxedLevel[] = [];
    let left = done.reduce((count, d) => count + (d ? 0 : 1), 0);
    while (left > 0 && levels.length < maxLevels) {
      model.changeColsBounds(
        { kind: 'range', from: 0, to: typeCount - 1 },
        lower.subarray(0, z),
        upper.subarray(0, z),
      );
      model.changeRowsBounds(
        { kind: 'range', from: quotaRows, to: quotaRows + typeCount - 1 },
        rowLower.subarray(quotaRows),
        rowUpper.subarray(quotaRows),
      );
      model.run();
      if (model.getModelStatus() !== highs.constants.modelStatus.optimal) return null;
      const solution = model.getSolution();
      const value = Math.min(1, solution.colValue[z] as number);
      // At a chance of 1 the bound on z, not the rows, holds the level: everyone left is settled.
      const everyone = value >= 1 - SETTLE_TOLERANCE;
      const settles: number[] = [];
      for (let t = 0; t < typeCount; t++) {
        if (done[t]) continue;
        if (everyone || Math.abs(solution.rowDual[quotaRows + t] as number) > SETTLE_TOLERANCE)
          settles.push(t);
      }
      if (!settles.length) return null;
      for (const t of settles) settle(t, value);
      levels.push({ value, settles });
      left -= settles.length;
    }
    return { chances, levels };
  } finally {
    model.dispose();
  }
}

import type { Feature, Person, SelectionProblem } from '../../../lib/sortition/types.js';
import type { AssemblyFeature } from '../setup/assembly-service.js';

/** A respondent as selection needs them: their public reference, household and feature values. */
export type PoolRespondent = {
  id: string;
  reference: string;
  household: string;
  /** Keyed by assembly_features.key, holding each feature value's `value`. */
  features: Record<string, unknown>;
};

/** A respondent left out of the pool because a feature value is missing or not one of its values. */
export type IncompleteRespondent = { reference: string; features: string[] };

export type BuiltProblem = {
  problem: SelectionProblem;
  /** The pool in the problem's order: people[i] is pool[i]. */
  pool: PoolRespondent[];
  incomplete: IncompleteRespondent[];
};

/**
 * The engine's question for an assembly: its features and quotas, and its respondents as people
 * identified by their public reference (so the lottery names references, never names). The
 * engine names features and values in its messages (a conflict reads "Age band is 16 to 29: at
 * least 6, at most 8"), so it is given the labels people read rather than the stored values.
 */
export function buildProblem(
  features: readonly AssemblyFeature[],
  respondents: readonly PoolRespondent[],
  k: number,
): BuiltProblem {
  const labelOf = features.map((f) => {
    const labels = new Map<string, string>();
    const seen = new Set<string>();
    for (const v of f.values) {
      const label = seen.has(v.label) ? `${v.label} (${v.value})` : v.label;
      seen.add(v.label);
      labels.set(v.value, label);
    }
    return labels;
  });
  const engineFeatures: Feature[] = features.map((f, i) => ({
    name: f.name,
    values: f.values.map((v) => ({
      value: labelOf[i]?.get(v.value) ?? v.value,
      min: v.min,
      max: v.max,
    })),
  }));
  const pool: PoolRespondent[] = [];
  const people: Person[] = [];
  const incomplete: IncompleteRespondent[] = [];
  for (const r of respondents) {
    const values: string[] = [];
    const missing: string[] = [];
    features.forEach((f, i) => {
      const raw = r.features[f.key];
      const label = typeof raw === 'string' ? labelOf[i]?.get(raw) : undefined;
      if (label === undefined) missing.push(f.name);
      else values.push(label);
    });
    if (missing.length) {
      incomplete.push({ reference: r.reference, features: missing });
      continue;
    }
    pool.push(r);
    const household = r.household.trim().toLowerCase();
    people.push({ id: r.reference, values, ...(household ? { household } : {}) });
  }
  return { problem: { features: engineFeatures, people, k }, pool, incomplete };
}

/** How many of the pool have each value of each feature, beside its quota (for officers). */
export function quotaCoverage(features: readonly AssemblyFeature[], pool: readonly PoolRespondent[]) {
  return features.map((f) => ({
    key: f.key,
    name: f.name,
    values: f.values.map((v) => ({
      value: v.value,
      label: v.label,
      min: v.min,
      max: v.max,
      respondents: pool.filter((r) => r.features[f.key] === v.value).length,
    })),
  }));
}

/**
 * Bands of chances for the histogram: at most ten round-numbered bands from the smallest chance to
 * the largest (one band when everyone has the same chance). A chance on a boundary goes in the
 * band above it, except the largest, which closes the last band.
 */
export function chanceBands(probabilities: readonly number[]): { from: number; to: number; count: number }[] {
  if (!probabilities.length) return [];
  const low = Math.min(...probabilities);
  const top = Math.max(...probabilities);
  const round = (x: number) => Math.round(x * 10000) / 10000;
  if (top - low < 1e-9) return [{ from: round(low), to: round(top), count: probabilities.length }];
  const steps = [0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1];
  const fits = (s: number) => Math.ceil(top / s - 1e-9) - Math.floor(low / s + 1e-9) <= 10;
  const step = steps.find(fits) ?? 1;
  const first = Math.floor(low / step + 1e-9);
  const bands = Math.max(1, Math.ceil(top / step - 1e-9) - first);
  const counts = new Array<number>(bands).fill(0);
  for (const p of probabilities) {
    const i = Math.min(bands - 1, Math.floor(p / step + 1e-9) - first);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts.map((count, i) => ({
    from: round((first + i) * step),
    to: round((first + i + 1) * step),
    count,
  }));
}

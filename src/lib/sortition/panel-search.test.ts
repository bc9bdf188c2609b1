import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PanelSearch } from './panel-search.js';
import { groupRespondents, type RespondentTypes } from './respondent-types.js';
import type { SelectionProblem } from './types.js';

/** Whether a type panel keeps every row of the panel program and every type's bounds. */
function keepsRules(types: RespondentTypes, panel: readonly number[]): boolean {
  const seats = new Map<number, number>();
  for (const t of panel) seats.set(t, (seats.get(t) ?? 0) + 1);
  for (const [t, count] of seats) {
    if (count < (types.lower[t] as number) || count > (types.upper[t] as number)) return false;
  }
  return types.rows.every((row) => {
    const count = row.members.reduce((sum, t) => sum + (seats.get(t) ?? 0), 0);
    return count >= row.min && count <= row.max;
  });
}

const weightOf = (panel: readonly number[], weights: ArrayLike<number>) =>
  panel.reduce((sum, t) => sum + (weights[t] as number), 0);

/**
 * Pools with up to nine features of up to 40 values each (so the packed feature values of a type
 * need more than one 31-bit word), quotas set tightly around a first panel of the first k people,
 * and sometimes households of two.
 */
const pools = fc
  .record({
    n: fc.integer({ min: 12, max: 40 }),
    k: fc.integer({ min: 2, max: 8 }),
    valueCounts: fc.array(fc.integer({ min: 2, max: 40 }), { minLength: 1, maxLength: 9 }),
    choices: fc.array(fc.nat(10_000), { minLength: 400, maxLength: 400 }),
    households: fc.boolean(),
    aggregate: fc.boolean(),
  })
  .map(({ n, k, valueCounts, choices, households, aggregate }) => {
    let c = 0;
    const next = (m: number) => (choices[c++ % choices.length] as number) % m;
    // Few distinct values actually used, so that types repeat and quotas bind.
    const people = Array.from({ length: n }, (_, i) => ({
      id: `p${i}`,
      values: valueCounts.map((count) => `v${next(Math.min(count, 3))}`),
      household: households && i >= k && i < k + 6 ? `home${i % 3}` : undefined,
    }));
    const features = valueCounts.map((count, f) => ({
      name: `f${f}`,
      values: Array.from({ length: count }, (_, v) => {
        const held = people.slice(0, k).filter((person) => person.values[f] === `v${v}`).length;
        return { value: `v${v}`, min: Math.max(0, held - next(2)), max: held + next(2) };
      }),
    }));
    const problem: SelectionProblem = { features, people, k };
    const types = groupRespondents(problem, aggregate);
    const start = people
      .slice(0, k)
      .map((_, i) => types.typeOf[i] as number)
      .sort((a, b) => a - b);
    const weights = Float64Array.from(types.members, () => next(1000) / 1000);
    return { problem, types, start, weights };
  });

describe('panel local search', () => {
  it('returns a panel that keeps every rule, weighs at least as much as where it started, and no single move improves', () => {
    fc.assert(
      fc.property(pools, ({ problem, types, start, weights }) => {
        assert.ok(keepsRules(types, start), 'the generated start panel keeps the rules');
        const result = new PanelSearch(problem, types).improve(start, weights);
        assert.equal(result.length, problem.k);
        assert.ok(keepsRules(types, result), `panel ${result} breaks a rule`);
        assert.ok(weightOf(result, weights) >= weightOf(start, weights) - 1e-12);
        // Brute force: every move of one seat from one type to another that keeps the rules.
        for (let position = 0; position < result.length; position++) {
          for (let candidate = 0; candidate < types.members.length; candidate++) {
            const moved = result.slice();
            moved[position] = candidate;
            if (!keepsRules(types, moved)) continue;
            const gain = (weights[candidate] as number) - (weights[result[position] as number] as number);
            assert.ok(gain <= 1e-9, `moving seat ${position} to type ${candidate} would gain ${gain}`);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

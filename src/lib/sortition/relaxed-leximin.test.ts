import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { smallPool } from '../../../test/helpers/sortition-pools.js';
import { getHighs } from './highs.js';
import { leximin } from './leximin.js';
import { relaxedLeximin } from './relaxed-leximin.js';
import { groupRespondents } from './respondent-types.js';
import type { SelectionProblem } from './types.js';

/** People given as lists of feature values; quotas per feature as value → [min, max]. */
function problem(
  people: string[][],
  quotas: Record<string, [number, number]>[],
  k: number,
  extra: Partial<SelectionProblem> = {},
): SelectionProblem {
  return {
    features: quotas.map((values, f) => ({
      name: `f${f}`,
      values: Object.entries(values).map(([value, [min, max]]) => ({ value, min, max })),
    })),
    people: people.map((values, i) => ({ id: `p${i}`, values })),
    k,
    ...extra,
  };
}

/** Each person's chance under the relaxation. */
async function relaxedChances(p: SelectionProblem, settledPeople = new Map<number, number>()) {
  const highs = await getHighs();
  const types = groupRespondents(p);
  const settled = new Map([...settledPeople].map(([i, chance]) => [types.typeOf[i] as number, chance]));
  const relaxed = relaxedLeximin(highs, types, settled);
  assert.ok(relaxed, 'the relaxation solves');
  return { relaxed, chances: p.people.map((_, i) => relaxed.chances[types.typeOf[i] as number] as number) };
}

const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

describe('LEXIMIN over fractional panels', () => {
  it('gives everyone k/n in a symmetric pool', async () => {
    const p = problem([['A'], ['A'], ['A'], ['B'], ['B'], ['B']], [{ A: [1, 1], B: [1, 1] }], 2);
    const { relaxed, chances } = await relaxedChances(p);
    for (const chance of chances) assert.ok(near(chance, 1 / 3), `${chance} is not 1/3`);
    for (const level of relaxed.levels) assert.ok(near(level.value, 1 / 3));
  });

  it('settles the many at the lower level first and the scarce at the higher one', async () => {
    // Two As for one A seat (1/2 each); eight Bs for three B seats (3/8 each).
    const people = [['A'], ['A'], ...Array.from({ length: 8 }, () => ['B'])];
    const p = problem(people, [{ A: [1, 1], B: [3, 3] }], 4);
    const { relaxed, chances } = await relaxedChances(p);
    chances.forEach((chance, i) => {
      assert.ok(near(chance, i < 2 ? 1 / 2 : 3 / 8), `person ${i} has ${chance}`);
    });
    assert.deepEqual(
      relaxed.levels.map((level) => Math.round(level.value * 1000) / 1000),
      [0.375, 0.5],
    );
    const types = groupRespondents(p);
    assert.deepEqual(relaxed.levels[0]?.settles, [types.typeOf[2]]);
  });

  it('holds settled types at their chance and shares the rest out', async () => {
    // Person 0 can have no seat; the other two As share the one A seat.
    const p = problem([['A'], ['B'], ['B'], ['B'], ['B']], [{ A: [0, 1], B: [0, 2] }], 2);
    const { chances } = await relaxedChances(p, new Map([[0, 0]]));
    assert.equal(chances[0], 0);
    for (const chance of chances.slice(1)) assert.ok(near(chance, 1 / 2), `${chance} is not 1/2`);
  });

  it('gives a required person a chance of 1, and no chance to anyone whose seat they fill', async () => {
    const p = problem([['A'], ['A'], ['B'], ['B']], [{ A: [1, 1], B: [1, 1] }], 2, { required: [0] });
    const { chances } = await relaxedChances(p);
    assert.deepEqual(
      chances.map((c) => Math.round(c * 1e9) / 1e9 + 0),
      [1, 0, 0.5, 0.5],
    );
  });

  it('can be fairer than any lottery over real panels', async () => {
    // Six people, two seats, and in the second and third features at most one of each value:
    // fractionally a third each is possible, but real panels force half for two people and a
    // quarter for the rest (checked against the brute-force reference in leximin.test.ts).
    const p = problem(ODD_CYCLE.people, ODD_CYCLE.quotas, 2);
    const { chances } = await relaxedChances(p);
    for (const chance of chances) assert.ok(near(chance, 1 / 3), `${chance} is not 1/3`);
    const real = await leximin(p);
    assert.ok(Math.min(...real.distribution.probabilities) < 1 / 3 - 1e-6);
  });

  it('is an upper bound: no lottery over real panels has a higher smallest chance', async () => {
    await fc.assert(
      fc.asyncProperty(smallPool({ maxFeatures: 3 }), async (p) => {
        let real: Awaited<ReturnType<typeof leximin>>;
        try {
          real = await leximin(p);
        } catch {
          return; // no panel meets the quotas
        }
        const probabilities = real.distribution.probabilities;
        // People no real panel holds are settled at 0, as the engine does.
        const unreachable = new Map<number, number>();
        probabilities.forEach((q, i) => {
          if (q < 1e-9) unreachable.set(i, 0);
        });
        const { relaxed, chances } = await relaxedChances(p, unreachable);
        const reachable = probabilities.filter((q) => q >= 1e-9);
        if (!reachable.length || !relaxed.levels.length) return;
        assert.ok((relaxed.levels[0]?.value as number) >= Math.min(...reachable) - 1e-7);
        assert.ok(
          near(
            chances.reduce((sum, c) => sum + c, 0),
            p.k,
          ),
        );
      }),
      { numRuns: 60 },
    );
  });
});

/** Found by a search for pools where fractional panels are fairer than real ones. */
const ODD_CYCLE = {
  people: [
    ['z', 'z', 'x'],
    ['y', 'x', 'y'],
    ['x', 'x', 'z'],
    ['z', 'y', 'x'],
    ['x', 'z', 'y'],
    ['z', 'x', 'y'],
  ],
  quotas: [
    { x: [0, 1], y: [0, 2], z: [0, 2] },
    { x: [0, 1], y: [0, 1], z: [0, 1] },
    { x: [0, 1], y: [0, 1], z: [0, 1] },
  ] as Record<string, [number, number]>[],
};

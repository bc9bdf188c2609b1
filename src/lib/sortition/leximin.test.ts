import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { meetsQuotas, smallPool } from '../../../test/helpers/sortition-pools.js';
import type { Highs } from './highs.js';
import { getHighs } from './highs.js';
import { leximin } from './leximin.js';
import { relaxedLeximin } from './relaxed-leximin.js';
import { groupRespondents } from './respondent-types.js';
import { CENSUS_LIKE, syntheticProblem } from './synthetic.js';
import type { Distribution, Feature, SelectionProblem } from './types.js';

/** A one-feature problem: `values[i]` is person i's value; quotas per value. */
function problem(
  values: string[],
  quotas: Record<string, [number, number]>,
  k: number,
  extra: Partial<SelectionProblem> = {},
): SelectionProblem {
  const feature: Feature = {
    name: 'group',
    values: Object.entries(quotas).map(([value, [min, max]]) => ({ value, min, max })),
  };
  return {
    features: [feature],
    people: values.map((value, i) => ({ id: `p${i}`, values: [value] })),
    k,
    ...extra,
  };
}

function assertWellFormed(p: SelectionProblem, d: Distribution) {
  for (const panel of d.panels) assert.ok(meetsQuotas(p, panel), `panel ${panel} breaks a quota`);
  assert.ok(Math.abs(d.weights.reduce((a, b) => a + b, 0) - 1) < 1e-9, 'panel chances sum to 1');
  assert.ok(Math.abs(d.probabilities.reduce((a, b) => a + b, 0) - p.k) < 1e-6, 'chances sum to k');
  d.probabilities.forEach((q, i) => {
    const fromPanels = d.panels.reduce(
      (sum, panel, c) => sum + (panel.includes(i) ? (d.weights[c] as number) : 0),
      0,
    );
    assert.ok(Math.abs(q - fromPanels) < 1e-9, 'each chance is the sum of its panels');
  });
}

describe('LEXIMIN on pools whose answer is known by hand', () => {
  it('gives everyone k/n in a symmetric pool', async () => {
    const p = problem(['A', 'A', 'A', 'A', 'A', 'B', 'B', 'B', 'B', 'B'], { A: [2, 2], B: [2, 2] }, 4);
    const result = await leximin(p);
    assertWellFormed(p, result.distribution);
    for (const q of result.distribution.probabilities) assert.ok(Math.abs(q - 0.4) < 1e-7, `${q} is not 0.4`);
    assert.equal(result.optimal, true);
  });

  it('gives the people with a scarce value the higher chance their quota forces', async () => {
    // Two As for one A seat: each A has 1/2. Eight Bs for three B seats: each B has 3/8.
    const p = problem(['A', 'A', 'B', 'B', 'B', 'B', 'B', 'B', 'B', 'B'], { A: [1, 1], B: [3, 3] }, 4);
    const { distribution } = await leximin(p);
    assertWellFormed(p, distribution);
    distribution.probabilities.forEach((q, i) => {
      assert.ok(Math.abs(q - (i < 2 ? 1 / 2 : 3 / 8)) < 1e-7, `person ${i} has ${q}`);
    });
  });

  it('gives nobody a chance they cannot have: a value with no seats gets 0, the rest share evenly', async () => {
    const p = problem(['A', 'A', 'B', 'B', 'B', 'B'], { A: [0, 0], B: [2, 2] }, 2);
    const { distribution } = await leximin(p);
    assertWellFormed(p, distribution);
    assert.deepEqual(
      distribution.probabilities.map((q) => Math.round(q * 1e6) / 1e6),
      [0, 0, 0.5, 0.5, 0.5, 0.5],
    );
  });

  it('keeps two people from one household off the same panel', async () => {
    const p = problem(['A', 'A', 'A', 'A'], { A: [0, 4] }, 2);
    for (const person of p.people.slice(0, 2)) person.household = 'flat 1';
    const { distribution } = await leximin(p);
    assertWellFormed(p, distribution);
    for (const q of distribution.probabilities) assert.ok(Math.abs(q - 0.5) < 1e-7);
  });

  it('keeps required people on every panel and excluded people off all of them', async () => {
    const p = problem(['A', 'A', 'A', 'B', 'B', 'B'], { A: [1, 2], B: [1, 2] }, 3, {
      required: [0],
      excluded: [3],
    });
    const { distribution } = await leximin(p);
    assertWellFormed(p, distribution);
    assert.ok(Math.abs((distribution.probabilities[0] as number) - 1) < 1e-9);
    assert.equal(distribution.probabilities[3], 0);
  });

  it('answers when required and excluded people leave nothing to decide', async () => {
    const p = problem(['A', 'A', 'B', 'B'], { A: [1, 1], B: [1, 1] }, 2, {
      required: [0, 2],
      excluded: [1, 3],
    });
    const { distribution } = await leximin(p);
    assertWellFormed(p, distribution);
    assert.deepEqual(distribution.probabilities, [1, 0, 1, 0]);
  });
});

/**
 * The reference: LEXIMIN straight from its definition over every panel there is. Level by level,
 * maximise the smallest unsettled chance; then a person is settled at that level exactly when
 * no distribution keeping the level can give them more.
 */
async function referenceLeximin(p: SelectionProblem): Promise<number[]> {
  const highs = await getHighs();
  const panels = allPanels(p);
  const n = p.people.length;
  const settled = new Map<number, number>();
  while (settled.size < n) {
    const z = solveChance(highs, panels, n, settled, { maximiseMin: true });
    let progress = false;
    for (let i = 0; i < n; i++) {
      if (settled.has(i)) continue;
      const most = solveChance(highs, panels, n, settled, { level: z, person: i });
      if (most <= z + 1e-7) {
        settled.set(i, z);
        progress = true;
      }
    }
    assert.ok(progress);
  }
  return [...Array(n).keys()].map((i) => settled.get(i) ?? 0);
}

function allPanels(p: SelectionProblem): number[][] {
  const out: number[][] = [];
  const walk = (start: number, chosen: number[]) => {
    if (chosen.length === p.k) {
      if (meetsQuotas(p, chosen)) out.push([...chosen]);
      return;
    }
    for (let i = start; i < p.people.length; i++) walk(i + 1, [...chosen, i]);
  };
  walk(0, []);
  return out;
}

/** max z (or max person's chance) over λ ≥ 0, Σλ = 1, settled ≥ p, unsettled ≥ z (or ≥ level). */
function solveChance(
  highs: Highs,
  panels: number[][],
  n: number,
  settled: Map<number, number>,
  goal: { maximiseMin: true } | { level: number; person: number },
): number {
  const lines: string[] = [];
  const chance = (i: number) =>
    panels.map((panel, c) => (panel.includes(i) ? ` + l${c}` : '')).join('') || ' + 0 l0';
  const objective = 'maximiseMin' in goal ? 'z' : chance(goal.person).slice(3);
  lines.push(
    'Maximize',
    ` obj: ${objective}`,
    'Subject To',
    ` total: ${panels.map((_, c) => `l${c}`).join(' + ')} = 1`,
  );
  for (let i = 0; i < n; i++) {
    if (settled.has(i)) lines.push(` s${i}:${chance(i)} >= ${settled.get(i)}`);
    else if ('maximiseMin' in goal) lines.push(` u${i}:${chance(i)} - z >= 0`);
    else lines.push(` u${i}:${chance(i)} >= ${goal.level - 1e-9}`);
  }
  lines.push('Bounds', ' z free', 'End');
  const result = highs.solve(lines.join('\n'), { output_flag: false });
  assert.equal(result.Status, 'Optimal');
  return result.ObjectiveValue;
}

describe('LEXIMIN matches the definition on small random pools', () => {
  it('finds the fairest lottery over real panels where fractional panels would be fairer', async () => {
    // At most one of each value of f1 and f2 on a panel of two: fractional panels give everyone a
    // third, real ones cannot (relaxed-leximin.test.ts), so the relaxation's bound is never reached.
    const values = ['zzx', 'yxy', 'xxz', 'zyx', 'xzy', 'zxy'];
    const p: SelectionProblem = {
      features: [
        {
          name: 'f0',
          values: [
            { value: 'x', min: 0, max: 1 },
            { value: 'y', min: 0, max: 2 },
            { value: 'z', min: 0, max: 2 },
          ],
        },
        ...['f1', 'f2'].map((name) => ({
          name,
          values: ['x', 'y', 'z'].map((value) => ({ value, min: 0, max: 1 })),
        })),
      ],
      people: values.map((v, i) => ({ id: `p${i}`, values: [...v] })),
      k: 2,
    };
    const expected = await referenceLeximin(p);
    const result = await leximin(p);
    assertWellFormed(p, result.distribution);
    assert.equal(result.optimal, true);
    result.distribution.probabilities.forEach((q, i) => {
      assert.ok(Math.abs(q - (expected[i] as number)) < 1e-7, `person ${i}: ${q}, reference ${expected[i]}`);
    });
    assert.ok(Math.min(...expected) < 1 / 3 - 1e-6, 'real panels cannot give everyone a third');
  });

  it('gives every respondent the chance the brute-force reference gives, on panels that meet every quota, searching by type or by person', async () => {
    await fc.assert(
      fc.asyncProperty(smallPool(), async (p) => {
        const expected = await referenceLeximin(p);
        for (const aggregate of [true, false]) {
          const result = await leximin(p, { aggregate });
          assertWellFormed(p, result.distribution);
          result.distribution.probabilities.forEach((q, i) => {
            assert.ok(
              Math.abs(q - (expected[i] as number)) < 1e-6,
              `person ${i}: ${q} searching ${aggregate ? 'by type' : 'by person'}, but the reference says ${expected[i]}`,
            );
          });
        }
      }),
      { numRuns: 40 },
    );
  });

  it('maximin (one level) reaches the same smallest chance as LEXIMIN', async () => {
    await fc.assert(
      fc.asyncProperty(smallPool(), async (p) => {
        const full = await leximin(p);
        const first = await leximin(p, { maxLevels: 1 });
        assertWellFormed(p, first.distribution);
        const min = (d: Distribution) => Math.min(...d.probabilities.filter((q) => q > 1e-9));
        const reachableFull = full.distribution.probabilities.map((q) => q > 1e-9);
        const minFirst = Math.min(...first.distribution.probabilities.filter((_, i) => reachableFull[i]));
        assert.ok(Math.abs(minFirst - min(full.distribution)) < 1e-6);
      }),
      { numRuns: 20 },
    );
  });
});

describe('aiming straight at the chances fractional panels would give', () => {
  it('reports a rising share of that target and, once a lottery over real panels meets it, stops there', async () => {
    // Six features with quotas of population share ± 1: fractional and real panels agree here.
    const p = syntheticProblem({ n: 120, k: 12, features: CENSUS_LIKE, seed: 3, slack: 1 });
    const types = groupRespondents(p);
    const target = relaxedLeximin(await getHighs(), types, new Map());
    assert.ok(target);
    const shares: number[] = [];
    const result = await leximin(p, {
      onProgress: ({ share }) => {
        if (share !== undefined) shares.push(share);
      },
    });
    assert.equal(result.optimal, true);
    assertWellFormed(p, result.distribution);
    result.distribution.probabilities.forEach((q, i) => {
      const goal = target.chances[types.typeOf[i] as number] as number;
      assert.ok(Math.abs(q - goal) < 1e-7, `person ${i}: ${q}, but fractional panels give ${goal}`);
    });
    assert.equal(result.stats.levels, target.levels.length);
    assert.ok(shares.length > 1, 'progress was reported on the way');
    shares.forEach((share, i) => {
      assert.ok(share <= 1 && share >= (shares[i - 1] ?? 0) - 1e-9, `share ${share} after ${shares[i - 1]}`);
    });
    assert.ok((shares.at(-1) as number) >= 1 - 1e-7);
  });
});

describe('a time limit', () => {
  it('returns a valid distribution marked not optimal, with a bound no lower than its smallest chance', async () => {
    const p = syntheticProblem({ n: 120, k: 12, features: CENSUS_LIKE, seed: 3, slack: 1 });
    const full = await leximin(p);
    const stopped = await leximin(p, { timeLimitSeconds: 0 });
    assert.equal(stopped.optimal, false);
    assertWellFormed(p, stopped.distribution);
    const min = Math.min(...stopped.distribution.probabilities);
    const fairest = Math.min(...full.distribution.probabilities);
    assert.ok(min <= fairest + 1e-7, 'an early stop is never fairer than the proven answer');
    assert.ok(stopped.bound >= fairest - 1e-7, 'the bound is a true upper bound');
    assert.ok(stopped.bound >= min - 1e-9);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { meetsQuotas } from '../../../test/helpers/sortition-pools.js';
import { leximin, NoPanelError } from './leximin.js';
import { makeLottery } from './lottery.js';
import { groupRespondents } from './respondent-types.js';
import { CENSUS_LIKE, syntheticProblem } from './synthetic.js';
import type { SelectionProblem } from './types.js';

/** A panel that meets every rule, by trying them all, or null. */
function somePanel(p: SelectionProblem): number[] | null {
  const walk = (start: number, chosen: number[]): number[] | null => {
    if (chosen.length === p.k) return meetsQuotas(p, chosen) ? chosen : null;
    for (let i = start; i < p.people.length; i++) {
      const found = walk(i + 1, [...chosen, i]);
      if (found) return found;
    }
    return null;
  };
  return walk(0, []);
}

/**
 * Groups of interchangeable people, worked out here from the definition rather than taken from
 * the code under test: the same values, and no shared household, requirement or exclusion.
 */
function interchangeable(p: SelectionProblem): number[][] {
  const homeCount = new Map<string, number>();
  for (const person of p.people) {
    if (person.household) homeCount.set(person.household, (homeCount.get(person.household) ?? 0) + 1);
  }
  const special = new Set([...(p.required ?? []), ...(p.excluded ?? [])]);
  const groups = new Map<string, number[]>();
  p.people.forEach((person, i) => {
    const shared = person.household !== undefined && (homeCount.get(person.household) ?? 0) > 1;
    if (shared || special.has(i)) return;
    const key = person.values.join('\u0000');
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  return [...groups.values()].filter((group) => group.length > 1);
}

/** Small pools with few values, so that many people share a type; some households, required or excluded people. */
const pool = fc
  .record({
    n: fc.integer({ min: 5, max: 16 }),
    k: fc.integer({ min: 2, max: 6 }),
    featureCount: fc.integer({ min: 1, max: 2 }),
    valueCount: fc.integer({ min: 2, max: 3 }),
    seed: fc.array(fc.nat(1000), { minLength: 60, maxLength: 60 }),
    households: fc.boolean(),
    replacing: fc.boolean(),
  })
  .filter(({ n, k }) => k < n)
  .map(({ n, k, featureCount, valueCount, seed, households, replacing }) => {
    let s = 0;
    const next = (m: number) => (seed[s++ % seed.length] as number) % m;
    const names = ['x', 'y', 'z'].slice(0, valueCount);
    const people = Array.from({ length: n }, (_, i) => ({
      id: `p${i}`,
      values: Array.from({ length: featureCount }, () => names[next(valueCount)] as string),
      household: households && i >= n - 4 ? `home${i % 2}` : undefined,
    }));
    // Quotas around the counts of the first k people, so at least that panel meets them.
    const witness = people.slice(0, k).map((_, i) => i);
    const features = Array.from({ length: featureCount }, (_, f) => ({
      name: `f${f}`,
      values: names.map((value) => {
        const count = witness.filter((i) => people[i]?.values[f] === value).length;
        return { value, min: Math.max(0, count - next(2)), max: count + next(3) };
      }),
    }));
    const p: SelectionProblem = { features, people, k };
    if (replacing) {
      p.required = [0];
      p.excluded = [k];
    }
    return p;
  });

describe('searching over respondent types', () => {
  it('groups people who share every value, and keeps shared households, required and excluded people apart', () => {
    const p: SelectionProblem = {
      features: [{ name: 'g', values: [{ value: 'A', min: 0, max: 3 }] }],
      people: ['A', 'A', 'A', 'A', 'A', 'A', 'A'].map((value, i) => ({
        id: `p${i}`,
        values: [value],
        household: i === 3 || i === 4 ? 'flat 2' : i === 5 ? 'flat 9' : undefined,
      })),
      k: 3,
      required: [1],
      excluded: [2],
    };
    const types = groupRespondents(p);
    assert.deepEqual(types.members, [[0, 5, 6], [1], [2], [3], [4]]);
    assert.deepEqual([...types.lower], [0, 1, 0, 0, 0]);
    assert.deepEqual([...types.upper], [3, 1, 0, 1, 1]);
    assert.deepEqual(
      types.rows.map((row) => row.members),
      [
        [0, 1, 2, 3, 4],
        [0, 1, 2, 3, 4],
        [3, 4],
      ],
    );
    assert.equal(groupRespondents(p, false).members.length, 7);
  });

  it('gives every person the same chance as the person-by-person search, on Census-like pools', async () => {
    // Three of the six features (30 combinations), so that 70 people share types.
    const features = CENSUS_LIKE.filter((feature) => ['gender', 'age', 'education'].includes(feature.name));
    for (const seed of [1, 2, 3]) {
      const p = syntheticProblem({ n: 70, k: 8, features, seed, slack: 1 });
      p.people.slice(0, 6).forEach((person, i) => {
        person.household = `home${i % 3}`;
      });
      const byType = await leximin(p, { aggregate: true });
      const byPerson = await leximin(p, { aggregate: false });
      assert.ok(interchangeable(p).length > 10, 'the pool has people who share a type');
      byType.distribution.probabilities.forEach((q, i) => {
        const expected = byPerson.distribution.probabilities[i] as number;
        assert.ok(
          Math.abs(q - expected) < 1e-6,
          `seed ${seed}, person ${i}: ${q} by type, ${expected} by person`,
        );
      });
    }
  });

  it('on small random pools: every panel meets the quotas, chances add up to k, interchangeable people share one chance, and a lottery keeps within 1/m', async () => {
    await fc.assert(
      fc.asyncProperty(pool, fc.constantFrom(10, 100, 1000), async (p, m) => {
        let result: Awaited<ReturnType<typeof leximin>>;
        try {
          result = await leximin(p, { aggregate: true });
        } catch (error) {
          // Households and required people can rule out every panel; then check that none exists.
          if (!(error instanceof NoPanelError)) throw error;
          assert.equal(somePanel(p), null, 'the engine found no panel, but one exists');
          return;
        }
        const { panels, weights, probabilities } = result.distribution;
        for (const panel of panels) assert.ok(meetsQuotas(p, panel), `panel ${panel} breaks a rule`);
        assert.ok(Math.abs(weights.reduce((a, b) => a + b, 0) - 1) < 1e-9);
        assert.ok(Math.abs(probabilities.reduce((a, b) => a + b, 0) - p.k) < 1e-6, 'chances add up to k');
        for (const group of interchangeable(p)) {
          const chances = group.map((i) => probabilities[i] as number);
          assert.ok(
            Math.max(...chances) - Math.min(...chances) < 1e-9,
            `people ${group} share a type but have chances ${chances}`,
          );
        }
        const lottery = await makeLottery(result.distribution, p.people.length, m);
        for (const panel of lottery.panels) assert.ok(meetsQuotas(p, panel));
        assert.ok(
          lottery.maxDeviation <= 1 / m + 1e-9,
          `the lottery is off by ${lottery.maxDeviation * m}/m`,
        );
      }),
      { numRuns: 150 },
    );
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { seededRandom } from '../random/seeded.js';
import { legacyLottery, legacyPanel } from './legacy.js';
import type { Person, SelectionProblem } from './types.js';

/** Every way a panel can break the rules, in words (an empty list means none). */
function problemsWith(problem: SelectionProblem, panel: number[]): string[] {
  const found: string[] = [];
  if (panel.length !== problem.k) found.push(`${panel.length} members, not ${problem.k}`);
  if (new Set(panel).size !== panel.length) found.push('someone twice');
  if (panel.some((person, j) => j > 0 && person < (panel[j - 1] as number))) found.push('not sorted');
  problem.features.forEach((feature, f) => {
    for (const quota of feature.values) {
      const count = panel.filter((person) => problem.people[person]?.values[f] === quota.value).length;
      if (count < quota.min || count > quota.max) {
        found.push(`${feature.name}=${quota.value}: ${count} not in ${quota.min}–${quota.max}`);
      }
    }
  });
  const households = panel.flatMap((person) => problem.people[person]?.household ?? []);
  if (new Set(households).size !== households.length) found.push('two from one household');
  for (const person of problem.required ?? [])
    if (!panel.includes(person)) found.push(`required ${person} missing`);
  for (const person of problem.excluded ?? [])
    if (panel.includes(person)) found.push(`excluded ${person} on panel`);
  return found;
}

/**
 * A random pool and quotas set around the counts of one random valid panel (so quotas can be
 * met), with some of that panel required and some people outside it excluded.
 */
const feasibleProblem = fc
  .record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    n: fc.integer({ min: 6, max: 30 }),
    k: fc.integer({ min: 2, max: 8 }),
    valueCounts: fc.array(fc.integer({ min: 2, max: 3 }), { minLength: 1, maxLength: 3 }),
    households: fc.boolean(),
    requiredCount: fc.integer({ min: 0, max: 2 }),
    excludedCount: fc.integer({ min: 0, max: 2 }),
  })
  .map(({ seed, n, k, valueCounts, households, requiredCount, excludedCount }) => {
    const random = seededRandom(seed);
    const pick = (count: number) => Math.floor(random() * count);
    const people: Person[] = Array.from({ length: n }, (_, i) => ({
      id: `p${i}`,
      values: valueCounts.map((count) => `v${pick(count)}`),
      household: households && random() < 0.6 ? `h${pick(Math.ceil(n / 2))}` : undefined,
    }));
    // A random panel with one person per household at most.
    const order = Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5);
    const panel: number[] = [];
    const used = new Set<string>();
    for (const i of order) {
      const household = people[i]?.household;
      if (panel.length === k || (household !== undefined && used.has(household))) continue;
      panel.push(i);
      if (household !== undefined) used.add(household);
    }
    const features = valueCounts.map((count, f) => ({
      name: `F${f}`,
      values: Array.from({ length: count }, (_, v) => {
        const inPanel = panel.filter((i) => people[i]?.values[f] === `v${v}`).length;
        return { value: `v${v}`, min: Math.max(0, inPanel - pick(2)), max: inPanel + pick(2) };
      }),
    }));
    const outside = order.filter((i) => !panel.includes(i));
    const problem: SelectionProblem = {
      features,
      people,
      k: panel.length,
      required: panel.slice(0, requiredCount),
      excluded: outside.slice(0, excludedCount),
    };
    return { problem, seed };
  });

test('every legacy panel meets every quota, household rule, required and excluded person', () => {
  let found = 0;
  let runs = 0;
  fc.assert(
    fc.property(feasibleProblem, ({ problem, seed }) => {
      runs++;
      const panel = legacyPanel(problem, seededRandom(seed));
      if (panel === null) return;
      found++;
      assert.deepEqual(problemsWith(problem, panel), []);
    }),
    { numRuns: 500 },
  );
  // The greedy selector can fail on a feasible instance, but with 100 attempts it rarely does.
  assert.ok(found >= 0.9 * runs, `found a panel in only ${found} of ${runs} feasible instances`);
});

const gender = {
  name: 'Gender',
  values: [
    { value: 'woman', min: 2, max: 2 },
    { value: 'man', min: 2, max: 2 },
  ],
};
const area = {
  name: 'Area',
  values: [
    { value: 'rural', min: 1, max: 1 },
    { value: 'town', min: 3, max: 3 },
  ],
};
/** Ten people: only person 9 is rural, so every panel must include them. */
const tenPeople: SelectionProblem = {
  features: [gender, area],
  people: Array.from({ length: 10 }, (_, i) => ({
    id: `p${i}`,
    values: [i % 2 === 0 ? 'woman' : 'man', i === 9 ? 'rural' : 'town'],
    household: i === 2 || i === 4 ? 'same-house' : undefined,
  })),
  k: 4,
};

test('the scarce value is filled, households are kept apart, required and excluded are obeyed', () => {
  const { panels, probabilities } = legacyLottery(tenPeople, 200, 42);
  assert.equal(panels.length, 200);
  for (const panel of panels) {
    assert.deepEqual(problemsWith(tenPeople, panel), []);
    assert.ok(panel.includes(9));
  }
  assert.equal(probabilities[9], 1);
  // Each chance is the share of panels a person is on, and the chances add up to k.
  panels[0]?.forEach((person) => {
    assert.equal(probabilities[person], panels.filter((panel) => panel.includes(person)).length / 200);
  });
  assert.ok(Math.abs(probabilities.reduce((sum, p) => sum + p, 0) - 4) < 1e-9);

  const withRules = { ...tenPeople, required: [3], excluded: [0, 6] };
  for (const panel of legacyLottery(withRules, 100, 7).panels) {
    assert.deepEqual(problemsWith(withRules, panel), []);
  }
});

test('the same seed gives the same panels; another seed gives others', () => {
  const first = legacyLottery(tenPeople, 50, 2026);
  assert.deepEqual(legacyLottery(tenPeople, 50, 2026), first);
  assert.notDeepEqual(legacyLottery(tenPeople, 50, 2027).panels, first.panels);
});

test('quotas that cannot be met give no panel, and the lottery says so plainly', () => {
  // Only one rural person, but two rural places.
  const impossible: SelectionProblem = {
    ...tenPeople,
    features: [
      gender,
      {
        name: 'Area',
        values: [
          { value: 'rural', min: 2, max: 2 },
          { value: 'town', min: 2, max: 2 },
        ],
      },
    ],
  };
  assert.equal(legacyPanel(impossible, seededRandom(1)), null);
  assert.throws(() => legacyLottery(impossible, 10, 1), /could not meet the quotas in 100 attempts/);
  // Excluding the only rural person makes the area quota impossible too.
  assert.equal(legacyPanel({ ...tenPeople, excluded: [9] }, seededRandom(1)), null);
  // Two required people from one household can never sit together.
  assert.equal(legacyPanel({ ...tenPeople, required: [2, 4] }, seededRandom(1)), null);
});

/**
 * Small random respondent pools for the sortition engine's property tests, and the check that a
 * panel keeps every rule, shared by the tests that compare the engine with brute force.
 */
import fc from 'fast-check';
import type { SelectionProblem } from '../../src/lib/sortition/types.js';

/** Whether `panel` (person indices) has k different people and keeps every quota and household rule. */
export function meetsQuotas(p: SelectionProblem, panel: number[]): boolean {
  if (panel.length !== p.k || new Set(panel).size !== p.k) return false;
  const okQuotas = p.features.every((feature, f) =>
    feature.values.every((quota) => {
      const count = panel.filter((i) => p.people[i]?.values[f] === quota.value).length;
      return count >= quota.min && count <= quota.max;
    }),
  );
  const homes = panel.map((i) => p.people[i]?.household).filter(Boolean);
  const required = (p.required ?? []).every((i) => panel.includes(i));
  const excluded = (p.excluded ?? []).every((i) => !panel.includes(i));
  return okQuotas && new Set(homes).size === homes.length && required && excluded;
}

/**
 * Pools of 4 to 9 people with up to `maxFeatures` features of three values, panels of 1 to 4, and
 * sometimes two households of two. At least one panel meets the quotas: they are set around the
 * first k people's counts.
 */
export function smallPool({ maxFeatures = 2 } = {}): fc.Arbitrary<SelectionProblem> {
  return fc
    .record({
      n: fc.integer({ min: 4, max: 9 }),
      k: fc.integer({ min: 1, max: 4 }),
      featureCount: fc.integer({ min: 1, max: maxFeatures }),
      seed: fc.array(fc.nat(1000), { minLength: 40, maxLength: 40 }),
      households: fc.boolean(),
    })
    .filter(({ n, k }) => k < n)
    .map(({ n, k, featureCount, seed, households }) => {
      let s = 0;
      const next = (m: number) => (seed[s++ % seed.length] as number) % m;
      const names = ['x', 'y', 'z'];
      const people = Array.from({ length: n }, (_, i) => ({
        id: `p${i}`,
        values: Array.from({ length: featureCount }, () => names[next(3)] as string),
        household: households && i < 4 ? `home${i % 2}` : undefined,
      }));
      // Quotas around the counts of a panel of the first k people (with households, skip clashes).
      const witness = people.slice(0, k).map((_, i) => i);
      const features = Array.from({ length: featureCount }, (_, f) => ({
        name: `f${f}`,
        values: names.map((value) => {
          const count = witness.filter((i) => people[i]?.values[f] === value).length;
          return { value, min: Math.max(0, count - next(2)), max: count + next(2) };
        }),
      }));
      const p: SelectionProblem = { features, people, k };
      if (households && !meetsQuotas(p, witness)) for (const person of people) person.household = undefined;
      return p;
    });
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type BallotProject, type BallotRules, checkBallot, engineBallotKind } from './ballot-rules.js';

const projects: BallotProject[] = [
  { id: 'a', costPence: 2_000_000n },
  { id: 'b', costPence: 2_999_999n },
  { id: 'c', costPence: 1n },
  { id: 'd', costPence: 2n },
];

const rules = (changes: Partial<BallotRules>): BallotRules => ({
  type: 'approval',
  minSelections: 1,
  maxSelections: null,
  pointsTotal: null,
  budgetPence: 5_000_000n,
  ...changes,
});

test('a knapsack ballot exactly at the budget is valid; one penny over is not, with both sums', () => {
  const knapsack = rules({ type: 'knapsack' });
  assert.deepEqual(checkBallot(knapsack, projects, { projects: ['a', 'b', 'c'] }), {
    ok: true,
    ballot: { projects: ['a', 'b', 'c'] },
  });
  assert.deepEqual(checkBallot(knapsack, projects, { projects: ['a', 'b', 'd'] }), {
    ok: false,
    problem: { code: 'over-budget', budgetPence: 5_000_000n, totalPence: 5_000_001n },
  });
});

test('approval ballots keep to their minimum and maximum', () => {
  const approval = rules({ minSelections: 2, maxSelections: 3 });
  assert.equal(checkBallot(approval, projects, { projects: ['a'] }).ok, false);
  assert.deepEqual(checkBallot(approval, projects, { projects: ['a'] }), {
    ok: false,
    problem: { code: 'too-few', min: 2 },
  });
  assert.equal(checkBallot(approval, projects, { projects: ['a', 'b'] }).ok, true);
  assert.equal(checkBallot(approval, projects, { projects: ['a', 'b', 'c'] }).ok, true);
  assert.deepEqual(checkBallot(approval, projects, { projects: ['a', 'b', 'c', 'd'] }), {
    ok: false,
    problem: { code: 'too-many', max: 3 },
  });
  assert.deepEqual(checkBallot(approval, projects, { projects: ['a', 'a'] }), {
    ok: false,
    problem: { code: 'repeated-project' },
  });
  assert.deepEqual(checkBallot(approval, projects, { projects: ['a', 'z'] }), {
    ok: false,
    problem: { code: 'unknown-project' },
  });
  // A blank ballot is allowed only where the minimum is 0.
  assert.equal(checkBallot(rules({ minSelections: 0 }), projects, { projects: [] }).ok, true);
  assert.equal(checkBallot(rules({ minSelections: 1 }), projects, { projects: [] }).ok, false);
});

test('cumulative ballots: all the points is fine, one more is not; zero points drop the project', () => {
  const cumulative = rules({ type: 'cumulative', pointsTotal: 10 });
  assert.deepEqual(checkBallot(cumulative, projects, { projects: ['a', 'b', 'c'], points: [7, 0, 3] }), {
    ok: true,
    ballot: { projects: ['a', 'c'], points: [7, 3] },
  });
  assert.deepEqual(checkBallot(cumulative, projects, { projects: ['a', 'c'], points: [8, 3] }), {
    ok: false,
    problem: { code: 'too-many-points', max: 10, given: 11 },
  });
  assert.deepEqual(checkBallot(cumulative, projects, { projects: ['a'], points: [1.5] }).ok, false);
  assert.deepEqual(checkBallot(cumulative, projects, { projects: ['a'], points: [-1] }), {
    ok: false,
    problem: { code: 'points-not-whole' },
  });
  assert.deepEqual(checkBallot(cumulative, projects, { projects: ['a'] }), {
    ok: false,
    problem: { code: 'points-missing' },
  });
});

test('ranked ballots keep their order and their maximum', () => {
  const ranked = rules({ type: 'ranked', maxSelections: 2 });
  assert.deepEqual(checkBallot(ranked, projects, { projects: ['c', 'a'] }), {
    ok: true,
    ballot: { projects: ['c', 'a'] },
  });
  assert.deepEqual(checkBallot(ranked, projects, { projects: ['c', 'a', 'b'] }), {
    ok: false,
    problem: { code: 'too-many', max: 2 },
  });
  assert.equal(engineBallotKind('ranked'), 'ordinal');
  assert.equal(engineBallotKind('knapsack'), 'approval');
  assert.equal(engineBallotKind('cumulative'), 'cumulative');
});

// Properties over random projects and ballots.
const arbProjects = fc
  .uniqueArray(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 12 })
  .chain((ns) =>
    fc.tuple(
      ...ns.map((n) =>
        fc.bigInt({ min: 1n, max: 10_000_000n }).map((cost) => ({ id: `p${n}`, costPence: cost })),
      ),
    ),
  );

test('property: a knapsack ballot is valid exactly when its total is within the budget', () => {
  const arbCase = arbProjects.chain((list) =>
    fc.tuple(fc.constant(list), fc.subarray(list.map((p) => p.id)), fc.bigInt({ min: 1n, max: 50_000_000n })),
  );
  fc.assert(
    fc.property(arbCase, ([list, chosen, budget]) => {
      const total = chosen.reduce((s, id) => s + (list.find((p) => p.id === id)?.costPence ?? 0n), 0n);
      const result = checkBallot(rules({ type: 'knapsack', minSelections: 0, budgetPence: budget }), list, {
        projects: chosen,
      });
      return result.ok === total <= budget;
    }),
    { numRuns: 300 },
  );
});

test('property: the budget is the exact edge, to the penny', () => {
  fc.assert(
    fc.property(arbProjects, (list) => {
      const total = list.reduce((s, p) => s + p.costPence, 0n);
      const all = { projects: list.map((p) => p.id) };
      const at = checkBallot(rules({ type: 'knapsack', budgetPence: total }), list, all);
      const under = checkBallot(rules({ type: 'knapsack', budgetPence: total - 1n }), list, all);
      return at.ok && !under.ok && under.problem.code === 'over-budget' && under.problem.totalPence === total;
    }),
  );
});

test('property: approval validity is exactly min ≤ count ≤ max with known, distinct projects', () => {
  fc.assert(
    fc.property(
      arbProjects,
      fc.integer({ min: 0, max: 6 }),
      fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
      fc.array(fc.integer({ min: 0, max: 14 }), { maxLength: 10 }),
      (list, min, max, picks) => {
        const chosen = picks.map((i) => list[i % list.length]?.id as string);
        const r = rules({ minSelections: min, maxSelections: max === null ? null : Math.max(min, max) });
        const result = checkBallot(r, list, { projects: chosen });
        const distinct = new Set(chosen).size === chosen.length;
        const expected =
          distinct &&
          chosen.length >= r.minSelections &&
          (r.maxSelections === null || chosen.length <= r.maxSelections);
        return result.ok === expected;
      },
    ),
  );
});

test('property: a valid cumulative ballot keeps only positive points and never more than the total', () => {
  fc.assert(
    fc.property(
      arbProjects,
      fc.integer({ min: 1, max: 100 }),
      fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 12 }),
      (list, pointsTotal, raw) => {
        const ids = list.map((p) => p.id).slice(0, raw.length);
        const points = raw.slice(0, ids.length);
        const result = checkBallot(rules({ type: 'cumulative', pointsTotal, minSelections: 0 }), list, {
          projects: ids,
          points,
        });
        const given = points.reduce((a, b) => a + b, 0);
        if (given > pointsTotal) return !result.ok;
        if (!result.ok) return false;
        return (
          (result.ballot.points ?? []).every((p) => p > 0) &&
          (result.ballot.points ?? []).reduce((a, b) => a + b, 0) === given &&
          result.ballot.projects.length === points.filter((p) => p > 0).length
        );
      },
    ),
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arbitraryElection } from '../../../test/helpers/pb-elections.js';
import { type Election, electionOf } from './election.js';
import { MesEngine } from './mes-engine.js';
import { mesFixedReference } from './mes-reference.js';
import type { MesUtility } from './mes-support.js';
import { add, cmp, frac, mul } from './rational.js';
import { DEFAULT_TIE_BREAK, type TieBreakKey } from './tie-break.js';

const tieBreaks: TieBreakKey[][] = [[...DEFAULT_TIE_BREAK], ['id'], ['cost', 'id']];

function sameAsReference(
  e: Election,
  utility: MesUtility,
  budget: bigint,
  tieBreak: TieBreakKey[],
): MesEngine {
  const engine = new MesEngine(e, utility, tieBreak);
  const fast = engine.run(budget);
  const ref = mesFixedReference(e, utility, budget, tieBreak);
  assert.deepEqual(fast, ref.selected);
  // Same exact prices, and each funded project's payments add up exactly to its cost.
  engine.rounds.forEach((r, i) => {
    const tau = engine.exactTau(i);
    const uScale = utility === 'cost' ? (e.projects[r.project]?.cost ?? 1n) : 1n;
    assert.deepEqual(mul(tau, frac(1n, uScale)), ref.rounds[i]?.rho);
    const total = add(mul(tau, frac(r.fullWeight)), engine.cappedTotal(i));
    assert.equal(cmp(total, frac(e.projects[r.project]?.cost ?? 0n)), 0);
  });
  return engine;
}

test('fast MES equals the exact reference on random small elections', () => {
  for (const utility of ['cost', 'card'] as const)
    fc.assert(
      fc.property(
        arbitraryElection({ maxProjects: 7, maxVoters: 14, maxCost: 30 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 40 }),
        (e, t, extra) => {
          sameAsReference(e, utility, e.budget + BigInt(extra), tieBreaks[t] as TieBreakKey[]);
        },
      ),
      { numRuns: 1500 },
    );
});

test('fast mes-points equals the exact reference on random small elections', () => {
  fc.assert(
    fc.property(
      arbitraryElection({ maxProjects: 6, maxVoters: 12, maxCost: 30, points: true }),
      fc.integer({ min: 0, max: 2 }),
      (e, t) => {
        sameAsReference(e, 'points', e.budget, tieBreaks[t] as TieBreakKey[]);
      },
    ),
    { numRuns: 1000 },
  );
});

test('fast MES equals the reference where prices land exactly on what voters have left', () => {
  // Budgets that are multiples of the voter count and costs that divide evenly make equal shares
  // equal a voter's remaining money and projects tie exactly: the floats cannot decide these.
  const arb = fc
    .record({
      n: fc.integer({ min: 1, max: 6 }),
      per: fc.integer({ min: 1, max: 12 }),
      costs: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 6 }),
      ballots: fc.array(fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), {
        minLength: 1,
        maxLength: 12,
      }),
    })
    .map(({ per, costs, ballots }) =>
      electionOf({
        budget: per * ballots.length,
        projects: costs.map((c, i) => ({ id: `p${i}`, cost: c * 2 })),
        ballots: ballots.map((b) => b.map((x, i) => (x && i < costs.length ? i : -1)).filter((i) => i >= 0)),
      }),
    );
  let fallbacks = 0;
  for (const utility of ['cost', 'card'] as const)
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 2 }), (e, t) => {
        fallbacks += sameAsReference(e, utility, e.budget, tieBreaks[t] as TieBreakKey[]).exactFallbacks;
      }),
      { numRuns: 1500 },
    );
  assert.ok(fallbacks > 0, 'these elections should need the exact path');
});

test('fast MES equals the reference where the floats decide (irregular costs, more voters)', () => {
  // Small whole numbers make shares land on each other all the time and send the engine to
  // fractions; irregular amounts keep it on the certified float path, which is what this tests.
  const arb = fc
    .record({
      costs: fc.array(fc.integer({ min: 1000, max: 99_999 }), { minLength: 2, maxLength: 8 }),
      ballots: fc.array(fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), {
        minLength: 20,
        maxLength: 70,
      }),
      budget: fc.integer({ min: 10_000, max: 400_000 }),
      points: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 8, maxLength: 8 }),
    })
    .map(({ costs, ballots, budget, points }) => {
      const lists = ballots.map((b) =>
        b.map((x, i) => (x && i < costs.length ? i : -1)).filter((i) => i >= 0),
      );
      return electionOf({
        budget,
        projects: costs.map((cost, i) => ({ id: `p${i}`, cost })),
        ballots: lists,
        points: lists.map((l, v) => l.map((p) => (((points[p] as number) + v) % 9) + 1)),
      });
    });
  let rounds = 0;
  let fallbacks = 0;
  for (const utility of ['cost', 'card', 'points'] as const)
    fc.assert(
      fc.property(arb, (e) => {
        const engine = sameAsReference(e, utility, e.budget, [...DEFAULT_TIE_BREAK]);
        rounds += engine.rounds.length;
        fallbacks += engine.exactFallbacks;
      }),
      { numRuns: 150 },
    );
  // What matters is that the float path is what these runs compare; the share that falls back
  // varies with the random elections (about 1 in 10 rounds), so the bound leaves room.
  assert.ok(fallbacks * 4 < rounds, `floats should decide most rounds (${fallbacks} fell back of ${rounds})`);
});

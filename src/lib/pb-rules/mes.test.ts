import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arbitraryElection, ballotsOf, withBallotsReordered } from '../../../test/helpers/pb-elections.js';
import { type Election, electionOf } from './election.js';
import { greedy } from './greedy.js';
import { MesError, mes } from './mes.js';
import { mesReference } from './mes-reference.js';
import { add, type Frac, frac } from './rational.js';
import { COMPLETIONS } from './result.js';
import { DEFAULT_TIE_BREAK, type TieBreakKey } from './tie-break.js';

const tieBreak = [...DEFAULT_TIE_BREAK];
const ids = (e: { projects: { id: string }[] }, sel: number[]) => sel.map((p) => e.projects[p]?.id);
const idOf = (e: Election) => (i: number) => e.projects[i]?.id;
const fracOf = (text: unknown): Frac => {
  const [num, den] = String(text).split('/');
  return frac(BigInt(num as string), BigInt(den ?? '1'));
};

// 10 voters, £100 (£10 each). Six approve R1, R2, R3; four approve Y1, Y2; all cost £30.
// Greedy: R1, R2, R3. MES: R1 (£5 from each of the six), R2 (their last £5), R3 (nothing
// left behind it), Y1 (£7.50 from each of the four), Y2 (£10 left behind it, needs £30).
const majority = electionOf({
  budget: 100,
  currency: 'GBP',
  projects: ['R1', 'R2', 'R3', 'Y1', 'Y2'].map((id) => ({ id, cost: 30 })),
  ballots: [...Array(6).fill([0, 1, 2]), ...Array(4).fill([3, 4])],
});

test('a minority gets its share where greedy gives the majority everything', () => {
  assert.deepEqual(ids(majority, greedy(majority, { tieBreak }).selected), ['R1', 'R2', 'R3']);
  const r = mes(majority, { utility: 'cost', completion: 'none', tieBreak });
  assert.equal(r.rule, 'mes-cost');
  assert.deepEqual(ids(majority, r.selected), ['R1', 'R2', 'Y1']);
  assert.equal(r.spent, 90n);
  assert.match(r.explanations[0]?.text ?? '', /round 1 .*6 supporters paid an equal share of £5 each/);
  assert.match(r.explanations[3]?.text ?? '', /round 3 .*4 supporters paid an equal share of £7\.50 each/);
  assert.equal(r.explanations[2]?.funded, false);
  assert.match(r.explanations[2]?.text ?? '', /its 6 supporters had £0 left between them; it needed £30/);
  assert.match(r.explanations[4]?.text ?? '', /its 4 supporters had £10 left between them; it needed £30/);
  assert.deepEqual(r.explanations[3]?.trace, {
    stage: 'mes',
    utility: 'cost',
    virtualBudget: '100',
    perVoterBudget: '10',
    round: 3,
    rho: '1/4',
    sharePerUnit: '15/2',
    fullPayers: 4,
    fullPaid: '30',
    cappedPayers: 0,
    cappedPaid: '0',
    emptySupporters: 0,
    cost: '30',
  });
});

test('supporters who cannot pay the equal share pay all they have, and the text says so', () => {
  // 3 voters, £30 (£10 each), card utilities. A (£5) by voter 1 costs them £5; B (£18) by all
  // three £6 each: A first. Then £6 is more than voter 1's £5, so voter 1 pays £5 and voters 2
  // and 3 £6.50 each.
  const e = electionOf({
    budget: 30,
    currency: 'GBP',
    projects: [
      { id: 'A', cost: 5 },
      { id: 'B', cost: 18 },
    ],
    ballots: [[0, 1], [1], [1]],
  });
  const r = mes(e, { utility: 'card', completion: 'none', tieBreak });
  assert.deepEqual(ids(e, r.selected), ['A', 'B']);
  assert.match(
    r.explanations[1]?.text ?? '',
    /round 2 .*2 supporters paid an equal share of £6\.50 each; 1 supporter with less than that left paid all they had, £5\./,
  );
  assert.equal(r.explanations[1]?.trace.cappedPaid, '5');
  assert.equal(r.explanations[1]?.trace.rho, '13/2');
});

test('add1 raises every share until the outcome fills the budget; the summary says how', () => {
  // 4 voters, £100. A (£60) by voters 1-2, B (£40) by voters 3-4. At £25 each only B; at £30
  // each (a virtual £120) A and B tie per pound, B wins on cost, then A: £100 spent.
  const e = electionOf({
    budget: 100,
    currency: 'GBP',
    projects: [
      { id: 'A', cost: 60 },
      { id: 'B', cost: 40 },
    ],
    ballots: [[0], [0], [1], [1]],
  });
  assert.deepEqual(ids(e, mes(e, { utility: 'cost', completion: 'none', tieBreak }).selected), ['B']);
  const r = mes(e, { utility: 'cost', completion: 'add1', tieBreak });
  assert.deepEqual(ids(e, r.selected), ['B', 'A']);
  assert.equal(r.stats.virtualBudget, 120n);
  assert.equal(r.stats.runs, 6);
  assert.ok(r.summary.some((l) => l.includes('virtual budget of £120')));
  assert.equal(r.explanations[1]?.trace.perVoterBudget, '30');
});

test('add1 raises shares by one currency unit, not one money unit, when amounts have pennies', () => {
  // The add1 example above in pennies (scale 100): the same steps of £1 a voter, and the same end.
  const e = electionOf({
    budget: 10_000,
    scale: 100,
    currency: 'GBP',
    projects: [
      { id: 'A', cost: 6000 },
      { id: 'B', cost: 4000 },
    ],
    ballots: [[0], [0], [1], [1]],
  });
  const r = mes(e, { utility: 'cost', completion: 'add1', tieBreak });
  assert.deepEqual(ids(e, r.selected), ['B', 'A']);
  assert.equal(r.stats.virtualBudget, 12_000n);
  assert.equal(r.stats.runs, 6);
  assert.match(r.explanations[0]?.text ?? '', /costing £60: 2 supporters paid an equal share of £30 each/);
});

test('add1u tops up with greedy what add1 leaves', () => {
  // 3 voters, £100. A, B, C £50 each; A by voter 2, B and C by voters 1 and 3. add1 keeps B
  // (at £50 each B, C and A would all be funded: £150). Greedy then takes C (2 votes, fits)
  // and not A (£50 needed, nothing left).
  const e = electionOf({
    budget: 100,
    currency: 'GBP',
    projects: ['A', 'B', 'C'].map((id) => ({ id, cost: 50 })),
    ballots: [[1, 2], [0], [1, 2]],
  });
  assert.deepEqual(ids(e, mes(e, { utility: 'cost', completion: 'add1', tieBreak }).selected), ['B']);
  const r = mes(e, { utility: 'cost', completion: 'add1u', tieBreak });
  assert.deepEqual(ids(e, r.selected), ['B', 'C']);
  assert.equal(r.spent, 100n);
  assert.equal(r.explanations[2]?.funded, true);
  assert.match(r.explanations[2]?.text ?? '', /greedy/);
  assert.equal(r.explanations[0]?.funded, false);
  assert.match(r.explanations[0]?.text ?? '', /its 1 supporter had £49 left; it needed £50/);
  assert.equal((r.explanations[0]?.trace.greedy as { stage?: string } | undefined)?.stage, 'greedy-top-up');
});

test('mes-points pays by points; points need points ballots', () => {
  const e = electionOf({
    budget: 20,
    currency: 'GBP',
    projects: [
      { id: 'A', cost: 16 },
      { id: 'B', cost: 8 },
    ],
    ballots: [[0], [0, 1]],
    points: [[3], [1, 2]],
  });
  const r = mes(e, { utility: 'points', completion: 'none', tieBreak });
  assert.deepEqual(ids(e, r.selected), ['B']);
  assert.match(r.explanations[1]?.text ?? '', /£4 for each point they gave it/);
  assert.throws(() => mes(majority, { utility: 'points', completion: 'none', tieBreak }), MesError);
});

test('no ballots: nothing is funded, and nothing breaks', () => {
  const e = electionOf({ budget: 10, projects: [{ id: 'A', cost: 5 }], ballots: [] });
  for (const completion of COMPLETIONS) {
    const r = mes(e, { utility: 'cost', completion, tieBreak });
    assert.deepEqual(r.selected, completion === 'add1u' ? [0] : []);
  }
});

const arbTie = fc.constantFrom<TieBreakKey[]>(
  ['supporters', 'cost', 'id'],
  ['id'],
  ['cost', 'supporters', 'id'],
);

test('never spends more than the budget, and spent is the cost of what was chosen', () => {
  fc.assert(
    fc.property(
      arbitraryElection({ maxProjects: 7, maxVoters: 10, maxCost: 25 }),
      fc.constantFrom(...COMPLETIONS),
      fc.constantFrom('cost' as const, 'card' as const),
      arbTie,
      (e, completion, utility, tb) => {
        const r = mes(e, { utility, completion, tieBreak: tb });
        assert.ok(r.spent <= e.budget);
        assert.equal(
          r.spent,
          r.selected.reduce((s, p) => s + (e.projects[p]?.cost ?? 0n), 0n),
        );
        assert.equal(new Set(r.selected).size, r.selected.length);
        assert.equal(r.explanations.filter((x) => x.funded).length, r.selected.length);
        // Traces are JSON as they stand, and what the supporters of each project funded by
        // Equal Shares paid (full shares plus all-they-had) is exactly its cost.
        JSON.parse(JSON.stringify(r.explanations));
        for (const x of r.explanations) {
          if (!x.funded || x.trace.round === undefined) continue;
          const total = add(fracOf(x.trace.fullPaid), fracOf(x.trace.cappedPaid));
          assert.deepEqual(total, frac(BigInt(x.trace.cost as string)));
        }
      },
    ),
    { numRuns: 600 },
  );
});

test('fast and reference agree with add1 completion, with either stop', () => {
  fc.assert(
    fc.property(
      arbitraryElection({ maxProjects: 6, maxVoters: 9, maxCost: 25 }),
      fc.constantFrom('cost' as const, 'card' as const),
      arbTie,
      fc.constantFrom('exhaustive' as const, 'overspend' as const),
      (e, utility, tb, add1Stop) => {
        const fast = mes(e, { utility, completion: 'add1', tieBreak: tb, add1Stop });
        const ref = mesReference(e, { utility, completion: 'add1', tieBreak: tb, add1Stop });
        assert.deepEqual(fast.selected, ref.selected);
        assert.equal(fast.stats.virtualBudget, ref.virtualBudget);
      },
    ),
    { numRuns: 400 },
  );
});

test('the order of the ballots does not matter', () => {
  fc.assert(
    fc.property(
      arbitraryElection({ maxProjects: 7, maxVoters: 12, maxCost: 25 }).chain((e) =>
        fc.tuple(fc.constant(e), fc.shuffledSubarray([...Array(e.voters).keys()], { minLength: e.voters })),
      ),
      fc.constantFrom(...COMPLETIONS),
      fc.constantFrom('cost' as const, 'card' as const),
      ([e, order], completion, utility) => {
        const a = mes(e, { utility, completion, tieBreak });
        const b = mes(withBallotsReordered(e, order), { utility, completion, tieBreak });
        assert.deepEqual(b.selected, a.selected);
      },
    ),
    { numRuns: 400 },
  );
});

test('where a project sits in the list does not matter, only the declared tie-break', () => {
  // Move the projects around (ids travel with them): the chosen ids must be the same.
  fc.assert(
    fc.property(
      arbitraryElection({ maxProjects: 7, maxVoters: 12, maxCost: 25 }).chain((e) =>
        fc.tuple(
          fc.constant(e),
          fc.shuffledSubarray([...e.projects.keys()], { minLength: e.projects.length }),
        ),
      ),
      fc.constantFrom(...COMPLETIONS),
      fc.constantFrom('cost' as const, 'card' as const),
      arbTie,
      ([e, perm], completion, utility, tb) => {
        // perm[newIndex] = oldIndex
        const newIndex = new Array<number>(perm.length);
        perm.forEach((old, i) => {
          newIndex[old] = i;
        });
        const moved = electionOf({
          budget: e.budget,
          projects: perm.map((old) => e.projects[old] as { id: string; cost: bigint }),
          ballots: ballotsOf(e).map((b) => b.map((p) => newIndex[p] as number)),
        });
        const a = mes(e, { utility, completion, tieBreak: tb }).selected.map(idOf(e));
        const b = mes(moved, { utility, completion, tieBreak: tb }).selected.map(idOf(moved));
        assert.deepEqual(b, a);
      },
    ),
    { numRuns: 400 },
  );
});

test('with identical ballots everywhere, Equal Shares chooses what greedy chooses', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 7 }).chain((m) =>
        fc.record({
          costs: fc.array(fc.integer({ min: 1, max: 30 }), { minLength: m, maxLength: m }),
          ballot: fc.subarray([...Array(m).keys()]),
          voters: fc.integer({ min: 1, max: 9 }),
          budget: fc.integer({ min: 0, max: 90 }),
        }),
      ),
      arbTie,
      ({ costs, ballot, voters, budget }, tb) => {
        const e = electionOf({
          budget,
          projects: costs.map((cost, i) => ({ id: `p${i}`, cost })),
          ballots: Array.from({ length: voters }, () => ballot),
        });
        // Greedy also funds projects nobody chose when money is left at the end; Equal Shares never.
        const supported = new Set(ballot);
        const g = greedy(e, { tieBreak: tb }).selected.filter((p) => supported.has(p));
        assert.deepEqual(mes(e, { utility: 'cost', completion: 'none', tieBreak: tb }).selected, g);
      },
    ),
    { numRuns: 800 },
  );
});

test('add1 stopping only on overspend never stops earlier than the exhaustive stop, and stays within budget', () => {
  fc.assert(
    fc.property(arbitraryElection({ maxProjects: 6, maxVoters: 9, maxCost: 25 }), (e) => {
      const early = mes(e, { utility: 'cost', completion: 'add1', tieBreak, add1Stop: 'exhaustive' });
      const late = mes(e, { utility: 'cost', completion: 'add1', tieBreak, add1Stop: 'overspend' });
      assert.ok(late.stats.virtualBudget >= early.stats.virtualBudget);
      assert.ok(late.spent <= e.budget);
    }),
    { numRuns: 300 },
  );
});

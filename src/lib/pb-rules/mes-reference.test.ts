import assert from 'node:assert/strict';
import { test } from 'node:test';
import { electionOf } from './election.js';
import { mesFixedReference, mesReference } from './mes-reference.js';
import { frac } from './rational.js';
import { DEFAULT_TIE_BREAK } from './tie-break.js';

const tieBreak = [...DEFAULT_TIE_BREAK];
const ids = (e: { projects: { id: string }[] }, sel: number[]) => sel.map((p) => e.projects[p]?.id);

test('reference: a majority cannot take everything (MES differs from greedy)', () => {
  // 10 voters, £100, so £10 each. Six approve R1, R2, R3; four approve Y1, Y2; all cost £30.
  // Greedy takes R1, R2, R3. MES: R1 (each majority voter pays £5), R2 (£5 more: they are now
  // spent), R3 unaffordable, Y1 (each minority voter pays £7.50), Y2 unaffordable (£10 left).
  const e = electionOf({
    budget: 100,
    projects: ['R1', 'R2', 'R3', 'Y1', 'Y2'].map((id) => ({ id, cost: 30 })),
    ballots: [...Array(6).fill([0, 1, 2]), ...Array(4).fill([3, 4])],
  });
  const run = mesFixedReference(e, 'cost', e.budget, tieBreak);
  assert.deepEqual(ids(e, run.selected), ['R1', 'R2', 'Y1']);
  assert.deepEqual(run.rounds[0]?.rho, frac(1, 6)); // £5 of £30 per unit of utility
  assert.deepEqual(run.rounds[2]?.rho, frac(1, 4));
});

test('reference: cost and card utilities choose differently', () => {
  // 6 voters, £60: £10 each. A (£60) by all six: £10 each. B (£10) by voters 1 and 2: £5 each.
  // card: least payment per voter first, B (£5 < £10); then A has £50 behind it: dropped.
  // cost: least payment per pound of project, A (10/60 < 5/10); then B has nothing behind it.
  const e = electionOf({
    budget: 60,
    projects: [
      { id: 'A', cost: 60 },
      { id: 'B', cost: 10 },
    ],
    ballots: [[0, 1], [0, 1], [0], [0], [0], [0]],
  });
  assert.deepEqual(ids(e, mesFixedReference(e, 'card', e.budget, tieBreak).selected), ['B']);
  assert.deepEqual(ids(e, mesFixedReference(e, 'cost', e.budget, tieBreak).selected), ['A']);
});

test('reference: add1 raises the shares until the outcome uses the budget', () => {
  // 4 voters, £100: £25 each. A (£60) by voters 1-2: £50 behind it, unaffordable. B (£40) by
  // voters 3-4: funded. £60 is left and A would fit, so add1 raises the share £1 at a time; at
  // £30 each A and B tie (each supporter pays half the cost); B wins on cost; then A; £100 spent.
  const e = electionOf({
    budget: 100,
    projects: [
      { id: 'A', cost: 60 },
      { id: 'B', cost: 40 },
    ],
    ballots: [[0], [0], [1], [1]],
  });
  assert.deepEqual(ids(e, mesReference(e, { utility: 'cost', completion: 'none', tieBreak }).selected), [
    'B',
  ]);
  const r = mesReference(e, { utility: 'cost', completion: 'add1', tieBreak });
  assert.deepEqual(ids(e, r.selected), ['B', 'A']);
  assert.equal(r.virtualBudget, 120n);
  assert.equal(r.runs, 6); // £100, then £104, £108, £112, £116, £120
});

test('reference: add1 keeps the last outcome within the real budget', () => {
  // 3 voters, £100: £33.33 each. A (£50) by voter 2 alone; B and C (£50 each) by voters 1 and 3.
  // B and C tie (each supporter pays £25); B wins on id; C then has £16.67 behind it, A £33.33.
  // £50 is left and A or C would fit, so add1 starts from £99 (£33 each) and raises it by £3.
  // Up to £147 (£49 each) the outcome stays B. At £150 (£50 each) B, C and A are all funded:
  // £150, over the real budget, so the count keeps B from the £147 run.
  const e = electionOf({
    budget: 100,
    projects: ['A', 'B', 'C'].map((id) => ({ id, cost: 50 })),
    ballots: [[1, 2], [0], [1, 2]],
  });
  const r = mesReference(e, { utility: 'cost', completion: 'add1', tieBreak });
  assert.deepEqual(ids(e, r.selected), ['B']);
  assert.equal(r.virtualBudget, 147n);
  assert.equal(r.runs, 18); // £100, then £102 … £147 (16 runs), then £150
  assert.deepEqual(ids(e, mesFixedReference(e, 'cost', 150n, tieBreak).selected), ['B', 'C', 'A']);
});

test('reference: points utilities cap a voter who cannot pay their share', () => {
  // 2 voters, £20: £10 each. A (£16): voter 1 gives it 3 points, voter 2 1 point. £4 a point
  // would cost voter 1 £12, more than £10, so voter 1 pays all £10 and voter 2 pays the other
  // £6 alone: rho(A) = £6 a point. B (£8): voter 2 gives it 2 points: £4 a point. B first; then
  // A has £10 + £2 behind it, short of £16.
  const e = electionOf({
    budget: 20,
    projects: [
      { id: 'A', cost: 16 },
      { id: 'B', cost: 8 },
    ],
    ballots: [[0], [0, 1]],
    points: [[3], [1, 2]],
  });
  const run = mesFixedReference(e, 'points', e.budget, tieBreak);
  assert.deepEqual(ids(e, run.selected), ['B']);
  assert.deepEqual(run.rounds[0]?.rho, frac(4));
  assert.deepEqual(run.budgets, [frac(10), frac(2)]);
});

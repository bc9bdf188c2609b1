import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arbitraryElection, withBallotsReordered } from '../../../test/helpers/pb-elections.js';
import { electionOf } from './election.js';
import { greedy, greedyCard, greedyFill } from './greedy.js';
import { DEFAULT_TIE_BREAK, parseTieBreak } from './tie-break.js';

const tieBreak = [...DEFAULT_TIE_BREAK];
const ids = (e: { projects: { id: string }[] }, selected: number[]) => selected.map((p) => e.projects[p]?.id);

// Budget £10. Votes: A 4, B 3, C 2, D 1. Costs A £6, B £5, C £4, D £1.
// greedy by votes: A (left £4), B needs £5: skip, C fits (left £0), D needs £1: skip → A, C.
// greedy-card by votes per pound: D 1/1, A 4/6, B 3/5, C 2/4 → D (left £9), A (left £3),
// B and C no longer fit → D, A.
const city = electionOf({
  budget: 10,
  currency: 'GBP',
  projects: [
    { id: 'A', cost: 6 },
    { id: 'B', cost: 5 },
    { id: 'C', cost: 4 },
    { id: 'D', cost: 1 },
  ],
  ballots: [[0, 1, 2, 3], [0, 1, 2], [0, 1], [0]],
});

test('greedy skips a project that no longer fits and carries on down the list', () => {
  const result = greedy(city, { tieBreak });
  assert.deepEqual(ids(city, result.selected), ['A', 'C']);
  assert.equal(result.spent, 10n);
  assert.equal(
    result.explanations[0]?.text,
    'Chosen, 1st in order of votes (4 votes): it cost £6 when £10 was left.',
  );
  assert.equal(
    result.explanations[1]?.text,
    'Not funded: when its turn came (2nd in order of votes, 3 votes) £4 was left; it needed £5.',
  );
  assert.equal(result.explanations[3]?.funded, false);
  assert.deepEqual(result.summary, ['Funded 2 of 4 projects, spending £10 of £10.']);
  assert.deepEqual(result.explanations[2]?.trace, {
    stage: 'greedy',
    order: 'score',
    rank: 3,
    chosen: 2,
    score: 2,
    supporters: 2,
    cost: '4',
    leftBefore: '4',
  });
});

test('greedy-card orders by votes per unit of cost, so it funds cheap popular projects first', () => {
  const result = greedyCard(city, { tieBreak });
  assert.deepEqual(ids(city, result.selected), ['D', 'A']);
  assert.deepEqual(result.summary, ['Funded 2 of 4 projects, spending £7 of £10.', '£3 was left unspent.']);
});

test('greedy-card puts a free project with support first and a project nobody chose last', () => {
  const e = electionOf({
    budget: 3,
    projects: [
      { id: 'nobody-free', cost: 0 },
      { id: 'liked', cost: 1 },
      { id: 'free', cost: 0 },
      { id: 'nobody', cost: 1 },
    ],
    ballots: [[1, 2], [1]],
  });
  const result = greedyCard(e, { tieBreak });
  // free (infinite ratio), liked (2 per unit), then the two with ratio 0 by tie-break: free first.
  assert.deepEqual(ids(e, result.selected), ['free', 'liked', 'nobody-free', 'nobody']);
});

test('greedy funds a project nobody chose when money is left at the bottom of the list, as pabulib does', () => {
  const e = electionOf({
    budget: 5,
    projects: [
      { id: 'x', cost: 2 },
      { id: 'y', cost: 3 },
    ],
    ballots: [[0]],
  });
  assert.deepEqual(ids(e, greedy(e, { tieBreak }).selected), ['x', 'y']);
});

test('the tie-break decides between equally supported projects, and changing it changes the outcome', () => {
  // Both have 2 votes; the budget fits only one. supporters,cost,id prefers the cheaper "b";
  // id prefers "a".
  const e = electionOf({
    budget: 4,
    projects: [
      { id: 'a', cost: 4 },
      { id: 'b', cost: 3 },
    ],
    ballots: [
      [0, 1],
      [0, 1],
    ],
  });
  assert.deepEqual(ids(e, greedy(e, { tieBreak }).selected), ['b']);
  assert.deepEqual(ids(e, greedy(e, { tieBreak: parseTieBreak('id') }).selected), ['a']);
  assert.deepEqual(greedy(e, { tieBreak: parseTieBreak('id') }).tieBreak, ['id']);
});

test('with cumulative ballots greedy orders by points, and "supporters" breaks a tie in points', () => {
  // y: two voters give 5 points each (10); b: one voter gives 10 (10); c: 3 points. The budget
  // fits one of y and b, then c. supporters,cost,id prefers y (2 supporters); id prefers b.
  const e = electionOf({
    budget: 5,
    currency: 'PLN',
    projects: [
      { id: 'b', cost: 4 },
      { id: 'y', cost: 4 },
      { id: 'c', cost: 1 },
    ],
    ballots: [[1], [1, 2], [0]],
    points: [[5], [5, 3], [10]],
  });
  const result = greedy(e, { tieBreak });
  assert.deepEqual(ids(e, result.selected), ['y', 'c']);
  assert.equal(
    result.explanations[1]?.text,
    'Chosen, 1st in order of points (10 points): it cost 4 PLN when 5 PLN was left.',
  );
  assert.deepEqual(ids(e, greedy(e, { tieBreak: parseTieBreak('id') }).selected), ['b', 'c']);
  assert.deepEqual(ids(e, greedy(e, { tieBreak: parseTieBreak('cost,id') }).selected), ['b', 'c']);
});

test('greedyFill carries on from a partial outcome with the money that is left', () => {
  // Starting from B (£5 of £10): A needs £6 > £5 so it is skipped, C (£4) fits, D (£1) fits.
  const fill = greedyFill(city, [1], tieBreak);
  assert.deepEqual(ids(city, fill.added), ['C', 'D']);
  assert.equal(fill.explanations.has(1), false);
  assert.equal(
    fill.explanations.get(0)?.text,
    'Not funded: in the greedy top-up, when its turn came (1st in order of votes among the projects left, 4 votes) £5 was left; it needed £6.',
  );
  assert.equal(fill.explanations.get(3)?.funded, true);
});

test('money with pennies is shown with them', () => {
  const e = electionOf({
    budget: 100050,
    scale: 100,
    currency: 'GBP',
    projects: [{ id: 'x', cost: 120000 }],
    ballots: [[0]],
  });
  assert.equal(
    greedy(e, { tieBreak }).explanations[0]?.text,
    'Not funded: when its turn came (1st in order of votes, 1 vote) £1,000.50 was left; it needed £1,200.',
  );
});

test('property: greedy and greedy-card never spend more than the budget', () => {
  fc.assert(
    fc.property(arbitraryElection(), fc.boolean(), (e, card) => {
      const result = card ? greedyCard(e, { tieBreak }) : greedy(e, { tieBreak });
      const spent = result.selected.reduce((s, p) => s + (e.projects[p]?.cost ?? 0n), 0n);
      assert.equal(spent, result.spent);
      assert.ok(spent <= e.budget);
      assert.equal(new Set(result.selected).size, result.selected.length);
    }),
  );
});

test('property: greedy is exhaustive: every project left out costs more than what was left', () => {
  fc.assert(
    fc.property(arbitraryElection({ points: true }), (e) => {
      const result = greedy(e, { tieBreak });
      const left = e.budget - result.spent;
      e.projects.forEach((p, i) => {
        if (!result.selected.includes(i)) assert.ok(p.cost > left);
      });
    }),
  );
});

test('property: the order of the ballots does not change the outcome', () => {
  fc.assert(
    fc.property(
      arbitraryElection({ points: true }).chain((e) =>
        fc.tuple(fc.constant(e), fc.shuffledSubarray([...Array(e.voters).keys()], { minLength: e.voters })),
      ),
      ([e, order]) => {
        const shuffled = withBallotsReordered(e, order);
        assert.deepEqual(greedy(shuffled, { tieBreak }).selected, greedy(e, { tieBreak }).selected);
        assert.deepEqual(greedyCard(shuffled, { tieBreak }).selected, greedyCard(e, { tieBreak }).selected);
      },
    ),
  );
});

test('property: greedyFill from nothing gives the greedy outcome', () => {
  fc.assert(
    fc.property(arbitraryElection(), (e) => {
      assert.deepEqual(greedyFill(e, [], tieBreak).added, greedy(e, { tieBreak }).selected);
    }),
  );
});

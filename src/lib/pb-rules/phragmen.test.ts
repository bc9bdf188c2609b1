import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arbitraryElection, ballotsOf, withBallotsReordered } from '../../../test/helpers/pb-elections.js';
import { type Election, electionOf } from './election.js';
import { greedy } from './greedy.js';
import { phragmen } from './phragmen.js';
import { add, cmp, div, type Frac, frac, ZERO } from './rational.js';
import { DEFAULT_TIE_BREAK, parseTieBreak, type TieBreakKey, tieBreakComparator } from './tie-break.js';

const tieBreak = [...DEFAULT_TIE_BREAK];
const ids = (e: Election, selected: number[]) => selected.map((p) => e.projects[p]?.id);

test('Phragmén shares the seats in proportion where greedy gives everything to the majority', () => {
  // 6 voters want A and B, 4 want C; each costs £1 and the budget is £2.
  // Greedy: A (6 votes), B (6 votes). Phragmén round 1: A and B 1/6, C 1/4 → A (tie: id), the six
  // voters carry 1/6. Round 2: B (1 + 6 × 1/6) / 6 = 1/3, C 1/4 → C.
  const e = electionOf({
    budget: 2,
    currency: 'GBP',
    projects: [
      { id: 'A', cost: 1 },
      { id: 'B', cost: 1 },
      { id: 'C', cost: 1 },
    ],
    ballots: [...Array(6).fill([0, 1]), ...Array(4).fill([2])],
  });
  assert.deepEqual(ids(e, greedy(e, { tieBreak }).selected), ['A', 'B']);
  const result = phragmen(e, { tieBreak });
  assert.deepEqual(ids(e, result.selected), ['A', 'C']);
  assert.deepEqual(result.explanations[2]?.trace, {
    round: 2,
    supporters: 4,
    cost: '1',
    load: '1/4',
    leftBefore: '1',
  });
});

// Budget £10. Costs A 4, B 3, C 3, D 6, F 7, G 1. Ballots: {A,B} {A,B} {A,C} {C} {D,F} {D,F};
// nobody picks G.
// Round 1: A 4/3, B 3/2, C 3/2, D 6/2 = 3, F 7/2 → A; v1..v3 carry 4/3 (£4 spent).
// Round 2: B (3 + 8/3)/2 = 17/6, C (3 + 4/3)/2 = 13/6, D 3, F 7/2 → C; v3, v4 carry 13/6 (£7).
// Round 3: B 17/6, D 3, F 7/2 → B; v1, v2 carry 17/6 (£10 spent, £0 left).
// Round 4: D 3 is lowest but needs £6 → counting stops; F (7/2) and G are not funded.
const stops = electionOf({
  budget: 10,
  currency: 'GBP',
  projects: [
    { id: 'A', cost: 4 },
    { id: 'B', cost: 3 },
    { id: 'C', cost: 3 },
    { id: 'D', cost: 6, name: 'Park benches' },
    { id: 'F', cost: 7 },
    { id: 'G', cost: 1 },
  ],
  ballots: [[0, 1], [0, 1], [0, 2], [2], [3, 4], [3, 4]],
});

test('Phragmén evens out loads round by round and stops at the first project that does not fit', () => {
  const result = phragmen(stops, { tieBreak });
  assert.deepEqual(ids(stops, result.selected), ['A', 'C', 'B']);
  assert.equal(result.spent, 10n);
  assert.deepEqual(
    result.selected.map((p) => result.explanations[p]?.trace.load),
    ['4/3', '13/6', '17/6'],
  );
  assert.equal(
    result.explanations[2]?.text,
    'Chosen in round 2: shared among its 2 supporters on top of what they had already paid, its cost of £3 gave the lowest load of any project; each of them has now paid £2.17 in all.',
  );
  assert.equal(
    result.explanations[3]?.text,
    'Not funded: it was next, in round 4, with a load of £3 for each of its 2 supporters, but it needed £6 and only £0 was left, so counting stopped.',
  );
  assert.equal(
    result.explanations[4]?.text,
    'Not funded: counting stopped in round 4, when project D (needing £6, with only £0 left) no longer fitted. This project would have given each of its 2 supporters a load of £3.50, 2nd lowest in that round, against £3 for project D.',
  );
  assert.equal(
    result.explanations[5]?.text,
    'Not funded: no ballot supports it, so Phragmén never considers it.',
  );
  assert.equal(
    result.summary.at(-1),
    'Counting stopped in round 4: the next project, D, needed £6 and only £0 was left.',
  );
});

test('Phragmén does not skip: a cheap project after the stopping one is left out even though it fits', () => {
  // Budget £5. A costs £9 with 9 supporters (load 1), B £2 with 1 supporter (load 2). A is next
  // and does not fit, so counting stops with nothing funded; greedy would skip A and fund B.
  const e = electionOf({
    budget: 5,
    projects: [
      { id: 'A', cost: 9 },
      { id: 'B', cost: 2 },
    ],
    ballots: [...Array(9).fill([0]), [1]],
  });
  assert.deepEqual(phragmen(e, { tieBreak }).selected, []);
  assert.deepEqual(ids(e, greedy(e, { tieBreak }).selected), ['B']);
});

test('the tie-break decides which project is next, and so which one stops the count', () => {
  // Budget £7. A £5 (3 supporters), B £5 (1), C £1 and D £4 share one supporter.
  const e = electionOf({
    budget: 7,
    projects: [
      { id: 'A', cost: 5 },
      { id: 'B', cost: 5 },
      { id: 'C', cost: 1 },
      { id: 'D', cost: 4 },
    ],
    ballots: [[0], [0], [0], [1], [2, 3]],
  });
  // Round 1: A 5/3, B 5, C 1, D 4 → C (£1); voter 5 carries 1.
  // Round 2: A 5/3, B 5, D (4 + 1)/1 = 5 → A (£6 spent, £1 left).
  // Round 3: B 5 and D 5 tie with 1 supporter each; D is cheaper, so D is next, needs £4 > £1:
  // stop.
  const result = phragmen(e, { tieBreak });
  assert.deepEqual(ids(e, result.selected), ['C', 'A']);
  assert.equal(result.explanations[3]?.trace.stoppedCounting, true);
  // By id alone, B wins the tie and stops the count instead.
  assert.equal(phragmen(e, { tieBreak: parseTieBreak('id') }).explanations[1]?.trace.stoppedCounting, true);
});

test('Phragmén reads cumulative ballots as approval of every project given points', () => {
  const e = electionOf({
    budget: 1,
    projects: [
      { id: 'x', cost: 1 },
      { id: 'y', cost: 1 },
    ],
    ballots: [[0, 1], [1]],
    points: [[9, 0], [1]],
  });
  const result = phragmen(e, { tieBreak });
  // x: 1/1, y: 1/1 (only the second ballot gives it points) → tie; supporters equal; cost equal; id → x.
  assert.deepEqual(ids(e, result.selected), ['x']);
  assert.equal(result.explanations[1]?.trace.supporters, 1);
  assert.match(result.notes.join(' '), /ignores the points/);
});

/** The plain definition, voter by voter, with exact fractions: slow but obviously right. */
function slowPhragmen(e: Election, keys: TieBreakKey[]): number[] {
  const ballots = ballotsOf(e).map((b, v) =>
    b.filter((_, k) => e.points === null || (e.points[(e.offsets[v] as number) + k] as number) > 0),
  );
  const supporters = e.projects.map((_, p) => ballots.filter((b) => b.includes(p)).length);
  const tie = tieBreakComparator(keys, e.projects, supporters);
  const loads: Frac[] = ballots.map(() => ZERO);
  const selected: number[] = [];
  let left = e.budget;
  for (;;) {
    let best = -1;
    let bestT: Frac = ZERO;
    e.projects.forEach((project, p) => {
      if (selected.includes(p) || supporters[p] === 0) return;
      let sum = frac(project.cost);
      ballots.forEach((b, v) => {
        if (b.includes(p)) sum = add(sum, loads[v] as Frac);
      });
      const t = div(sum, frac(supporters[p] as number));
      if (best < 0 || cmp(t, bestT) < 0 || (cmp(t, bestT) === 0 && tie(p, best) < 0)) {
        best = p;
        bestT = t;
      }
    });
    if (best < 0 || (e.projects[best]?.cost as bigint) > left) return selected;
    selected.push(best);
    left -= e.projects[best]?.cost as bigint;
    ballots.forEach((b, v) => {
      if (b.includes(best)) loads[v] = bestT;
    });
  }
}

test('property: the fast count agrees with the plain exact definition', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        arbitraryElection({ maxVoters: 15 }),
        arbitraryElection({ points: true }),
        // Large costs whose loads differ in the 13th digit, where doubles could mislead.
        arbitraryElection({ maxCost: 1e12 }),
      ),
      fc.constantFrom('supporters,cost,id', 'id', 'cost'),
      (e, list) => {
        const keys = parseTieBreak(list);
        assert.deepEqual(phragmen(e, { tieBreak: keys }).selected, slowPhragmen(e, keys));
      },
    ),
    { numRuns: 300 },
  );
});

test('property: Phragmén never overspends, and the order of ballots does not matter', () => {
  fc.assert(
    fc.property(
      arbitraryElection().chain((e) =>
        fc.tuple(fc.constant(e), fc.shuffledSubarray([...Array(e.voters).keys()], { minLength: e.voters })),
      ),
      ([e, order]) => {
        const result = phragmen(e, { tieBreak });
        assert.ok(result.spent <= e.budget);
        assert.equal(
          result.spent,
          result.selected.reduce((s, p) => s + (e.projects[p]?.cost as bigint), 0n),
        );
        assert.deepEqual(phragmen(withBallotsReordered(e, order), { tieBreak }).selected, result.selected);
        assert.equal(result.explanations.length, e.projects.length);
        result.explanations.forEach((x, p) => {
          assert.equal(x.funded, result.selected.includes(p));
        });
      },
    ),
  );
});

test('loads that floating point cannot tell apart are still compared exactly', () => {
  // Loads 10^17 + 1 (a) and 10^17 (b) are the same double. Exactly, b is lower and is chosen;
  // then £1 is left and a does not fit. Treating them as tied would pick a by id.
  const e = electionOf({
    budget: 10n ** 17n + 1n,
    projects: [
      { id: 'a', cost: 10n ** 17n + 1n },
      { id: 'b', cost: 10n ** 17n },
    ],
    ballots: [[0], [1]],
  });
  assert.deepEqual(ids(e, phragmen(e, { tieBreak: parseTieBreak('id') }).selected), ['b']);
});

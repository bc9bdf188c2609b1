/** Properties every rule here shares, and greedy-card's order checked against exact fractions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arbitraryElection, withProjectsReordered } from '../../../test/helpers/pb-elections.js';
import type { Election } from './election.js';
import { greedy, greedyCard, orderByScorePerCost } from './greedy.js';
import { phragmen } from './phragmen.js';
import { cmp, frac } from './rational.js';
import { scoresOf, supportOf } from './support.js';
import { parseTieBreak, tieBreakComparator } from './tie-break.js';

const rules = { greedy, 'greedy-card': greedyCard, phragmen };

test('property: listing the projects in another order changes nothing but indexes', () => {
  fc.assert(
    fc.property(
      fc
        .oneof(arbitraryElection(), arbitraryElection({ points: true }))
        .chain((e) =>
          fc.tuple(
            fc.constant(e),
            fc.shuffledSubarray([...e.projects.keys()], { minLength: e.projects.length }),
            fc.constantFrom(...(Object.keys(rules) as Array<keyof typeof rules>)),
            fc.constantFrom('supporters,cost,id', 'id', 'cost,supporters'),
          ),
        ),
      ([e, order, rule, list]) => {
        const tieBreak = parseTieBreak(list);
        const ids = (x: Election, selected: number[]) => selected.map((p) => x.projects[p]?.id);
        const moved = withProjectsReordered(e, order);
        assert.deepEqual(
          ids(moved, rules[rule](moved, { tieBreak }).selected),
          ids(e, rules[rule](e, { tieBreak }).selected),
        );
      },
    ),
    { numRuns: 200 },
  );
});

test('property: greedy-card orders exactly as the fractions score / cost do', () => {
  fc.assert(
    fc.property(arbitraryElection({ points: true, maxCost: 7 }), (e) => {
      const tieBreak = parseTieBreak('supporters,cost,id');
      const support = supportOf(e);
      const scores = scoresOf(e, support);
      const tie = tieBreakComparator(tieBreak, e.projects, support.supporters);
      // Reference: free projects with support first, then by exact ratio; no support counts as 0.
      const key = (p: number) => {
        const s = scores[p] as number;
        const c = e.projects[p]?.cost as bigint;
        return s === 0
          ? { inf: false, r: frac(0) }
          : c === 0n
            ? { inf: true, r: frac(0) }
            : { inf: false, r: frac(s, c) };
      };
      const expected = [...e.projects.keys()].sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        if (ka.inf !== kb.inf) return ka.inf ? -1 : 1;
        return -cmp(ka.r, kb.r) || tie(a, b);
      });
      assert.deepEqual(orderByScorePerCost(e, tieBreak, support), expected);
    }),
  );
});

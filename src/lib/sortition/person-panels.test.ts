import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { personDistribution } from './person-panels.js';
import type { RespondentTypes } from './respondent-types.js';

/** Types of the given sizes, members numbered in order (type 0 is people 0 … sizes[0] − 1). */
function typesOfSizes(sizes: number[]): RespondentTypes {
  const members: number[][] = [];
  let next = 0;
  for (const size of sizes) members.push(Array.from({ length: size }, () => next++));
  const typeOf = new Int32Array(next);
  members.forEach((list, t) => {
    for (const i of list) typeOf[i] = t;
  });
  return {
    members,
    typeOf,
    lower: new Int32Array(sizes.length),
    upper: Int32Array.from(sizes),
    rows: [],
  };
}

/** Random type panels: each a sorted list of types, with no type holding more seats than its size. */
const typeDistribution = fc
  .array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 6 })
  .chain((sizes) =>
    fc.record({
      sizes: fc.constant(sizes),
      panels: fc.array(
        fc.tuple(
          fc.tuple(...sizes.map((size) => fc.integer({ min: 0, max: size }))),
          fc.integer({ min: 1, max: 1000 }),
        ),
        { minLength: 1, maxLength: 12 },
      ),
    }),
  )
  .filter(({ panels }) => panels.every(([seats]) => seats.some((c) => c > 0)));

test('every member of a type gets exactly the type’s chance, on panels with the type panels’ seat counts', () => {
  fc.assert(
    fc.property(typeDistribution, ({ sizes, panels }) => {
      const types = typesOfSizes(sizes);
      const n = types.typeOf.length;
      const typePanels = panels.map(([seats]) => seats.flatMap((c, t) => new Array<number>(c).fill(t)));
      const total = panels.reduce((sum, [, raw]) => sum + raw, 0);
      const typeWeights = panels.map(([, raw]) => raw / total);
      const result = personDistribution(typePanels, typeWeights, types, n);

      const seatCounts = (list: readonly number[]) => sizes.map((_, t) => list.filter((x) => x === t).length);
      const allowed = new Set(typePanels.map((panel) => seatCounts(panel).join(',')));
      for (const panel of result.panels) {
        assert.equal(new Set(panel).size, panel.length, 'nobody sits twice on one panel');
        const shape = seatCounts(panel.map((i) => types.typeOf[i] as number)).join(',');
        assert.ok(allowed.has(shape), `panel ${panel} has seat counts no type panel has`);
      }
      assert.ok(Math.abs(result.weights.reduce((a, b) => a + b, 0) - 1) < 1e-9);
      assert.ok(result.weights.every((w) => w > 0));
      types.members.forEach((members, t) => {
        const expected =
          typePanels.reduce(
            (sum, panel, c) => sum + (typeWeights[c] as number) * panel.filter((x) => x === t).length,
            0,
          ) / members.length;
        for (const i of members) {
          const fromPanels = result.panels.reduce(
            (sum, panel, c) => sum + (panel.includes(i) ? (result.weights[c] as number) : 0),
            0,
          );
          assert.ok(
            Math.abs(fromPanels - expected) < 1e-9,
            `person ${i}: ${fromPanels}, type ${t}: ${expected}`,
          );
          assert.ok(Math.abs((result.probabilities[i] as number) - fromPanels) < 1e-12);
        }
      });
      assert.ok(
        result.panels.length <= typePanels.length + 2 * n,
        `${result.panels.length} person panels from ${typePanels.length} type panels and ${n} people`,
      );
    }),
    { numRuns: 500 },
  );
});

test('one type panel with one seat among three members becomes three panels of a third each', () => {
  const types = typesOfSizes([3]);
  const result = personDistribution([[0]], [1], types, 3);
  const byMember = result.panels.map((panel, c) => [
    panel,
    Math.round((result.weights[c] as number) * 1e9) / 1e9,
  ]);
  assert.deepEqual(
    byMember.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    [
      [[0], 0.333333333],
      [[1], 0.333333333],
      [[2], 0.333333333],
    ],
  );
});

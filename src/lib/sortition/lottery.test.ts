import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { makeLottery } from './lottery.js';
import type { Distribution } from './types.js';

/** A distribution from panels and weights, with each person's chance summed from the weights. */
function distribution(panels: number[][], weights: number[], n: number): Distribution {
  const probabilities = new Array<number>(n).fill(0);
  panels.forEach((panel, c) => {
    for (const person of panel)
      probabilities[person] = (probabilities[person] as number) + (weights[c] as number);
  });
  return { panels, weights, probabilities };
}

/** Each person's chance in a lottery, counted from its panels. */
function chances(panels: number[][], n: number): number[] {
  const counts = new Array<number>(n).fill(0);
  for (const panel of panels) for (const person of panel) counts[person] = (counts[person] as number) + 1;
  return counts.map((count) => count / panels.length);
}

const smallDistribution = fc
  .integer({ min: 5, max: 12 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      panels: fc.array(
        fc
          .uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 2, maxLength: 4 })
          .map((panel) => panel.sort((a, b) => a - b)),
        { minLength: 2, maxLength: 8 },
      ),
      m: fc.constantFrom(7, 10, 100, 1000),
    }),
  )
  .chain(({ n, panels, m }) =>
    fc
      .array(fc.integer({ min: 1, max: 1000 }), { minLength: panels.length, maxLength: panels.length })
      .map((raw) => {
        const total = raw.reduce((sum, x) => sum + x, 0);
        return {
          n,
          m,
          distribution: distribution(
            panels,
            raw.map((x) => x / total),
            n,
          ),
        };
      }),
  );

test('every person’s lottery chance is within 1/m of their chance in the distribution', async () => {
  let worst = 0;
  await fc.assert(
    fc.asyncProperty(smallDistribution, async ({ n, m, distribution: dist }) => {
      const lottery = await makeLottery(dist, n, m);
      assert.equal(lottery.panels.length, m);
      const known = new Set(dist.panels.map((panel) => panel.join(',')));
      for (const panel of lottery.panels)
        assert.ok(known.has(panel.join(',')), `${panel} is not in the distribution`);
      // Each panel's count is m·w rounded down or up.
      dist.panels.forEach((panel, c) => {
        const count = lottery.panels.filter((p) => p.join(',') === panel.join(',')).length;
        const copies = dist.panels.filter((p) => p.join(',') === panel.join(',')).length;
        if (copies === 1) {
          const exact = m * (dist.weights[c] as number);
          assert.ok(
            count >= Math.floor(exact + 1e-9) && count <= Math.ceil(exact - 1e-9),
            `${count} vs ${exact}`,
          );
        }
      });
      const lotteryChances = chances(lottery.panels, n);
      assert.deepEqual(lottery.probabilities, lotteryChances);
      let deviation = 0;
      lotteryChances.forEach((chance, i) => {
        deviation = Math.max(deviation, Math.abs(chance - (dist.probabilities[i] as number)));
      });
      assert.ok(deviation <= 1 / m + 1e-9, `person off by ${deviation * m}/m`);
      assert.ok(Math.abs(lottery.maxDeviation - deviation) < 1e-12, 'maxDeviation is reported as it is');
      worst = Math.max(worst, deviation * m);
    }),
    { numRuns: 300 },
  );
  console.log(`largest deviation seen: ${worst.toFixed(4)}/m`);
});

test('two panels at one half each, m = 1000: 500 of each, first panel first', async () => {
  const dist = distribution(
    [
      [0, 1],
      [2, 3],
    ],
    [0.5, 0.5],
    4,
  );
  const lottery = await makeLottery(dist, 4, 1000);
  assert.equal(lottery.panels.length, 1000);
  assert.deepEqual(lottery.panels.slice(0, 500), new Array(500).fill([0, 1]));
  assert.deepEqual(lottery.panels.slice(500), new Array(500).fill([2, 3]));
  assert.deepEqual(lottery.probabilities, [0.5, 0.5, 0.5, 0.5]);
  assert.equal(lottery.maxDeviation, 0);
});

test('float noise in m·w (2.9999999997, 0.30000000000000004) is not mistaken for a fraction', async () => {
  // 0.3 × 10 = 3.0000000000000004 in floating point; each panel must appear exactly 3, 3 and 4 times.
  const dist = distribution(
    [
      [0, 1],
      [1, 2],
      [0, 3],
    ],
    [0.3, 0.3, 0.4],
    4,
  );
  const lottery = await makeLottery(dist, 4, 10);
  assert.deepEqual(lottery.panels, [
    ...new Array(3).fill([0, 1]),
    ...new Array(3).fill([1, 2]),
    ...new Array(4).fill([0, 3]),
  ]);
  assert.ok(lottery.maxDeviation < 1e-12);
  // Weights an LP returned as 0.29999999997 etc. (summing to 1 within float noise).
  const noisy = distribution(
    [
      [0, 1],
      [1, 2],
      [0, 3],
    ],
    [0.29999999997, 0.30000000001, 0.40000000002],
    4,
  );
  const fromNoisy = await makeLottery(noisy, 4, 10);
  assert.deepEqual(fromNoisy.panels, lottery.panels);
});

test('the same distribution always gives the same lottery', async () => {
  const dist = distribution(
    [
      [0, 1, 2],
      [1, 3, 4],
      [0, 4, 5],
      [2, 3, 5],
      [0, 3, 6],
    ],
    [0.137, 0.211, 0.19, 0.3, 0.162],
    7,
  );
  const first = await makeLottery(dist, 7, 100);
  const second = await makeLottery(dist, 7, 100);
  assert.deepEqual(second, first);
});

test('nonsense input is refused with a plain message', async () => {
  const ok = distribution(
    [
      [0, 1],
      [2, 3],
    ],
    [0.5, 0.5],
    4,
  );
  await assert.rejects(makeLottery(ok, 4, 0), /lottery size must be a whole number above 0/);
  await assert.rejects(makeLottery({ ...ok, weights: [0.5, 0.4] }, 4, 10), /must add up to 1/);
  await assert.rejects(makeLottery({ ...ok, weights: [1.5, -0.5] }, 4, 10), /at least 0/);
  await assert.rejects(makeLottery({ ...ok, weights: [1] }, 4, 10), /2 panels but 1 weights/);
  await assert.rejects(makeLottery(ok, 3, 10), /not among the 3 people/);
});

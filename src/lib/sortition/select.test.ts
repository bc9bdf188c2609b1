import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InfeasibleQuotasError, replacementProblem, selectPanel } from './select.js';
import type { SelectionProblem } from './types.js';

/** People described as strings of feature values, e.g. ['A X', 'B Y']. */
function pool(rows: string[], quotas: Record<string, [number, number]>[], k: number): SelectionProblem {
  return {
    features: quotas.map((values, f) => ({
      name: ['group', 'area'][f] ?? `f${f}`,
      values: Object.entries(values).map(([value, [min, max]]) => ({ value, min, max })),
    })),
    people: rows.map((row, i) => ({ id: `p${i}`, values: row.split(' ') })),
    k,
  };
}

describe('choosing replacements for members who dropped out', () => {
  it('keeps everyone who stays, fills the seat from people with the same value, each as likely as the others', async () => {
    const problem = pool(['A', 'A', 'A', 'A', 'A', 'B', 'B', 'B', 'B', 'B'], [{ A: [2, 2], B: [2, 2] }], 4);
    const panel = [0, 1, 5, 6];
    const replacing = replacementProblem(problem, panel, [0]);
    const { distribution } = await selectPanel(replacing, { algorithm: 'leximin' });
    for (const chosen of distribution.panels) {
      assert.ok(
        [1, 5, 6].every((i) => chosen.includes(i)),
        'the members who stay are on every panel',
      );
      assert.ok(!chosen.includes(0), 'the member who dropped out is not');
      assert.equal(chosen.length, 4);
    }
    // The seat needs an A; the three As not on the panel share it equally. The Bs cannot have it.
    const chances = distribution.probabilities.map((p) => Math.round(p * 1e6) / 1e6);
    assert.deepEqual(chances, [0, 1, 0.333333, 0.333333, 0.333333, 1, 1, 0, 0, 0]);
  });

  it('refuses to replace someone who is not on the panel', () => {
    const problem = pool(['A', 'A', 'B'], [{ A: [0, 2], B: [0, 2] }], 2);
    assert.throws(() => replacementProblem(problem, [0, 1], [2]), /p2 is not on the panel/);
  });
});

describe('quotas no panel can meet', () => {
  it('names the quota that cannot be met', async () => {
    const problem = pool(['A', 'A', 'B', 'B', 'B'], [{ A: [3, 3], B: [0, 3] }], 3);
    await assert.rejects(selectPanel(problem, { algorithm: 'leximin' }), (error: unknown) => {
      assert.ok(error instanceof InfeasibleQuotasError);
      assert.ok(
        error.conflicts.some((c) => c.startsWith('group is A: exactly 3 (2 in the pool)')),
        error.message,
      );
      return true;
    });
  });

  it('names both quotas when each could be met alone but not together', async () => {
    // Every A lives in X and every Y is a B: two As and two Ys cannot share a panel of two.
    const problem = pool(
      ['A X', 'A X', 'B Y', 'B Y'],
      [
        { A: [2, 2], B: [0, 2] },
        { X: [0, 2], Y: [2, 2] },
      ],
      2,
    );
    await assert.rejects(selectPanel(problem, { algorithm: 'maximin' }), (error: unknown) => {
      assert.ok(error instanceof InfeasibleQuotasError);
      const named = error.conflicts.join(' | ');
      assert.match(named, /group is A: exactly 2/);
      assert.match(named, /area is Y: exactly 2/);
      assert.doesNotMatch(named, /group is B|area is X/, 'quotas that do not conflict are left out');
      return true;
    });
  });

  it('says plainly when the panel is bigger than the pool', async () => {
    const problem = pool(['A', 'A'], [{ A: [0, 3] }], 3);
    await assert.rejects(
      selectPanel(problem, { algorithm: 'leximin' }),
      /the panel has 3 members but the pool has only 2 people/,
    );
  });
});

describe('the legacy selector through the same entry point', () => {
  it('draws 1,000 panels that each meet the quotas, and reports the chances they give', async () => {
    const problem = pool(['A', 'A', 'B', 'B', 'B', 'B'], [{ A: [1, 1], B: [1, 1] }], 2);
    const selection = await selectPanel(problem, { algorithm: 'legacy', seed: 7 });
    assert.equal(selection.algorithm, 'legacy');
    assert.equal(selection.distribution.panels.length, 1000);
    for (const panel of selection.distribution.panels) {
      assert.equal(panel.filter((i) => i < 2).length, 1);
      assert.equal(panel.filter((i) => i >= 2).length, 1);
    }
    const total = selection.distribution.probabilities.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 2) < 1e-9);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { amountForJson, count, resultToJson } from './count.js';
import { electionOf } from './election.js';
import { MesError } from './mes.js';
import { DEFAULT_TIE_BREAK } from './tie-break.js';

const tieBreak = [...DEFAULT_TIE_BREAK];

// Budget £10.50 (scale 100). Votes: "10" 2, "2" 1; costs £6 and £5. Greedy: "10" (£4.50 left),
// then "2" does not fit.
const e = electionOf({
  budget: 1050,
  scale: 100,
  currency: 'GBP',
  ballotKind: 'ordinal',
  projects: [
    { id: '10', cost: 600 },
    { id: '2', cost: 500 },
  ],
  ballots: [[0, 1], [0]],
});

test('the JSON result has the documented shape, with money in currency units', () => {
  const result = count(e, { rule: 'greedy', completion: 'add1u', tieBreak, notes: ['Read from a file.'] });
  const json = JSON.parse(JSON.stringify(resultToJson(result, e)));
  assert.deepEqual(Object.keys(json), [
    'rule',
    'completion',
    'tieBreak',
    'budget',
    'spent',
    'selected',
    'explanations',
    'notes',
    'summary',
  ]);
  assert.equal(json.rule, 'greedy');
  // Greedy has no completion, whatever was asked for.
  assert.equal(json.completion, 'none');
  assert.deepEqual(json.tieBreak, ['supporters', 'cost', 'id']);
  assert.equal(json.budget, 10.5);
  assert.equal(json.spent, 6);
  assert.deepEqual(json.selected, ['10']);
  assert.deepEqual(json.explanations['2'], {
    funded: false,
    text: 'Not funded: when its turn came (2nd in order of votes, 1 vote) £4.50 was left; it needed £5.',
    trace: {
      stage: 'greedy',
      order: 'score',
      rank: 2,
      score: 1,
      supporters: 1,
      cost: '500',
      leftBefore: '450',
    },
  });
  assert.deepEqual(json.notes, [
    'Read from a file.',
    'Ordinal ballots were counted as approval of every project ranked.',
  ]);
  assert.deepEqual(json.summary, [
    'Funded 1 of 2 projects, spending £6 of £10.50.',
    '£4.50 was left unspent.',
  ]);
});

test('notes from reading the file are not repeated by the rule', () => {
  const result = count(e, {
    rule: 'phragmen',
    completion: 'none',
    tieBreak,
    notes: ['Ordinal ballots were counted as approval of every project ranked.'],
  });
  assert.deepEqual(result.notes, ['Ordinal ballots were counted as approval of every project ranked.']);
  assert.equal(result.rule, 'phragmen');
});

test('count dispatches on the rule', () => {
  assert.deepEqual(count(e, { rule: 'greedy-card', completion: 'none', tieBreak }).selected, [0]);
  for (const rule of ['mes-cost', 'mes-card'] as const) {
    const result = count(e, { rule, completion: 'add1u', tieBreak });
    assert.equal(result.rule, rule);
    assert.equal(result.completion, 'add1u');
  }
  // Points are utilities only on ballots that have points.
  assert.throws(() => count(e, { rule: 'mes-points', completion: 'none', tieBreak }), MesError);
});

test('amounts are JSON numbers only when the number is exactly the amount', () => {
  assert.equal(amountForJson(100050n, 100n), 1000.5);
  assert.equal(amountForJson(190170n, 1n), 190170);
  assert.equal(amountForJson(7n, 1000n), 0.007);
  assert.equal(amountForJson(12345678901234567890n, 1n), '12345678901234567890');
  assert.equal(amountForJson(1234567890123456789n, 100n), '12345678901234567.89');
});

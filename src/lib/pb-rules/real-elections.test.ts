/**
 * An independent check of our Method of Equal Shares against real elections that were counted by
 * it: each file's PROJECTS `selected` column records the winners the organisers announced. The
 * files are verbatim copies from pabulib (schemas/pabulib/examples, credited in its README).
 *
 * The rule to count with is read from the file's META `rule`, never chosen to make a test pass:
 * `equalshares/add1` is Equal Shares with cost utilities (the only utility an approval ballot
 * gives with equalshares.net and pabutools) and the add1 completion, with no greedy top-up.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { parsePabulibText } from '../pabulib/index.js';
import { count } from './count.js';
import { electionFromPabulib } from './from-pabulib.js';
import type { Completion, RuleName } from './result.js';
import { DEFAULT_TIE_BREAK } from './tie-break.js';

function readExample(name: string) {
  const text = fs.readFileSync(new URL(`../../../schemas/pabulib/examples/${name}`, import.meta.url), 'utf8');
  const { file } = parsePabulibText(text);
  const meta = new Map(file.meta.map(([k, v]) => [k.trim().toLowerCase(), v.trim()]));
  // selected = 1 is a funded project; every file used here has only 0 and 1.
  const official = file.projects.filter((p) => p.fields.selected?.trim() === '1').map((p) => p.id);
  return { file, meta, official };
}

/** Our rule and completion for a META `rule`; anything else is a variant we have not matched. */
function ruleFor(metaRule: string | undefined): { rule: RuleName; completion: Completion } {
  switch (metaRule) {
    case 'equalshares':
      return { rule: 'mes-cost', completion: 'none' };
    case 'equalshares/add1':
      return { rule: 'mes-cost', completion: 'add1' };
    default:
      throw new Error(`No rule of ours is known to match the file's rule "${metaRule}".`);
  }
}

function countAsTheFileSays(name: string, rule = ruleFor(readExample(name).meta.get('rule'))) {
  const { file, official } = readExample(name);
  const { election, notes } = electionFromPabulib(file);
  const result = count(election, { ...rule, tieBreak: DEFAULT_TIE_BREAK, notes });
  const ours = result.selected.map((i) => election.projects[i]?.id as string);
  return { election, result, ours: ours.sort(byNumber), official: official.sort(byNumber) };
}

const byNumber = (a: string, b: string) => Number(a) - Number(b);

test('Assen 2024 (Top Idee): Equal Shares with add1 funds exactly the 9 projects Assen funded', () => {
  // 84 voters, 14 projects, €100,000; rule equalshares/add1.
  const { election, result, ours, official } = countAsTheFileSays('Netherlands_Assen_2024.pb');
  assert.equal(election.voters, 84);
  assert.equal(election.projects.length, 14);
  assert.equal(election.budget, 100_000n);
  assert.deepEqual(official, ['2', '3', '5', '6', '9', '11', '12', '13', '14']);
  assert.deepEqual(ours, official);
  assert.equal(result.spent, 76_700n);
});

test('Assen 2024: the file is not an outcome every rule would give', () => {
  // Guards the test above against passing by accident: without add1, with a greedy top-up
  // (project 7, €12,000, still fits in the €23,300 left) or with card utilities the outcome differs.
  const name = 'Netherlands_Assen_2024.pb';
  const { official } = readExample(name);
  for (const rule of [
    { rule: 'mes-cost', completion: 'none' },
    { rule: 'mes-cost', completion: 'add1u' },
    { rule: 'mes-card', completion: 'add1' },
    { rule: 'greedy', completion: 'none' },
  ] as const) {
    const { ours } = countAsTheFileSays(name, rule);
    assert.notDeepEqual(ours, official.sort(byNumber), `${rule.rule} ${rule.completion}`);
  }
  assert.deepEqual(countAsTheFileSays(name, { rule: 'mes-cost', completion: 'add1u' }).ours, [
    '2',
    '3',
    '5',
    '6',
    '7',
    '9',
    '11',
    '12',
    '13',
    '14',
  ]);
});

test('Assen 2025 (Top Idee): Equal Shares with add1 funds exactly the 13 projects Assen funded', () => {
  // 332 voters, 32 projects, €100,000; rule equalshares/add1.
  const { election, result, ours, official } = countAsTheFileSays('Netherlands_Assen_2025.pb');
  assert.equal(election.voters, 332);
  assert.equal(election.projects.length, 32);
  assert.equal(election.budget, 100_000n);
  assert.equal(official.length, 13);
  assert.deepEqual(ours, official);
  assert.equal(result.spent, 94_837n);
});

test('Assen 2025: without add1, or with card utilities, the outcome differs from the real one', () => {
  const name = 'Netherlands_Assen_2025.pb';
  const { official } = readExample(name);
  for (const rule of [
    { rule: 'mes-cost', completion: 'none' },
    { rule: 'mes-card', completion: 'add1' },
    { rule: 'greedy', completion: 'none' },
  ] as const) {
    const { ours } = countAsTheFileSays(name, rule);
    assert.notDeepEqual(ours, official.sort(byNumber), `${rule.rule} ${rule.completion}`);
  }
});

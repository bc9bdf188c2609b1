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
import { MesEngine } from './mes-engine.js';
import type { Completion, RuleName } from './result.js';
import { DEFAULT_TIE_BREAK } from './tie-break.js';

const byNumber = (a: string, b: string) => Number(a) - Number(b);

function readExample(name: string) {
  const text = fs.readFileSync(new URL(`../../../schemas/pabulib/examples/${name}`, import.meta.url), 'utf8');
  const { file } = parsePabulibText(text);
  const meta = new Map(file.meta.map(([k, v]) => [k.trim().toLowerCase(), v.trim()]));
  // selected = 1 is a funded project; every file used here has only 0 and 1.
  const official = file.projects
    .filter((p) => p.fields.selected?.trim() === '1')
    .map((p) => p.id)
    .sort(byNumber);
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
  return { election, result, ours: ours.sort(byNumber), official };
}

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
    assert.notDeepEqual(ours, official, `${rule.rule} ${rule.completion}`);
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
    assert.notDeepEqual(ours, official, `${rule.rule} ${rule.completion}`);
  }
});

// Wieliczka 2023 "Zielony Budżet" (Green Budget): rule `equalshares/add1-comparison`. The
// comparison step (keep Equal Shares unless more voters prefer the greedy outcome) is not a rule
// of ours; it kept Equal Shares here (1,615 voters have more funded projects under the official
// outcome than under greedy, 873 fewer), so counting Equal Shares with add1 is a fair check of the
// Equal Shares part. It matches with add1 stopping only on overspend, not with the default stop.
const WIELICZKA = 'Poland_Wieliczka_2023_Green_Budget.pb';

test('Wieliczka 2023: the file as read (6,586 voters, 64 projects, 1,000,000 PLN, 30 funded)', () => {
  const { election } = electionFromPabulib(readExample(WIELICZKA).file);
  const { official } = readExample(WIELICZKA);
  assert.equal(election.voters, 6586);
  assert.equal(election.projects.length, 64);
  assert.equal(election.budget, 1_000_000n);
  assert.equal(official.length, 30);
});

test('Wieliczka 2023: Equal Shares with add1 stopping only on overspend funds the projects Wieliczka funded', () => {
  // Wieliczka raised shares while the outcome still fitted the budget (add1Stop 'overspend'),
  // without the default early stop once nothing more fits (see the next test).
  const { file, official } = readExample(WIELICZKA);
  const { election } = electionFromPabulib(file);
  const result = count(election, {
    rule: 'mes-cost',
    completion: 'add1',
    add1Stop: 'overspend',
    tieBreak: [...DEFAULT_TIE_BREAK],
  });
  const ours = result.selected.map((i) => election.projects[i]?.id as string).sort(byNumber);
  assert.deepEqual(ours, official);
  assert.equal(result.spent, 995_079n);
  assert.equal(result.add1Stop, 'overspend');
});

test('Wieliczka 2023: where our add1 and the official outcome part', () => {
  const { file, official } = readExample(WIELICZKA);
  const { election } = electionFromPabulib(file);
  const { ours, result } = countAsTheFileSays(WIELICZKA, { rule: 'mes-cost', completion: 'add1' });
  // Ours: the official 30 less project 46 (36,000 PLN), plus 66 (9,000) and 67 (16,500).
  assert.deepEqual(
    ours.filter((id) => !official.includes(id)),
    ['66', '67'],
  );
  assert.deepEqual(
    official.filter((id) => !ours.includes(id)),
    ['46'],
  );
  assert.equal(result.spent, 984_579n);
  // It is exhaustive: 15,421 PLN is left and every project not funded costs more than that, so
  // our add1 (like the equalshares.net option "exhaustive", on by default there) stops.
  const left = election.budget - result.spent;
  const funded = new Set(ours);
  assert.ok(election.projects.every((p) => funded.has(p.id) || p.cost > left));

  // Without that stop, add1 keeps giving every voter 1 PLN more while the outcome still fits in
  // the budget: from 306 to 315 PLN a voter Equal Shares funds exactly the official 30 projects
  // (995,079 PLN), and at 316 PLN it would overspend, so that is where such a count ends.
  const engine = new MesEngine(election, 'cost', [...DEFAULT_TIE_BREAK]);
  const n = BigInt(election.voters);
  const at = (perVoter: bigint) => {
    const sel = engine.run(perVoter * n);
    return {
      ids: sel.map((i) => election.projects[i]?.id as string).sort(byNumber),
      cost: sel.reduce((s, i) => s + (election.projects[i]?.cost ?? 0n), 0n),
    };
  };
  assert.deepEqual(at(305n), { ids: ours, cost: 984_579n });
  for (let perVoter = 306n; perVoter <= 315n; perVoter++)
    assert.deepEqual(at(perVoter), { ids: official, cost: 995_079n }, `${perVoter} PLN a voter`);
  assert.ok(at(316n).cost > election.budget);
});

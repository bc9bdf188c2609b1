import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runPbCli } from './count-cli.js';

const example = (name: string) => path.join(import.meta.dirname, '../../../schemas/pabulib/examples', name);
const GDYNIA = example('Poland_Gdynia_2020_Kamienna_Gora__large.pb');

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runPbCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

test('counts a real file and prints the funded projects, the spend and why each project lost', async () => {
  const { code, out, err } = await run('count', GDYNIA, '--rule', 'greedy');
  assert.equal(code, 0, err);
  assert.match(out, /477 ballots \(approval\), 3 projects, budget 190,170 PLN/);
  assert.match(
    out,
    /Funded, in order of selection:\n +1\. \[2\] .*: 105,755 PLN\n +2\. \[1\] .*: 61,300 PLN/,
  );
  assert.match(out, /Spent 167,055 PLN of 190,170 PLN\./);
  assert.match(out, /\[3\] .*: Not funded: .*84,415 PLN was left; it needed 118,375 PLN\./);
});

test('--json prints the documented object and nothing else', async () => {
  const { code, out } = await run('count', GDYNIA, '--rule', 'greedy', '--json');
  assert.equal(code, 0);
  const json = JSON.parse(out);
  assert.deepEqual(Object.keys(json).slice(0, 7), [
    'rule',
    'completion',
    'tieBreak',
    'budget',
    'spent',
    'selected',
    'explanations',
  ]);
  assert.equal(json.rule, 'greedy');
  assert.equal(json.completion, 'none');
  assert.equal(json.budget, 190170);
  assert.equal(json.spent, 167055);
  assert.deepEqual(json.selected, ['2', '1']);
  assert.equal(json.explanations['3'].funded, false);
});

test('the default rule is the Method of Equal Shares with add1u completion', async () => {
  const { code, out } = await run('count', GDYNIA, '--json');
  assert.equal(code, 0);
  const json = JSON.parse(out);
  assert.equal(json.rule, 'mes-cost');
  assert.equal(json.completion, 'add1u');
  assert.deepEqual(json.tieBreak, ['supporters', 'cost', 'id']);
  assert.equal(json.add1Stop, 'exhaustive');
});

test('--add1-stop overspend counts Wieliczka 2023 as the town did', async () => {
  const wieliczka = example('Poland_Wieliczka_2023_Green_Budget.pb');
  const official = await run(
    'count',
    wieliczka,
    '--completion',
    'add1',
    '--add1-stop',
    'overspend',
    '--json',
  );
  assert.equal(official.code, 0, official.err);
  assert.equal(JSON.parse(official.out).spent, 995079);
  assert.equal(JSON.parse(official.out).add1Stop, 'overspend');
  const early = await run('count', wieliczka, '--completion', 'add1', '--json');
  assert.equal(JSON.parse(early.out).spent, 984579);
  const bad = await run('count', wieliczka, '--add1-stop', 'never');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /"never" is not an add1 stop; use exhaustive or overspend\./);
});

test('a missing file, a malformed file and bad options get a plain message and a non-zero exit', async () => {
  const missing = await run('count', '/nowhere/at-all.pb');
  assert.equal(missing.code, 1);
  assert.equal(missing.err, 'kith pb count: there is no file at /nowhere/at-all.pb\n');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-pb-'));
  const bad = path.join(dir, 'bad.pb');
  fs.writeFileSync(bad, 'META\nkey;value\ndescription;x\n');
  const malformed = await run('count', bad);
  assert.equal(malformed.code, 1);
  assert.match(malformed.err, /^kith pb count: .*bad\.pb: Line \d+: /);
  fs.rmSync(dir, { recursive: true });

  const rule = await run('count', GDYNIA, '--rule', 'borda');
  assert.equal(rule.code, 2);
  assert.match(rule.err, /"borda" is not a rule; use one of greedy, greedy-card, mes-cost/);

  const tie = await run('count', GDYNIA, '--tie-break', 'cost,age');
  assert.equal(tie.code, 2);
  assert.match(tie.err, /"age" is not a tie-break/);

  const nothing = await run('count');
  assert.equal(nothing.code, 2);
  assert.match(nothing.err, /Give the \.pb file to count\./);
});

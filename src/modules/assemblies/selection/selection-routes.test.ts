import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { useTestApp } from '../../../../test/helpers/app.js';
import { submitForm } from '../../../../test/helpers/form-client.js';
import { pbPerson } from '../../../../test/helpers/pb-process.js';
import { runSortitionCli } from '../sortition-cli.js';
import { AGE, assemblyWithPool, GENDER, mixedPool } from './selection-fixtures.js';

const t = useTestApp();
const get = (url: string, cookie?: string) => t.app.inject({ url, headers: cookie ? { cookie } : {} });

/** Every name, email address and phone number of the pool: none may appear in public. */
function personalData(n: number): RegExp {
  const pool = mixedPool(n);
  const words = pool.flatMap((p) => [
    p.name as string,
    p.email as string,
    p.phone as string,
    p.household as string,
  ]);
  return new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
}

async function selectedReferences(assemblyId: string) {
  const rows = await t.db.query<{ reference: string }>(
    "select reference from assembly_respondents where assembly_id = $1 and status = 'selected' order by reference",
    [assemblyId],
  );
  return rows.map((r) => r.reference);
}

test('an officer runs the selection and publishes it; the public record names nobody and the CLI re-checks it', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const a = await assemblyWithPool(officer.ctx, 'Open selection');
  const b = `/trafford/assemblies/${a.slug}`;

  const before = await get(`${b}/selection`);
  assert.equal(before.statusCode, 200);
  assert.match(before.body, /The panel has not been chosen yet/);
  assert.equal((await get(`${b}/selection/lottery.csv`)).statusCode, 404);

  const runPage = await get(`${b}/selection/run`, officer.cookie);
  assert.equal(runPage.statusCode, 200);
  assert.match(runPage.body, /20 registered respondents; 20 can be in the pool/);
  assert.match(runPage.body, /Run the selection/);

  const ran = await submitForm(t.app, { cookie: officer.cookie, formUrl: `${b}/selection/run`, fields: {} });
  assert.equal(ran.statusCode, 303);
  const made = await get(`${b}/selection/run?done=run`, officer.cookie);
  assert.match(made.body, /The lottery has been made and published/);
  assert.match(made.body, /Draw and publish the panel/);

  // The lottery is public before the draw; the summary (with the number) only after.
  const early = await get(`${b}/selection`);
  assert.match(early.body, /The lottery was made on/);
  assert.equal((await get(`${b}/selection/lottery.csv`)).statusCode, 200);
  assert.equal((await get(`${b}/selection/summary.json`)).statusCode, 404);

  const bad = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${b}/selection/run`,
    postUrl: `${b}/selection/publish`,
    fields: { randomKind: 'number', randomNumber: '1234' },
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /govuk-error-summary/);
  assert.match(bad.body, /Enter the number rolled, a whole number from 000 to 999/);

  const published = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${b}/selection/run`,
    postUrl: `${b}/selection/publish`,
    fields: { randomKind: 'number', randomNumber: '417' },
  });
  assert.equal(published.statusCode, 303);
  // The run page has no form once published; a token from another of the officer's forms.
  const again = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${b}/members/manage`,
    postUrl: `${b}/selection/publish`,
    fields: { randomKind: 'number', randomNumber: '5' },
  });
  assert.equal(again.statusCode, 409, 'publishing is final');

  const page = await get(`${b}/selection`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /the number 417, so panel 417/);
  assert.match(page.body, /<svg[^>]+role="img"/);
  assert.match(page.body, /Chances of being chosen/);
  assert.match(page.body, /kith sortition draw --lottery lottery.csv --summary summary.json/);

  const lottery = await get(`${b}/selection/lottery.csv`);
  const probabilities = await get(`${b}/selection/probabilities.csv`);
  const summary = await get(`${b}/selection/summary.json`);
  for (const r of [page, lottery, probabilities, summary]) {
    assert.equal(r.statusCode, 200);
    assert.doesNotMatch(r.body, personalData(20), `${r.headers['content-type']} names nobody`);
  }
  assert.match(String(lottery.headers['content-type']), /text\/csv/);
  const lotteryRows = parse(lottery.body, { columns: true }) as { panel: string; id: string }[];
  assert.equal(lotteryRows.length, 1000 * 6);
  assert.ok(lotteryRows.every((r) => /^R\d{4}$/.test(r.id)));
  const chances = parse(probabilities.body, { columns: true }) as { id: string; probability: string }[];
  assert.equal(chances.length, 20);
  assert.ok(Math.abs(chances.reduce((s, r) => s + Number(r.probability), 0) - 6) < 1e-6);
  const json = JSON.parse(summary.body);
  assert.equal(json.random, 417);
  assert.equal(json.panel, 417);
  assert.equal(json.n, 20);
  assert.equal(json.k, 6);
  assert.equal(json.lottery_size, 1000);

  const api = await get(`/trafford/api/assemblies/${a.slug}/selection`);
  assert.equal(api.statusCode, 200);
  assert.doesNotMatch(api.body, personalData(20));
  const open = JSON.parse(api.body);
  assert.equal(open.selection.panel, 417);
  assert.equal(
    open.selection.chances.reduce((s: number, band: { count: number }) => s + band.count, 0),
    20,
  );

  // Anyone can re-check the draw from the two downloaded files alone.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-selection-'));
  try {
    fs.writeFileSync(path.join(dir, 'lottery.csv'), lottery.body);
    fs.writeFileSync(path.join(dir, 'summary.json'), summary.body);
    let out = '';
    let err = '';
    const code = await runSortitionCli(
      ['draw', '--lottery', path.join(dir, 'lottery.csv'), '--summary', path.join(dir, 'summary.json')],
      { out: (x) => (out += x), err: (x) => (err += x) },
    );
    assert.equal(code, 0, err);
    const [first, ...ids] = out.trim().split('\n');
    assert.match(first ?? '', /^Drew panel 417 of the lottery's 1000 \(the public random number 417\)/);
    assert.deepEqual([...ids].sort(), await selectedReferences(a.assembly.id));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('infeasible quotas are shown to the officer in plain English', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const pool = mixedPool(12).map((p) => ({ ...p, features: { ...p.features, age: 'old' } }));
  const a = await assemblyWithPool(officer.ctx, 'No young people', pool, { features: [GENDER, AGE] });
  const b = `/trafford/assemblies/${a.slug}`;
  const page = await get(`${b}/selection/run`, officer.cookie);
  assert.match(page.body, /The quotas cannot work with these respondents/);
  assert.match(
    page.body,
    /&quot;Age band&quot; &quot;16 to 39&quot;: the panel needs at least 2 but only 0 respondents have it/,
  );
  const ran = await submitForm(t.app, { cookie: officer.cookie, formUrl: `${b}/selection/run`, fields: {} });
  assert.equal(ran.statusCode, 422);
  assert.match(ran.body, /No panel from these respondents meets the quotas/);
});

test('officer pages are for the assembly’s own officers', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const other = await pbPerson(t.db, ['officer']);
  const resident = await pbPerson(t.db);
  const a = await assemblyWithPool(officer.ctx, 'Officers only');
  const b = `/trafford/assemblies/${a.slug}`;
  for (const url of [`${b}/selection/run`, `${b}/members/manage`]) {
    assert.equal((await get(url, resident.cookie)).statusCode, 403);
    assert.equal((await get(url, other.cookie)).statusCode, 403);
    assert.equal((await get(url, officer.cookie)).statusCode, 200);
  }
});

test('a respondent sees their own chance privately; others do not', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const me = await pbPerson(t.db);
  const someoneElse = await pbPerson(t.db);
  const pool = mixedPool(20).map((p, i) => (i === 4 ? { ...p, userId: me.userId } : p));
  const a = await assemblyWithPool(officer.ctx, 'My own chance', pool);
  const b = `/trafford/assemblies/${a.slug}`;
  const signedOut = await get(`${b}/selection/you`);
  assert.equal(signedOut.statusCode, 303, 'sign in first');
  assert.match(String(signedOut.headers.location), /sign-in/);
  const waiting = await get(`${b}/selection/you`, me.cookie);
  assert.match(waiting.body, /R0005/);
  assert.match(waiting.body, /The panel has not been drawn yet/);

  await submitForm(t.app, { cookie: officer.cookie, formUrl: `${b}/selection/run`, fields: {} });
  await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${b}/selection/run`,
    postUrl: `${b}/selection/publish`,
    fields: { randomKind: 'seed', randomSeed: 'agreed at the council meeting' },
  });
  const [row] = await t.db.query<{ probability: number; status: string }>(
    "select probability, status from assembly_respondents where assembly_id = $1 and reference = 'R0005'",
    [a.assembly.id],
  );
  const mine = await get(`${b}/selection/you`, me.cookie);
  assert.equal(mine.statusCode, 200);
  assert.match(mine.body, /Your chance of being chosen/);
  assert.match(mine.body, new RegExp(`about 1 in ${Math.round(1 / (row?.probability ?? 1))}`));
  assert.match(mine.body, row?.status === 'selected' ? /Chosen for the panel/ : /Not chosen this time/);
  const theirs = await get(`${b}/selection/you`, someoneElse.cookie);
  assert.match(theirs.body, /We could not find your registration/);
  assert.doesNotMatch(theirs.body, /R0005/);
});

test('an officer records a drop-out and draws the replacement; the public see the draw, not the reason', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const a = await assemblyWithPool(officer.ctx, 'Drop out pages');
  const b = `/trafford/assemblies/${a.slug}`;
  await submitForm(t.app, { cookie: officer.cookie, formUrl: `${b}/selection/run`, fields: {} });
  await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${b}/selection/run`,
    postUrl: `${b}/selection/publish`,
    fields: { randomKind: 'number', randomNumber: '12' },
  });
  const [leaving] = await selectedReferences(a.assembly.id);
  const members = await get(`${b}/members/manage`, officer.cookie);
  assert.equal(members.statusCode, 200);
  assert.match(members.body, /Resident Number/, 'officers see names');

  const missing = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${b}/members/manage`,
    postUrl: `${b}/members/drop-out`,
    fields: { member: '', reason: '' },
  });
  assert.equal(missing.statusCode, 422);
  assert.match(missing.body, /Choose the member who dropped out/);

  const dropped = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${b}/members/manage`,
    postUrl: `${b}/members/drop-out`,
    fields: { member: leaving as string, reason: 'Caring for a parent on session days' },
  });
  assert.equal(dropped.statusCode, 303);
  const pending = await get(`${b}/members/manage?done=dropout`, officer.cookie);
  assert.match(pending.body, /Draw the replacement/);
  assert.equal((await get(`${b}/selection/replacements.csv`)).statusCode, 200);

  const replaced = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${b}/members/manage`,
    postUrl: `${b}/members/replace`,
    fields: { randomKind: 'number', randomNumber: '808' },
  });
  assert.equal(replaced.statusCode, 303);
  const after = await get(`${b}/members/manage?done=replaced`, officer.cookie);
  assert.match(
    after.body,
    new RegExp(`${leaving} dropped out on .*Reason: Caring for a parent on session days`),
  );
  assert.match(after.body, /Replaced by R\d{4}/);
  const now = await selectedReferences(a.assembly.id);
  assert.equal(now.length, 6);
  assert.ok(!now.includes(leaving as string));

  const page = await get(`${b}/selection`);
  assert.match(page.body, /1 seat filled by drawing panel 808 of 1,000/);
  assert.doesNotMatch(page.body, /Caring for a parent/);
  assert.doesNotMatch(page.body, personalData(20));
  const csv = parse((await get(`${b}/selection/replacements.csv`)).body, { columns: true }) as {
    draw: string;
    panel: string;
    id: string;
  }[];
  const drawn = csv.filter((r) => r.panel === '808').map((r) => r.id);
  assert.deepEqual([...drawn].sort(), now);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { useTestApp } from '../../../../test/helpers/app.js';
import { submitForm } from '../../../../test/helpers/form-client.js';
import { pbPerson, processFields } from '../../../../test/helpers/pb-process.js';
import { parsePabulibText } from '../../../lib/pabulib/index.js';
import { castBallots, votingProcess } from './result-fixtures.js';

const t = useTestApp();
const get = (url: string, cookie?: string) => t.app.inject({ url, headers: cookie ? { cookie } : {} });

async function vote(title: string) {
  const officer = await pbPerson(t.db, ['officer']);
  const v = await votingProcess(officer.ctx, processFields({ title, budget: '100.50' }), [
    { cost: 10000, title: 'Skate park', ward: 'altrincham' },
    { cost: 5000, title: 'Benches' },
    { cost: 5050, title: 'Tree planting; with "care"', ward: 'altrincham', category: 'environment' },
  ]);
  await castBallots(t.db, v, [[1], [1], [1], [2, 3], [3, 2]]);
  return { officer, ...v, base: `/trafford/budgets/${v.slug}`, api: `/trafford/api/budgets/${v.slug}` };
}

test('before the count the page says results are coming, and the data and .pb file are not there', async () => {
  const v = await vote('Routes not yet');
  const page = await get(`${v.base}/results`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /will be published here once voting has closed/);
  assert.doesNotMatch(page.body, /Skate park/);
  for (const url of [`${v.api}/results`, `${v.base}/results.csv`, `${v.base}/results/election.pb`])
    assert.equal((await get(url)).statusCode, 404, url);
});

test('a resident cannot close the vote; an officer confirms, and the results page shows funded projects, the chart and why', async () => {
  const v = await vote('Routes close');
  const resident = await pbPerson(t.db);
  assert.equal((await get(`${v.base}/results/close`, resident.cookie)).statusCode, 403);
  const confirm = await get(`${v.base}/results/close`, v.officer.cookie);
  assert.equal(confirm.statusCode, 200);
  assert.match(confirm.body, /Ballots cast/);
  assert.match(confirm.body, /Close voting and count/);
  const done = await submitForm(t.app, {
    cookie: v.officer.cookie,
    formUrl: `${v.base}/results/close`,
    fields: {},
  });
  assert.equal(done.statusCode, 303);
  assert.equal(done.headers.location, `${v.base}/results`);
  // Counted once: the confirmation page is gone.
  assert.equal((await get(`${v.base}/results/close`, v.officer.cookie)).statusCode, 409);

  const page = await get(`${v.base}/results`);
  assert.equal(page.statusCode, 200);
  const html = page.body;
  assert.match(html, /2 projects funded, spending £100.50 of £100.50, chosen by 5 ballots/);
  assert.match(
    html,
    /<svg class="kith-chart__svg" role="img" aria-labelledby="results-chart-title results-chart-desc"/,
  );
  assert.match(html, /<title id="results-chart-title">Votes for each project<\/title>/);
  assert.match(html, /3 votes<\/text>/);
  assert.match(html, /2 votes, funded<\/text>/);
  assert.equal(
    (html.match(/<details class="govuk-details/g) ?? []).length,
    3,
    'an explanation for every project',
  );
  assert.match(html, /Altrincham/);
  assert.match(html, /most votes first \(greedy\)/);
  assert.match(
    html,
    /kith pb count election\.pb --rule mes-cost --completion add1u --tie-break supporters,cost,id/,
  );
  assert.match(html, new RegExp(`href="${v.base}/results/election.pb"`));
});

test('the CSV holds exactly what the JSON holds, and the .pb download is a pabulib file', async () => {
  const v = await vote('Routes data');
  await submitForm(t.app, { cookie: v.officer.cookie, formUrl: `${v.base}/results/close`, fields: {} });
  const json = await get(`${v.api}/results`);
  assert.equal(json.statusCode, 200);
  const data = JSON.parse(json.body) as {
    projects: Record<string, unknown>[];
    funded: number[];
    budget_pence: number;
    spent_pence: number;
    wards: { ward_name: string | null; pence: number }[];
    what_if: { rule: string; funded: number[] }[];
  };
  assert.equal(data.budget_pence, 10050);
  assert.equal(data.spent_pence, 10050);
  assert.deepEqual(data.what_if.find((w) => w.rule === 'greedy')?.funded, [1]);
  const csv = await get(`${v.base}/results.csv`);
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /^text\/csv/);
  const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
  const asCsv = (x: unknown) =>
    x === null ? '' : typeof x === 'boolean' ? (x ? 'true' : 'false') : String(x);
  assert.deepEqual(
    rows,
    data.projects.map((p) => Object.fromEntries(Object.entries(p).map(([k, x]) => [k, asCsv(x)]))),
  );
  assert.ok(rows.every((r) => r.explanation && r.explanation.length > 10));
  assert.equal((await get(`${v.api}/results.csv`)).body, csv.body);

  const pb = await get(`${v.base}/results/election.pb`);
  assert.equal(pb.statusCode, 200);
  assert.match(String(pb.headers['content-type']), /^text\/plain/);
  assert.match(String(pb.headers['content-disposition']), /^attachment; filename=".+\.pb"$/);
  const file = parsePabulibText(pb.body).file;
  assert.equal(file.votes.length, 5);
  assert.equal(file.projects.find((p) => p.id === '3')?.fields.name, 'Tree planting; with "care"');
  assert.equal(file.projects.find((p) => p.id === '3')?.cost, '50.50');
  assert.deepEqual(
    file.projects.filter((p) => p.fields.selected === '1').map((p) => Number(p.id)),
    [...data.funded].sort(),
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { useTestApp } from '../../../../test/helpers/app.js';
import { submitForm } from '../../../../test/helpers/form-client.js';
import { pbPerson, processFields } from '../../../../test/helpers/pb-process.js';

const t = useTestApp();

/** The officer's form as a browser posts it: date inputs as three fields each. */
function formFields(changes: Record<string, string> = {}) {
  return {
    ...processFields(),
    'votingOpens-day': '1',
    'votingOpens-month': '3',
    'votingOpens-year': '2027',
    'votingCloses-day': '31',
    'votingCloses-month': '3',
    'votingCloses-year': '2027',
    ...changes,
  };
}

test('an officer creates a budget through the form and sees its page with the rules and timetable', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const res = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: '/trafford/budgets/new',
    postUrl: '/trafford/budgets',
    fields: formFields({ title: 'Route Fund', budget: '75,000' }),
  });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/trafford/budgets/route-fund?done=created');
  const page = await t.app.inject({ url: '/trafford/budgets/route-fund' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Route Fund/);
  assert.match(page.body, /£75,000/);
  assert.match(page.body, /Choose at least 1 and at most 3 projects/);
  assert.match(page.body, /from the start of 1 March 2027 to the end of 31 March 2027/);
  const list = await t.app.inject({ url: '/trafford/budgets' });
  assert.match(list.body, /£75,000 for Trafford Together/);
});

test('the form reports every problem in a GOV.UK error summary and keeps what was typed', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const res = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: '/trafford/budgets/new',
    postUrl: '/trafford/budgets',
    fields: formFields({ title: '', budget: 'lots', 'votingOpens-day': '31', 'votingOpens-month': '2' }),
  });
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /govuk-error-summary/);
  assert.match(res.body, /Enter a title/);
  assert.match(res.body, /Enter a budget in pounds/);
  assert.match(res.body, /href="#votingOpens-day"/);
  assert.match(res.body, /value="lots"/);
});

test('a resident cannot open the form or post it, and a post without a CSRF token is refused', async () => {
  const resident = await pbPerson(t.db);
  const form = await t.app.inject({ url: '/trafford/budgets/new', headers: { cookie: resident.cookie } });
  assert.equal(form.statusCode, 403);
  const officer = await pbPerson(t.db, ['officer']);
  const post = await t.app.inject({
    method: 'POST',
    url: '/trafford/budgets',
    headers: { cookie: officer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(formFields()).toString(),
  });
  assert.equal(post.statusCode, 403);
});

test('the list downloads as CSV and JSON with the same budgets', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: '/trafford/budgets/new',
    postUrl: '/trafford/budgets',
    fields: formFields({ title: 'Open Data Fund', budget: '1234.56' }),
  });
  const json = JSON.parse((await t.app.inject({ url: '/trafford/api/budgets' })).body) as {
    contents: { slug: string; budget_pence: number }[];
  };
  const csv = parse((await t.app.inject({ url: '/trafford/budgets.csv' })).body, { columns: true }) as {
    slug: string;
    budget_pence: string;
  }[];
  assert.deepEqual(
    csv.map((r) => [r.slug, Number(r.budget_pence)]),
    json.contents.map((b) => [b.slug, b.budget_pence]),
  );
  assert.ok(json.contents.some((b) => b.slug === 'open-data-fund' && b.budget_pence === 123456));
});

test('an unknown budget is a 404 page, not an error', async () => {
  const res = await t.app.inject({ url: '/trafford/budgets/no-such-budget' });
  assert.equal(res.statusCode, 404);
  const api = await t.app.inject({ url: '/trafford/api/budgets/no-such-budget' });
  assert.equal(api.statusCode, 404);
  assert.match(String(api.headers['content-type']), /problem\+json/);
});

test('an officer stops an open vote with a reason that is then published', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: '/trafford/budgets/new',
    postUrl: '/trafford/budgets',
    fields: formFields({ title: 'Stop Route Fund' }),
  });
  const id = (
    await t.db.query<{ id: string }>(`select id from pb_processes where slug = 'stop-route-fund'`)
  )[0]?.id as string;
  await t.db.query(
    `insert into pb_proposals (process_id, number, title, summary, cost_pence, status) values ($1, 1, 'Trees', 'Trees', 100000, 'feasible')`,
    [id],
  );
  const open = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: '/trafford/budgets/stop-route-fund',
    postUrl: '/trafford/budgets/stop-route-fund/phase',
    fields: { phase: 'voting' },
  });
  assert.equal(open.statusCode, 303);
  const empty = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: '/trafford/budgets/stop-route-fund/stop',
    fields: { reason: '' },
  });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /Enter why the vote is being stopped/);
  const stop = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: '/trafford/budgets/stop-route-fund/stop',
    fields: { reason: 'A proposal was missing from the ballot.' },
  });
  assert.equal(stop.statusCode, 303);
  const page = await t.app.inject({ url: '/trafford/budgets/stop-route-fund' });
  assert.match(page.body, /A proposal was missing from the ballot\./);
});

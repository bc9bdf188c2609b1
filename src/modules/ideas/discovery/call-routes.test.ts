import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { useTestApp } from '../../../../test/helpers/app.js';
import { openForm, submitForm } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { DEMO_CALL_ID } from '../seed/demo-ideas.js';
import { CALL_CSV_COLUMNS } from './discovery-data.js';
import { DEMO_CLOSED_CALL_ID } from './discovery-seed.js';

const t = useTestApp();
const CALLS = '/trafford/ideas/calls';
const DEMO_CHALLENGE = '7c1e2b9a-3d4f-4a5b-8c6d-0e1f2a3b4c01';

const fields = (changes: Record<string, string> = {}) => ({
  question: 'How might we bring more music to our parks?',
  description: 'Bandstands sit empty.\nWhat would bring music back?',
  'opens-day': '1',
  'opens-month': '2',
  'opens-year': '2026',
  'closes-day': '',
  'closes-month': '',
  'closes-year': '',
  challenge: '',
  ...changes,
});

test('the calls: open and closed, with their dates and how many ideas answered them', async () => {
  const res = await t.app.inject(CALLS);
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /How might we make our high streets places to linger\?/);
  assert.match(res.body, /How might we help older neighbours who live alone to meet people every week\?/);
  assert.match(res.body, />\s*Open\s*</);
  assert.match(res.body, />\s*Closed\s*</);
  assert.match(res.body, /3 ideas/);
  assert.match(res.body, /From \d{1,2} [A-Z][a-z]+ \d{4}, with no closing date/);
  assert.match(res.body, /From \d{1,2} [A-Z][a-z]+ \d{4} to \d{1,2} [A-Z][a-z]+ \d{4}/);
  assert.doesNotMatch(res.body, /Start an open call/, 'visitors cannot start one');
});

test('an open call offers posting an idea for it; a closed one does not, and links its challenge', async () => {
  const open = await t.app.inject(`${CALLS}/${DEMO_CALL_ID}`);
  assert.equal(open.statusCode, 200);
  assert.match(
    open.body,
    new RegExp(`href="/trafford/ideas/new\\?call=${DEMO_CALL_ID}"[^>]*>Post an idea for this call<`),
  );
  assert.match(open.body, /Benches and planters along Stamford New Road/);
  assert.match(open.body, /Pay-as-you-feel café/);
  assert.doesNotMatch(open.body, /Change this call/);

  const closed = await t.app.inject(`${CALLS}/${DEMO_CLOSED_CALL_ID}`);
  assert.equal(closed.statusCode, 200);
  assert.doesNotMatch(closed.body, /Post an idea for this call/);
  assert.doesNotMatch(closed.body, /ideas\/new\?call=/);
  assert.match(closed.body, /This call has closed/);
  assert.match(
    closed.body,
    new RegExp(`href="/trafford/help/challenges/${DEMO_CHALLENGE}">Older people on their own in Longford<`),
  );
  assert.match(closed.body, /No ideas answered this call\./);

  for (const bad of [
    'nope',
    '00000000-0000-4000-8000-000000000000',
    "1'; drop table idea_calls; --",
    'x'.repeat(300),
  ]) {
    const res = await t.app.inject(`${CALLS}/${encodeURIComponent(bad)}`);
    assert.equal(res.statusCode, 404, bad);
    const api = await t.app.inject(`/trafford/api/ideas/calls/${encodeURIComponent(bad)}`);
    assert.equal(api.statusCode, 404, bad);
  }
});

test('calls as open data: JSON and CSV agree; one call with the ideas answering it', async () => {
  const body = (await t.app.inject('/trafford/api/ideas/calls')).json() as {
    total_items: number;
    contents: Record<string, unknown>[];
  };
  const csv = await t.app.inject('/trafford/ideas/calls.csv');
  assert.equal(csv.statusCode, 200);
  const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, body.total_items);
  assert.deepEqual(Object.keys(rows[0] ?? {}), CALL_CSV_COLUMNS);
  for (const [n, item] of body.contents.entries())
    for (const column of CALL_CSV_COLUMNS)
      assert.equal(rows[n]?.[column], item[column] === null ? '' : String(item[column]), `${n} ${column}`);
  const closed = body.contents.find((c) => c.id === DEMO_CLOSED_CALL_ID);
  assert.equal(closed?.status, 'closed');
  assert.equal(closed?.challenge_id, DEMO_CHALLENGE);
  assert.match(String(closed?.closes_on), /^\d{4}-\d\d-\d\d$/);

  const one = (await t.app.inject(`/trafford/api/ideas/calls/${DEMO_CALL_ID}`)).json() as {
    ideas: number;
    answers: { title: string }[];
  };
  assert.equal(one.ideas, 3);
  assert.equal(one.answers.length, 3);
  assert.ok(one.answers.some((a) => a.title === 'Welcome packs for new residents in Sale'));
});

test('only officers may start or change a call; visitors are sent to sign in; posts need the CSRF token', async () => {
  const resident = await makePerson(t.db);
  const connector = await makePerson(t.db, { roles: ['connector'] });
  for (const url of [`${CALLS}/new`, `${CALLS}/${DEMO_CALL_ID}/edit`]) {
    assert.equal((await t.app.inject({ url, headers: { cookie: resident.cookie } })).statusCode, 403, url);
    assert.equal((await t.app.inject({ url, headers: { cookie: connector.cookie } })).statusCode, 403, url);
    const visitor = await t.app.inject(url);
    assert.equal(visitor.statusCode, 303, url);
    assert.match(String(visitor.headers.location), /^\/account\/sign-in\?return=/);
  }
  const asResident = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: `${CALLS}`,
    postUrl: `${CALLS}/new`,
    fields: fields(),
  });
  assert.equal(asResident.statusCode, 403);

  const officer = await makePerson(t.db, { roles: ['officer'] });
  for (const url of [`${CALLS}/new`, `${CALLS}/${DEMO_CALL_ID}/edit`]) {
    const noToken = await t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: officer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields()).toString(),
    });
    assert.equal(noToken.statusCode, 403, url);
  }
  const withForged = await t.app.inject({
    method: 'POST',
    url: `${CALLS}/new`,
    headers: { cookie: officer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ...fields(), _csrf: 'forged' }).toString(),
  });
  assert.equal(withForged.statusCode, 403);
  const calls = await t.app.inject(CALLS);
  assert.doesNotMatch(calls.body, /bring more music/);
});

test('an officer starts a call, sees it listed and open, then closes it', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const list = await t.app.inject({ url: CALLS, headers: { cookie: officer.cookie } });
  assert.match(list.body, new RegExp(`href="${CALLS}/new"[^>]*>Start an open call<`));

  const created = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${CALLS}/new`,
    fields: fields({ challenge: DEMO_CHALLENGE }),
  });
  assert.equal(created.statusCode, 303);
  const page = String(created.headers.location);
  assert.match(page, new RegExp(`^${CALLS}/[0-9a-f-]{36}\\?done=created$`));
  const shown = await t.app.inject({ url: page, headers: { cookie: officer.cookie } });
  assert.match(shown.body, /The open call has been created/);
  assert.match(shown.body, /How might we bring more music to our parks\?/);
  assert.match(shown.body, /Bandstands sit empty\.\nWhat would bring music back\?/);
  assert.match(shown.body, /From 1 February 2026, with no closing date/);
  assert.match(shown.body, /Post an idea for this call/);
  assert.match(shown.body, /Older people on their own in Longford/);
  assert.match(shown.body, /Change this call/);
  assert.match((await t.app.inject(CALLS)).body, /How might we bring more music to our parks\?/);

  // The edit form is filled in from the call; giving it a closing day in the past closes it.
  const path = page.split('?')[0] as string;
  const edit = await t.app.inject({ url: `${path}/edit`, headers: { cookie: officer.cookie } });
  assert.equal(edit.statusCode, 200);
  assert.match(edit.body, /name="opens-day"[^>]*value="1"/);
  assert.match(edit.body, /name="opens-month"[^>]*value="2"/);
  assert.match(edit.body, new RegExp(`<option value="${DEMO_CHALLENGE}" selected>`));
  const saved = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${path}/edit`,
    fields: fields({ 'closes-day': '28', 'closes-month': '2', 'closes-year': '2026' }),
  });
  assert.equal(saved.statusCode, 303);
  assert.equal(saved.headers.location, `${path}?done=saved`);
  const closed = await t.app.inject(path);
  assert.match(closed.body, />\s*Closed\s*</);
  assert.match(closed.body, /From 1 February 2026 to 28 February 2026/);
  assert.doesNotMatch(closed.body, /Post an idea for this call/);
  assert.doesNotMatch(closed.body, /help\/challenges/, 'no longer part of the challenge');
});

test('mistakes in the call form come back with an error summary and what was typed', async () => {
  const officer = await makePerson(t.db, { roles: ['place-admin'] });
  const post = await openForm(t.app, { cookie: officer.cookie, formUrl: `${CALLS}/new` });
  const empty = await post({ question: '', 'opens-day': '', 'opens-month': '', 'opens-year': '' });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /govuk-error-summary/);
  assert.match(empty.body, /href="#question">Enter the question/);
  assert.match(empty.body, /href="#opens-day">Enter the day the call opens/);

  const wrong = await post(
    fields({
      'opens-day': '31',
      'opens-month': '2',
      'closes-day': '1',
      'closes-month': '13',
      'closes-year': '2026',
      challenge: 'nonsense',
    }),
  );
  assert.equal(wrong.statusCode, 422);
  assert.match(wrong.body, /href="#opens-day">The day the call opens must be a real date/);
  assert.match(wrong.body, /href="#closes-day">The day the call closes must be a real date/);
  assert.match(wrong.body, /href="#challenge">Choose a council challenge from the list/);
  assert.match(wrong.body, /name="opens-day"[^>]*value="31"/);
  assert.match(wrong.body, /Bandstands sit empty/);

  const backwards = await post(fields({ 'closes-day': '1', 'closes-month': '1', 'closes-year': '2026' }));
  assert.equal(backwards.statusCode, 422);
  assert.match(backwards.body, /must be the same as or after the day it opens/);

  // Hostile bodies: arrays, over-long text, NUL bytes.
  const hostile = await post({
    question: ['a', 'b'] as unknown as string,
    description: `${'x'.repeat(3000)}\u0000`,
    'opens-day': '1\u0000',
  });
  assert.equal(hostile.statusCode, 422);
  assert.match(hostile.body, /Enter the question/);
  assert.match(hostile.body, /2,000 characters or fewer/);
});

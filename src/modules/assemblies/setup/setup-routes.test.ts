import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { useTestApp } from '../../../../test/helpers/app.js';
import { openForm, submitForm } from '../../../../test/helpers/form-client.js';
import { pbPerson } from '../../../../test/helpers/pb-process.js';

const t = useTestApp();

const details = (changes: Record<string, string> = {}) => ({
  title: 'Food Assembly',
  question: 'How can everyone in Trafford eat well?',
  summary: 'Forty residents recommend how to end food poverty.',
  panelSize: '40',
  expenses: '12,000',
  algorithm: 'leximin',
  ...changes,
});

async function newAssembly(cookie: string, changes: Record<string, string> = {}) {
  const res = await submitForm(t.app, {
    cookie,
    formUrl: '/trafford/assemblies/new',
    postUrl: '/trafford/assemblies',
    fields: details(changes),
  });
  assert.equal(res.statusCode, 303);
  return (res.headers.location as string).replace(/\?.*$/, '');
}

test('the public list, CSV and JSON show the demo assemblies, with a link to neighbourhood assemblies', async () => {
  const page = await t.app.inject({ url: '/trafford/assemblies' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Trafford Climate Assembly/);
  assert.match(page.body, /How should Trafford reduce its carbon emissions fairly, and quickly\?/);
  assert.match(page.body, /40 members/);
  assert.match(page.body, /href="\/trafford\/assemblies\/neighbourhood"/);
  assert.doesNotMatch(page.body, /Set up a citizens&#39; assembly/);

  const json = JSON.parse((await t.app.inject({ url: '/trafford/api/assemblies' })).body) as {
    contents: { slug: string; status: string; panelSize: number }[];
  };
  const csv = parse((await t.app.inject({ url: '/trafford/assemblies.csv' })).body, { columns: true }) as {
    slug: string;
    status: string;
    panel_size: string;
  }[];
  assert.deepEqual(
    csv.map((r) => [r.slug, r.status, Number(r.panel_size)]),
    json.contents.map((a) => [a.slug, a.status, a.panelSize]),
  );
  assert.ok(json.contents.some((a) => a.slug === 'high-streets' && a.status === 'recruiting'));
});

test("an assembly's JSON has its quotas with the arithmetic and its timetable", async () => {
  const res = await t.app.inject({ url: '/trafford/api/assemblies/climate' });
  assert.equal(res.statusCode, 200);
  const a = JSON.parse(res.body) as {
    panelSize: number;
    features: {
      key: string;
      source: string;
      values: { share: number | null; target: number | null; min: number; max: number }[];
    }[];
    sessions: { position: number; startsAt: string }[];
  };
  const gender = a.features.find((f) => f.key === 'gender');
  assert.ok(gender);
  assert.match(gender.source, /mid-2024/);
  const targets = gender.values.reduce((s, v) => s + (v.target ?? 0), 0);
  assert.ok(Math.abs(targets - a.panelSize) < 1e-9);
  for (const v of gender.values) assert.ok(v.min <= (v.target ?? 0) && (v.target ?? 0) <= v.max);
  assert.equal(a.sessions.length, 5);
  assert.equal(a.sessions[0]?.startsAt, '2026-03-07T10:00:00.000Z');
  assert.equal((await t.app.inject({ url: '/trafford/api/assemblies/no-such' })).statusCode, 404);
});

test("the public page shows the question, stage, timetable, quotas and the stage's links; officers get theirs", async () => {
  const page = await t.app.inject({ url: '/trafford/assemblies/climate' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /govuk-task-list/);
  assert.match(page.body, /Welcome, and where our emissions come from/);
  assert.match(page.body, /7 March 2026, 10:00 to 16:00/);
  assert.match(page.body, /Concern about climate change/);
  assert.match(page.body, /% of residents are Female → [\d.]+ of 40 seats → \d+ to \d+ members/);
  assert.match(page.body, /href="\/trafford\/assemblies\/climate\/recommendations"/);
  assert.match(page.body, /href="\/trafford\/assemblies\/climate\/selection"/);
  assert.doesNotMatch(page.body, /\/register"/);
  assert.doesNotMatch(page.body, /\/quotas"/);

  const recruiting = await t.app.inject({ url: '/trafford/assemblies/high-streets' });
  assert.match(recruiting.body, /href="\/trafford\/assemblies\/high-streets\/register"/);
  assert.doesNotMatch(recruiting.body, /\/recommendations"/);

  const officer = await pbPerson(t.db, ['officer']);
  const asOfficer = await t.app.inject({
    url: '/trafford/assemblies/high-streets',
    headers: { cookie: officer.cookie },
  });
  for (const link of [
    'edit',
    'quotas',
    'sessions',
    'officers',
    'invitations',
    'respondents',
    'selection/run',
  ])
    assert.match(asOfficer.body, new RegExp(`href="/trafford/assemblies/high-streets/${link}"`));
  assert.match(asOfficer.body, /Move on to: Selecting members/);
});

test('an officer sets up an assembly through the form; expenses in pounds are stored in pence', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const path = await newAssembly(officer.cookie);
  assert.equal(path, '/trafford/assemblies/food-assembly');
  const page = await t.app.inject({ url: path });
  assert.match(page.body, /How can everyone in Trafford eat well\?/);
  assert.match(page.body, /£12,000/);
  assert.match(page.body, /Setting up/);
  const json = JSON.parse((await t.app.inject({ url: '/trafford/api/assemblies/food-assembly' })).body);
  assert.equal(json.expensesBudgetPence, 1_200_000);

  const edit = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${path}/edit`,
    postUrl: path,
    fields: details({ panelSize: '50', expenses: '', algorithm: 'maximin' }),
  });
  assert.equal(edit.statusCode, 303);
  const changed = JSON.parse((await t.app.inject({ url: '/trafford/api/assemblies/food-assembly' })).body);
  assert.deepEqual([changed.panelSize, changed.expensesBudgetPence, changed.algorithm], [50, 0, 'maximin']);
});

test('bad details get a GOV.UK error summary (422) and keep what was typed', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const res = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: '/trafford/assemblies/new',
    postUrl: '/trafford/assemblies',
    fields: details({ title: '', panelSize: 'forty', expenses: 'a lot' }),
  });
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /govuk-error-summary/);
  assert.match(res.body, /href="#title">Enter a name for the assembly/);
  assert.match(res.body, /href="#panelSize">Enter the number of members as a whole number/);
  assert.match(res.body, /href="#expenses">Enter the budget in pounds/);
  assert.match(res.body, /value="a lot"/);
});

test('residents get 403 on the set-up pages, and a post without a CSRF token is refused', async () => {
  const resident = await pbPerson(t.db);
  for (const url of [
    '/trafford/assemblies/new',
    '/trafford/assemblies/climate/quotas',
    '/trafford/assemblies/climate/sessions',
    '/trafford/assemblies/climate/officers',
    '/trafford/assemblies/climate/edit',
  ]) {
    const res = await t.app.inject({ url, headers: { cookie: resident.cookie } });
    assert.equal(res.statusCode, 403, url);
  }
  const connector = await pbPerson(t.db, ['connector']);
  assert.equal(
    (await t.app.inject({ url: '/trafford/assemblies/new', headers: { cookie: connector.cookie } }))
      .statusCode,
    403,
  );
  const officer = await pbPerson(t.db, ['officer']);
  const post = await t.app.inject({
    method: 'POST',
    url: '/trafford/assemblies',
    headers: { cookie: officer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(details()).toString(),
  });
  assert.equal(post.statusCode, 403);
  const status = await t.app.inject({
    method: 'POST',
    url: '/trafford/assemblies/climate/status',
    headers: { cookie: officer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'status=setup',
  });
  assert.equal(status.statusCode, 403);
});

test('quotas: filled in from the Census, one edited and saved; impossible quotas get an error summary', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const path = await newAssembly(officer.cookie, { title: 'Quota Form Assembly' });
  const post = await openForm(t.app, { cookie: officer.cookie, formUrl: `${path}/quotas` });
  const filled = await post({}, `${path}/quotas/census`);
  assert.equal(filled.statusCode, 303);
  const page = await t.app.inject({ url: `${path}/quotas?done=census`, headers: { cookie: officer.cookie } });
  assert.match(page.body, /Quotas filled in from the Census/);
  assert.match(page.body, /name="gender.female.min"/);
  assert.match(page.body, /Asian, Asian British or Asian Welsh/);

  const json = JSON.parse(
    (await t.app.inject({ url: `/trafford/api/assemblies/quota-form-assembly` })).body,
  ) as {
    features: { key: string; values: { value: string; min: number; max: number }[] }[];
  };
  const fields: Record<string, string> = {};
  for (const f of json.features)
    for (const v of f.values) {
      fields[`${f.key}.${v.value}.min`] = String(v.min);
      fields[`${f.key}.${v.value}.max`] = String(v.max);
    }
  const save = await post(
    { ...fields, 'disability.disabled.min': '7', 'disability.disabled.max': '9' },
    `${path}/quotas`,
  );
  assert.equal(save.statusCode, 303);
  const saved = JSON.parse(
    (await t.app.inject({ url: `/trafford/api/assemblies/quota-form-assembly` })).body,
  );
  const disabled = saved.features.find((f: { key: string }) => f.key === 'disability').values[0];
  assert.deepEqual([disabled.min, disabled.max], [7, 9]);

  const bad = await post(
    { ...fields, 'gender.female.min': '35', 'gender.female.max': '30' },
    `${path}/quotas`,
  );
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /govuk-error-summary/);
  assert.match(
    bad.body,
    /href="#q-gender-female-min">Gender: Female: The fewest members must not be more than the most members/,
  );
  assert.match(
    bad.body,
    /href="#q-gender-name">Gender: The fewest members for each value add up to more than the panel size/,
  );

  const custom = await post(
    { name: 'Attitude to climate change', values: 'Worried\nNot worried' },
    `${path}/quotas/features`,
  );
  assert.equal(custom.statusCode, 303);
  // Halving the panel after the quotas were set: the quotas page says they no longer fit.
  const smaller = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${path}/edit`,
    postUrl: path,
    fields: details({ title: 'Quota Form Assembly', panelSize: '10' }),
  });
  assert.equal(smaller.statusCode, 303);
  const misfit = await t.app.inject({ url: `${path}/quotas`, headers: { cookie: officer.cookie } });
  assert.match(misfit.body, /These quotas do not fit a panel of 10 members/);
  assert.match(
    (await t.app.inject({ url: '/trafford/assemblies/climate/quotas', headers: { cookie: officer.cookie } }))
      .body,
    /Fill in from the Census/,
  );
  assert.doesNotMatch(
    (await t.app.inject({ url: '/trafford/assemblies/climate/quotas', headers: { cookie: officer.cookie } }))
      .body,
    /do not fit a panel/,
  );

  const missing = await post({ name: '', values: 'Only one' }, `${path}/quotas/features`);
  assert.equal(missing.statusCode, 422);
  assert.match(missing.body, /href="#feature-name">Enter a name for the characteristic/);
  assert.match(missing.body, /href="#feature-values">Enter at least 2 values/);
});

test('sessions: added with a GOV.UK date input, shown in the timetable, changed and removed', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const path = await newAssembly(officer.cookie, { title: 'Session Form Assembly' });
  const post = await openForm(t.app, { cookie: officer.cookie, formUrl: `${path}/sessions` });
  const session = {
    title: 'First meeting',
    'date-day': '6',
    'date-month': '2',
    'date-year': '2027',
    startTime: '10:00',
    endTime: '15:30',
    location: 'Sale Waterside',
    summary: '',
  };
  assert.equal((await post(session, `${path}/sessions`)).statusCode, 303);
  const page = await t.app.inject({ url: path });
  assert.match(page.body, /First meeting/);
  assert.match(page.body, /6 February 2027, 10:00 to 15:30/);

  const bad = await post(
    { ...session, 'date-day': '30', 'date-month': '2', endTime: '09:00' },
    `${path}/sessions`,
  );
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /href="#date-day">Enter the date of the session/);

  const edit = await t.app.inject({ url: `${path}/sessions/1/edit`, headers: { cookie: officer.cookie } });
  assert.equal(edit.statusCode, 200);
  assert.match(edit.body, /value="First meeting"/);
  assert.equal((await post({ ...session, title: 'Opening meeting' }, `${path}/sessions/1`)).statusCode, 303);
  assert.match((await t.app.inject({ url: path })).body, /Opening meeting/);
  assert.equal((await post({}, `${path}/sessions/1/remove`)).statusCode, 303);
  assert.match((await t.app.inject({ url: path })).body, /No sessions have been planned yet/);
  assert.equal(
    (await t.app.inject({ url: `${path}/sessions/9/edit`, headers: { cookie: officer.cookie } })).statusCode,
    404,
  );
});

test('the stage moves on, and a colleague is assigned from the place’s officers', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const colleague = await pbPerson(t.db, ['officer']);
  const path = await newAssembly(officer.cookie, { title: 'Stage Assembly' });
  const post = await openForm(t.app, { cookie: officer.cookie, formUrl: path });
  assert.equal((await post({ status: 'recruiting' }, `${path}/status`)).statusCode, 303);
  assert.match((await t.app.inject({ url: path })).body, /Recruiting/);
  assert.equal((await post({ status: 'closed' }, `${path}/status`)).statusCode, 422);

  const officers = await t.app.inject({ url: `${path}/officers`, headers: { cookie: officer.cookie } });
  assert.match(officers.body, new RegExp(`value="${colleague.userId}"`));
  assert.equal((await post({ officer: colleague.userId }, `${path}/officers`)).statusCode, 303);
  const nobody = await post({ officer: '' }, `${path}/officers`);
  assert.equal(nobody.statusCode, 422);
  assert.match(nobody.body, /Choose an officer of this place/);
});

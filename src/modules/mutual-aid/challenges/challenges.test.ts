import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { openForm, submitForm } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { Forbidden, NotFound } from '../../../platform/http/errors.js';
import { findPlaceBySlug } from '../../../platform/places/place-service.js';
import { DEMO_CHALLENGE_ID } from './challenge-seed.js';
import { createChallenge, setChallengeStatus } from './challenge-service.js';

const t = useTestApp();
const BASE = '/trafford/help/challenges';

/** A challenge whose figures include a 4 (alone), and a 6 that is part of a total of 300. */
const CHALLENGE = {
  title: 'Children in overcrowded homes in Flixton',
  summary: 'Some families share one bedroom between four or more people.',
  ward: 'flixton',
  area: '',
  howToHelp: 'Offer space for homework clubs, or start one.',
  measureName: 'Children going to a homework club',
  measureBaseline: '3',
  measureTarget: '60',
  figure1Label: 'Households with children',
  figure1Value: '1,210',
  figure1Source: 'Census 2021 (ONS)',
  figure1SourceUrl: 'https://www.ons.gov.uk/census',
  'figure1AsOf-day': '21',
  'figure1AsOf-month': '3',
  'figure1AsOf-year': '2021',
  figure2Label: 'Of them, overcrowded by two bedrooms or more',
  figure2Value: '6',
  figure2PartOf: '1',
  figure2Source: 'Census 2021 (ONS)',
  figure2SourceUrl: 'https://www.ons.gov.uk/census',
  'figure2AsOf-day': '21',
  'figure2AsOf-month': '3',
  'figure2AsOf-year': '2021',
  figure3Label: 'Of them, overcrowded by one bedroom',
  figure3Value: '184',
  figure3PartOf: '1',
  figure3Source: 'Census 2021 (ONS)',
  figure3SourceUrl: 'https://www.ons.gov.uk/census',
  'figure3AsOf-day': '21',
  'figure3AsOf-month': '3',
  'figure3AsOf-year': '2021',
  figure4Label: 'Families in temporary accommodation',
  figure4Value: '4',
  figure4Source: 'Trafford housing register',
  figure4SourceUrl: 'https://www.trafford.gov.uk/',
  'figure4AsOf-day': '1',
  'figure4AsOf-month': '4',
  'figure4AsOf-year': '2025',
  step1Text: 'Children have a quiet place to do homework',
  step1EvidenceUrl: 'https://educationendowmentfoundation.org.uk/',
  step1EvidenceText: 'Education Endowment Foundation',
  step2Text: 'Better results at school',
};

async function place() {
  const p = await findPlaceBySlug(t.db, 'trafford');
  if (!p) throw new Error('no demo place');
  return p;
}

async function createAs(cookie: string, fields: Record<string, string> = CHALLENGE) {
  return submitForm(t.app, { cookie, formUrl: `${BASE}/new`, postUrl: BASE, fields });
}

async function publish(cookie: string, id: string) {
  return submitForm(t.app, {
    cookie,
    formUrl: `${BASE}/${id}`,
    postUrl: `${BASE}/${id}/status`,
    fields: { status: 'published' },
  });
}

test('an officer drafts a challenge that nobody else can see, then publishes it', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const created = await createAs(officer.cookie);
  assert.equal(created.statusCode, 303, created.body.slice(0, 500));
  const url = (created.headers.location as string).split('?')[0] as string;
  const id = url.split('/').pop() as string;

  const resident = await makePerson(t.db);
  for (const headers of [{}, { cookie: resident.cookie }]) {
    assert.equal((await t.app.inject({ url, headers })).statusCode, 404);
    assert.doesNotMatch((await t.app.inject({ url: BASE, headers })).body, /overcrowded homes/);
    assert.equal(
      (await t.app.inject({ url: `/trafford/api/help/challenges/${id}`, headers })).statusCode,
      404,
    );
  }
  assert.doesNotMatch((await t.app.inject('/trafford/api/help/challenges.csv')).body, /overcrowded homes/);
  // Not even the officer's own open data shows a draft: open data is what the public sees.
  assert.equal(
    (await t.app.inject({ url: `/trafford/api/help/challenges/${id}`, headers: { cookie: officer.cookie } }))
      .statusCode,
    404,
  );
  const draft = await t.app.inject({ url, headers: { cookie: officer.cookie } });
  assert.match(draft.body, /Draft: not public/);

  assert.equal((await publish(officer.cookie, id)).statusCode, 303);
  const page = await t.app.inject(url);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Children in overcrowded homes in Flixton/);
  assert.match(page.body, /Education Endowment Foundation/);
  assert.match((await t.app.inject(BASE)).body, /overcrowded homes/);
  const [entry] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from audit_log where target_id = $1 and action in ('mutual-aid.challenge.create', 'mutual-aid.challenge.publish')",
    [id],
  );
  assert.equal(entry?.n, 2);
});

test('residents cannot create, change, publish or report on a challenge', async () => {
  const resident = await makePerson(t.db);
  assert.equal(
    (await t.app.inject({ url: `${BASE}/new`, headers: { cookie: resident.cookie } })).statusCode,
    403,
  );
  const posted = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: BASE,
    postUrl: BASE,
    fields: CHALLENGE,
  });
  assert.equal(posted.statusCode, 403);
  const p = await place();
  const actor = { userId: resident.userId, roles: ['resident' as const], platformAdmin: false };
  await assert.rejects(createChallenge({ db: t.db, place: p, actor }, CHALLENGE), Forbidden);
  await assert.rejects(
    setChallengeStatus({ db: t.db, place: p, actor }, DEMO_CHALLENGE_ID, 'closed'),
    Forbidden,
  );
  // Drafts are not found, rather than forbidden, for anyone who cannot publish them.
  const officer = {
    userId: (await makePerson(t.db, { roles: ['officer'] })).userId,
    roles: ['officer' as const],
    platformAdmin: false,
  };
  const id = await createChallenge({ db: t.db, place: p, actor: officer }, CHALLENGE);
  const { getChallenge } = await import('./challenge-service.js');
  await assert.rejects(getChallenge({ db: t.db, place: p, actor }, id), NotFound);
  await assert.rejects(getChallenge({ db: t.db, place: p, actor: null }, id), NotFound);
  for (const path of [`${id}/edit`, `${DEMO_CHALLENGE_ID}/progress/new`])
    assert.equal(
      (await t.app.inject({ url: `${BASE}/${path}`, headers: { cookie: resident.cookie } })).statusCode,
      403,
    );
});

test('small numbers never appear: not on the page, in the JSON, or in either CSV', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const created = await createAs(officer.cookie, {
    ...CHALLENGE,
    title: 'Suppression check',
    figure1Label: 'All households ZZTOTAL',
    figure1Value: '300',
    figure2Label: 'Overcrowded badly ZZSMALL',
    figure2Value: '6',
    figure3Label: 'Overcrowded a little ZZWITHHELD',
    figure3Value: '184',
    figure4Label: 'Temporary homes ZZALONE',
    figure4Value: '4',
  });
  const id = ((created.headers.location as string).split('?')[0] as string).split('/').pop() as string;
  await publish(officer.cookie, id);
  await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${BASE}/${id}/progress/new`,
    postUrl: `${BASE}/${id}/progress`,
    fields: {
      body: 'First club opened',
      measureValue: '8',
      'asOf-day': '1',
      'asOf-month': '1',
      'asOf-year': '2026',
    },
  });

  const page = (await t.app.inject(`${BASE}/${id}`)).body;
  const row = (label: string) => new RegExp(`${label}</th>\\s*<td[^>]*>([^<]*)</td>`).exec(page)?.[1];
  assert.equal(row('All households ZZTOTAL'), '300');
  assert.equal(row('Overcrowded badly ZZSMALL'), 'fewer than 10');
  // 184 would give the 6 away (300 − 184 − …): it is withheld too.
  assert.equal(row('Overcrowded a little ZZWITHHELD'), 'not shown (protects a smaller number)');
  assert.equal(row('Temporary homes ZZALONE'), 'fewer than 10');
  assert.doesNotMatch(page, /184/);
  // The starting 3 and the reported 8 are counts of children too.
  assert.doesNotMatch(page, /<td class="govuk-table__cell govuk-table__cell--numeric">\s*[1-9]\s*<\/td>/);
  assert.doesNotMatch(page, />[3-8]<\/text>/);

  const json = JSON.parse((await t.app.inject(`/trafford/api/help/challenges/${id}`)).body);
  const figures = Object.fromEntries(
    json.figures.map((f: { label: string; value: number | null; value_note: string | null }) => [
      f.label.split(' ').pop(),
      [f.value, f.value_note],
    ]),
  );
  assert.deepEqual(figures, {
    ZZTOTAL: [300, null],
    ZZSMALL: [null, 'fewer-than-10'],
    ZZWITHHELD: [null, 'withheld-to-protect-a-small-count'],
    ZZALONE: [null, 'fewer-than-10'],
  });
  assert.equal(json.measure_baseline, null);
  assert.equal(json.measure_baseline_note, 'fewer-than-10');
  assert.deepEqual(
    json.progress.map((u: { measure_value: number | null }) => u.measure_value),
    [null],
  );
  assert.doesNotMatch(
    JSON.stringify(json),
    /"(value|measure_value|measure_baseline|measure_latest)":\s*(184|[1-9])\b/,
  );

  const figuresCsv = (await t.app.inject('/trafford/api/help/challenges/figures.csv')).body;
  const lines = figuresCsv.split('\n').filter((l) => l.includes('ZZ'));
  assert.equal(lines.length, 4);
  const header = (figuresCsv.split('\n')[0] as string).split(',');
  const [valueAt, noteAt] = [header.indexOf('value'), header.indexOf('value_note')];
  const cells = Object.fromEntries(
    lines.map((l) => {
      const cols = l.split(',');
      return [(cols[3] as string).split(' ').pop(), [cols[valueAt], cols[noteAt]]];
    }),
  );
  assert.deepEqual(cells, {
    ZZTOTAL: ['300', ''],
    ZZSMALL: ['', 'fewer-than-10'],
    ZZWITHHELD: ['', 'withheld-to-protect-a-small-count'],
    ZZALONE: ['', 'fewer-than-10'],
  });
  const listCsv = (await t.app.inject('/trafford/api/help/challenges.csv')).body;
  const line = listCsv.split('\n').find((l) => l.includes('Suppression check')) as string;
  assert.match(line, /fewer-than-10/);
  assert.doesNotMatch(line, /,[38],/);

  // The officer's edit form still holds the true numbers, to correct them.
  const edit = await t.app.inject({ url: `${BASE}/${id}/edit`, headers: { cookie: officer.cookie } });
  assert.match(edit.body, /name="figure3Value" type="text" value="184"|value="184"/);
});

test('a bad challenge form is shown again with every problem linked and nothing lost', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const tomorrow = new Date(Date.now() + 2 * 86_400_000);
  const res = await createAs(officer.cookie, {
    ...CHALLENGE,
    title: '',
    ward: '',
    figure1SourceUrl: 'javascript:alert(1)',
    figure2Value: '-3',
    figure3PartOf: '3',
    'figure4AsOf-day': String(tomorrow.getUTCDate()),
    'figure4AsOf-month': String(tomorrow.getUTCMonth() + 1),
    'figure4AsOf-year': String(tomorrow.getUTCFullYear()),
    step2EvidenceUrl: 'ftp://example.org/x',
  });
  assert.equal(res.statusCode, 422);
  for (const [href, text] of [
    ['#title', 'Enter a title'],
    ['#area', 'Choose a ward or describe the area'],
    ['#figure1SourceUrl', 'Enter a web address starting with http:// or https://'],
    ['#figure2Value', 'Enter a whole number of 0 or more'],
    ['#figure3PartOf', 'Choose a total given above'],
    ['#figure4AsOf-day', 'The date must be today or in the past'],
    ['#step2EvidenceUrl', 'Enter a web address starting with http:// or https://'],
  ])
    assert.match(res.body, new RegExp(`href="${href}">${text}`), href);
  assert.match(res.body, /<title>Error: /);
  assert.match(res.body, /value="Children have a quiet place to do homework"/);
  assert.match(res.body, /value="Census 2021 \(ONS\)"/);

  const empty = await createAs(officer.cookie, { title: 'Only a title' });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /Give at least one figure, with its source and date/);
  assert.match(empty.body, /Give at least one step of the impact chain/);

  const tooBig = await createAs(officer.cookie, { ...CHALLENGE, figure3Value: '1205' });
  assert.match(tooBig.body, /href="#figure1Value">The parts of this figure add up to more than it/);
});

test('a resident pledges: the count goes up, and their name shows only if they chose it', async () => {
  const url = `${BASE}/${DEMO_CHALLENGE_ID}`;
  const before = await t.app.inject(url);
  assert.match(before.body, /Pledges: 2/);
  assert.match(before.body, /Sign in to pledge/);

  const resident = await makePerson(t.db);
  const respond = (fields: Record<string, string>) =>
    submitForm(t.app, {
      cookie: resident.cookie,
      formUrl: `${url}/respond`,
      postUrl: `${url}/respond`,
      fields,
    });
  const bad = await respond({ body: 'Ring me on 07700 900123' });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /Choose pledge, start a group or idea/);
  assert.match(bad.body, /Remove the email address or phone number/);
  assert.match(bad.body, /Ring me on 07700 900123/);

  const ok = await respond({ kind: 'pledge', body: 'I will knock on doors in my street every Sunday.' });
  assert.equal(ok.statusCode, 303);
  const after = await t.app.inject(url);
  assert.match(after.body, /Pledges: 3/);
  // A new account's words wait for a moderator; its own page says so.
  assert.doesNotMatch(after.body, /knock on doors in my street/);
  const own = await t.app.inject({ url, headers: { cookie: resident.cookie } });
  assert.match(own.body, /knock on doors in my street every Sunday\. \(a moderator will check it/);

  const trusted = await makePerson(t.db, { roles: ['officer'] });
  for (const [showName, body] of [
    ['', 'I can drive people to the Thursday club.'],
    ['yes', 'I will run a knitting circle at the library.'],
  ] as const)
    await submitForm(t.app, {
      cookie: trusted.cookie,
      formUrl: `${url}/respond`,
      postUrl: `${url}/respond`,
      fields: { kind: 'pledge', body, showName },
    });
  const shown = (await t.app.inject(url)).body;
  assert.match(shown, /Pledges: 5/);
  const anonymous = /I can drive people to the Thursday club\.<\/p>\s*<p class="govuk-body-s">([^·]*)·/.exec(
    shown,
  )?.[1];
  const named = /knitting circle at the library\.<\/p>\s*<p class="govuk-body-s">([^·]*)·/.exec(shown)?.[1];
  assert.equal(anonymous?.trim(), 'A resident');
  assert.equal(named?.trim(), 'Test Person');
  const json = JSON.parse((await t.app.inject(`/trafford/api/help/challenges/${DEMO_CHALLENGE_ID}`)).body);
  assert.equal(json.pledges, 5);
  assert.ok(!JSON.stringify(json).includes(trusted.email));
  assert.ok(!JSON.stringify(json).includes(resident.email));
});

test('starting a group points to the directory; a closed challenge takes no more answers', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const created = await createAs(officer.cookie, { ...CHALLENGE, title: 'Closing soon' });
  const id = ((created.headers.location as string).split('?')[0] as string).split('/').pop() as string;
  await publish(officer.cookie, id);
  const resident = await makePerson(t.db);
  const started = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: `${BASE}/${id}/respond`,
    postUrl: `${BASE}/${id}/respond`,
    fields: { kind: 'start-group', body: 'A homework club at the community centre' },
  });
  assert.equal(started.statusCode, 303);
  const next = await t.app.inject({
    url: started.headers.location as string,
    headers: { cookie: resident.cookie },
  });
  assert.match(next.body, /href="\/trafford\/groups\/new">Add your group/);
  assert.match(next.body, /New groups: 1/);

  // Someone has the form open when the officer closes the challenge.
  const lateForm = await openForm(t.app, { cookie: resident.cookie, formUrl: `${BASE}/${id}/respond` });
  await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${BASE}/${id}`,
    postUrl: `${BASE}/${id}/status`,
    fields: { status: 'closed' },
  });
  const closed = await t.app.inject(`${BASE}/${id}`);
  assert.match(closed.body, /This challenge is closed/);
  const late = await lateForm({ kind: 'idea', body: 'Too late?' });
  assert.equal(late.statusCode, 409);
  const form = await t.app.inject({ url: `${BASE}/${id}/respond`, headers: { cookie: resident.cookie } });
  assert.match(form.body, /This challenge is closed/);
  assert.doesNotMatch(form.body, /Send your answer/);
});

test('progress updates: the date cannot be in the future, and the measure appears in the table', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const url = `${BASE}/${DEMO_CHALLENGE_ID}`;
  const add = (fields: Record<string, string>) =>
    submitForm(t.app, {
      cookie: officer.cookie,
      formUrl: `${url}/progress/new`,
      postUrl: `${url}/progress`,
      fields,
    });
  const future = await add({
    body: 'A third club',
    measureValue: '70',
    'asOf-day': '1',
    'asOf-month': '1',
    'asOf-year': '2999',
  });
  assert.equal(future.statusCode, 422);
  assert.match(future.body, /href="#asOf-day">The date must be today or in the past/);
  assert.match(future.body, /A third club/);
  const now = new Date();
  const done = await add({
    body: 'A third club',
    measureValue: '70',
    'asOf-day': String(now.getUTCDate()),
    'asOf-month': String(now.getUTCMonth() + 1),
    'asOf-year': String(now.getUTCFullYear()),
  });
  assert.equal(done.statusCode, 303);
  const page = (await t.app.inject(url)).body;
  assert.match(page, /A third club<\/td><td class="govuk-table__cell govuk-table__cell--numeric">70<\/td>/);
  const [row] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from audit_log where action = 'mutual-aid.challenge.progress' and target_id = $1",
    [DEMO_CHALLENGE_ID],
  );
  assert.equal(row?.n, 1);
});

test('a person’s answers are in their data download and go when they delete their account', async () => {
  const { challengePrivacy } = await import('./challenge-privacy.js');
  const { withTransaction } = await import('../../../platform/db/transaction.js');
  const person = await makePerson(t.db, { roles: ['officer'] });
  const url = `${BASE}/${DEMO_CHALLENGE_ID}`;
  await submitForm(t.app, {
    cookie: person.cookie,
    formUrl: `${url}/respond`,
    postUrl: `${url}/respond`,
    fields: { kind: 'idea', body: 'Benches with a sign saying happy to chat.' },
  });
  const exported = await challengePrivacy.exportFor?.(t.db, person);
  assert.deepEqual(
    exported?.answers_to_council_challenges?.map((r) => [r.challenge, r.kind, r.body]),
    [['Older people on their own in Longford', 'idea', 'Benches with a sign saying happy to chat.']],
  );
  assert.match((await t.app.inject(url)).body, /happy to chat/);
  await withTransaction(t.db, (tx) => challengePrivacy.eraseFor?.(tx, person) ?? Promise.resolve([]));
  assert.doesNotMatch((await t.app.inject(url)).body, /happy to chat/);
});

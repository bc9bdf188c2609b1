import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { openForm, submitForm } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { DEMO_NOTICE_ID } from './notice-seed.js';

const t = useTestApp();
const BASE = '/trafford/streets';
// Saturday 26 June 2027: far enough ahead for any notice, within the bank-holiday table.
const WHEN = {
  'start-day': '26',
  'start-month': '6',
  'start-year': '2027',
  startTime: '12:00',
  endTime: '18:00',
};
const STEPS: [string, Record<string, string>][] = [
  ['where', { wardCode: '', street: 'Cranbrook Road', fromPoint: 'number 1', toPoint: 'number 41' }],
  ['when', WHEN],
  ['what', { title: 'Cranbrook Road street party', expectedPeople: '60', roadClosure: 'yes' }],
  ['questions', { 'q-road': 'A quiet residential road', 'q-music': 'no', 'q-cooking': 'yes' }],
  ['contact', { organiserName: 'Sam Okafor', organiserPhone: '', showOrganiser: 'no' }],
];

const get = (url: string, cookie?: string) => t.app.inject({ url, headers: cookie ? { cookie } : {} });

/** Starts a street party from the landing page's button; returns the notification's address. */
async function start(cookie: string, type = 'street-party'): Promise<string> {
  const res = await submitForm(t.app, { cookie, formUrl: BASE, postUrl: `${BASE}/new/${type}`, fields: {} });
  assert.equal(res.statusCode, 303);
  const where = res.headers.location as string;
  assert.match(where, /^\/trafford\/streets\/notices\/[0-9a-f-]{36}\/where$/);
  return where.replace(/\/where$/, '');
}

const step = (cookie: string, url: string, name: string, fields: Record<string, string>) =>
  submitForm(t.app, { cookie, formUrl: `${url}/${name}`, fields });

/** A resident's street party, answered and sent. */
async function notified(cookie: string): Promise<string> {
  const url = await start(cookie);
  for (const [name, fields] of STEPS)
    assert.equal((await step(cookie, url, name, fields)).statusCode, 303, name);
  const sent = await submitForm(t.app, { cookie, formUrl: `${url}/check`, fields: {} });
  assert.equal(sent.headers.location, `${url}/sent`);
  return url;
}

const act = (cookie: string, url: string, name: string, reason: string) =>
  submitForm(t.app, { cookie, formUrl: `${url}/act/${name}`, fields: { reason } });

/** Posts with a token from another page, as a form kept open in another tab would. */
async function postFromElsewhere(cookie: string, url: string, fields: Record<string, string>) {
  const post = await openForm(t.app, { cookie, formUrl: BASE });
  return post(fields, url);
}

test('the landing page explains each type and the mode; signed-out people are sent to sign in to start', async () => {
  const page = await get(BASE);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /You do not need permission/);
  assert.match(page.body, /Community Power of Competence/);
  assert.match(page.body, /Street party/);
  assert.match(page.body, /4 weeks before/);
  assert.match(page.body, /10 working days before/);
  assert.match(page.body, /Town Police Clauses Act 1847/);
  assert.match(page.body, /Free/);
  assert.match(page.body, /Sign in to start: street party/);
  const startPage = await get(`${BASE}/new/street-party`);
  assert.equal(startPage.statusCode, 303);
  assert.equal(
    startPage.headers.location,
    `/account/sign-in?return=${encodeURIComponent(`${BASE}/new/street-party`)}`,
  );
  const me = await makePerson(t.db);
  const signedIn = await get(`${BASE}/new/street-party`, me.cookie);
  assert.equal(signedIn.statusCode, 200);
  assert.match(signedIn.body, /If you start today, the earliest date you can give is/);
});

test('a resident answers each question page, checks the answers and sends; it is going ahead', async () => {
  const me = await makePerson(t.db);
  const url = await start(me.cookie);
  const where = await get(`${url}/where`, me.cookie);
  assert.match(where.body, /<select class="govuk-select" id="wardCode" name="wardCode"/);
  assert.match(where.body, /aria-label="Choose Altrincham"/, 'the ward map chooses a ward');
  // Choosing a ward on the map preselects it in the form.
  const chosen = await get(`${url}/where?ward=E05015256`, me.cookie);
  assert.match(chosen.body, /<option value="E05015256" selected>/);

  const empty = await step(me.cookie, url, 'where', { street: '', locationText: '' });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /There is a problem/);
  assert.match(empty.body, /<a href="#street">Enter the street, or describe where it is<\/a>/);
  const [first, ...rest] = STEPS;
  const toWhen = await step(me.cookie, url, 'where', first?.[1] ?? {});
  assert.equal(toWhen.headers.location, `${url}/when`);

  const when = await get(`${url}/when`, me.cookie);
  assert.match(when.body, /The earliest date you can give for this is/);
  const tooSoon = await step(me.cookie, url, 'when', { ...WHEN, 'start-year': '2026', 'start-month': '11' });
  assert.equal(tooSoon.statusCode, 422);
  assert.match(tooSoon.body, /The date must give the notice this kind of event needs/);
  assert.match(tooSoon.body, /value="11"/, 'what was typed is kept');
  const badTime = await step(me.cookie, url, 'when', { ...WHEN, endTime: '25:00' });
  assert.match(badTime.body, /End time must be a time on the 24-hour clock/);

  for (const [name, fields] of rest) {
    const res = await step(me.cookie, url, name, fields);
    assert.equal(res.statusCode, 303, name);
  }
  const questions = await get(`${url}/questions`, me.cookie);
  assert.match(questions.body, /What kind of road is it\?/);
  assert.match(questions.body, /value="A quiet residential road" checked/);

  const check = await get(`${url}/check`, me.cookie);
  assert.equal(check.statusCode, 200);
  assert.match(check.body, /Check your answers before sending/);
  assert.match(check.body, /Saturday 26 June 2027, 12:00 to 18:00/);
  assert.match(check.body, /Cranbrook Road street party/);
  assert.match(check.body, new RegExp(`href="${url}/when\\?return=check"`));
  // Changing an answer from check answers comes back to check answers.
  const changed = await submitForm(t.app, {
    cookie: me.cookie,
    formUrl: `${url}/what?return=check`,
    fields: { title: 'Cranbrook Road summer party', expectedPeople: '70', roadClosure: 'yes' },
  });
  assert.equal(changed.headers.location, `${url}/check`);

  const sent = await submitForm(t.app, { cookie: me.cookie, formUrl: `${url}/check`, fields: {} });
  assert.equal(sent.headers.location, `${url}/sent`);
  const confirmation = await get(`${url}/sent`, me.cookie);
  assert.match(confirmation.body, /Notification sent/);
  assert.match(confirmation.body, /<strong>[0-9A-Z]{4}-[0-9A-Z]{4}<\/strong>/);
  // Ten working days before Saturday 26 June 2027 (no bank holidays in between).
  assert.match(confirmation.body, /can object, with a reason, until the end of Monday 14 June 2027/);
  assert.match(confirmation.body, new RegExp(`href="${url}/letter.pdf"`));

  const page = await get(url, me.cookie);
  assert.match(page.body, /govuk-tag--green">\s*Going ahead/);
  assert.match(page.body, /Objections until the end of Monday 14 June 2027/);
  assert.match(page.body, /Cranbrook Road summer party/);
  assert.match(page.body, /Withdraw this notification/);
  const mine = await get(`${BASE}/mine`, me.cookie);
  assert.match(mine.body, /Cranbrook Road summer party/);
  assert.match(mine.body, /Saturday 26 June 2027/);
  // A sent notification has no check page any more.
  assert.equal((await get(`${url}/check`, me.cookie)).headers.location, url);
});

test('the forms refuse posts without the CSRF token', async () => {
  const me = await makePerson(t.db);
  const url = await start(me.cookie);
  const res = await t.app.inject({
    method: 'POST',
    url: `${url}/where`,
    headers: { cookie: me.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'street=Cranbrook+Road',
  });
  assert.equal(res.statusCode, 403);
  const startRes = await t.app.inject({
    method: 'POST',
    url: `${BASE}/new/street-party`,
    headers: { cookie: me.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: '',
  });
  assert.equal(startRes.statusCode, 403);
});

test('someone else cannot see or change a notification', async () => {
  const [me, other] = await Promise.all([makePerson(t.db), makePerson(t.db)]);
  const url = await notified(me.cookie);
  for (const path of ['', '/where', '/check', '/sent', '/act/withdraw'])
    assert.equal((await get(`${url}${path}`, other.cookie)).statusCode, 404, path);
  const where = await postFromElsewhere(other.cookie, `${url}/where`, { street: 'Elsewhere' });
  assert.equal(where.statusCode, 404);
  const withdraw = await postFromElsewhere(other.cookie, `${url}/act/withdraw`, { reason: 'Mine now' });
  assert.equal(withdraw.statusCode, 404);
  const [row] = await t.db.query<{ street: string; status: string }>(
    'select street, status from street_notices where id = $1',
    [url.split('/').pop() ?? ''],
  );
  assert.deepEqual(row, { street: 'Cranbrook Road', status: 'going-ahead' });
});

test('an officer objects with a reason; the resident amends and it is going ahead again', async () => {
  const [me, officer] = await Promise.all([makePerson(t.db), makePerson(t.db, { roles: ['officer'] })]);
  const url = await notified(me.cookie);
  const noticePage = await get(url, officer.cookie);
  assert.match(noticePage.body, /Object to this event/);
  assert.doesNotMatch(
    noticePage.body,
    /Withdraw this notification/,
    'the organiser’s acts are not the officer’s',
  );

  const noReason = await act(officer.cookie, url, 'object', '  ');
  assert.equal(noReason.statusCode, 422);
  assert.match(noReason.body, /<a href="#reason">Enter the reason<\/a>/);
  const objected = await act(officer.cookie, url, 'object', 'The bus diverts down Cranbrook Road that day');
  assert.equal(objected.headers.location, `${url}?done=object`);
  const page = await get(url, me.cookie);
  assert.match(page.body, /Objection raised/);
  assert.match(page.body, /The bus diverts down Cranbrook Road that day/);
  assert.match(page.body, /Appeal/);
  // The organiser cannot object, and the officer cannot object twice: said plainly, not a 500.
  const notYours = await get(`${url}/act/object`, me.cookie);
  assert.equal(notYours.statusCode, 403);
  assert.match(notYours.body, /You cannot do this to this notification/);
  const twice = await postFromElsewhere(officer.cookie, `${url}/act/object`, { reason: 'Again' });
  assert.equal(twice.statusCode, 409);
  assert.match(twice.body, /That cannot be done to this notification now/);

  const amended = await step(me.cookie, url, 'where', {
    street: 'Cranbrook Road',
    fromPoint: 'number 20',
    toPoint: 'number 41',
  });
  assert.equal(amended.headers.location, `${url}?done=amended`);
  const after = await get(`${url}?done=amended`, me.cookie);
  assert.match(after.body, /Your change has been saved/);
  assert.match(after.body, /govuk-tag--green">\s*Going ahead/);
  assert.match(after.body, /Changed by the organiser/);
});

test('in approval mode an officer refuses, the resident amends, and the officer approves', async () => {
  await t.db.query(
    "update street_settings set power_of_competence = false where place_id = (select id from places where slug = 'trafford')",
  );
  try {
    const [me, officer] = await Promise.all([makePerson(t.db), makePerson(t.db, { roles: ['officer'] })]);
    assert.match((await get(BASE)).body, /Apply and we decide/);
    const url = await notified(me.cookie);
    const sent = await get(`${url}/sent`, me.cookie);
    assert.match(sent.body, /Application sent/);
    assert.match(sent.body, /The council will decide by/);
    assert.match((await get(url, me.cookie)).body, /Waiting for a decision/);
    assert.equal(
      (await act(officer.cookie, url, 'refuse', 'Please close it from number 20 only')).statusCode,
      303,
    );
    assert.match((await get(url, me.cookie)).body, /Refused/);
    await step(me.cookie, url, 'where', { street: 'Cranbrook Road', fromPoint: 'number 20', toPoint: '' });
    assert.match((await get(url, officer.cookie)).body, /Waiting for a decision/);
    const approved = await act(officer.cookie, url, 'approve', '');
    assert.equal(approved.headers.location, `${url}?done=approve`);
    const page = await get(`${url}?done=approve`, me.cookie);
    assert.match(page.body, /govuk-tag--green">\s*Approved/);
  } finally {
    await t.db.query(
      "update street_settings set power_of_competence = true where place_id = (select id from places where slug = 'trafford')",
    );
  }
});

test('officers see the demo notification and the forms for their acts', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const page = await get(`${BASE}/notices/${DEMO_NOTICE_ID}`, officer.cookie);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Derbyshire Road summer street party/);
  const form = await get(`${BASE}/notices/${DEMO_NOTICE_ID}/act/object`, officer.cookie);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /The event stops going ahead/);
  assert.equal((await get(`${BASE}/notices/${DEMO_NOTICE_ID}/act/explode`, officer.cookie)).statusCode, 404);
});

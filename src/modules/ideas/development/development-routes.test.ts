import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { cookiesFrom, useTestApp } from '../../../../test/helpers/app.js';
import { csrfTokenIn, submitForm, uploadFile } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { createSession, SESSION_COOKIE } from '../../../platform/auth/session-service.js';
import { PROPOSING_SLUG } from '../../budgeting/seed/demo-budgets.js';
import {
  DEMO_DEVELOPING_IDEA_ID,
  DEMO_IDEA_AUTHORS,
  DEMO_IDEA_ID,
  DEMO_PENDING_IDEA_ID,
  DEMO_TESTING_IDEA_ID,
} from '../seed/demo-ideas.js';

const t = useTestApp();
const IDEAS = '/trafford/ideas';
const at = (ideaId: string, rest = '') => `${IDEAS}/${ideaId}${rest}`;

/** A session for a demo author (their accounts have no password). */
async function demoAuthor(n: number): Promise<string> {
  const who = DEMO_IDEA_AUTHORS[n];
  return `${SESSION_COOKIE}=${await createSession(t.db, who?.id as string, 'test')}`;
}

test('the public pages and the JSON show the team, trial and updates, and no email addresses', async () => {
  const page = await t.app.inject(at(DEMO_TESTING_IDEA_ID, ''));
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Being tested/);
  assert.match(page.body, /aria-current="step"/);
  assert.match(page.body, /Partington Community Centre main hall/);
  assert.match(page.body, /£450 from Altrincham ward fund/);
  assert.match(page.body, /Run the tea rota/);
  const team = await t.app.inject(at(DEMO_DEVELOPING_IDEA_ID, '/team'));
  assert.equal(team.statusCode, 200);
  assert.match(team.body, /Rosa Kowalski/);
  const updates = await t.app.inject(at(DEMO_DEVELOPING_IDEA_ID, '/updates'));
  assert.match(updates.body, /Thirty households have said yes/);
  const json = await t.app.inject(`/trafford/api/ideas/${DEMO_DEVELOPING_IDEA_ID}/updates`);
  assert.equal(json.statusCode, 200);
  const data = JSON.parse(json.body) as {
    idea: { stage: string };
    contents: { kind: string; to_stage: string | null }[];
  };
  assert.equal(data.idea.stage, 'developing');
  assert.deepEqual(
    data.contents.map((u) => u.kind),
    ['note', 'stage'],
  );
  for (const body of [page.body, team.body, updates.body, json.body])
    assert.doesNotMatch(body, /@trafford-together\.example/);
  const adopted = await t.app.inject(at('1dea0000-0000-4000-8000-000000000007', ''));
  assert.match(adopted.body, /The council’s parks team/);
});

test('bad and unknown ids are 404, and a pending idea is not there for others', async () => {
  for (const id of ['not-a-uuid', '1dea0000-0000-4000-8000-999999999999', "1' or '1'='1", '%00'])
    for (const rest of ['', '/team', '/updates'])
      assert.equal((await t.app.inject(at(encodeURIComponent(id), rest))).statusCode, 404, `${id}${rest}`);
  assert.equal((await t.app.inject(`/trafford/api/ideas/nope/updates`)).statusCode, 404);
  assert.equal((await t.app.inject(at(DEMO_PENDING_IDEA_ID, ''))).statusCode, 404);
  const resident = await makePerson(t.db);
  const join = await t.app.inject({
    url: at(DEMO_PENDING_IDEA_ID, '/team/join'),
    headers: { cookie: resident.cookie },
  });
  assert.equal(join.statusCode, 404);
  // Its author sees that it cannot move yet.
  const author = await demoAuthor(4);
  const stage = await t.app.inject({ url: at(DEMO_PENDING_IDEA_ID, '/stage'), headers: { cookie: author } });
  assert.equal(stage.statusCode, 409);
  assert.match(stage.body, /waiting to be checked/);
});

test('visitors are sent to sign in; a resident not on the team cannot move the idea', async () => {
  const visit = await t.app.inject(at(DEMO_IDEA_ID, '/team/join'));
  assert.equal(visit.statusCode, 303);
  assert.match(String(visit.headers.location), /^\/account\/sign-in/);
  const resident = await makePerson(t.db);
  for (const rest of ['/stage', '/stage?to=developing', '/updates/new', '/put-forward'])
    assert.equal(
      (await t.app.inject({ url: at(DEMO_DEVELOPING_IDEA_ID, rest), headers: { cookie: resident.cookie } }))
        .statusCode,
      403,
      rest,
    );
  const move = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: at(DEMO_DEVELOPING_IDEA_ID, ''),
    postUrl: at(DEMO_DEVELOPING_IDEA_ID, '/stage'),
    fields: { to: 'learned', whatHappened: 'Stopped' },
  });
  assert.equal(move.statusCode, 403);
  const page = await t.app.inject(at(DEMO_DEVELOPING_IDEA_ID, ''));
  assert.match(page.body, /Being developed<\/strong>/, 'still being developed');
});

test('joining needs the CSRF token and a role; hostile input gives field errors, never a 500', async () => {
  const resident = await makePerson(t.db);
  const url = at(DEMO_IDEA_ID, '/team/join');
  const noToken = await t.app.inject({
    method: 'POST',
    url,
    headers: { cookie: resident.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'role=Help',
  });
  assert.equal(noToken.statusCode, 403);
  for (const role of ['', 'x'.repeat(121)]) {
    const r = await submitForm(t.app, { cookie: resident.cookie, formUrl: url, fields: { role } });
    assert.equal(r.statusCode, 422);
    assert.match(r.body, /govuk-error-summary/);
  }
  const arrays = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: url,
    fields: { role: ['a', 'b'] },
  });
  assert.equal(arrays.statusCode, 422);
  const joined = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: url,
    fields: { role: '<script>alert(1)</script> I can\u0000 help' },
  });
  assert.equal(joined.statusCode, 303);
  const page = await t.app.inject({
    url: String(joined.headers.location),
    headers: { cookie: resident.cookie },
  });
  assert.match(page.body, /You have joined the team/);
  assert.match(page.body, /&lt;script&gt;/);
  assert.doesNotMatch(page.body, /<script>alert/);
  const again = await submitForm(t.app, { cookie: resident.cookie, formUrl: url, fields: { role: 'Again' } });
  assert.equal(again.statusCode, 409);
  // The author (now lead) sees the resident's email on the team page; the resident does not see the author's.
  const author = await demoAuthor(0);
  const team = await t.app.inject({ url: at(DEMO_IDEA_ID, '/team'), headers: { cookie: author } });
  assert.match(team.body, new RegExp(resident.email));
  const seen = await t.app.inject({ url: at(DEMO_IDEA_ID, '/team'), headers: { cookie: resident.cookie } });
  assert.doesNotMatch(seen.body, /@trafford-together\.example/);
  // The author makes the resident a lead: now they see the team's emails too.
  const made = await submitForm(t.app, {
    cookie: author,
    formUrl: at(DEMO_IDEA_ID, '/team'),
    postUrl: at(DEMO_IDEA_ID, '/team/leads'),
    fields: { member: resident.userId },
  });
  assert.equal(made.statusCode, 303);
  const asLead = await t.app.inject({ url: at(DEMO_IDEA_ID, '/team'), headers: { cookie: resident.cookie } });
  assert.match(asLead.body, /priya\.ideas@trafford-together\.example/);
  const badMember = await submitForm(t.app, {
    cookie: author,
    // Everyone on the team leads now, so the team page has no form left: take a token elsewhere.
    formUrl: at(DEMO_IDEA_ID, '/updates/new'),
    postUrl: at(DEMO_IDEA_ID, '/team/leads'),
    fields: { member: 'not-a-uuid' },
  });
  assert.equal(badMember.statusCode, 422);
  const left = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: at(DEMO_IDEA_ID, '/team/leave'),
    fields: {},
  });
  assert.equal(left.statusCode, 303);
  const notMember = await t.app.inject({
    url: at(DEMO_IDEA_ID, '/team/leave'),
    headers: { cookie: resident.cookie },
  });
  assert.equal(notMember.statusCode, 409);
});

test('the stage form shows every problem at once and keeps what was typed', async () => {
  const lead = await demoAuthor(3);
  const formUrl = at(DEMO_DEVELOPING_IDEA_ID, '/stage?to=testing');
  const form = await t.app.inject({ url: formUrl, headers: { cookie: lead } });
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /Partington Community Centre main hall/);
  const choose = await t.app.inject({
    url: at(DEMO_DEVELOPING_IDEA_ID, '/stage'),
    headers: { cookie: lead },
  });
  assert.match(choose.body, /Move to “Being tested”/);
  assert.match(choose.body, /Move to “Learned from”/);
  const r = await submitForm(t.app, {
    cookie: lead,
    formUrl,
    postUrl: at(DEMO_DEVELOPING_IDEA_ID, '/stage'),
    fields: {
      to: 'testing',
      'startsOn-day': '31',
      'startsOn-month': '2',
      'startsOn-year': '2027',
      measure: 'Footfall',
      grant: '2500.01',
      grantFrom: 'Fund',
    },
  });
  assert.equal(r.statusCode, 422);
  assert.match(r.body, /The start date must be a real date/);
  assert.match(r.body, /Enter the date the trial ends/);
  assert.match(r.body, /A micro-grant can be at most £2,500/);
  assert.match(r.body, /value="Footfall"|>Footfall</);
  const skip = await submitForm(t.app, {
    cookie: lead,
    formUrl,
    postUrl: at(DEMO_DEVELOPING_IDEA_ID, '/stage'),
    fields: { to: 'adopted', whatHappened: 'x', carriedOnBy: 'x' },
  });
  assert.equal(skip.statusCode, 422, 'not the next stage');
});

test('a lead posts an update; the put-forward form is filled in from the idea', async () => {
  const lead = await demoAuthor(3);
  const empty = await submitForm(t.app, {
    cookie: lead,
    formUrl: at(DEMO_DEVELOPING_IDEA_ID, '/updates/new'),
    fields: { body: '' },
  });
  assert.equal(empty.statusCode, 422);
  const posted = await submitForm(t.app, {
    cookie: lead,
    formUrl: at(DEMO_DEVELOPING_IDEA_ID, '/updates/new'),
    fields: { body: 'Road closure form sent.' },
  });
  assert.equal(posted.statusCode, 303);
  assert.match(
    (await t.app.inject(at(DEMO_DEVELOPING_IDEA_ID, '/updates'))).body,
    /Road closure form sent\./,
  );

  const form = await t.app.inject({
    url: at(DEMO_DEVELOPING_IDEA_ID, '/put-forward'),
    headers: { cookie: lead },
  });
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /Sale Moor Play Fund/);
  assert.match(form.body, /value="Pop-up play street on Sunday afternoons"/);
  const bad = await submitForm(t.app, {
    cookie: lead,
    formUrl: at(DEMO_DEVELOPING_IDEA_ID, '/put-forward'),
    fields: { process: PROPOSING_SLUG, title: '', summary: 'x', category: 'play-and-sport', ward: 'urmston' },
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /govuk-error-summary/);
  // A POST without the page's cookie and token is refused.
  const page = await t.app.inject({
    url: at(DEMO_DEVELOPING_IDEA_ID, '/put-forward'),
    headers: { cookie: lead },
  });
  const forged = await t.app.inject({
    method: 'POST',
    url: at(DEMO_DEVELOPING_IDEA_ID, '/put-forward'),
    headers: {
      cookie: `${lead}; ${cookiesFrom(page.headers['set-cookie'])}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: `_csrf=${csrfTokenIn(page.body)}x&process=${PROPOSING_SLUG}`,
  });
  assert.equal(forged.statusCode, 403);
});

test('an ending can carry a photo: checked, re-encoded as WebP, with a description', async () => {
  const lead = await demoAuthor(0);
  const formUrl = at(DEMO_TESTING_IDEA_ID, '/stage?to=learned');
  const form = await t.app.inject({ url: formUrl, headers: { cookie: lead } });
  assert.match(form.body, /enctype="multipart\/form-data"/);
  const fields = {
    to: 'learned',
    whatHappened: 'Thirty people a day came, but the unit was let.',
    evidence: '',
  };
  const notAPhoto = await uploadFile(t.app, {
    cookie: lead,
    formUrl,
    postUrl: at(DEMO_TESTING_IDEA_ID, '/stage'),
    field: 'photo',
    filename: 'cafe.jpg',
    content: 'not a picture',
    contentType: 'image/jpeg',
    fields: { ...fields, photoAlt: 'The café' },
  });
  assert.equal(notAPhoto.statusCode, 422);
  assert.match(notAPhoto.body, /The photo must be a JPEG, PNG or WebP picture/);
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c04000' } })
    .jpeg()
    .withMetadata({ exif: { IFD0: { Artist: 'Someone private' } } })
    .toBuffer();
  const noAlt = await uploadFile(t.app, {
    cookie: lead,
    formUrl,
    postUrl: at(DEMO_TESTING_IDEA_ID, '/stage'),
    field: 'photo',
    filename: 'cafe.jpg',
    content: jpeg,
    contentType: 'image/jpeg',
    fields: { ...fields, photoAlt: '' },
  });
  assert.equal(noAlt.statusCode, 422);
  assert.match(noAlt.body, /Describe the photo for people who cannot see it/);
  const done = await uploadFile(t.app, {
    cookie: lead,
    formUrl,
    postUrl: at(DEMO_TESTING_IDEA_ID, '/stage'),
    field: 'photo',
    filename: 'cafe.jpg',
    content: jpeg,
    contentType: 'image/jpeg',
    fields: { ...fields, photoAlt: 'Volunteers serving tea at the café counter' },
  });
  assert.equal(done.statusCode, 303, done.body.slice(0, 300));
  const page = await t.app.inject(at(DEMO_TESTING_IDEA_ID, ''));
  assert.match(page.body, /alt="Volunteers serving tea at the café counter"/);
  const src = /src="([^"]+\/outcome-photo\/thumbnail\?v=[0-9a-f-]{36})"/.exec(page.body)?.[1] ?? '';
  const thumb = await t.app.inject(src.replaceAll('&amp;', '&'));
  assert.equal(thumb.statusCode, 200);
  assert.equal(thumb.headers['content-type'], 'image/webp');
  const meta = await sharp(thumb.rawPayload).metadata();
  assert.equal(meta.format, 'webp');
  assert.equal(meta.exif, undefined, 'no metadata kept');
  assert.equal((await t.app.inject(at(DEMO_TESTING_IDEA_ID, '/outcome-photo'))).statusCode, 200);
  assert.equal((await t.app.inject(at(DEMO_IDEA_ID, '/outcome-photo'))).statusCode, 404);
  const [key] = await t.db.query<{ photo_key: string }>(
    'select photo_key from idea_outcomes where idea_id = $1',
    [DEMO_TESTING_IDEA_ID],
  );
  assert.match(key?.photo_key ?? '', /^ideas\/[0-9a-f-]{36}\.webp$/);
});

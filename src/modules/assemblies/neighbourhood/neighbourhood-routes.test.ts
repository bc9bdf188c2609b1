import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { cookiesFrom, useTestApp } from '../../../../test/helpers/app.js';
import { csrfTokenIn, submitForm } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';

const t = useTestApp();
const BASE = '/trafford/assemblies/neighbourhood';
const ALTRINCHAM = `${BASE}/altrincham`;
const DEMO_STORY = 'c0a1e5b0-0000-4000-8000-000000000101';
/** The demo's story waiting for a check in Altrincham, and its author's account. */
const PENDING_TEXT = 'pop-up food table';

type Part = { name: string; value: string | Buffer; filename?: string; type?: string };

/** Posts a multipart form as a browser does, after opening the form's page for its CSRF token. */
async function postStory(cookie: string, ward: string, parts: Part[], options: { csrf?: string } = {}) {
  const page = await t.app.inject({ url: `${BASE}/${ward}/stories/new`, headers: { cookie } });
  const boundary = '----kithhoodboundary';
  const all: Part[] = [{ name: '_csrf', value: options.csrf ?? csrfTokenIn(page.body) }, ...parts];
  const payload = Buffer.concat(
    all
      .flatMap((p) => [
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${
            p.filename !== undefined
              ? `; filename="${p.filename}"\r\nContent-Type: ${p.type ?? 'application/octet-stream'}`
              : ''
          }\r\n\r\n`,
        ),
        Buffer.from(p.value),
        Buffer.from('\r\n'),
      ])
      .concat([Buffer.from(`--${boundary}--\r\n`)]),
  );
  return t.app.inject({
    method: 'POST',
    url: `${BASE}/${ward}/stories`,
    headers: {
      cookie: `${cookie}; ${cookiesFrom(page.headers['set-cookie'])}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload,
  });
}

const words = (mattered: string, extra: Part[] = []): Part[] => [
  { name: 'mattered', value: mattered },
  { name: 'keep', value: 'The Tuesday coffee morning.' },
  { name: 'showAs', value: 'anonymous' },
  { name: 'displayName', value: '' },
  { name: 'photoAlt', value: '' },
  ...extra,
];

test('the public pages, the JSON and the CSV show published stories only, with no personal details', async () => {
  const index = await t.app.inject(BASE);
  assert.equal(index.statusCode, 200);
  assert.match(index.body, /Altrincham/);
  assert.match(index.body, /Stretford &amp; Humphrey Park/);

  const page = await t.app.inject(ALTRINCHAM);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Altrincham neighbourhood assembly/);
  assert.match(page.body, /Saturday homework club/);
  assert.match(page.body, /A resident of Altrincham/, 'an anonymous story');
  assert.match(page.body, /Next meeting:/);
  assert.match(page.body, /What happened at past meetings/);
  assert.match(page.body, /Start a challenge/, 'an agreed challenge links to the challenges page');
  assert.match(page.body, /href="\/trafford\/help\/challenges"/);
  const json = await t.app.inject(`/trafford/api/assemblies/neighbourhood/altrincham`);
  const csv = await t.app.inject(`${ALTRINCHAM}/stories.csv`);
  assert.equal(json.statusCode, 200);
  assert.equal(csv.statusCode, 200);
  for (const body of [page.body, json.body, csv.body]) {
    assert.doesNotMatch(body, new RegExp(PENDING_TEXT), 'a pending story is never public');
    assert.doesNotMatch(body, /@trafford-together\.example/, 'no email addresses');
    assert.doesNotMatch(body, /Maureen Kelly|Dev Patel/, 'no account names');
    assert.doesNotMatch(body, /c0a1e5b0-0000-4000-8000-0000000000a\d/, 'no author ids');
  }
  const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 5);
  assert.ok(rows.some((r) => r.shown_as === 'Maureen'));
  assert.ok(rows.some((r) => r.shown_as === 'A resident of Altrincham'));
  const data = JSON.parse(json.body) as { stories: { shown_as: string }[]; actions: { kind: string }[] };
  assert.equal(data.stories.length, 5);
  assert.deepEqual(data.actions.map((a) => a.kind).sort(), ['challenge', 'group-activity', 'idea']);
  const actions = await t.app.inject(`${ALTRINCHAM}/actions.csv`);
  assert.equal(actions.statusCode, 200);
  assert.match(actions.body, /^id,action,kind,status,link,agreed_at/);

  const themed = await t.app.inject(`${ALTRINCHAM}?theme=the-library`);
  assert.match(themed.body, /Published stories about The library: 2/);
  assert.doesNotMatch(themed.body, /Stamford Park in the early morning/);

  assert.equal((await t.app.inject(`${BASE}/sale-moor`)).statusCode, 404, 'a ward without an assembly');
  assert.equal((await t.app.inject(`${BASE}/nowhere`)).statusCode, 404);
  assert.equal((await t.app.inject(`${ALTRINCHAM}/stories/${DEMO_STORY}`)).statusCode, 200);
  assert.equal((await t.app.inject(`${ALTRINCHAM}/stories/not-a-uuid`)).statusCode, 404);
});

test('visitors are sent to sign in to add a story; residents cannot moderate or facilitate', async () => {
  const visit = await t.app.inject(`${ALTRINCHAM}/stories/new`);
  assert.equal(visit.statusCode, 303);
  assert.match(String(visit.headers.location), /^\/account\/sign-in\?return=/);
  const resident = await makePerson(t.db);
  for (const url of [
    `${ALTRINCHAM}/moderate`,
    `${ALTRINCHAM}/facilitate`,
    `${BASE}/new`,
    `${ALTRINCHAM}/meetings/new`,
  ])
    assert.equal((await t.app.inject({ url, headers: { cookie: resident.cookie } })).statusCode, 403, url);
  const publish = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: ALTRINCHAM,
    postUrl: `${ALTRINCHAM}/stories/${DEMO_STORY}/publish`,
    fields: {},
  });
  assert.equal(publish.statusCode, 403);
});

test('a resident adds a story with a photo without JavaScript; it waits, then a facilitator publishes it', async () => {
  const resident = await makePerson(t.db);
  const photo = await sharp({ create: { width: 80, height: 60, channels: 3, background: '#2266aa' } })
    .jpeg()
    .toBuffer();
  const sent = await postStory(resident.cookie, 'altrincham', [
    { name: 'mattered', value: 'The bench outside the bakery where everyone stops to talk.' },
    { name: 'keep', value: '' },
    { name: 'showAs', value: 'name' },
    { name: 'displayName', value: 'Bench fan' },
    { name: 'photoAlt', value: 'A wooden bench in the sun' },
    { name: 'photo', value: photo, filename: 'IMG_0001.jpg', type: 'image/jpeg' },
    { name: 'audio', value: '', filename: '' },
  ]);
  assert.equal(sent.statusCode, 303, sent.body.slice(0, 500));
  const url = String(sent.headers.location).split('?')[0] as string;
  assert.match(url, new RegExp(`^${ALTRINCHAM}/stories/[0-9a-f-]{36}$`));
  const own = await t.app.inject({
    url: String(sent.headers.location),
    headers: { cookie: resident.cookie },
  });
  assert.match(own.body, /waiting for a facilitator to check it/);
  assert.match(own.body, /Bench fan/);
  const ward = await t.app.inject({ url: ALTRINCHAM, headers: { cookie: resident.cookie } });
  assert.match(ward.body, /Your stories/);
  assert.equal((await t.app.inject(url)).statusCode, 404, 'nobody else sees it yet');
  assert.equal((await t.app.inject(`${url}/photo`)).statusCode, 404);
  assert.doesNotMatch((await t.app.inject(ALTRINCHAM)).body, /where everyone stops to talk/);

  const connector = await makePerson(t.db, { roles: ['connector'] });
  const queue = await t.app.inject({ url: `${ALTRINCHAM}/moderate`, headers: { cookie: connector.cookie } });
  assert.equal(queue.statusCode, 200);
  assert.match(queue.body, /where everyone stops to talk/);
  const published = await submitForm(t.app, {
    cookie: connector.cookie,
    formUrl: `${ALTRINCHAM}/moderate`,
    postUrl: `${url}/publish`,
    fields: { themes: ['looking-out-for-each-other'] },
  });
  assert.equal(published.statusCode, 303);
  const after = await t.app.inject(ALTRINCHAM);
  assert.match(after.body, /where everyone stops to talk/);
  assert.match(after.body, /Bench fan/);
  const image = await t.app.inject(`${url}/thumbnail`);
  assert.equal(image.statusCode, 200);
  assert.equal(image.headers['content-type'], 'image/webp');
  const themed = await t.app.inject(`${ALTRINCHAM}?theme=looking-out-for-each-other`);
  assert.match(themed.body, /where everyone stops to talk/);
});

test('the story form shows every mistake in an error summary (422), bad files included', async () => {
  const resident = await makePerson(t.db);
  const res = await postStory(resident.cookie, 'altrincham', [
    { name: 'mattered', value: '' },
    { name: 'showAs', value: 'name' },
    { name: 'displayName', value: '' },
    { name: 'photo', value: '#!/bin/sh\necho not a picture', filename: 'cat.jpg', type: 'image/jpeg' },
    {
      name: 'audio',
      value: await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
        .png()
        .toBuffer(),
      filename: 'song.mp3',
      type: 'audio/mpeg',
    },
  ]);
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /govuk-error-summary/);
  assert.match(res.body, /href="#mattered">Tell us what mattered to you/);
  assert.match(res.body, /href="#displayName">Enter the name to show/);
  assert.match(res.body, /href="#photo">The photo must be a JPEG, PNG or WebP picture/);
  assert.match(res.body, /href="#audio">The recording must be an MP3, M4A, Ogg or WAV sound file/);
  assert.match(res.body, /please choose it again/);

  const ok = await postStory(
    resident.cookie,
    'altrincham',
    words('The allotment open day.', [
      {
        name: 'audio',
        value: Buffer.concat([Buffer.from('OggS'), Buffer.alloc(64)]),
        filename: 'voice.ogg',
        type: 'audio/ogg',
      },
    ]),
  );
  assert.equal(ok.statusCode, 303);
  const audio = await t.app.inject({
    url: `${String(ok.headers.location).split('?')[0]}/audio`,
    headers: { cookie: resident.cookie },
  });
  assert.equal(audio.statusCode, 200);
  assert.equal(audio.headers['content-type'], 'audio/ogg');
  assert.equal(audio.headers['cache-control'], 'private, no-store');
});

test('posting without the CSRF token is refused', async () => {
  const resident = await makePerson(t.db);
  const res = await postStory(resident.cookie, 'altrincham', words('No token'), { csrf: 'forged' });
  assert.equal(res.statusCode, 403);
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const plain = await t.app.inject({
    method: 'POST',
    url: `${ALTRINCHAM}/themes`,
    headers: { cookie: officer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'name=Sneaky',
  });
  assert.equal(plain.statusCode, 403);
});

test('hiding needs a reason (422); the author then sees why', async () => {
  const resident = await makePerson(t.db);
  const sent = await postStory(resident.cookie, 'altrincham', words('Something about a named neighbour.'));
  const url = String(sent.headers.location).split('?')[0] as string;
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const empty = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${url}/hide`,
    fields: { reason: '' },
  });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /href="#reason">Enter why you are hiding the story/);
  const hidden = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${url}/hide`,
    fields: { reason: 'It names a neighbour without their agreement.' },
  });
  assert.equal(hidden.statusCode, 303);
  const own = await t.app.inject({ url, headers: { cookie: resident.cookie } });
  assert.match(own.body, /A facilitator hid this story: It names a neighbour without their agreement\./);
  assert.equal((await t.app.inject(url)).statusCode, 404);
});

test('facilitators open an assembly, add meetings, themes and actions, with error summaries', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const opened = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${BASE}/new`,
    postUrl: BASE,
    fields: { ward: 'urmston', invitation: 'Come and have a brew.', facilitatorNote: '' },
  });
  assert.equal(opened.statusCode, 303);
  assert.equal(opened.headers.location, `${BASE}/urmston/facilitate?done=opened`);
  const again = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${BASE}/new`,
    postUrl: BASE,
    fields: { ward: '' },
  });
  assert.equal(again.statusCode, 422);
  assert.match(again.body, /href="#ward">Choose a ward/);

  const bad = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${BASE}/urmston/meetings/new`,
    postUrl: `${BASE}/urmston/meetings`,
    fields: { 'date-day': '30', 'date-month': '2', 'date-year': '2027', time: 'teatime', venue: '' },
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /href="#date">The date of the meeting must be a real date/);
  assert.match(bad.body, /href="#time">Enter the start time in 24-hour time/);
  assert.match(bad.body, /value="teatime"/, 'what was typed is kept');
  const good = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${BASE}/urmston/meetings/new`,
    postUrl: `${BASE}/urmston/meetings`,
    fields: {
      'date-day': '3',
      'date-month': '3',
      'date-year': '2099',
      time: '19:00',
      venue: 'Urmston Library',
    },
  });
  assert.equal(good.statusCode, 303);
  const page = await t.app.inject(`${BASE}/urmston`);
  assert.match(page.body, /Come and have a brew\./);
  assert.match(page.body, /3 Mar 2099, 19:00 at Urmston Library/);

  const theme = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${BASE}/urmston/facilitate`,
    postUrl: `${BASE}/urmston/themes`,
    fields: { name: '' },
  });
  assert.equal(theme.statusCode, 422);
  assert.match(theme.body, /href="#name">Enter the theme&#39;s name|href="#name">Enter the theme's name/);

  const action = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${BASE}/urmston/actions/new`,
    postUrl: `${BASE}/urmston/actions`,
    fields: { body: '', link: 'javascript:alert(1)' },
  });
  assert.equal(action.statusCode, 422);
  assert.match(action.body, /href="#body">Enter what the assembly agreed to do/);
  assert.match(action.body, /href="#kind">Choose what kind of action it is/);
  assert.match(action.body, /href="#link">Enter a link to a page on this site/);
  const recorded = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${BASE}/urmston/actions/new`,
    postUrl: `${BASE}/urmston/actions`,
    fields: { body: 'A Saturday repair café', kind: 'group-activity', link: '' },
  });
  assert.equal(recorded.statusCode, 303);
  const facilitate = await t.app.inject({
    url: `${BASE}/urmston/facilitate`,
    headers: { cookie: officer.cookie },
  });
  const actionId = /name="actionId" value="([0-9a-f-]{36})"/.exec(facilitate.body)?.[1] as string;
  const badLink = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${BASE}/urmston/facilitate`,
    postUrl: `${BASE}/urmston/actions/update`,
    fields: { actionId, status: 'under-way', link: 'http://not-secure.example' },
  });
  assert.equal(badLink.statusCode, 422);
  assert.match(badLink.body, new RegExp(`href="#link-${actionId}"`));
  assert.match((await t.app.inject(`${BASE}/urmston`)).body, /A Saturday repair café/);
});

test('the list of neighbourhood assemblies is open data too', async () => {
  const res = await t.app.inject('/trafford/api/assemblies/neighbourhood');
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['access-control-allow-origin'], '*');
  const body = JSON.parse(res.body) as { contents: { ward_name: string; published_stories: number }[] };
  assert.ok(body.contents.some((i) => i.ward_name === 'Old Trafford' && i.published_stories === 3));
  // The cookie a form sets is not needed to read anything.
  assert.equal(cookiesFrom(res.headers['set-cookie']), '');
});

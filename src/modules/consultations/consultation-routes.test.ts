import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { useTestApp } from '../../../test/helpers/app.js';
import { openForm, submitForm, uploadFile } from '../../../test/helpers/form-client.js';
import { makePerson } from '../../../test/helpers/people.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { consultationPrivacy } from './consultation-privacy.js';

const t = useTestApp();
const BASE = '/trafford/consultations';
const OPEN = `${BASE}/c0c50000-0000-4000-8000-000000000001`;
const PUBLISHED = `${BASE}/c0c50000-0000-4000-8000-000000000002`;
const qid = (n: number) => `c0c50000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A full, valid set of answers to the open demo consultation. */
const ANSWERS = {
  [`q-${qid(101)}`]: 'Every week',
  [`q-${qid(102)}`]: ['Swings', 'Sandpit'],
  [`q-${qid(103)}`]: '4',
  [`q-${qid(104)}-1`]: 'Lighting',
  [`q-${qid(104)}-2`]: 'Shade and trees',
  [`q-${qid(104)}-3`]: 'Toilets nearby',
  [`q-${qid(104)}-4`]: 'Fencing from the road',
  [`q-${qid(105)}`]: '=HYPERLINK("http://evil.example") write to me at me@example.org',
};

const dates = (opens: string, closes: string) => {
  const [oy, om, od] = opens.split('-');
  const [cy, cm, cd] = closes.split('-');
  return {
    'opensOn-day': od ?? '',
    'opensOn-month': om ?? '',
    'opensOn-year': oy ?? '',
    'closesOn-day': cd ?? '',
    'closesOn-month': cm ?? '',
    'closesOn-year': cy ?? '',
  };
};

test('an officer builds a survey, and its questions are locked once it opens', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const post = (formUrl: string, fields: Record<string, string | string[]>, postUrl?: string) =>
    submitForm(t.app, { cookie: officer.cookie, formUrl, fields, ...(postUrl ? { postUrl } : {}) });
  const details = {
    title: 'Benches on King Street',
    summary: 'Where should benches go?',
    runBy: 'Highways',
    ward: '',
  };

  const bad = await post(`${BASE}/new`, { ...details, ...dates('2027-03-10', '2027-03-01') }, BASE);
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /must be the same as or after the date it opens/);
  const notReal = await post(`${BASE}/new`, { ...details, ...dates('2027-02-30', '2027-03-01') }, BASE);
  assert.match(notReal.body, /must be a real date/);
  const external = await post(
    `${BASE}/new`,
    { ...details, ...dates('2026-01-01', '2099-01-01'), decision: 'https://evil.example/x' },
    BASE,
  );
  assert.equal(external.statusCode, 422, 'a decision must be a page on this site');

  const made = await post(
    `${BASE}/new`,
    {
      ...details,
      ...dates('2026-01-01', '2099-01-01'),
      decision: 'http://localhost:80/trafford/decisions/abc',
    },
    BASE,
  );
  assert.equal(made.statusCode, 303, made.body.slice(0, 500));
  const url = String(made.headers.location).replace(/\/questions$/, '');
  const page = await t.app.inject({ url, headers: { cookie: officer.cookie } });
  assert.match(page.body, /href="\/trafford\/decisions\/abc"/);

  // A draft is the officer's only.
  const resident = await makePerson(t.db);
  assert.equal((await t.app.inject({ url, headers: { cookie: resident.cookie } })).statusCode, 404);
  assert.equal((await t.app.inject(url)).statusCode, 404);

  const q = `${url}/questions`;
  assert.equal(
    (await post(q, { kind: 'radios', prompt: 'Which side?', options: 'North\nSouth' })).statusCode,
    303,
  );
  assert.equal(
    (
      await post(q, {
        kind: 'checkboxes',
        prompt: 'What kind?',
        checkboxOptions: 'Wood\nMetal\nStone',
        maxChoices: '2',
      })
    ).statusCode,
    303,
  );
  assert.equal(
    (
      await post(q, {
        kind: 'scale',
        prompt: 'How much?',
        scaleMin: '1',
        scaleMax: '5',
        lowLabel: 'Not',
        highLabel: 'Very',
      })
    ).statusCode,
    303,
  );
  assert.equal(
    (await post(q, { kind: 'ranking', prompt: 'Order', rankingOptions: 'A\nB\nC' })).statusCode,
    303,
  );
  assert.equal(
    (await post(q, { kind: 'text', prompt: 'Anything else?', required: 'no', maxLength: '200' })).statusCode,
    303,
  );
  const tooFew = await post(q, { kind: 'ranking', prompt: 'Order', rankingOptions: 'A' });
  assert.equal(tooFew.statusCode, 422);
  assert.match(tooFew.body, /href="#rankingOptions"/, 'the error points at the box that was used');

  const builder = await t.app.inject({ url: q, headers: { cookie: officer.cookie } });
  const ids = [...builder.body.matchAll(/questions\/([0-9a-f-]{36})\/remove/g)].map((m) => m[1]);
  assert.equal(ids.length, 5);
  assert.equal((await post(q, { direction: 'up' }, `${q}/${ids[1]}/move`)).statusCode, 303);
  const moved = await t.app.inject({ url: q, headers: { cookie: officer.cookie } });
  assert.ok(moved.body.indexOf('What kind?') < moved.body.indexOf('Which side?'), 'moved up');
  assert.equal((await post(q, {}, `${q}/${ids[4]}/remove`)).statusCode, 303);
  assert.equal((await post(q, { direction: 'sideways' }, `${q}/${ids[0]}/move`)).statusCode, 303, 'ignored');

  assert.equal((await post(url, { step: 'open' }, `${url}/status`)).statusCode, 303);
  // The builder has no forms now; the consultation's page gives the token for these tries.
  const locked = await post(url, { kind: 'radios', prompt: 'Late', options: 'a\nb' }, q);
  assert.equal(locked.statusCode, 409);
  assert.match(locked.body, /cannot change once the consultation has opened/);
  assert.equal((await post(url, {}, `${q}/${ids[0]}/remove`)).statusCode, 409);
  const again = await post(url, { step: 'open' }, `${url}/status`);
  assert.equal(again.statusCode, 409, 'it is already open');
});

test('a resident answers with a map pin and the non-map alternative, once, and can change it', async () => {
  const resident = await makePerson(t.db);
  const post = (formUrl: string, fields: Record<string, string | string[]>, postUrl?: string) =>
    submitForm(t.app, { cookie: resident.cookie, formUrl, fields, ...(postUrl ? { postUrl } : {}) });

  const visitor = await t.app.inject(`${OPEN}/respond`);
  assert.equal(visitor.statusCode, 303);
  assert.match(String(visitor.headers.location), /sign-in/);

  const wrong = await post(`${OPEN}/respond`, {
    ...ANSWERS,
    [`q-${qid(104)}-2`]: 'Lighting',
    [`q-${qid(103)}`]: '9',
  });
  assert.equal(wrong.statusCode, 422);
  assert.match(wrong.body, /Choose each option once only/);
  assert.match(wrong.body, /Choose a value on the scale/);
  assert.match(wrong.body, /value="Every week" checked/, 'answers kept');

  const ok = await post(`${OPEN}/respond`, ANSWERS);
  assert.equal(ok.statusCode, 303);
  assert.equal(ok.headers.location, `${OPEN}/respond/where`);

  const where = `${OPEN}/respond/where`;
  const page = await t.app.inject({ url: where, headers: { cookie: resident.cookie } });
  assert.match(page.body, /<input type="image" name="pin" src="[^"]+\/map" width="640" height="440"/);
  for (const [x, y] of [
    ['700', '10'],
    ['10', '-3'],
    ['abc', '5'],
    ['1e2', '5'],
  ] as [string, string][]) {
    const res = await post(where, { comment: 'Here', area: '', placeWords: '', 'pin.x': x, 'pin.y': y });
    assert.equal(res.statusCode, 422, `pin ${x},${y}`);
  }
  const keyboard = await post(where, {
    comment: 'Here',
    area: '',
    placeWords: '',
    'pin.x': '0',
    'pin.y': '0',
  });
  assert.equal(keyboard.statusCode, 422, 'a keyboard press on the map is no pin');
  assert.match(keyboard.body, /Choose an area, describe the place, or click on the map/);
  assert.equal(
    (await post(where, { comment: 'x', area: 'The moon' })).statusCode,
    422,
    'not one of the areas',
  );
  assert.equal((await post(where, { comment: '', area: 'The pond' })).statusCode, 422, 'no comment');

  assert.equal(
    (await post(where, { comment: 'Swings here', area: '', placeWords: '', 'pin.x': '160', 'pin.y': '110' }))
      .statusCode,
    303,
  );
  assert.equal(
    (
      await post(where, {
        comment: 'Ducks need a ramp',
        area: 'The pond',
        placeWords: 'by the bench',
        nopin: '1',
      })
    ).statusCode,
    303,
  );
  const rows = await t.db.query<{ x: string | null; y: string | null; area: string | null }>(
    `select m.x::text, m.y::text, m.area from consultation_map_comments m join consultation_responses r on r.id = m.response_id
     where r.user_id = $1 order by m.created_at`,
    [resident.userId],
  );
  assert.deepEqual(rows, [
    { x: '0.2500', y: '0.2500', area: null },
    { x: null, y: null, area: 'The pond' },
  ]);

  const check = await t.app.inject({ url: `${OPEN}/respond/check`, headers: { cookie: resident.cookie } });
  assert.match(check.body, /1\. Lighting/);
  assert.match(check.body, /Ducks need a ramp/);
  const sent = await post(`${OPEN}/respond/check`, {});
  assert.equal(sent.statusCode, 303);
  // Changing the answers keeps one response.
  assert.equal((await post(`${OPEN}/respond`, { ...ANSWERS, [`q-${qid(101)}`]: 'Never' })).statusCode, 303);
  assert.equal((await post(`${OPEN}/respond/check`, {})).statusCode, 303);
  const mine = await t.db.query<{ n: number }>(
    'select count(*)::int as n from consultation_responses where user_id = $1',
    [resident.userId],
  );
  assert.equal(mine[0]?.n, 1);

  // Someone else cannot remove this person's comment.
  const other = await makePerson(t.db);
  const commentId = (
    await t.db.query<{ id: string }>(
      `select m.id from consultation_map_comments m join consultation_responses r on r.id = m.response_id where r.user_id = $1 limit 1`,
      [resident.userId],
    )
  )[0]?.id;
  const steal = await submitForm(t.app, {
    cookie: other.cookie,
    formUrl: where,
    postUrl: `${where}/${commentId}/remove`,
    fields: {},
  });
  assert.equal(steal.statusCode, 404);
  const badId = await submitForm(t.app, {
    cookie: other.cookie,
    formUrl: where,
    postUrl: `${where}/not-a-uuid/remove`,
    fields: {},
  });
  assert.equal(badId.statusCode, 404);

  // The officer's results show the text without the email, and the CSV defuses the formula.
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const csv = await t.app.inject({ url: `${OPEN}/responses.csv`, headers: { cookie: officer.cookie } });
  assert.equal(csv.statusCode, 200);
  assert.match(csv.body, /'=HYPERLINK/);
  assert.doesNotMatch(csv.body, /me@example\.org/);
  assert.doesNotMatch(csv.body, new RegExp(resident.userId));

  // Erasing the account keeps the sent answers without the link to the person.
  await withTransaction(t.db, (tx) => consultationPrivacy.eraseFor?.(tx, resident) ?? Promise.resolve([]));
  const left = await t.db.query<{ n: number }>(
    `select count(*)::int as n from consultation_responses r where r.consultation_id = $1 and r.answers ->> $2 = 'Never'`,
    [qid(1), qid(101)],
  );
  assert.ok((left[0]?.n ?? 0) >= 1, 'the anonymous answers are kept');
  const linked = await t.db.query('select 1 from consultation_responses where user_id = $1', [
    resident.userId,
  ]);
  assert.equal(linked.length, 0);
});

test('who may do what: CSRF, 403 for residents on officers’ pages, 404 for unknown records and unpublished results', async () => {
  const resident = await makePerson(t.db);
  for (const url of [`${BASE}/new`, `${OPEN}/questions`, `${OPEN}/map-settings`, `${OPEN}/edit`])
    assert.equal((await t.app.inject({ url, headers: { cookie: resident.cookie } })).statusCode, 403, url);
  const noToken = await t.app.inject({
    method: 'POST',
    url: `${OPEN}/respond`,
    headers: { cookie: resident.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'x=1',
  });
  assert.equal(noToken.statusCode, 403);
  for (const url of [
    `${BASE}/nope`,
    `${BASE}/c0c50000-0000-4000-8000-00000000ffff`,
    `${OPEN}/results`,
    `${OPEN}/responses.csv`,
  ])
    assert.equal((await t.app.inject(url)).statusCode, 404, url);
  const post = await openForm(t.app, { cookie: resident.cookie, formUrl: `${OPEN}/respond` });
  assert.equal((await post({ step: 'close' }, `${OPEN}/status`)).statusCode, 403);
  const hostile = await post(
    { [`q-${qid(101)}`]: ['Every week', 'Never'], [`q-${qid(102)}`]: 'x\u0000y' },
    `${OPEN}/respond`,
  );
  assert.equal(hostile.statusCode, 422);
  assert.equal((await t.app.inject('/trafford/api/consultations?page=0')).statusCode, 422);
});

test('published results, the anonymised CSV and JSON agree, and the open data lists consultations', async () => {
  const page = await t.app.inject(`${PUBLISHED}/results`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /12 responses/);
  assert.match(page.body, /<svg class="kith-chart__svg" role="img"/);
  assert.match(page.body, /Times ranked first/);
  assert.doesNotMatch(page.body, /07700 900123/, 'phone numbers are taken out');
  const json = JSON.parse((await t.app.inject(`${PUBLISHED}/responses.json`)).body);
  const csv = parse((await t.app.inject(`${PUBLISHED}/responses.csv`)).body, { columns: true }) as Record<
    string,
    string
  >[];
  assert.equal(json.responses.length, 12);
  assert.equal(csv.length, 12);
  for (const [i, r] of json.responses.entries()) {
    const row = csv[i] as Record<string, string>;
    assert.equal(row.response_id, r.response_id);
    assert.match(r.submitted_on, /^\d{4}-\d{2}-\d{2}$/, 'only the day');
    assert.equal(row.q1, r.answers.q1);
    assert.equal(row.q2, r.answers.q2.join('; '));
    assert.equal(row.q3, String(r.answers.q3));
    assert.equal(row.q4, r.answers.q4.join('; '));
    assert.equal(Object.keys(r).includes('user_id'), false);
  }
  const api = JSON.parse((await t.app.inject('/trafford/api/consultations?per_page=1')).body);
  assert.ok(api.total_items >= 2, 'the demo’s two and any opened by other tests');
  assert.equal(api.contents.length, 1);
  const list = (await t.app.inject('/trafford/consultations.csv')).body;
  assert.match(list, /Redesigning Walton Park/);
  const map = await t.app.inject(`${OPEN}/map`);
  assert.equal(map.headers['content-type'], 'image/svg+xml');
});

test('an officer sets up the map: a site plan upload (re-encoded) or the ward map, always with named areas', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const made = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${BASE}/new`,
    postUrl: BASE,
    fields: { title: 'Map test', summary: 'S', runBy: 'R', ward: '', ...dates('2026-01-01', '2099-01-01') },
  });
  const url = String(made.headers.location).replace(/\/questions$/, '');
  const formUrl = `${url}/map-settings`;
  const upload = (
    fields: Record<string, string>,
    file?: { name: string; content: Uint8Array; type: string },
  ) =>
    uploadFile(t.app, {
      cookie: officer.cookie,
      formUrl,
      field: 'plan',
      ...(file ? { filename: file.name, content: file.content, contentType: file.type } : { content: '' }),
      fields,
    });
  const notImage = await upload(
    { mapKind: 'plan', mapAlt: 'Plan', mapPrompt: '', areas: 'The gate' },
    { name: 'plan.png', content: Buffer.from('<svg onload="alert(1)"/>'), type: 'image/png' },
  );
  assert.equal(notImage.statusCode, 422);
  assert.match(notImage.body, /must be a PNG, JPEG or WebP picture/);
  const noAreas = await upload({ mapKind: 'ward', mapAlt: '', mapPrompt: '', areas: '' });
  assert.equal(noAreas.statusCode, 422);
  assert.match(noAreas.body, /at least one named area/);
  const png = await sharp({ create: { width: 800, height: 400, channels: 3, background: '#88aa88' } })
    .png()
    .toBuffer();
  const ok = await upload(
    { mapKind: 'plan', mapAlt: 'Plan of the square', mapPrompt: '', areas: 'The gate\nThe fountain' },
    { name: 'plan.png', content: png, type: 'image/png' },
  );
  assert.equal(ok.statusCode, 303, ok.body.slice(0, 400));
  const image = await t.app.inject({ url: `${url}/map`, headers: { cookie: officer.cookie } });
  assert.equal(image.headers['content-type'], 'image/webp');
  assert.equal((await sharp(image.rawPayload).metadata()).width, 800);
  const noToken = await upload({ mapKind: 'ward', areas: 'x', _csrf: 'forged' });
  assert.equal(noToken.statusCode, 403);
  const ward = await upload({ mapKind: 'ward', mapAlt: '', mapPrompt: '', areas: 'North end' });
  assert.equal(ward.statusCode, 303);
  const svg = await t.app.inject({ url: `${url}/map`, headers: { cookie: officer.cookie } });
  assert.equal(svg.headers['content-type'], 'image/svg+xml');
  assert.match(svg.body, /Altrincham/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cookiesFrom, useTestApp } from '../../../../test/helpers/app.js';
import { pdfTextRuns } from '../../../../test/helpers/pdf-text.js';
import { makePerson } from '../../../../test/helpers/people.js';
import type { Db } from '../../../platform/db/types.js';
import { NotFound } from '../../../platform/http/errors.js';
import { translator } from '../../../platform/i18n/i18n.js';
import { printable } from '../../../platform/pdf/tagged-pdf.js';
import { findPlaceBySlug } from '../../../platform/places/place-service.js';
import { indexDocument, type SearchDocument } from '../../../platform/search/search-index.js';
import { wardLeafletPdf } from './signposting-service.js';

const ALTRINCHAM = 'E05015239';

async function listing(db: Db, d: Partial<SearchDocument> & { refId: string; title: string }) {
  const place = await findPlaceBySlug(db, 'trafford');
  assert.ok(place);
  await db.transaction((tx) =>
    indexDocument(tx, {
      placeId: place.id,
      kind: 'group',
      summary: '',
      url: `/trafford/groups/${d.refId}`,
      wardCode: ALTRINCHAM,
      point: null,
      categories: [],
      languages: [],
      days: [],
      times: [],
      ageMin: null,
      ageMax: null,
      free: true,
      accessible: null,
      visible: true,
      ...d,
    }),
  );
}

let connector: { userId: string; cookie: string };
let resident: { userId: string; cookie: string };
let officer: { userId: string; cookie: string };

const t = useTestApp(undefined, async ({ db }) => {
  // The demo seed's signposting would blur the counts these tests check.
  await db.query('delete from directory_signpostings');
  connector = await makePerson(db, { roles: ['connector'] });
  resident = await makePerson(db, { roles: ['resident'] });
  officer = await makePerson(db, { roles: ['officer'] });
  await listing(db, {
    refId: 'signpost-test-pantry',
    title: 'Altrincham Test Pantry',
    summary: 'A community pantry: pay £3.50 for a bag of shopping',
    categories: ['food'],
    days: ['SA', 'WE'],
    times: ['morning'],
  });
  await listing(db, {
    refId: 'signpost-test-choir',
    title: 'Broadheath Test Choir',
    summary: 'Sing with neighbours',
    categories: ['arts-culture'],
  });
  await listing(db, {
    refId: 'signpost-test-hidden',
    title: 'Hidden Test Club',
    categories: ['food'],
    visible: false,
  });
  await listing(db, {
    kind: 'hub',
    refId: 'signpost-test-hub',
    title: 'Canolfan Dŵr Test Hub',
    summary: 'Advice, warm space and café',
    categories: ['community-centre', 'food'],
  });
});

/** A form page's CSRF token, with the cookies to send it back with. */
async function formSession(cookie: string, url: string) {
  const page = await t.app.inject({ url, headers: { cookie } });
  assert.equal(page.statusCode, 200, page.body.slice(0, 500));
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  return {
    page,
    token,
    cookie: [cookie, cookiesFrom(page.headers['set-cookie'])].filter(Boolean).join('; '),
  };
}

async function post(who: { cookie: string }, form: Record<string, string>) {
  const s = await formSession(who.cookie, '/trafford/connectors/signpost?ward=altrincham&category=food');
  return t.app.inject({
    method: 'POST',
    url: '/trafford/connectors/signpost',
    headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: s.token, ...form }).toString(),
  });
}

async function countSignpostings(): Promise<number> {
  const rows = await t.db.query<{ n: number }>('select count(*)::int as n from directory_signpostings');
  return rows[0]?.n ?? 0;
}

test('a connector picks a ward and subject, sees that ward’s listings, and records a signposting', async () => {
  const start = await t.app.inject({
    url: '/trafford/connectors/signpost',
    headers: { cookie: connector.cookie },
  });
  assert.equal(start.statusCode, 200);
  assert.match(start.body, /Do not record anything about the person you helped/);
  assert.match(start.body, /<select class="govuk-select" id="ward" name="ward"/);
  assert.doesNotMatch(start.body, /govuk-error-summary/);

  const { page } = await formSession(
    connector.cookie,
    '/trafford/connectors/signpost?ward=altrincham&category=food',
  );
  // Food listings first, then the rest of the ward; hidden listings never.
  const pantry = page.body.indexOf('Altrincham Test Pantry');
  const choir = page.body.indexOf('Broadheath Test Choir');
  assert.ok(pantry > 0 && choir > pantry, 'food listings come before other listings');
  assert.match(page.body, /value="group:signpost-test-pantry"/);
  assert.match(page.body, /value="hub:signpost-test-hub"/);
  assert.doesNotMatch(page.body, /Hidden Test Club/);
  assert.match(page.body, /value="other"/);

  const res = await post(connector, {
    ward: 'altrincham',
    category: 'food',
    destination: 'group:signpost-test-pantry',
    note: 'Needed somewhere open at weekends',
  });
  assert.equal(res.statusCode, 200, res.body.slice(0, 2000));
  assert.match(res.body, /Signposting recorded/);
  assert.match(res.body, /href="\/trafford\/connectors\/signpost\?ward=altrincham">Record another</);

  const rows = await t.db.query<{
    category: string;
    ward_code: string;
    destination_kind: string;
    created_by: string;
  }>(
    "select category, ward_code, destination_kind, created_by from directory_signpostings where destination_ref = 'signpost-test-pantry'",
  );
  assert.deepEqual(rows, [
    { category: 'food', ward_code: ALTRINCHAM, destination_kind: 'group', created_by: connector.userId },
  ]);
  const audit = await t.db.query<{ actor_id: string }>(
    "select actor_id from audit_log where action = 'directory.signposting.record'",
  );
  assert.equal(audit.at(-1)?.actor_id, connector.userId);

  // It shows in the connector's own list and in demand against supply.
  const toolkit = await t.app.inject({ url: '/trafford/connectors', headers: { cookie: connector.cookie } });
  assert.match(
    toolkit.body,
    /<a class="govuk-link" href="\/trafford\/groups\/signpost-test-pantry">Altrincham Test Pantry<\/a>/,
  );
  const demand = await t.app.inject({
    url: '/trafford/connectors/demand?ward=altrincham',
    headers: { cookie: officer.cookie },
  });
  assert.equal(demand.statusCode, 200);
  const detail =
    /<table class="govuk-table" id="detail-table">([\s\S]*?)<\/table>/.exec(demand.body)?.[1] ?? '';
  assert.match(detail, /Food<\/th>\s*<td class="govuk-table__cell govuk-table__cell--numeric">1<\/td>/);
});

test('somewhere else needs a name; an unknown listing is refused', async () => {
  const before = await countSignpostings();
  const missing = await post(connector, {
    ward: 'altrincham',
    category: 'food',
    destination: 'other',
    destinationText: '',
  });
  assert.equal(missing.statusCode, 422);
  assert.match(missing.body, /govuk-error-summary/);
  assert.match(missing.body, /<a href="#destinationText">Enter where you pointed them<\/a>/);
  const unknown = await post(connector, {
    ward: 'altrincham',
    category: 'food',
    destination: 'group:no-such-group',
  });
  assert.equal(unknown.statusCode, 422);
  assert.match(unknown.body, /That listing is no longer in the directory/);
  const hidden = await post(connector, {
    ward: 'altrincham',
    category: 'food',
    destination: 'group:signpost-test-hidden',
  });
  assert.equal(hidden.statusCode, 422);
  const none = await post(connector, { ward: 'altrincham', category: 'food' });
  assert.equal(none.statusCode, 422);
  // Radios start with a divider here, so the first radio carries the id the summary links to.
  assert.match(none.body, /<a href="#destination">Select where you pointed them<\/a>/);
  assert.match(none.body, /id="destination" name="destination"/);
  assert.equal(await countSignpostings(), before);

  const ok = await post(connector, {
    ward: 'altrincham',
    category: 'money-debt',
    destination: 'other',
    destinationText: 'Citizens Advice Trafford',
  });
  assert.equal(ok.statusCode, 200);
  assert.equal(await countSignpostings(), before + 1);
});

test('a missing or made-up ward or subject goes back to the first question', async () => {
  const res = await post(connector, {
    ward: 'atlantis',
    category: 'food',
    destination: 'other',
    destinationText: 'x',
  });
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /<a href="#ward">Select a ward<\/a>/);
  assert.match(res.body, /<select class="govuk-select govuk-select--error" id="ward"/);
  const step = await t.app.inject({
    url: '/trafford/connectors/signpost?ward=altrincham&category=astrology',
    headers: { cookie: connector.cookie },
  });
  assert.equal(step.statusCode, 422);
  assert.match(step.body, /<a href="#category">Select what the person needed help with<\/a>/);
});

test('personal data in the note or the destination is refused with a helpful message', async () => {
  const before = await countSignpostings();
  const cases: [Record<string, string>, RegExp][] = [
    [{ note: 'her email is jo.bloggs@example.com' }, /Remove the email address from the note/],
    [{ note: 'call her on 0161 912 2000' }, /Remove the phone number from the note/],
    [{ note: 'mobile +44 7700-900-123' }, /Remove the phone number from the note/],
    [{ note: 'lives at M33 7ZF' }, /Remove the postcode from the note/],
    [{ note: 'x'.repeat(201) }, /200 characters or fewer/],
    [
      { destination: 'other', destinationText: 'her sister, 07700 900123' },
      /Remove the phone number: name the organisation/,
    ],
  ];
  for (const [fields, message] of cases) {
    const res = await post(connector, {
      ward: 'altrincham',
      category: 'food',
      destination: 'group:signpost-test-pantry',
      ...fields,
    });
    assert.equal(res.statusCode, 422, JSON.stringify(fields));
    assert.match(res.body, message);
    assert.match(res.body, /govuk-error-summary/);
  }
  assert.equal(await countSignpostings(), before);
  // Ordinary numbers are fine.
  const ok = await post(connector, {
    ward: 'altrincham',
    category: 'food',
    destination: 'group:signpost-test-pantry',
    note: 'Family of 5, needed food for 3 days; pantry open 10 till 12',
  });
  assert.equal(ok.statusCode, 200);
});

test('only connectors (and officers) may signpost; only they and admins see demand', async () => {
  for (const url of [
    '/trafford/connectors',
    '/trafford/connectors/signpost',
    '/trafford/connectors/demand',
  ]) {
    assert.equal((await t.app.inject({ url, headers: { cookie: resident.cookie } })).statusCode, 403, url);
    const visitor = await t.app.inject(url);
    assert.equal(visitor.statusCode, 303, url);
    assert.match(String(visitor.headers.location), /^\/account\/sign-in/);
  }
  const token = await formSession(connector.cookie, '/trafford/connectors/signpost');
  const refused = await t.app.inject({
    method: 'POST',
    url: '/trafford/connectors/signpost',
    headers: {
      cookie: `${token.cookie}; ${resident.cookie}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: new URLSearchParams({
      _csrf: token.token,
      ward: 'altrincham',
      category: 'food',
      destination: 'other',
      destinationText: 'Somewhere',
    }).toString(),
  });
  assert.equal(refused.statusCode, 403);
  for (const url of ['/trafford/api/signposting/demand.json', '/trafford/api/signposting/demand.csv']) {
    assert.equal((await t.app.inject({ url, headers: { cookie: resident.cookie } })).statusCode, 403, url);
    assert.equal((await t.app.inject(url)).statusCode, 401, url);
  }
});

test('the toolkit shows what is near a chosen ward, without JavaScript', async () => {
  const res = await t.app.inject({
    url: '/trafford/connectors?ward=altrincham&category=food',
    headers: { cookie: connector.cookie },
  });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<form method="get" action="\/trafford\/connectors#near-results"/);
  assert.match(res.body, /<option value="altrincham" selected>Altrincham<\/option>/);
  assert.match(res.body, /Altrincham Test Pantry/);
  assert.match(res.body, /When: Wednesdays and Saturdays, mornings/);
  assert.doesNotMatch(res.body, /Hidden Test Club/);
  assert.match(
    res.body,
    /href="\/trafford\/connectors\/leaflets\/altrincham\.pdf">Leaflet for Altrincham \(PDF\)/,
  );
  assert.equal(res.body.match(/href="\/trafford\/connectors\/leaflets\/[a-z-]+\.pdf"/g)?.length, 22);
  assert.match(res.body, /How to signpost well/);

  const unknown = await t.app.inject({
    url: '/trafford/connectors?ward=atlantis',
    headers: { cookie: connector.cookie },
  });
  assert.equal(unknown.statusCode, 422);
  assert.match(unknown.body, /<a href="#ward">Select a ward<\/a>/);
});

const pdfText = (pdf: Buffer) => pdfTextRuns(pdf).join('\n');

test('a ward leaflet is a public, titled, A4 PDF of the ward’s visible listings', async () => {
  const res = await t.app.inject('/trafford/connectors/leaflets/altrincham.pdf');
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/pdf');
  const pdf = res.rawPayload;
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  const raw = pdf.toString('latin1');
  assert.match(raw, /\(Community groups and services in Altrincham\)/);
  assert.match(raw, /\/DisplayDocTitle true/);
  assert.match(raw, /\/Lang \(en-GB\)/);
  assert.match(raw, /\/MediaBox \[0 0 595\.28 841\.89\]/);
  assert.match(raw, /\/StructTreeRoot/);
  const text = pdfText(pdf);
  assert.match(text, /Altrincham Test Pantry/);
  assert.match(text, /A community pantry: pay £3.50 for a bag of shopping/);
  assert.match(text, /When: Wednesdays and Saturdays, mornings/);
  assert.match(text, /http:\/\/localhost(:\d+)?\/trafford\/groups\/signpost-test-pantry/);
  // Welsh ŵ is outside the standard fonts, so it prints without its accent.
  assert.match(text, /Canolfan Dwr Test Hub/);
  assert.match(text, /Community hub/);
  assert.doesNotMatch(text, /Hidden Test Club/);
  assert.match(text, /Produced on \d{1,2} [A-Z][a-z]+ \d{4}\./);
  assert.match(text, /Trafford Together · Altrincham · Page 1 of 1/);
});

test('a long leaflet breaks across pages with headings kept with their listings, and its date is London’s', async () => {
  const place = await findPlaceBySlug(t.db, 'trafford');
  assert.ok(place);
  for (let i = 0; i < 40; i++) {
    await listing(t.db, {
      refId: `leaflet-bulk-${i}`,
      title: `Bulk Group ${String(i).padStart(2, '0')}`,
      summary:
        'A group that meets every week and welcomes new people, whoever they are and wherever they are from.',
      wardCode: 'E05015253',
      categories: [i % 2 ? 'sport-fitness' : 'older-people'],
    });
  }
  const ward = (await t.db.query<{ slug: string }>("select slug from wards where code = 'E05015253'"))[0]
    ?.slug;
  assert.ok(ward);
  // 23:30 on 31 March UTC is already 1 April in London (BST).
  const pdf = await wardLeafletPdf({ db: t.db, place, actor: null }, ward, translator('en'), {
    baseUrl: 'https://kith.example',
    now: new Date('2026-03-31T23:30:00Z'),
    compress: false,
  });
  const text = pdfText(pdf);
  const pages = Number(/Page 1 of (\d+)/.exec(text)?.[1]);
  assert.ok(pages >= 3, `${pages} pages`);
  assert.equal(text.match(/Page \d+ of \d+/g)?.length, pages);
  assert.match(text, /Produced on 1 April 2026\./);
  for (let i = 0; i < 40; i++) assert.match(text, new RegExp(`Bulk Group ${String(i).padStart(2, '0')}`));
  const perPage = pdf.toString('latin1').split(/\/Type \/Page\b/).length - 1;
  assert.equal(perPage, pages);
  for (const heading of ['Older people', 'Sport and fitness'])
    assert.match(text, new RegExp(`^${heading}$`, 'm'));
  // No page ends with a heading or a listing's name: the line before each footer is body text or a link.
  const body = text.split('\n');
  let footers = 0;
  for (let i = 1; i < body.length; i++) {
    if (/^Trafford Together · .* · Page \d+ of \d+$/.test(body[i] ?? '')) {
      footers++;
      assert.doesNotMatch(body[i - 1] ?? '', /^(Bulk Group \d+|Older people|Sport and fitness)$/);
    }
  }
  assert.equal(footers, pages);
});

test('an unknown ward has no leaflet', async () => {
  assert.equal((await t.app.inject('/trafford/connectors/leaflets/atlantis.pdf')).statusCode, 404);
  const place = await findPlaceBySlug(t.db, 'trafford');
  assert.ok(place);
  await assert.rejects(
    wardLeafletPdf({ db: t.db, place, actor: null }, 'atlantis', translator('en')),
    NotFound,
  );
});

test('text the standard PDF fonts cannot draw loses only its accents', () => {
  assert.equal(printable('Dŵr a’r Tŷ – café'), 'Dwr a’r Ty – café');
  assert.equal(printable('Walk 🚶 club\nMondays'), 'Walk club Mondays');
});

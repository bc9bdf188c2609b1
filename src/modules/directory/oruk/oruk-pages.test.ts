import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { cookiesFrom, useTestApp } from '../../../../test/helpers/app.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { findPlaceBySlug } from '../../../platform/places/place-service.js';
import { formValuesFor } from './oruk-form.js';
import { kithTermId } from './oruk-ids.js';
import { schemaErrors } from './oruk-schema-check.js';
import { DEMO_SERVICE_ID, seedOrukServices } from './oruk-seed.js';

const t = useTestApp(undefined, async (app) => {
  const place = await findPlaceBySlug(app.db, 'trafford');
  assert.ok(place);
  await seedOrukServices({ db: app.db, place, log: () => {} });
});

/** The page's main content as plain text, for reading like a person would. */
function text(html: string): string {
  const main = /<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? html;
  return main
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/\s+/g, ' ');
}

async function formFor(url: string, cookie: string) {
  const res = await t.app.inject({ url, headers: { cookie } });
  assert.equal(res.statusCode, 200, url);
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
  assert.ok(token);
  return {
    html: res.body,
    cookie: [cookie, cookiesFrom(res.headers['set-cookie'])].filter(Boolean).join('; '),
    token,
  };
}

function post(url: string, cookie: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
  return t.app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  });
}

test('the services list pages through the directory and filters by category', async () => {
  const first = await t.app.inject('/trafford/services');
  assert.equal(first.statusCode, 200);
  const page = text(first.body);
  const total = Number(/(\d+) services/.exec(page)?.[1]);
  assert.ok(total >= 120, page.slice(0, 200));
  assert.equal(first.body.match(/<li class="kith-results__item">/g)?.length, 20);
  assert.match(first.body, /href="\/trafford\/services\?page=2"/);
  const last = await t.app.inject(`/trafford/services?page=${Math.ceil(total / 20)}`);
  assert.equal(last.body.match(/<li class="kith-results__item">/g)?.length, total % 20 || 20);

  const food = await t.app.inject('/trafford/services?category=food');
  const foodText = text(food.body);
  assert.match(foodText, /Stretford Foodbank at Trafford Christian Life Centre/);
  assert.doesNotMatch(foodText, /Altrincham Library/);
  assert.match(food.body, /<option value="food" selected>/);
  const searched = text((await t.app.inject('/trafford/services?q=library')).body);
  assert.match(searched, /Altrincham Library/);
  assert.doesNotMatch(searched, /Move Altrincham/);
  // Nonsense in the address is ignored rather than an error.
  assert.equal((await t.app.inject('/trafford/services?category=%3Cscript%3E&page=abc')).statusCode, 200);
});

test('a service page says who runs it, what, where, when, how to get in touch, cost, source and when it was confirmed', async () => {
  const library = text((await t.app.inject(`/trafford/services/${DEMO_SERVICE_ID}`)).body);
  for (const expected of [
    /Altrincham Library/,
    /Run by Trafford Council/,
    /Borrow books/,
    /2 Pott Street Altrincham WA14 1AH/,
    /Ward: Altrincham/,
    /altrincham\.library@trafford\.gov\.uk/,
    /Cost Free/,
    /Last confirmed: 30 November 2023/,
    /Source: https:\/\/github\.com\/traffordDataLab\/open_data\/tree\/master\/libraries/,
    /may be out of date/,
  ]) {
    assert.match(library, expected);
  }
  const hubs = (
    await t.app.inject('/trafford/api/oruk/services?search=Partington+Community+Response+Hub')
  ).json();
  const hub = hubs.contents.find((s: { name: string }) => s.name === 'Partington Community Response Hub');
  const hubPage = text((await t.app.inject(`/trafford/services/${hub.id}`)).body);
  assert.match(hubPage, /Mondays, Tuesdays and Thursdays, 9:30am to 4pm/);
  assert.match(hubPage, /Wednesdays, 9:30am to 6pm/);
  assert.match(hubPage, /Phone: 0161 776 0980/);
  const leisure = (await t.app.inject('/trafford/api/oruk/services?search=Move+Altrincham')).json()
    .contents[0];
  const leisurePage = text((await t.app.inject(`/trafford/services/${leisure.id}`)).body);
  assert.match(leisurePage, /Monday to Friday, 6:30am to 10pm/);
  assert.doesNotMatch(leisurePage, /may be out of date/, 'confirmed in July 2026');

  assert.equal(
    (await t.app.inject('/trafford/services/00000000-0000-4000-8000-000000000000')).statusCode,
    404,
  );
  assert.equal((await t.app.inject('/trafford/services/not-a-service')).statusCode, 404);
  const upper = await t.app.inject(`/trafford/services/${DEMO_SERVICE_ID.toUpperCase()}`);
  assert.equal(upper.statusCode, 301);
  assert.equal(upper.headers.location, `/trafford/services/${DEMO_SERVICE_ID}`);
});

test('the CSV has a row per service with its place, category and source', async () => {
  const res = await t.app.inject('/trafford/api/services.csv');
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^text\/csv/);
  const rows = parse(res.body, { columns: true }) as Record<string, string>[];
  const total = (await t.app.inject('/trafford/api/oruk/services?per_page=1')).json().total_items;
  assert.equal(rows.length, total);
  const library = rows.find((r) => r.id === DEMO_SERVICE_ID);
  assert.equal(library?.postcode, 'WA14 1AH');
  assert.equal(library?.ward_code, 'E05015239');
  assert.equal(library?.categories, 'learning-language;community-centre');
  assert.equal(library?.last_confirmed, '2023-11-30');
  const food = parse((await t.app.inject('/trafford/api/services.csv?category=food')).body, {
    columns: true,
  });
  assert.ok(food.length >= 10 && food.length < rows.length);
});

test('an officer adds a service; mistakes are shown in an error summary first', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const form = await formFor('/trafford/services/new', officer.cookie);
  assert.match(text(form.html), /Add a service/);

  const bad = await post('/trafford/services/new', form.cookie, {
    _csrf: form.token,
    name: '',
    organization: 'Stretford Walkers',
    description: '',
    email: 'not-an-email',
    postcode: 'M32',
    address: '',
    latitude: '53.45',
    opens_at: '25:00',
    closes_at: '10:00',
    minimum_age: '30',
    maximum_age: '12',
    status: 'active',
  });
  assert.equal(bad.statusCode, 422);
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(bad.body)?.[0] ?? '';
  for (const [field, message] of [
    ['name', 'Enter the name of the service'],
    ['description', 'Enter what the service does'],
    ['categories', 'Select at least one category'],
    ['email', 'Enter an email address in the correct format'],
    ['postcode', 'Enter a real postcode'],
    ['opens_at', 'Enter a time like 09:30'],
    ['latitude', 'Enter both latitude and longitude'],
  ]) {
    assert.match(summary, new RegExp(`href="#${field}">${message}`), field);
  }
  assert.match(bad.body, /value="Stretford Walkers"/, 'what was typed is kept');
  assert.match(bad.body, /<title>Error: Add a service/);

  const good = await post('/trafford/services/new', form.cookie, {
    _csrf: form.token,
    name: 'Stretford Walk and Talk',
    organization: 'Stretford Walkers',
    description: 'A gentle walk round Longford Park, then tea. Everyone welcome.',
    categories: ['health-wellbeing', 'social-befriending'],
    status: 'active',
    url: 'https://walkers.example.org',
    email: 'hello@walkers.example.org',
    phone: '0161 000 1234',
    address: 'Longford Park, Edge Lane',
    town: 'Stretford',
    postcode: 'm32 8ph',
    latitude: '53.4466',
    longitude: '-2.2995',
    days: ['SA'],
    opens_at: '10:00',
    closes_at: '12:00',
    minimum_age: '',
    maximum_age: '',
    cost: 'free',
  });
  assert.equal(good.statusCode, 303, /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(good.body)?.[0]);
  const location = String(good.headers.location);
  const id = /\/trafford\/services\/([0-9a-f-]{36})\?created=1$/.exec(location)?.[1];
  assert.ok(id, location);
  const page = text((await t.app.inject(location)).body);
  assert.match(page, /The service has been added/);
  assert.match(page, /Saturdays, 10am to 12 noon/);
  assert.match(page, /Source: added on Trafford Together/);

  const api = await t.app.inject(`/trafford/api/oruk/services/${id}`);
  const service = api.json();
  assert.deepEqual(schemaErrors('service', service), []);
  assert.equal(service.organization.name, 'Stretford Walkers');
  assert.equal(service.service_at_locations[0].location.addresses[0].postal_code, 'M32 8PH');
  assert.deepEqual(
    service.attributes.map((a: { taxonomy_term_id: string }) => a.taxonomy_term_id),
    [kithTermId('health-wellbeing'), kithTermId('social-befriending')],
  );
  const saturday = await t.app.inject(
    `/trafford/api/oruk/services?day=SA&taxonomy_term_id=${kithTermId('social-befriending')}`,
  );
  assert.ok(saturday.json().contents.some((s: { id: string }) => s.id === id));

  const [indexed] = await t.db.query<{
    ward_code: string;
    days: string[];
    free: boolean;
    categories: string[];
  }>(
    "select ward_code, days, free, categories from search_documents where kind = 'service' and ref_id = $1",
    [id],
  );
  assert.deepEqual(indexed, {
    ward_code: 'E05015250', // Longford
    days: ['SA'],
    free: true,
    categories: ['health-wellbeing', 'social-befriending'],
  });
  const audit = await t.db.query<{ action: string }>(
    "select action from audit_log where target_id = $1 and action = 'directory.service.create'",
    [id],
  );
  assert.equal(audit.length, 1);
});

test('an officer edits a service; what the form does not show is kept', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const hubs = (
    await t.app.inject('/trafford/api/oruk/services?search=Partington+Community+Response+Hub')
  ).json();
  const hubId = hubs.contents.find(
    (s: { name: string }) => s.name === 'Partington Community Response Hub',
  ).id;
  const before = (await t.app.inject(`/trafford/api/oruk/services/${hubId}`)).json();
  const form = await formFor(`/trafford/services/${hubId}/edit`, officer.cookie);
  assert.match(form.html, /value="Partington Community Response Hub"/);
  assert.match(form.html, /value="0161 776 0980"/);
  assert.match(
    form.html,
    /<input class="govuk-checkboxes__input" id="categories-5" name="categories" type="checkbox" value="food" checked>/,
  );

  const fields: Record<string, string | string[]> = {
    _csrf: form.token,
    name: 'Partington Community Hub',
    organization: 'Trafford Council',
    description: String(before.description),
    categories: ['community-centre', 'food'],
    status: 'temporarily closed',
    url: String(before.url),
    email: String(before.email),
    phone: '0161 776 0980',
    address: String(before.service_at_locations[0].location.addresses[0].address_1),
    town: 'Manchester',
    postcode: 'M31 4LT',
    latitude: String(before.service_at_locations[0].location.latitude),
    longitude: String(before.service_at_locations[0].location.longitude),
    days: ['MO', 'TU', 'TH'],
    opens_at: '09:30',
    closes_at: '16:00',
    cost: 'free',
  };
  const bad = await post(`/trafford/services/${hubId}/edit`, form.cookie, { ...fields, closes_at: '08:00' });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /The closing time must be after the opening time/);

  const res = await post(`/trafford/services/${hubId}/edit`, form.cookie, fields);
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, `/trafford/services/${hubId}?updated=1`);
  const after = (await t.app.inject(`/trafford/api/oruk/services/${hubId}`)).json();
  assert.deepEqual(schemaErrors('service', after), []);
  assert.equal(after.name, 'Partington Community Hub');
  assert.equal(after.status, 'temporarily closed');
  assert.equal(after.schedules.length, 3, 'the other two opening times are kept');
  assert.deepEqual(after.schedules.slice(1), before.schedules.slice(1));
  assert.equal(after.email, before.email);
  assert.deepEqual(after.contacts, before.contacts);
  assert.equal(after.service_at_locations[0].location.id, before.service_at_locations[0].location.id);
  assert.equal(after.organization.description, before.organization.description);
  assert.deepEqual(
    after.attributes.map((a: { taxonomy_term: { term: string } }) => a.taxonomy_term.term),
    ['community-centre', 'food'],
  );
  assert.ok(after.assured_date > before.assured_date, 'editing confirms the record');
  const [audit] = await t.db.query<{ before: { name: string }; after: { name: string } }>(
    "select before, after from audit_log where target_id = $1 and action = 'directory.service.update'",
    [hubId],
  );
  assert.equal(audit?.before.name, 'Partington Community Response Hub');
  assert.equal(audit?.after.name, 'Partington Community Hub');
  // Temporarily closed services stay listed, marked as such.
  assert.match(
    text((await t.app.inject('/trafford/services?q=Partington+Community+Hub')).body),
    /Temporarily closed/,
  );
});

test('changing only the name of an imported service leaves the rest of it exactly as it was', async () => {
  const officer = await makePerson(t.db, { roles: ['place-admin'] });
  const found = (await t.app.inject('/trafford/api/oruk/services?search=Sporting+Memories')).json()
    .contents[0];
  const before = (await t.app.inject(`/trafford/api/oruk/services/${found.id}`)).json();
  assert.equal(before.schedules[0].byday, '-1MO', 'the last Monday of every month');
  const form = await formFor(`/trafford/services/${found.id}/edit`, officer.cookie);
  // What the browser would send back: every field as the form showed it, but a new name.
  const shown = formValuesFor(before);
  const res = await post(`/trafford/services/${found.id}/edit`, form.cookie, {
    ...shown,
    categories: shown.categories?.split(',') ?? [],
    days: shown.days?.split(',') ?? [],
    name: 'Sporting Memories Club',
    _csrf: form.token,
  });
  assert.equal(res.statusCode, 303, /govuk-error-summary[\s\S]*?<\/ul>/.exec(res.body)?.[0]);
  const after = (await t.app.inject(`/trafford/api/oruk/services/${found.id}`)).json();
  const { name, last_modified, assured_date, ...rest } = after;
  assert.equal(name, 'Sporting Memories Club');
  assert.deepEqual(rest, omit(before));
  assert.ok(assured_date > before.assured_date && last_modified > before.last_modified);
});

function omit(service: Record<string, unknown>) {
  const { name: _n, last_modified: _l, assured_date: _a, ...rest } = service;
  return rest;
}

test('only officers and place admins add or edit services', async () => {
  const resident = await makePerson(t.db, { roles: ['resident'] });
  const connector = await makePerson(t.db, { roles: ['connector'] });
  for (const url of ['/trafford/services/new', `/trafford/services/${DEMO_SERVICE_ID}/edit`]) {
    const visitor = await t.app.inject(url);
    assert.equal(visitor.statusCode, 303);
    assert.match(String(visitor.headers.location), /^\/account\/sign-in/);
    for (const person of [resident, connector]) {
      assert.equal((await t.app.inject({ url, headers: { cookie: person.cookie } })).statusCode, 403, url);
    }
  }
  const list = await t.app.inject({ url: '/trafford/services', headers: { cookie: resident.cookie } });
  assert.doesNotMatch(list.body, /Add a service/);
  const admin = await makePerson(t.db, { roles: ['place-admin'] });
  const adminList = await t.app.inject({ url: '/trafford/services', headers: { cookie: admin.cookie } });
  assert.match(adminList.body, /href="\/trafford\/services\/new"/);
  // The service layer refuses too, whatever calls it.
  const { createService } = await import('./oruk-service.js');
  const place = await findPlaceBySlug(t.db, 'trafford');
  assert.ok(place);
  await assert.rejects(
    createService(
      { db: t.db, place, actor: { userId: resident.userId, roles: ['resident'], platformAdmin: false } },
      {},
    ),
    /permission/,
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { haversineMetres } from '../../../lib/geo/index.js';
import { findPlaceBySlug } from '../../../platform/places/place-service.js';
import { KITH_TAXONOMY_ID, kithTermId } from './oruk-ids.js';
import { schemaErrors } from './oruk-schema-check.js';
import {
  DEMO_ORGANIZATION_ID,
  DEMO_SERVICE_AT_LOCATION_ID,
  DEMO_SERVICE_ID,
  seedOrukServices,
} from './oruk-seed.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies, whose shape the schema check vouches for
type Json = Record<string, any>;

const t = useTestApp(undefined, async (app) => {
  const place = await findPlaceBySlug(app.db, 'trafford');
  assert.ok(place);
  await seedOrukServices({ db: app.db, place, log: () => {} });
});

const API = '/trafford/api/oruk';

/** GET an ORUK address, check it is JSON anyone may use, and validate it against the schema. */
async function get(path: string, kind: Parameters<typeof schemaErrors>[0] | null): Promise<Json> {
  const res = await t.app.inject(`${API}${path}`);
  assert.equal(res.statusCode, 200, `${path}: ${res.body.slice(0, 300)}`);
  assert.match(res.headers['content-type'] as string, /^application\/json/);
  assert.equal(res.headers['access-control-allow-origin'], '*');
  const body = res.json();
  if (kind) assert.deepEqual(schemaErrors(kind, body), [], `${path} against ${kind}`);
  return body;
}

async function problem(path: string, status: number): Promise<Json> {
  const res = await t.app.inject(`${API}${path}`);
  assert.equal(res.statusCode, status, `${path}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
  const body = res.json();
  assert.equal(body.status, status);
  return body;
}

/** Every item of a list, walking its pages as a client would. */
async function all(path: string, kind: Parameters<typeof schemaErrors>[0]): Promise<Json[]> {
  const items: Json[] = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let page = 1; ; page++) {
    const body = await get(`${path}${sep}page=${page}&per_page=40`, kind);
    items.push(...body.contents);
    assert.equal(body.page_number, page);
    if (body.last_page) {
      assert.equal(items.length, body.total_items);
      return items;
    }
  }
}

test('the root says which standard and profile the API follows', async () => {
  for (const root of ['', '/']) {
    const body = await get(root, null);
    assert.equal(body.version, 'HSDS-UK-3.0');
    assert.match(body.profile, /^https:\/\//);
    assert.match(body.openapi_url, /^https:\/\/.+openapi\.json$/);
  }
});

test('every service, in the list and in full, validates against the UK profile', async () => {
  const list = await all('/services', 'serviceList');
  assert.ok(list.length >= 120 && list.length <= 200, `${list.length} demo services`);
  assert.equal(new Set(list.map((s) => s.id)).size, list.length);
  for (const item of list) {
    const full = await get(`/services/${item.id}`, 'service');
    assert.equal(full.id, item.id);
    assert.equal(full.name, item.name);
  }
  const library = await get(`/services/${DEMO_SERVICE_ID}`, 'service');
  assert.equal(library.name, 'Altrincham Library');
  assert.equal(library.organization.name, 'Trafford Council');
  assert.equal(library.service_at_locations[0].location.addresses[0].postal_code, 'WA14 1AH');
  assert.equal(library.attributes.length, 2);
});

test('the formats are the ones the schema and its documentation ask for', async () => {
  const hubs = (await get('/services?search=Community+Response+Hub&per_page=200', 'serviceList')).contents;
  assert.equal(hubs.length, 6);
  const hub = hubs.find((s: Json) => s.name === 'Partington Community Response Hub');
  const full = await get(`/services/${hub.id}`, 'service');
  assert.match(full.last_modified, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.match(full.assured_date, /^\d{4}-\d{2}-\d{2}$/);
  // "Mondays, Tuesdays and Thursdays, 9.30am-4pm; Wednesdays, 9.30am-6pm; Fridays, 9.30am-1pm"
  assert.deepEqual(
    full.schedules.map((s: Json) => [s.freq, s.byday, s.opens_at, s.closes_at]),
    [
      ['WEEKLY', 'MO,TU,TH', '09:30:00', '16:00:00'],
      ['WEEKLY', 'WE', '09:30:00', '18:00:00'],
      ['WEEKLY', 'FR', '09:30:00', '13:00:00'],
    ],
  );
  assert.equal(full.contacts[0].phones[0].number, '0161 776 0980');
  assert.equal(typeof full.service_at_locations[0].location.latitude, 'number');
});

test('services at locations, taxonomies, terms and organisations validate, in lists and one by one', async () => {
  const sals = await all('/service_at_locations', 'serviceAtLocationList');
  assert.ok(sals.length >= 120);
  for (const sal of sals.slice(0, 40)) await get(`/service_at_locations/${sal.id}`, 'serviceAtLocation');
  const one = await get(`/service_at_locations/${DEMO_SERVICE_AT_LOCATION_ID}`, 'serviceAtLocation');
  assert.equal(one.service.id, DEMO_SERVICE_ID);
  // The UK OpenAPI document describes this response with the service schema: it passes that too.
  assert.deepEqual(schemaErrors('service', one), []);

  const taxonomies = await all('/taxonomies', 'taxonomyList');
  assert.ok(taxonomies.some((x) => x.id === KITH_TAXONOMY_ID && x.name === 'Kith directory categories'));
  for (const x of taxonomies) {
    const full = await get(`/taxonomies/${x.id}`, 'taxonomy');
    assert.ok(full.taxonomy_terms.length > 0);
  }
  const terms = await all('/taxonomy_terms', 'taxonomyTermList');
  assert.equal(terms.length, 22);
  for (const term of terms) await get(`/taxonomy_terms/${term.id}`, 'taxonomyTerm');
  const food = await get(`/taxonomy_terms/${kithTermId('food')}`, 'taxonomyTerm');
  assert.equal(food.name, 'Food');

  const organizations = await all('/organizations', 'organizationList');
  assert.ok(organizations.length > 50);
  const council = await get(`/organizations/${DEMO_ORGANIZATION_ID}`, 'organization');
  assert.equal(council.name, 'Trafford Council');
  assert.ok(council.services.some((s: Json) => s.id === DEMO_SERVICE_ID));
});

test('paging: first, past the end, one per page, too many per page', async () => {
  const first = await get('/services?per_page=10', 'serviceList');
  assert.equal(first.page_number, 1);
  assert.equal(first.size, 10);
  assert.equal(first.first_page, true);
  assert.equal(first.last_page, false);
  assert.equal(first.empty, false);
  const total = first.total_items as number;
  assert.equal(first.total_pages, Math.ceil(total / 10));

  const last = await get(`/services?per_page=10&page=${first.total_pages}`, 'serviceList');
  assert.equal(last.size, total - (first.total_pages - 1) * 10);
  assert.equal(last.last_page, true);
  assert.equal(last.first_page, false);

  const beyond = await get(`/services?per_page=10&page=${first.total_pages + 5}`, 'serviceList');
  assert.deepEqual(beyond.contents, []);
  assert.equal(beyond.size, 0);
  assert.equal(beyond.empty, true);
  assert.equal(beyond.last_page, true);
  assert.equal(beyond.total_items, total);

  const single = await get('/services?per_page=1&page=2', 'serviceList');
  assert.equal(single.size, 1);
  assert.equal(single.total_pages, total);
  assert.equal(single.contents[0].id, first.contents[1].id);

  // A huge per_page is capped rather than refused: the whole demo fits under the cap.
  const huge = await get('/services?per_page=1000000', 'serviceList');
  assert.equal(huge.size, Math.min(total, 200));
  assert.equal(huge.total_pages, Math.ceil(total / 200));
  for (const path of ['/taxonomies?per_page=1000000', '/taxonomy_terms?per_page=5&page=99']) {
    await get(path, path.startsWith('/taxonomies') ? 'taxonomyList' : 'taxonomyTermList');
  }
});

test('paging values that are not whole numbers of 1 or more are a 400 naming the parameter', async () => {
  for (const q of [
    'page=0',
    'page=-1',
    'page=abc',
    'page=1.5',
    'per_page=0',
    'per_page=ten',
    'page=1&page=2',
  ]) {
    for (const path of [
      '/services',
      '/service_at_locations',
      '/taxonomies',
      '/taxonomy_terms',
      '/organizations',
    ]) {
      const body = await problem(`${path}?${q}`, 400);
      assert.match(body.errors[0].field, /^(page|per_page)$/, `${path}?${q}`);
    }
  }
});

test('search finds services by name and description, and tolerates a typo', async () => {
  const libraries = await get('/services?search=library&per_page=200', 'serviceList');
  assert.ok(libraries.total_items >= 13);
  assert.ok(libraries.contents.some((s: Json) => s.name === 'Altrincham Library'));
  const typo = await get('/services?search=Altrinchm+Libary', 'serviceList');
  assert.ok(typo.contents.some((s: Json) => s.name === 'Altrincham Library'));
  const none = await get('/services?search=zzyzx+quokka', 'serviceList');
  assert.equal(none.total_items, 0);
  assert.equal(none.empty, true);
});

test('taxonomy_term_id and taxonomy_id keep services with that term', async () => {
  const food = await get(`/services?taxonomy_term_id=${kithTermId('food')}&per_page=200`, 'serviceList');
  assert.ok(food.total_items >= 10);
  for (const s of food.contents) {
    const full = await get(`/services/${s.id}`, 'service');
    assert.ok(
      full.attributes.some((a: Json) => a.taxonomy_term_id === kithTermId('food')),
      s.name,
    );
  }
  const everything = await get('/services?per_page=1', 'serviceList');
  const kith = await get(`/services?taxonomy_id=${KITH_TAXONOMY_ID}&per_page=1`, 'serviceList');
  assert.equal(kith.total_items, everything.total_items);
  const unknown = await get('/services?taxonomy_term_id=not-a-term', 'serviceList');
  assert.equal(unknown.total_items, 0);
});

test('day keeps services that run that day, by code or name', async () => {
  const tuesday = await get('/services?day=TU&per_page=200', 'serviceList');
  assert.ok(tuesday.total_items > 5);
  for (const s of tuesday.contents) {
    const full = await get(`/services/${s.id}`, 'service');
    assert.ok(
      full.schedules.some((x: Json) => /(^|,)[+-]?\d*TU(,|$)/.test(x.byday)),
      `${s.name} runs on Tuesdays`,
    );
  }
  const named = await get('/services?day=tuesday&per_page=200', 'serviceList');
  assert.equal(named.total_items, tuesday.total_items);
  const sunday = await get('/services?day=SU&per_page=200', 'serviceList');
  assert.ok(sunday.total_items < tuesday.total_items);
  const body = await problem('/services?day=Funday', 400);
  assert.equal(body.errors[0].field, 'day');
});

test('age keeps services someone of that age can use', async () => {
  const fifteen = await get('/services?age=15&per_page=200', 'serviceList');
  const names = fifteen.contents.map((s: Json) => s.name);
  assert.ok(names.includes('42nd Street'), 'ages 13 to 25');
  assert.ok(!names.includes('Trafford Psychological Therapies'), 'ages 16 and over');
  for (const s of fifteen.contents) {
    assert.ok(s.minimum_age === undefined || s.minimum_age <= 15, s.name);
    assert.ok(s.maximum_age === undefined || s.maximum_age >= 15, s.name);
  }
  const minimum = await get('/services?minimum_age=16&per_page=200', 'serviceList');
  assert.ok(minimum.contents.every((s: Json) => s.minimum_age >= 16));
  assert.ok(minimum.total_items >= 2);
  await problem('/services?age=old', 400);
  await problem('/services?age=-3', 400);
});

test('lat, lng and proximity keep services within that many metres, nearest first', async () => {
  const library = { lat: 53.38705468210445, lon: -2.352156600534233 };
  const near = await get(
    `/services?lat=${library.lat}&lng=${library.lon}&proximity=800&per_page=200`,
    'serviceList',
  );
  assert.equal(near.contents[0].name, 'Altrincham Library');
  assert.ok(near.total_items >= 3 && near.total_items < 60, `${near.total_items} within 800 m`);
  let previous = 0;
  for (const s of near.contents) {
    const full = await get(`/services/${s.id}`, 'service');
    const nearest = Math.min(
      ...full.service_at_locations
        .filter((x: Json) => typeof x.location.latitude === 'number')
        .map((x: Json) =>
          haversineMetres([library.lon, library.lat], [x.location.longitude, x.location.latitude]),
        ),
    );
    assert.ok(nearest <= 800.5, `${s.name} is ${nearest} m away`);
    assert.ok(nearest >= previous - 0.5, 'nearest first');
    previous = nearest;
  }
  const sals = await get(
    `/service_at_locations?lat=${library.lat}&lng=${library.lon}&proximity=800`,
    'serviceAtLocationList',
  );
  assert.equal(sals.total_items, near.total_items);
  const wider = await get(
    `/services?lat=${library.lat}&lng=${library.lon}&proximity=3000&per_page=1`,
    'serviceList',
  );
  assert.ok(wider.total_items > near.total_items);
});

test('a postcode without a postcode lookup is a 400 that says to use lat and lng', async () => {
  const body = await problem('/services?postcode=WA14+1AH&proximity=1000', 400);
  assert.equal(body.errors[0].field, 'postcode');
  assert.match(body.detail, /lat and lng/);
  await problem('/service_at_locations?postcode=M32+0TH', 400);
  assert.equal((await problem('/services?lat=53.4', 400)).errors[0].field, 'lng');
  assert.equal((await problem('/services?proximity=500', 400)).errors[0].field, 'proximity');
  assert.equal((await problem('/services?lat=95&lng=0', 400)).errors[0].field, 'lat');
});

test('other filters: organisation, times, modified after', async () => {
  const council = await get(`/services?organization_id=${DEMO_ORGANIZATION_ID}&per_page=200`, 'serviceList');
  assert.ok(council.total_items >= 20);
  assert.ok(council.contents.every((s: Json) => s.organization_id === DEMO_ORGANIZATION_ID));
  const evening = await get('/services?start_time=17:00&per_page=200', 'serviceList');
  assert.ok(
    evening.contents.some((s: Json) => s.name === 'Chorlton Anxiety Group'),
    'meets 7-9pm',
  );
  const recent = await get('/services?modified_after=2026-01-01T00:00:00Z&per_page=200', 'serviceList');
  assert.ok(recent.contents.every((s: Json) => s.last_modified >= '2026-01-01'));
  assert.ok(recent.total_items > 0 && recent.total_items < council.total_items + 200);
  await problem('/services?start_time=teatime', 400);
  await problem('/services?modified_after=yesterday', 400);
});

test('unknown or malformed ids are a 404 problem, never a 500', async () => {
  const missing = '00000000-0000-4000-8000-000000000000';
  for (const path of ['services', 'service_at_locations', 'taxonomies', 'taxonomy_terms', 'organizations']) {
    await problem(`/${path}/${missing}`, 404);
    await problem(`/${path}/not-an-id`, 404);
    await problem(`/${path}/${encodeURIComponent("' or 1=1 --")}`, 404);
  }
});

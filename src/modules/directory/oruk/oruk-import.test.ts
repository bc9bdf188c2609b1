import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { useTestApp } from '../../../../test/helpers/app.js';
import { makePerson } from '../../../../test/helpers/people.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import { runOrukExport, runOrukImport } from './oruk-cli.js';
import { uuidV5 } from './oruk-ids.js';
import { IdMapper, normaliseService } from './oruk-normalise.js';
import { schemaErrors } from './oruk-schema-check.js';
import { seedOrukServices } from './oruk-seed.js';
import { exportOruk, getService, importOrukFeed, listServices } from './oruk-service.js';

// biome-ignore lint/suspicious/noExplicitAny: feeds are plain JSON
type Json = Record<string, any>;

let trafford: Place;
let elsewhere: Place;
const t = useTestApp(undefined, async (app) => {
  await app.db.query(
    "insert into places (slug, name, modules) values ('elsewhere', 'Elsewhere', '{directory,wards}'), ('thirdplace', 'Third Place', '{directory}'), ('hostile', 'Hostile', '{directory}')",
  );
  trafford = (await findPlaceBySlug(app.db, 'trafford')) as Place;
  elsewhere = (await findPlaceBySlug(app.db, 'elsewhere')) as Place;
  await seedOrukServices({ db: app.db, place: trafford, log: () => {} });
});

const ctx = (place: Place): ServiceContext => ({ db: t.db, place, actor: null });
const EXAMPLE = fileURLToPath(
  new URL('../../../../schemas/oruk/uk-profile/examples/service_full.json', import.meta.url),
);

async function counts(placeId: string) {
  const tables = [
    'oruk_services',
    'oruk_organizations',
    'oruk_locations',
    'oruk_service_at_locations',
    'oruk_schedules',
    'oruk_contacts',
    'oruk_attributes',
  ];
  const out: Record<string, number> = {};
  for (const table of tables) {
    const [r] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from ${table} where place_id = $1`,
      [placeId],
    );
    out[table] = r?.n ?? 0;
  }
  return out;
}

test('exporting a place and importing the file into another place gives back the same feed', async () => {
  const feed = (await exportOruk(ctx(trafford))) as Json;
  assert.deepEqual(schemaErrors('serviceList', feed), []);
  assert.ok(feed.total_items >= 120);
  for (const s of feed.contents) assert.deepEqual(schemaErrors('service', s), [], String(s.name));

  // Through JSON, as the file would be.
  const result = await importOrukFeed(ctx(elsewhere), JSON.parse(JSON.stringify(feed)), {
    source: 'trafford-export.json',
    trusted: true,
  });
  assert.equal(result.imported, feed.total_items);
  assert.deepEqual(result.skipped, []);
  const again = await exportOruk(ctx(elsewhere));
  assert.deepEqual(again, feed);

  // And once more: the same file changes nothing.
  const before = await counts(elsewhere.id);
  await importOrukFeed(ctx(elsewhere), JSON.parse(JSON.stringify(feed)), {
    source: 'trafford-export.json',
    trusted: true,
  });
  assert.deepEqual(await counts(elsewhere.id), before);
  assert.deepEqual(await exportOruk(ctx(elsewhere)), feed);

  // Categories came across: the other place's category filter and search index see them.
  const food = await listServices(ctx(elsewhere), { search: 'food bank' }, { limit: 100, offset: 0 });
  assert.ok(food.total >= 6);
  const [indexed] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from search_documents where place_id = $1 and kind = 'service'",
    [elsewhere.id],
  );
  assert.equal(indexed?.n, feed.total_items);
});

test('seeding the demo services again changes nothing', async () => {
  const before = await exportOruk(ctx(trafford));
  const rows = await counts(trafford.id);
  await seedOrukServices({ db: t.db, place: trafford, log: () => {} });
  assert.deepEqual(await counts(trafford.id), rows);
  assert.deepEqual(await exportOruk(ctx(trafford)), before);
});

test("the UK profile's own example service comes back out as it went in", async () => {
  const example = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
  await importOrukFeed(ctx(elsewhere), example, { source: 'example', trusted: true });
  const out = await getService(ctx(elsewhere), example.id);
  assert.deepEqual(schemaErrors('service', out), []);
  // Everything the example says is still said (Kith adds link ids and the like, never removes).
  const contains = (big: unknown, small: unknown, at: string) => {
    if (Array.isArray(small)) {
      assert.ok(Array.isArray(big), at);
      for (const [i, x] of small.entries()) contains((big as unknown[])[i], x, `${at}[${i}]`);
    } else if (small && typeof small === 'object') {
      for (const [k, v] of Object.entries(small)) contains((big as Json)?.[k], v, `${at}.${k}`);
    } else assert.equal(big, small, at);
  };
  contains(out, example, 'service');
});

test('a foreign feed is made valid: ids become stable UUIDs, numbers and dates take their shape', async () => {
  const feed = {
    total_items: 2,
    total_pages: 1,
    page_number: 1,
    contents: [
      {
        id: 'svc-1',
        name: '  Lunch club ',
        status: 'Active',
        email: 'not an email',
        url: 'www.lunchclub.example.org/about us',
        minimum_age: '60',
        last_modified: '2025-03-04 10:00:00+00',
        alternate_name: 'The Tuesday lunch',
        alert: null,
        organization: { id: 42, name: 'Friends of Sale', email: 'hello@friends.example.org' },
        service_at_locations: [
          {
            id: 'sal-1',
            location: {
              id: 'loc-1',
              name: 'Church hall',
              latitude: '53.4239',
              longitude: '-2.3225',
              addresses: [{ address_1: '1 High Street', postal_code: 'M33 7XX' }],
            },
          },
        ],
        schedules: [{ id: 7, byday: 'Tuesday, thursday', opens_at: '12', closes_at: '2pm', freq: 'weekly' }],
        contacts: [{ id: 'c1', name: 'Reception', phones: [{ number: '0161 000 0000' }, { number: null }] }],
        attributes: [
          { taxonomy_term: { id: 'food', name: 'Food', taxonomy: 'Local categories', taxonomy_id: 'local' } },
          { link_type: 'nothing to link to' },
        ],
        cost_options: [{ option: 'Meal', amount: '3.50' }],
      },
      { id: 'svc-2', description: 'No name, so it cannot be imported' },
      'not even an object',
    ],
  };
  const source = 'https://directory.example.org/api';
  const result = await importOrukFeed(ctx(elsewhere), feed, { source, trusted: true });
  assert.equal(result.imported, 1);
  assert.deepEqual(
    result.skipped.map((s) => s.index),
    [1, 2],
  );
  const id = uuidV5(`${source}|service|svc-1`);
  assert.deepEqual(result.serviceIds, [id]);
  const s = (await getService(ctx(elsewhere), id)) as Json;
  assert.deepEqual(schemaErrors('service', s), []);
  assert.equal(s.name, 'Lunch club');
  assert.equal(s.status, 'active');
  assert.equal(s.email, undefined);
  assert.equal(s.url, 'https://www.lunchclub.example.org/about%20us');
  assert.equal(s.minimum_age, 60);
  assert.equal(s.last_modified, '2025-03-04T10:00:00.000Z');
  assert.equal(s.alternate_name, 'The Tuesday lunch', 'properties Kith does not use travel along');
  assert.equal(s.organization.id, uuidV5(`${source}|organization|42`));
  assert.equal(s.organization.description, '');
  assert.deepEqual(
    [s.schedules[0].byday, s.schedules[0].opens_at, s.schedules[0].closes_at, s.schedules[0].freq],
    ['TU,TH', '12:00:00', '14:00:00', 'WEEKLY'],
  );
  assert.equal(s.service_at_locations[0].location.latitude, 53.4239);
  assert.equal(s.service_at_locations[0].location.addresses[0].country, 'GB');
  assert.deepEqual(
    s.contacts[0].phones.map((p: Json) => p.number),
    ['0161 000 0000'],
  );
  assert.equal(s.attributes.length, 1);
  assert.equal(s.attributes[0].taxonomy_term.name, 'Food');
  assert.equal(s.cost_options[0].amount, 3.5);
  const [row] = await t.db.query<{ source: string; source_id: string }>(
    'select source, source_id from oruk_services where place_id = $1 and id = $2',
    [elsewhere.id, id],
  );
  assert.deepEqual(row, { source, source_id: 'svc-1' });

  // The imported taxonomy is published, with its term.
  const taxonomies = (await t.app.inject('/elsewhere/api/oruk/taxonomies')).json();
  assert.ok(taxonomies.contents.some((x: Json) => x.name === 'Local categories'));
  assert.deepEqual(schemaErrors('taxonomyList', taxonomies), []);

  // Importing the same feed again updates the same records.
  await importOrukFeed(ctx(elsewhere), feed, { source, trusted: true });
  const [n] = await t.db.query<{ n: number }>(
    'select count(*)::int as n from oruk_services where place_id = $1 and source = $2',
    [elsewhere.id, source],
  );
  assert.equal(n?.n, 1);
});

test('whatever a feed holds, the service Kith publishes from it is valid', () => {
  const value = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(
      '2024-02-30',
      'www.example.org',
      'a@b',
      'MO,XX',
      '25:00',
      'https://ex ample.org',
      '-1',
      '1e9',
    ),
  );
  const keys = [
    'id',
    'name',
    'status',
    'email',
    'url',
    'minimum_age',
    'last_modified',
    'assured_date',
    'byday',
    'opens_at',
    'latitude',
    'number',
    'amount',
    'taxonomy_term_id',
    'location_type',
    'freq',
    'website',
  ];
  const object = fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 8 });
  const service = fc.record({
    name: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== ''),
    id: value,
    status: value,
    url: value,
    email: value,
    organization: object,
    schedules: fc.array(object, { maxLength: 3 }),
    contacts: fc.array(fc.record({ name: value, phones: fc.array(object, { maxLength: 2 }) }), {
      maxLength: 2,
    }),
    attributes: fc.array(fc.record({ taxonomy_term_id: value, taxonomy_term: object }), { maxLength: 2 }),
    service_at_locations: fc.array(
      fc.record({
        id: value,
        location: fc.record({ id: value, latitude: value, addresses: fc.array(object, { maxLength: 2 }) }),
      }),
      { maxLength: 2 },
    ),
    cost_options: fc.array(object, { maxLength: 2 }),
  });
  fc.assert(
    fc.property(service, (raw) => {
      const n = normaliseService(raw, new IdMapper('property-test'));
      assert.ok(n);
      assert.deepEqual(schemaErrors('service', n.service), []);
    }),
    { numRuns: 300 },
  );
});

test('hostile text in a feed is stored and published without breaking the import', async () => {
  const nasty = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom(
      '\u0000',
      'a\u0000b',
      '\ud800',
      'x\udc00y',
      "'; drop table oruk_services; --",
      'x'.repeat(3000),
    ),
  );
  const hostile = (await findPlaceBySlug(t.db, 'hostile')) as Place;
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        id: nasty,
        name: nasty.filter((s) => s.split('\u0000').join('').trim() !== ''),
        description: nasty,
        organization: fc.record({ id: nasty, name: nasty, description: nasty }),
        contacts: fc.array(
          fc.record({ id: nasty, name: nasty, phones: fc.array(fc.record({ number: nasty })) }),
          {
            maxLength: 2,
          },
        ),
        extra: fc.dictionary(nasty, nasty, { maxKeys: 3 }),
      }),
      async (raw) => {
        const result = await importOrukFeed(ctx(hostile), [raw], { source: 'hostile', trusted: true });
        const [id] = result.serviceIds;
        assert.ok(id);
        assert.deepEqual(schemaErrors('service', await getService(ctx(hostile), id)), []);
      },
    ),
    { numRuns: 25 },
  );
});

test('importing needs the import permission unless it is the operator', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const admin = await makePerson(t.db, { roles: ['place-admin'] });
  const actor = (userId: string, roles: ('officer' | 'place-admin' | 'resident')[]) => ({
    userId,
    roles,
    platformAdmin: false,
  });
  const feed = [{ id: 'x', name: 'A service' }];
  await assert.rejects(
    importOrukFeed({ ...ctx(trafford), actor: actor(officer.userId, ['officer', 'resident']) }, feed, {
      source: 'x',
    }),
    /permission/,
  );
  await assert.rejects(importOrukFeed(ctx(trafford), feed, { source: 'x' }), /permission/);
  const ok = await importOrukFeed({ ...ctx(trafford), actor: actor(admin.userId, ['place-admin']) }, feed, {
    source: 'permission-test',
  });
  assert.equal(ok.imported, 1);
  const [audit] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from audit_log where action = 'directory.oruk.import' and actor_id = $1",
    [admin.userId],
  );
  assert.equal(audit?.n, 1);
});

test('the command line exports to a file, and imports a file or another directory’s API page by page', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-oruk-'));
  const file = path.join(dir, 'trafford.json');
  const said: string[] = [];
  await runOrukExport(
    t.db,
    { place: 'trafford', out: file },
    (m) => said.push(m),
    () => {},
  );
  assert.match(said[0] ?? '', /^Wrote \d+ services from Trafford Together/);
  const written = JSON.parse(fs.readFileSync(file, 'utf8'));

  // A file holding one service, an array, or a page of a list.
  const third = (await findPlaceBySlug(t.db, 'thirdplace')) as Place;
  const one = path.join(dir, 'one.json');
  fs.writeFileSync(one, JSON.stringify(written.contents[0]));
  await runOrukImport(t.db, { location: one, place: 'thirdplace' }, (m) => said.push(m));
  assert.match(said.at(-1) ?? '', /^Imported 1 services into Third Place from one\.json/);
  const array = path.join(dir, 'array.json');
  fs.writeFileSync(array, JSON.stringify(written.contents.slice(0, 3)));
  await runOrukImport(t.db, { location: array, place: 'thirdplace' }, (m) => said.push(m));
  assert.equal((await exportOruk(ctx(third))).total_items, 3);

  // An API: list pages (one-to-one fields only) then each service in full, all through Kith's own API.
  const requested: string[] = [];
  const fetchJson = async (url: string) => {
    requested.push(url);
    const res = await t.app.inject(url.replace('https://kith.example', ''));
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
    return res.json();
  };
  await runOrukImport(
    t.db,
    { location: 'https://kith.example/trafford/api/oruk/', place: 'thirdplace', fetchJson },
    (m) => said.push(m),
  );
  const pages = requested.filter((u) => /\/services\?page=\d+$/.test(u));
  assert.equal(pages.length, Math.ceil(written.total_items / 50));
  assert.equal(requested.length - pages.length, written.total_items);
  const imported = await exportOruk(ctx(third));
  assert.deepEqual(imported.contents, written.contents);
  fs.rmSync(dir, { recursive: true, force: true });
});

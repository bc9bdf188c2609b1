import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { useTestApp } from '../../../../test/helpers/app.js';
import { makePerson } from '../../../../test/helpers/people.js';
import type { AreaGeometry } from '../../../lib/geo/index.js';
import { Forbidden, Invalid } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Role } from '../../../platform/module-definition.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import { indexDocument, type SearchDocument } from '../../../platform/search/search-index.js';
import { upsertWards } from '../../wards/ward-service.js';
import { CATEGORIES } from '../categories.js';
import { seedSignposting } from './signposting-seed.js';
import { defaultRange, demandAndSupply, isGap, recordSignposting } from './signposting-service.js';

/**
 * A place of our own with two wards, so that the figures are exactly what the test put in,
 * whatever the demo seed lists in Trafford.
 */
const square = (x: number): AreaGeometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, 0],
      [x + 1, 0],
      [x + 1, 1],
      [x, 1],
      [x, 0],
    ],
  ],
});
const NORTH = 'E05900001';
const SOUTH = 'E05900002';

let place: Place;
let officerId: string;
const t = useTestApp(undefined, async ({ db }) => {
  await db.query(
    "insert into places (slug, name, modules) values ('testshire', 'Testshire', '{wards,directory}')",
  );
  place = (await findPlaceBySlug(db, 'testshire')) as Place;
  await upsertWards(db, place.id, [
    {
      code: NORTH,
      name: 'North Ward',
      boundary: square(0),
      displayBoundary: square(0),
      centroid: null,
      population: null,
      populationSource: null,
    },
    {
      code: SOUTH,
      name: 'South Ward',
      boundary: square(1),
      displayBoundary: square(1),
      centroid: null,
      population: null,
      populationSource: null,
    },
  ]);
  place = (await findPlaceBySlug(db, 'testshire')) as Place;
  officerId = (await makePerson(db, { roles: ['officer'], place: 'testshire' })).userId;
  const doc = (d: Partial<SearchDocument> & { refId: string }): SearchDocument => ({
    placeId: place.id,
    kind: 'group',
    title: d.refId,
    summary: '',
    url: `/testshire/groups/${d.refId}`,
    wardCode: NORTH,
    point: null,
    categories: [],
    languages: [],
    days: [],
    times: [],
    ageMin: null,
    ageMax: null,
    free: null,
    accessible: null,
    visible: true,
    ...d,
  });
  await db.transaction(async (tx) => {
    // North: one food group, one hub for food and older people; none of the rest count.
    await indexDocument(tx, doc({ refId: 'north-pantry', categories: ['food'] }));
    await indexDocument(tx, doc({ kind: 'hub', refId: 'north-hub', categories: ['food', 'older-people'] }));
    await indexDocument(
      tx,
      doc({ kind: 'service', refId: 'north-hidden', categories: ['food'], visible: false }),
    );
    await indexDocument(tx, doc({ kind: 'activity', refId: 'north-coffee', categories: ['food'] }));
    // South: a service for money and debt; and an online service with no ward.
    await indexDocument(
      tx,
      doc({ kind: 'service', refId: 'south-debt', wardCode: SOUTH, categories: ['money-debt'] }),
    );
    await indexDocument(
      tx,
      doc({ kind: 'service', refId: 'online-advice', wardCode: null, categories: ['money-debt'] }),
    );
  });
});

function as(roles: Role[]): ServiceContext {
  return { db: t.db, place, actor: { userId: officerId, roles, platformAdmin: false } };
}

/** Signpostings at given instants, straight into the table (the service stamps "now"). */
async function signposted(ward: string, category: string, at: string, n = 1) {
  for (let i = 0; i < n; i++) {
    await t.db.query(
      `insert into directory_signpostings (place_id, category, ward_code, destination_kind, destination_text, created_at)
       values ($1, $2, $3, 'other', 'Somewhere', $4)`,
      [place.id, category, ward, at],
    );
  }
}

async function clear() {
  await t.db.query('delete from directory_signpostings where place_id = $1', [place.id]);
}

test('demand against supply, counted by hand', async () => {
  await clear();
  await signposted(SOUTH, 'food', '2026-05-10T10:00:00Z', 4); // no food listed in South: a gap
  await signposted(NORTH, 'food', '2026-05-10T10:00:00Z', 2); // two listed for food in North: not a gap
  await signposted(NORTH, 'older-people', '2026-05-11T10:00:00Z', 6); // 6 against 1: a gap
  await signposted(SOUTH, 'money-debt', '2026-05-12T10:00:00Z', 3); // 3 against 1: a gap, just
  await signposted(NORTH, 'housing', '2026-05-12T10:00:00Z', 2); // 2 against 0: too few to call
  await signposted(NORTH, 'food', '2025-01-01T10:00:00Z', 9); // outside the period
  await signposted('E05000000', 'food', '2026-05-12T10:00:00Z', 1); // a ward since abolished

  const r = await demandAndSupply(as(['officer']), { from: '2026-05-01', to: '2026-05-31' });
  const cell = (ward: string, category: string) => {
    const c = r.cells.find((x) => x.wardCode === ward && x.category === category);
    return c && { demand: c.demand, supply: c.supply, gap: c.gap };
  };
  assert.equal(r.cells.length, 2 * CATEGORIES.length);
  assert.deepEqual(cell(SOUTH, 'food'), { demand: 4, supply: 0, gap: true });
  assert.deepEqual(cell(NORTH, 'food'), { demand: 2, supply: 2, gap: false });
  assert.deepEqual(cell(NORTH, 'older-people'), { demand: 6, supply: 1, gap: true });
  assert.deepEqual(cell(SOUTH, 'money-debt'), { demand: 3, supply: 1, gap: true });
  assert.deepEqual(cell(NORTH, 'housing'), { demand: 2, supply: 0, gap: false });
  assert.deepEqual(cell(NORTH, 'money-debt'), { demand: 0, supply: 0, gap: false });

  assert.deepEqual(
    r.byWard.map((w) => [w.wardName, w.demand, w.supply, w.gaps]),
    [
      ['North Ward', 10, 2, 1],
      ['South Ward', 7, 1, 2],
    ],
  );
  const food = r.byCategory.find((c) => c.category === 'food');
  assert.deepEqual(food && [food.demand, food.supply, food.gaps], [6, 2, 1]);
  assert.deepEqual(r.totals, { demand: 17, supply: 3, gaps: 3, demandInOldWards: 1, supplyWithoutWard: 1 });
  // Largest shortfall first.
  assert.deepEqual(
    r.gaps.map((g) => `${g.wardName}/${g.category}`),
    ['North Ward/older-people', 'South Ward/food', 'South Ward/money-debt'],
  );
});

test('the gap rule: at least 3 signpostings and 3 for every listing', () => {
  assert.equal(isGap(2, 0), false);
  assert.equal(isGap(3, 0), true);
  assert.equal(isGap(3, 1), true);
  assert.equal(isGap(5, 2), false);
  assert.equal(isGap(6, 2), true);
});

test('periods are whole days in London, in winter and in summer time', async () => {
  await clear();
  // GMT: a London day is midnight to midnight UTC.
  await signposted(NORTH, 'food', '2026-01-14T23:59:59Z'); // 14 Jan: out
  await signposted(NORTH, 'food', '2026-01-15T00:00:00Z'); // 15 Jan: in
  await signposted(NORTH, 'food', '2026-01-15T23:59:59Z'); // 15 Jan: in
  await signposted(NORTH, 'food', '2026-01-16T00:00:00Z'); // 16 Jan: out
  // BST: a London day starts at 23:00 UTC the day before.
  await signposted(SOUTH, 'food', '2026-06-30T22:59:59Z'); // 30 Jun 23:59:59: out
  await signposted(SOUTH, 'food', '2026-06-30T23:00:00Z'); // 1 Jul 00:00: in
  await signposted(SOUTH, 'food', '2026-07-01T22:59:59Z'); // 1 Jul 23:59:59: in
  await signposted(SOUTH, 'food', '2026-07-01T23:00:00Z'); // 2 Jul 00:00: out
  // The clocks go forward on 29 March 2026 at 01:00 UTC: that day is 23 hours long.
  await signposted(NORTH, 'housing', '2026-03-28T23:59:59Z'); // 28 Mar: out
  await signposted(NORTH, 'housing', '2026-03-29T00:00:00Z'); // 29 Mar 00:00 GMT: in
  await signposted(NORTH, 'housing', '2026-03-29T22:59:59Z'); // 29 Mar 23:59:59 BST: in
  await signposted(NORTH, 'housing', '2026-03-29T23:00:00Z'); // 30 Mar: out

  const demandIn = async (from: string, to: string, ward: string, category: string) =>
    (await demandAndSupply(as(['officer']), { from, to })).cells.find(
      (c) => c.wardCode === ward && c.category === category,
    )?.demand;
  assert.equal(await demandIn('2026-01-15', '2026-01-15', NORTH, 'food'), 2);
  assert.equal(await demandIn('2026-01-14', '2026-01-16', NORTH, 'food'), 4);
  assert.equal(await demandIn('2026-07-01', '2026-07-01', SOUTH, 'food'), 2);
  assert.equal(await demandIn('2026-06-30', '2026-07-02', SOUTH, 'food'), 4);
  assert.equal(await demandIn('2026-03-29', '2026-03-29', NORTH, 'housing'), 2);
});

test('bad periods are field errors; the default is the last twelve months', async () => {
  const refused = async (from: string, to: string) => {
    const error = await demandAndSupply(as(['officer']), { from, to }).catch((e: unknown) => e);
    assert.ok(error instanceof Invalid, `${from}..${to}`);
    return error.fieldErrors;
  };
  assert.deepEqual(await refused('2026-05-02', '2026-05-01'), {
    to: 'directory.signposting.errors.toBeforeFrom',
  });
  assert.deepEqual(await refused('2026-02-30', '2026-03-01'), {
    from: 'directory.signposting.errors.fromInvalid',
  });
  assert.deepEqual(await refused('yesterday', '2026-03-01'), {
    from: 'directory.signposting.errors.fromInvalid',
  });
  // Late on 31 December UTC is still 31 December in London; early on 1 July UTC is 1 July (BST).
  assert.deepEqual(defaultRange(new Date('2026-12-31T23:30:00Z')), { from: '2026-01-01', to: '2026-12-31' });
  assert.deepEqual(defaultRange(new Date('2026-06-30T23:30:00Z')), { from: '2025-07-02', to: '2026-07-01' });
});

test('only those who may see signposting get the figures; only connectors record', async () => {
  await assert.rejects(demandAndSupply(as(['resident']), defaultRange()), Forbidden);
  await assert.rejects(
    recordSignposting(as(['resident', 'organiser']), {
      category: 'food',
      ward: NORTH,
      destination: 'other',
      destinationText: 'x',
    }),
    Forbidden,
  );
  const ok = await recordSignposting(as(['connector']), {
    category: 'food',
    ward: 'north-ward',
    destination: 'hub:north-hub',
  });
  assert.ok(ok.id);
  // Visible listings anywhere in the place may be chosen; hidden ones and activities may not.
  for (const destination of ['service:north-hidden', 'group:north-coffee', 'activity:north-coffee']) {
    await assert.rejects(
      recordSignposting(as(['connector']), { category: 'food', ward: SOUTH, destination }),
      Invalid,
      destination,
    );
  }
});

test('the figures download as CSV and JSON for the period asked', async () => {
  await clear();
  await signposted(SOUTH, 'food', '2026-05-10T10:00:00Z', 4);
  const officer = await makePerson(t.db, { roles: ['officer'], place: 'testshire' });
  const csv = await t.app.inject({
    url: '/testshire/api/signposting/demand.csv?from=2026-05-01&to=2026-05-31',
    headers: { cookie: officer.cookie },
  });
  assert.equal(csv.statusCode, 200);
  assert.match(csv.headers['content-type'] as string, /^text\/csv/);
  const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 2 * CATEGORIES.length);
  assert.deepEqual(
    rows.find((r) => r.ward_code === SOUTH && r.category === 'food'),
    {
      from: '2026-05-01',
      to: '2026-05-31',
      ward_code: SOUTH,
      ward_name: 'South Ward',
      category: 'food',
      category_name: 'Food',
      signpostings: '4',
      listings: '0',
      gap: 'true',
    },
  );
  const json = (
    await t.app.inject({
      url: '/testshire/api/signposting/demand.json?from=2026-05-01&to=2026-05-31',
      headers: { cookie: officer.cookie },
    })
  ).json();
  assert.equal(json.totals.signpostings, 4);
  assert.equal(json.totals.gaps, 1);
  assert.deepEqual(
    json.by_ward.map((w: { ward_name: string; signpostings: number }) => [w.ward_name, w.signpostings]),
    [
      ['North Ward', 0],
      ['South Ward', 4],
    ],
  );
  // Outside the period, nothing.
  const before = (
    await t.app.inject({
      url: '/testshire/api/signposting/demand.json?from=2026-04-01&to=2026-04-30',
      headers: { cookie: officer.cookie },
    })
  ).json();
  assert.equal(before.totals.signpostings, 0);

  const bad = await t.app.inject({
    url: '/testshire/api/signposting/demand.json?from=2026-05-31&to=2026-05-01',
    headers: { cookie: officer.cookie },
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.headers['content-type'] as string, /^application\/problem\+json/);
  assert.equal(bad.json().errors[0].field, 'to');
});

test('the demand page highlights gaps and takes its period from the date boxes', async () => {
  await clear();
  await signposted(SOUTH, 'food', '2026-05-10T10:00:00Z', 4);
  await signposted(NORTH, 'food', '2026-05-10T10:00:00Z', 1);
  const officer = await makePerson(t.db, { roles: ['officer'], place: 'testshire' });
  const page = await t.app.inject({
    url: '/testshire/connectors/demand?from-day=1&from-month=5&from-year=2026&to-day=31&to-month=5&to-year=2026',
    headers: { cookie: officer.cookie },
  });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /1 May 2026 to 31 May 2026/);
  const gaps = /<table class="govuk-table" id="gaps-table">([\s\S]*?)<\/table>/.exec(page.body)?.[1] ?? '';
  assert.match(
    gaps,
    /South Ward<\/th>\s*<td class="govuk-table__cell">Food<\/td>\s*<td[^>]*>4<\/td>\s*<td[^>]*>0<\/td>/,
  );
  assert.doesNotMatch(gaps, /North Ward/);
  assert.doesNotMatch(page.body, /id="detail-table"/);
  assert.match(
    page.body,
    /href="\/testshire\/api\/signposting\/demand\.csv\?from=2026-05-01&amp;to=2026-05-31"/,
  );
  // Each ward opens to its every subject, for the same period.
  const link =
    /href="(\/testshire\/connectors\/demand\?from=2026-05-01&amp;to=2026-05-31&amp;ward=south-ward)#detail"/.exec(
      page.body,
    )?.[1];
  assert.ok(link, 'the ward links to its detail');
  const south = await t.app.inject({ url: link.replace(/&amp;/g, '&'), headers: { cookie: officer.cookie } });
  const detail =
    /<table class="govuk-table" id="detail-table">([\s\S]*?)<\/table>/.exec(south.body)?.[1] ?? '';
  assert.equal(detail.match(/<tr class="govuk-table__row">/g)?.length, CATEGORIES.length + 1);
  assert.equal(detail.match(/govuk-tag--red">Gap</g)?.length, 1);
  assert.match(
    detail,
    /Food<\/th>\s*<td[^>]*>4<\/td>\s*<td[^>]*>0<\/td>\s*<td[^>]*><strong class="govuk-tag govuk-tag--red">Gap/,
  );
  assert.match(south.body, /<input type="hidden" name="ward" value="south-ward">/);

  const bad = await t.app.inject({
    url: '/testshire/connectors/demand?from-day=31&from-month=2&from-year=2026&to-day=1&to-month=3&to-year=2026',
    headers: { cookie: officer.cookie },
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /<a href="#from-day">Enter the start date as a real date/);
  assert.match(bad.body, /name="from-day" type="text" value="31" inputmode="numeric"/);
});

test('the demo seed gives Trafford a year of signposting with some gaps, once', async () => {
  const trafford = (await findPlaceBySlug(t.db, 'trafford')) as Place;
  const seed = { db: t.db, place: trafford, log: () => {} };
  // The test database comes seeded; start this place's signposting from nothing.
  await t.db.query('delete from directory_signpostings where place_id = $1', [trafford.id]);
  await seedSignposting(seed, 120);
  await seedSignposting(seed, 120);
  const officer: ServiceContext = {
    db: t.db,
    place: trafford,
    actor: { userId: officerId, roles: ['officer'], platformAdmin: false },
  };
  const r = await demandAndSupply(officer, defaultRange());
  assert.equal(r.totals.demand, 120);
  assert.ok(r.totals.gaps > 0);
  assert.ok(r.byWard.every((w) => w.wardCode.startsWith('E05')));
});

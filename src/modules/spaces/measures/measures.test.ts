import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { submitForm } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import { measureStats, placeMeasures, spaceMeasures } from './measure-service.js';

const t = useTestApp();
const G = Array.from({ length: 9 }, () => randomUUID());

async function context(): Promise<ServiceContext> {
  const place = (await findPlaceBySlug(t.db, 'trafford')) as Place;
  return { db: t.db, place, actor: null };
}

async function addSpace(slug: string): Promise<string> {
  const { place } = await context();
  const [row] = await t.db.query<{ id: string }>(
    `insert into spaces (place_id, slug, name, kind, owner_type) values ($1, $2, $3, 'hall', 'community') returning id`,
    [place.id, slug, `Hall ${slug}`],
  );
  return row?.id as string;
}

async function book(
  spaceId: string,
  from: string,
  to: string,
  o: { group?: string | null; hirer?: string; status?: string } = {},
) {
  const { place } = await context();
  await t.db.query(
    `insert into space_bookings (place_id, space_id, group_id, hirer_type, title, during, status)
     values ($1, $2, $3, $4, 'Test', tstzrange($5, $6, '[)'), $7)`,
    [place.id, spaceId, o.group ?? null, o.hirer ?? 'community-group', from, to, o.status ?? 'confirmed'],
  );
}

async function activity(
  spaceId: string,
  group: string | null,
  sessions: [string, string, boolean?][],
  status = 'active',
) {
  const { place } = await context();
  const [a] = await t.db.query<{ id: string }>(
    `insert into activities (place_id, space_id, group_id, title, category, status)
     values ($1, $2, $3, 'Test activity', 'social', $4) returning id`,
    [place.id, spaceId, group, status],
  );
  for (const [s, e, cancelled] of sessions)
    await t.db.query(
      'insert into activity_sessions (activity_id, starts_at, ends_at, cancelled) values ($1, $2, $3, $4)',
      [a?.id ?? null, s, e, cancelled ?? false],
    );
}

/** One hall used through 2026, across both clock changes, with what must and must not count. */
const HALL = 'measure-hall';
let ready: Promise<void> | null = null;
function setUp() {
  ready ??= (async () => {
    const hall = await addSpace(HALL);
    // 00:30 GMT to 02:30 BST on Sunday 29 March: one real hour, either side of the missing 01:00.
    await book(hall, '2026-03-29T00:30:00Z', '2026-03-29T01:30:00Z', { group: G[1] });
    // 01:00 BST to 02:00 GMT on Sunday 25 October: 01:00 to 02:00 twice, two hours.
    await book(hall, '2026-10-25T00:00:00Z', '2026-10-25T02:00:00Z', { group: G[1] });
    await book(hall, '2026-06-10T09:00:00Z', '2026-06-10T11:00:00Z', { group: G[2], hirer: 'charity' });
    await book(hall, '2026-06-11T13:00:00Z', '2026-06-11T17:00:00Z', { hirer: 'commercial' });
    // New Year's Eve party: one of its two hours is in 2026.
    await book(hall, '2025-12-31T23:00:00Z', '2026-01-01T01:00:00Z', { group: G[5], hirer: 'resident' });
    // Not counted: waiting, cancelled, another year.
    await book(hall, '2026-07-01T09:00:00Z', '2026-07-01T11:00:00Z', { group: G[3], status: 'pending' });
    await book(hall, '2026-07-02T09:00:00Z', '2026-07-02T11:00:00Z', { group: G[4], status: 'cancelled' });
    await book(hall, '2027-02-01T09:00:00Z', '2027-02-01T11:00:00Z', { group: G[6] });
    // A new activity in 2026 run by a group; one that began in 2025 (not new); one withdrawn.
    await activity(hall, G[7] as string, [['2026-05-01T09:00:00Z', '2026-05-01T10:00:00Z']]);
    await activity(hall, G[1] as string, [
      ['2025-11-02T10:00:00Z', '2025-11-02T11:00:00Z'],
      ['2026-02-02T10:00:00Z', '2026-02-02T11:00:00Z'],
    ]);
    await activity(hall, G[8] as string, [['2026-08-01T09:00:00Z', '2026-08-01T10:00:00Z']], 'withdrawn');
    // An activity whose first session was cancelled and whose first held one is in 2026: new.
    await activity(hall, null, [
      ['2025-12-01T10:00:00Z', '2025-12-01T11:00:00Z', true],
      ['2026-01-05T10:00:00Z', '2026-01-05T11:00:00Z'],
    ]);
  })();
  return ready;
}

test('a space’s figures for 2026: distinct groups, new activities, community and commercial hours', async () => {
  await setUp();
  const m = await spaceMeasures(await context(), HALL, 2026);
  // G1 (twice, and its activity), G2, G5 (the party reaching into 2026), G7 (its activity).
  assert.equal(m.distinctGroups, 4);
  assert.equal(m.newActivities, 2);
  assert.equal(m.hours.community, 6); // 1 + 2 + 2 (charity) + 1 (resident)
  assert.equal(m.hours.commercial, 4);
  assert.deepEqual(m.hours.byHirer, { 'community-group': 3, resident: 1, charity: 2, commercial: 4 });
  const sunday = m.occupancy.cells[6];
  // 29 March: the hour that does not exist adds nothing; the booking lands either side of it.
  assert.equal(sunday?.[0]?.occupiedMinutes, 30);
  assert.equal(sunday?.[2]?.occupiedMinutes, 30);
  // 25 October: both 01:00s; the cell has 52 Sundays' worth of minutes (one lost, one gained).
  assert.equal(sunday?.[1]?.occupiedMinutes, 120);
  assert.equal(sunday?.[1]?.totalMinutes, 52 * 60);
  // Wednesday 10 June 10:00–12:00 BST.
  assert.equal(m.occupancy.cells[2]?.[10]?.occupiedMinutes, 60);
  assert.equal(m.occupancy.cells[2]?.[9]?.occupiedMinutes, 0);
  assert.equal(m.occupancy.totalMinutes, 365 * 24 * 60);
  // Bookings 1 + 2 + 2 + 4 + 1 hours and three sessions of an hour held in 2026.
  assert.equal(m.occupancy.occupiedMinutes, 13 * 60);
});

test('the place counts a group once however many spaces it uses', async () => {
  // 2025 has nothing from the demo data (its bookings are recent weeks, its activities ahead).
  const a = await addSpace('measure-a');
  const b = await addSpace('measure-b');
  await book(a, '2025-05-05T09:00:00Z', '2025-05-05T10:00:00Z', { group: G[0] });
  await book(b, '2025-05-06T09:00:00Z', '2025-05-06T10:00:00Z', { group: G[0] });
  await book(b, '2025-05-07T09:00:00Z', '2025-05-07T12:00:00Z', { group: G[2], hirer: 'commercial' });
  await setUp();
  const m = await placeMeasures(await context(), 2025);
  const bySlug = new Map(m.spaces.map((s) => [s.space.slug, s]));
  assert.equal(bySlug.get('measure-a')?.distinctGroups, 1);
  assert.equal(bySlug.get('measure-b')?.distinctGroups, 2);
  // G0 in both, G2 in b, and the hall's 2025 activity run by G1 (its party is 2026's).
  assert.equal(bySlug.get(HALL)?.distinctGroups, 2); // G1's activity and G5's party, which began in 2025
  assert.equal(m.distinctGroups, 4);
  assert.equal(m.hours.commercial, 3);
  assert.equal(m.hours.community, 2 + 1);
});

test('the pages show the figures, an SVG heat map with a text alternative and the table behind it', async () => {
  await setUp();
  const page = await t.app.inject(`/trafford/spaces/${HALL}/use?year=2026`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /How Hall measure-hall is used in 2026/);
  assert.match(
    page.body,
    /<svg class="kith-heat-map__wide" role="img" aria-labelledby="heat-map-title heat-map-desc"/,
  );
  assert.match(page.body, /<title id="heat-map-title">Heat map: how full Hall measure-hall was/);
  // The busiest hour is named in words, not only shown in colour.
  // Mondays 10:00 (two sessions in GMT) tie with Sundays 01:00 at 120 of 3,120 minutes: the first wins.
  assert.match(page.body, /Busiest: Monday 10:00 \(4%\)/);
  assert.match(
    page.body,
    /<caption[^>]*>Percentage of each hour in use in 2026, by day of the week<\/caption>/,
  );
  // Sunday 01:00–02:00 row: the 8th column (Sunday) is 4% (120 of 3,120 minutes).
  const row = /<th scope="row" class="govuk-table__header">01:00 to 02:00<\/th>(.*?)<\/tr>/s.exec(
    page.body,
  )?.[1];
  assert.ok(row);
  assert.deepEqual(
    [...row.matchAll(/>([^<]*)<\/td>/g)].map((c) => c[1]),
    ['0%', '0%', '0%', '0%', '0%', '0%', '4%'],
  );
  assert.match(page.body, /Groups using it<\/dt><dd class="govuk-summary-list__value">4</);
  assert.match(page.body, /Hours of commercial hire<\/dt><dd class="govuk-summary-list__value">4 hours/);
  assert.match(page.body, /href="\/trafford\/spaces\/measure-hall\/use\?year=2025"/);
  // 13 hours of 8,760 is 0.15%: shown as "under 1%", never as 0% beside a shaded map.
  assert.match(page.body, /In use, round the clock<\/dt><dd class="govuk-summary-list__value">under 1%</);

  const place = await t.app.inject('/trafford/spaces/use?year=2026');
  assert.equal(place.statusCode, 200);
  assert.match(place.body, /How Trafford Together’s spaces are used in 2026/);
  assert.match(place.body, /href="\/trafford\/spaces\/measure-hall\/use\?year=2026">Hall measure-hall<\/a>/);
  assert.match(place.body, /Stretford Library meeting room/);

  for (const url of ['/trafford/spaces/use?year=1066', `/trafford/spaces/${HALL}/use?year=soon`]) {
    assert.equal((await t.app.inject(url)).statusCode, 422, url);
  }
  assert.equal((await t.app.inject('/trafford/spaces/no-such-hall/use')).statusCode, 404);
  const problem = await t.app.inject('/trafford/api/spaces/use?year=20260');
  assert.equal(problem.statusCode, 422);
  assert.match(String(problem.headers['content-type']), /application\/problem\+json/);
});

test('JSON and CSV carry the same figures per space, and the stats the place’s', async () => {
  await setUp();
  const json = JSON.parse((await t.app.inject('/trafford/api/spaces/use?year=2026')).body);
  assert.equal(json.year, 2026);
  const hall = json.contents.find((i: { slug: string }) => i.slug === HALL);
  assert.equal(hall.distinct_groups, 4);
  assert.equal(hall.new_activities, 2);
  assert.equal(hall.community_hours, 6);
  assert.equal(hall.commercial_hours, 4);
  assert.equal(hall.hours_by_hirer.charity, 2);
  assert.equal(hall.hour_of_week.length, 7);
  assert.equal(hall.hour_of_week[6].length, 24);
  assert.equal(hall.hour_of_week[6][1], Math.round((120 / 3120) * 10_000) / 10_000);
  assert.equal(hall.url, '/trafford/spaces/measure-hall/use?year=2026');

  const csv = await t.app.inject('/trafford/api/spaces/use.csv?year=2026');
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  const [header, ...lines] = csv.body.trim().split('\n');
  assert.equal(
    header,
    'slug,name,ward_code,url,year,distinct_groups,new_activities,community_hours,commercial_hours,hours_community_group,hours_resident,hours_charity,hours_commercial,occupancy_share,occupied_minutes',
  );
  assert.ok(
    lines.includes(
      `${HALL},Hall measure-hall,,/trafford/spaces/measure-hall/use?year=2026,2026,4,2,6,4,3,1,2,4,${hall.occupancy_share},780`,
    ),
  );

  const ctx = await context();
  const stats = await measureStats(ctx, new Date('2026-06-01T12:00:00Z'));
  const place = await placeMeasures(ctx, 2026);
  const value = (key: string) => stats.find((s) => s.key === key)?.value;
  assert.equal(value('spaces.groups'), place.distinctGroups);
  assert.equal(value('spaces.activities.new'), place.newActivities);
  assert.equal(value('spaces.hours.community'), place.hours.community);
  assert.equal(value('spaces.hours.commercial'), place.hours.commercial);
  assert.ok((value('spaces.hours.community') ?? 0) >= 6);
  assert.equal(json.place.distinct_groups, place.distinctGroups);
});

test('"use" is never a space’s address: a space called Use gets another', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const res = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: '/trafford/spaces/new',
    postUrl: '/trafford/spaces',
    fields: {
      name: 'Use',
      kind: 'hall',
      ownerType: 'community',
      address: 'High Street',
      ward: 'flixton',
      priceCommunityGroup: '',
    },
  });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/trafford/spaces/use-2?saved=1');
});

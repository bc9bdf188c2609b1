import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import { usePeriodFrom } from './monthly-service.js';

const t = useTestApp();
const G = Array.from({ length: 4 }, () => randomUUID());
const HALL = 'month-hall';

async function place(): Promise<Place> {
  return (await findPlaceBySlug(t.db, 'trafford')) as Place;
}

/** A hall open round the clock every day of 2026 but Christmas Day, with bookings at the edges. */
let ready: Promise<void> | null = null;
function setUp() {
  ready ??= (async () => {
    const p = await place();
    const [hall] = await t.db.query<{ id: string }>(
      `insert into spaces (place_id, slug, name, kind, owner_type) values ($1, $2, 'Month Hall', 'hall', 'community') returning id`,
      [p.id, HALL],
    );
    const id = hall?.id as string;
    for (let weekday = 1; weekday <= 7; weekday++)
      await t.db.query(
        "insert into space_opening_hours (space_id, weekday, opens, closes) values ($1, $2, '00:00', '24:00')",
        [id, weekday],
      );
    await t.db.query(
      "insert into space_opening_exceptions (space_id, on_date, reason) values ($1, '2026-12-25', 'Christmas Day')",
      [id],
    );
    const book = (from: string, to: string, o: { group?: string; hirer?: string; status?: string } = {}) =>
      t.db.query(
        `insert into space_bookings (place_id, space_id, group_id, hirer_type, title, during, status)
         values ($1, $2, $3, $4, 'Test', tstzrange($5, $6, '[)'), $7)`,
        [p.id, id, o.group ?? null, o.hirer ?? 'community-group', from, to, o.status ?? 'confirmed'],
      );
    // 22:00 on 31 January to 02:00 on 1 February (GMT): two hours in each month.
    await book('2026-01-31T22:00:00Z', '2026-02-01T02:00:00Z', { group: G[0] });
    // 23:00 BST on 31 March to 01:00 BST on 1 April: an hour in each.
    await book('2026-03-31T22:00:00Z', '2026-04-01T00:00:00Z', { group: G[1], hirer: 'charity' });
    // 00:30 BST to 03:00 GMT on 25 October, across the clocks going back: three and a half hours.
    await book('2026-10-24T23:30:00Z', '2026-10-25T03:00:00Z', { hirer: 'commercial' });
    // Christmas Day, when it is closed: hours booked, but no share of opening hours.
    await book('2026-12-25T10:00:00Z', '2026-12-25T12:00:00Z', { hirer: 'resident' });
    // Not counted: waiting and cancelled.
    await book('2026-06-01T10:00:00Z', '2026-06-01T12:00:00Z', { group: G[3], status: 'pending' });
    await book('2026-06-02T10:00:00Z', '2026-06-02T12:00:00Z', { group: G[3], status: 'cancelled' });
    // A group's activity in May counts the group, not hours booked.
    const [a] = await t.db.query<{ id: string }>(
      `insert into activities (place_id, space_id, group_id, title, category) values ($1, $2, $3, 'Knit and natter', 'social') returning id`,
      [p.id, id, G[2] as string],
    );
    await t.db.query(
      "insert into activity_sessions (activity_id, starts_at, ends_at) values ($1, '2026-05-05T09:00:00Z', '2026-05-05T10:00:00Z')",
      [a?.id ?? null],
    );
  })();
  return ready;
}

type MonthJson = {
  month: string;
  hours_open: number;
  hours_booked: number;
  hours_booked_when_open: number;
  occupancy_percent: number;
  community_hours: number;
  commercial_hours: number;
  distinct_groups: number;
};

test('the period is the last twelve months up to this one, or a calendar year', () => {
  assert.deepEqual(usePeriodFrom(undefined, new Date('2026-03-31T23:30:00Z')), {
    year: null,
    first: '2025-05',
    last: '2026-04',
  });
  assert.deepEqual(usePeriodFrom('2026'), { year: 2026, first: '2026-01', last: '2026-12' });
});

test('JSON: hours open are real hours (743 in March, 745 in October), bookings split at month ends', async () => {
  await setUp();
  const res = await t.app.inject('/trafford/api/spaces/use/months?year=2026');
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.from, '2026-01');
  assert.equal(body.to, '2026-12');
  assert.equal(body.time_zone, 'Europe/London');
  const hall = body.contents.find((i: { slug: string }) => i.slug === HALL);
  assert.equal(hall.url, '/trafford/spaces/month-hall/use/months?year=2026');
  const month = new Map<string, MonthJson>(hall.months.map((m: MonthJson) => [m.month, m]));
  assert.equal(month.get('2026-01')?.hours_open, 744);
  assert.equal(month.get('2026-01')?.hours_booked, 2);
  assert.equal(month.get('2026-01')?.distinct_groups, 1);
  assert.equal(month.get('2026-02')?.hours_open, 672);
  assert.equal(month.get('2026-02')?.hours_booked, 2);
  assert.equal(month.get('2026-02')?.distinct_groups, 1);
  assert.equal(month.get('2026-03')?.hours_open, 743);
  assert.equal(month.get('2026-03')?.hours_booked, 1);
  assert.equal(month.get('2026-04')?.community_hours, 1);
  assert.equal(month.get('2026-05')?.hours_booked, 0);
  assert.equal(month.get('2026-05')?.distinct_groups, 1);
  assert.equal(month.get('2026-06')?.hours_booked, 0);
  assert.equal(month.get('2026-10')?.hours_open, 745);
  assert.equal(month.get('2026-10')?.commercial_hours, 3.5);
  // 3.5 of 745 hours is 0.4698%: 0.5 to one decimal place.
  assert.equal(month.get('2026-10')?.occupancy_percent, 0.5);
  assert.equal(month.get('2026-12')?.hours_open, 31 * 24 - 24);
  assert.equal(month.get('2026-12')?.hours_booked, 2);
  assert.equal(month.get('2026-12')?.hours_booked_when_open, 0);
  assert.equal(month.get('2026-12')?.occupancy_percent, 0);
  assert.equal(hall.total.hours_open, 365 * 24 - 24);
  assert.equal(hall.total.hours_booked, 2 + 2 + 1 + 1 + 3.5 + 2);
  assert.equal(hall.total.distinct_groups, 3);
  // The place adds up its spaces.
  assert.ok(body.place.total.hours_open >= hall.total.hours_open);
  assert.equal(body.place.months.length, 12);

  const csv = await t.app.inject('/trafford/api/spaces/use/months.csv?year=2026');
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  const [header, ...lines] = csv.body.trim().split('\n');
  assert.equal(
    header,
    'scope,slug,name,month,hours_open,hours_booked,hours_booked_when_open,occupancy_percent,community_hours,commercial_hours,distinct_groups',
  );
  assert.ok(lines.includes('space,month-hall,Month Hall,2026-10,745,3.5,3.5,0.5,0,3.5,0'));
  assert.equal(lines.filter((l) => l.startsWith('place,trafford,')).length, 12);
});

test('the pages: a table with a caption and numeric columns, an SVG chart with a text alternative, other periods', async () => {
  await setUp();
  const page = await t.app.inject(`/trafford/spaces/${HALL}/use/months?year=2026`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /How Month Hall is used month by month/);
  assert.match(page.body, /<caption[^>]*>Month by month, January 2026 to December 2026<\/caption>/);
  assert.match(
    page.body,
    /<svg class="kith-chart__svg" role="img" aria-labelledby="months-chart-title months-chart-desc"/,
  );
  assert.match(
    page.body,
    /<title id="months-chart-title">Bar chart: share of opening hours booked at Month Hall/,
  );
  const row = /<th scope="row" class="govuk-table__header">October 2026<\/th>(.*?)<\/tr>/s.exec(
    page.body,
  )?.[1];
  assert.ok(row);
  assert.deepEqual(
    [...row.matchAll(/<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)<\/td>/g)].map(
      (c) => c[1],
    ),
    ['745', '3.5', '0.5%', '0', '3.5', '0'],
  );
  // Rounded to one decimal place, and the page says how.
  assert.match(page.body, /rounded to one decimal place \(to the nearest 0\.1%, halves rounding up\)/);
  assert.match(page.body, /href="\/trafford\/spaces\/month-hall\/use\/months\?year=2025"/);
  assert.match(page.body, /href="\/trafford\/spaces\/month-hall\/use\/months">The last 12 months/);
  assert.match(page.body, /href="\/trafford\/api\/spaces\/use\/months.csv\?year=2026"/);

  // Public, like the year's figures: no sign-in needed.
  const rolling = await t.app.inject(`/trafford/spaces/${HALL}/use/months`);
  assert.equal(rolling.statusCode, 200);
  assert.match(rolling.body, /This month is counted whole/);
  const placePage = await t.app.inject('/trafford/spaces/use/months?year=2026');
  assert.equal(placePage.statusCode, 200);
  assert.match(placePage.body, /All spaces together, month by month, January 2026 to December 2026/);
  assert.match(
    placePage.body,
    /href="\/trafford\/spaces\/month-hall\/use\/months\?year=2026">Month Hall<\/a>/,
  );
  assert.match(
    (await t.app.inject(`/trafford/spaces/${HALL}/use?year=2026`)).body,
    /href="\/trafford\/spaces\/month-hall\/use\/months\?year=2026">Month by month/,
  );

  assert.equal((await t.app.inject('/trafford/spaces/use/months?year=1066')).statusCode, 422);
  assert.equal((await t.app.inject('/trafford/api/spaces/use/months?year=next')).statusCode, 422);
  assert.equal((await t.app.inject('/trafford/spaces/no-such-hall/use/months')).statusCode, 404);
});

test('the heat map is drawn wide for desktops and on its side for phones, both with a title', async () => {
  await setUp();
  const page = await t.app.inject(`/trafford/spaces/${HALL}/use?year=2026`);
  assert.match(
    page.body,
    /<svg class="kith-heat-map__wide" role="img" aria-labelledby="heat-map-title heat-map-desc"/,
  );
  assert.match(
    page.body,
    /<svg class="kith-heat-map__tall" role="img" aria-labelledby="heat-map-tall-title heat-map-tall-desc" viewBox="0 0 314 504" width="314"/,
  );
  const tall = /<svg class="kith-heat-map__tall"(.*?)<\/svg>/s.exec(page.body)?.[1] ?? '';
  // 24 hours down, 7 days across.
  assert.equal((tall.match(/<rect /g) ?? []).length, 24 * 7);
  assert.match(tall, />23:00<\/text>/);
  assert.match(tall, />Sun<\/text>/);
});

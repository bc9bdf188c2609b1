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
      [a?.id, s, e, cancelled ?? false],
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

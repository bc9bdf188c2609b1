import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import validator from '@openactive/data-model-validator';
import ICAL from 'ical.js';
import { useTestApp } from '../../../../test/helpers/app.js';
import { makePerson } from '../../../../test/helpers/people.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { findPlaceBySlug } from '../../../platform/places/place-service.js';
import { DEMO_ACTIVITY_ID } from '../activities/activity-seed.js';
import { createActivity, setSessionCancelled, withdrawActivity } from '../activities/activity-service.js';
import { bookSpace, cancelBooking } from '../bookings/booking-service.js';
import { addDays } from '../bookings/booking-time.js';
import { londonToday, setSpaceStatus } from '../spaces/space-service.js';
import { refreshAllSlots, syncSpaceSlots } from './slot-service.js';

const t = useTestApp();

async function officerCtx(): Promise<ServiceContext> {
  const place = await findPlaceBySlug(t.db, 'trafford');
  assert.ok(place);
  const officer = await makePerson(t.db, { roles: ['officer'] });
  return { db: t.db, place, actor: { userId: officer.userId, roles: ['officer'], platformAdmin: false } };
}

/** A Sunday morning class from 22 March 2026 to 8 November 2026: both clock changes of 2026. */
async function sundayClass(ctx: ServiceContext) {
  return createActivity(
    ctx,
    {
      space: 'stretford-public-hall',
      title: 'Sunday stretch',
      category: 'exercise',
      'date-day': '22',
      'date-month': '3',
      'date-year': '2026',
      startTime: '10:00',
      endTime: '11:00',
      repeat: 'weekly',
      weeks: '34',
    },
    new Date('2026-03-01T12:00:00Z'),
  );
}

type Ev = { start: string; end: string; local: string; status: string | null; summary: string };

function parseIcs(body: string): Ev[] {
  const cal = new ICAL.Component(ICAL.parse(body));
  return cal.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    const start = e.startDate.toJSDate();
    return {
      start: start.toISOString(),
      end: e.endDate.toJSDate().toISOString(),
      local: new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/London',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(start),
      status: (v.getFirstPropertyValue('status') as string | null) ?? null,
      summary: e.summary,
    };
  });
}

test('the iCalendar feed keeps a weekly 10:00 class at 10:00 in London across both 2026 clock changes', async () => {
  const ctx = await officerCtx();
  const id = await sundayClass(ctx);
  const res = await t.app.inject(
    '/trafford/spaces/stretford-public-hall/calendar.ics?from=2026-03-01&to=2026-11-30',
  );
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^text\/calendar/);
  const events = parseIcs(res.body).filter((e) => e.summary === 'Sunday stretch');
  assert.equal(events.length, 34);
  const at = (day: string) => events.find((e) => e.start.slice(0, 10) === day);
  // Last Sunday before BST: 10:00 GMT is 10:00 UTC; from 29 March (BST) 10:00 is 09:00 UTC.
  assert.equal(at('2026-03-22')?.start, '2026-03-22T10:00:00.000Z');
  assert.equal(at('2026-03-29')?.start, '2026-03-29T09:00:00.000Z');
  assert.equal(at('2026-03-29')?.end, '2026-03-29T10:00:00.000Z');
  assert.equal(at('2026-10-18')?.start, '2026-10-18T09:00:00.000Z');
  // Clocks go back on 25 October at 02:00: 10:00 that morning is GMT again.
  assert.equal(at('2026-10-25')?.start, '2026-10-25T10:00:00.000Z');
  assert.ok(
    events.every((e) => e.local === '10:00'),
    'every session starts at 10:00 on a London clock',
  );

  // A cancelled week stays in the calendar, marked cancelled, so subscribers see it is off.
  const [session] = await t.db.query<{ id: string }>(
    "select id from activity_sessions where activity_id = $1 and starts_at = '2026-10-25T10:00:00Z'",
    [id],
  );
  await setSessionCancelled(ctx, id, session?.id as string, true);
  const again = parseIcs(
    (await t.app.inject('/trafford/whats-on.ics?from=2026-10-01&to=2026-10-31')).body,
  ).filter((e) => e.summary === 'Sunday stretch');
  assert.deepEqual(
    again.map((e) => [e.start.slice(0, 10), e.status]),
    [
      ['2026-10-04', 'CONFIRMED'],
      ['2026-10-11', 'CONFIRMED'],
      ['2026-10-18', 'CONFIRMED'],
      ['2026-10-25', 'CANCELLED'],
    ],
  );
});

test('group and space calendars hold only their own activities; unknown ones are 404', async () => {
  const group = parseIcs((await t.app.inject('/trafford/groups/partington-community-hub/calendar.ics')).body);
  assert.ok(group.length > 0);
  assert.deepEqual([...new Set(group.map((e) => e.summary))], ['Video games club']);
  const space = parseIcs((await t.app.inject('/trafford/spaces/sale-waterside-arts/calendar.ics')).body);
  assert.deepEqual([...new Set(space.map((e) => e.summary))].sort(), ['Community film night', 'Repair café']);
  assert.equal((await t.app.inject('/trafford/spaces/no-such-space/calendar.ics')).statusCode, 404);
  assert.equal((await t.app.inject('/trafford/groups/no-such-group/calendar.ics')).statusCode, 404);
  const bad = await t.app.inject('/trafford/whats-on.ics?from=2026-13-45');
  assert.equal(bad.statusCode, 422);
});

type RpdeItem = { state: string; kind: string; id: string; modified: number; data?: Record<string, unknown> };
type RpdePage = { next: string; items: RpdeItem[]; license: string };

/** Follows `next` links to the end, as a harvester would, checking RPDE's rules on the way. */
async function harvest(first: string): Promise<{ pages: RpdePage[]; items: RpdeItem[] }> {
  const pages: RpdePage[] = [];
  let url = first;
  for (let i = 0; i < 200; i++) {
    const res = await t.app.inject(url);
    assert.equal(res.statusCode, 200, url);
    assert.match(
      res.headers['content-type'] as string,
      /application\/vnd\.openactive\.rpde\+json; version=1/,
    );
    const page = res.json() as RpdePage;
    pages.push(page);
    const next = new URL(page.next);
    if (page.items.length === 0) {
      // The last page has no items, and its next link is itself.
      assert.equal(next.pathname + next.search, url.includes('?') ? url : `${url}?afterChangeNumber=0`);
      break;
    }
    url = next.pathname + next.search;
  }
  const items = pages.flatMap((p) => p.items);
  for (let i = 1; i < items.length; i++) {
    const [a, b] = [items[i - 1] as RpdeItem, items[i] as RpdeItem];
    assert.ok(a.modified < b.modified, 'items are in strictly increasing change order across pages');
  }
  return { pages, items };
}

test('RPDE feeds page by change number, end on an empty page, and publish changes and withdrawals', async () => {
  const ctx = await officerCtx();
  const { pages, items } = await harvest('/trafford/api/openactive/scheduled-sessions?limit=7');
  assert.ok(pages.length > 3, 'small pages make several');
  assert.ok(pages.slice(0, -1).every((p) => p.items.length === 7 || p === pages.at(-2)));
  const lastNext = (pages.at(-1) as RpdePage).next;
  // Nothing new: the same next link, and still empty.
  const quiet = (
    await t.app.inject(new URL(lastNext).pathname + new URL(lastNext).search)
  ).json() as RpdePage;
  assert.deepEqual(quiet.items, []);
  assert.equal(quiet.next, lastNext);

  // A cancellation shows up after the last page as an updated item marked cancelled.
  const [session] = await t.db.query<{ id: string }>(
    'select id from activity_sessions where activity_id = $1 order by starts_at limit 1',
    [DEMO_ACTIVITY_ID],
  );
  await setSessionCancelled(ctx, DEMO_ACTIVITY_ID, session?.id as string, true);
  const after = (
    await t.app.inject(new URL(lastNext).pathname + new URL(lastNext).search)
  ).json() as RpdePage;
  assert.equal(after.items.length, 1);
  assert.equal(after.items[0]?.id, session?.id);
  assert.equal(after.items[0]?.data?.eventStatus, 'https://schema.org/EventCancelled');
  assert.ok((after.items[0]?.modified ?? 0) > (items.at(-1)?.modified ?? 0));

  // Withdrawing an activity deletes its series and its sessions from the feeds.
  const series = await harvest('/trafford/api/openactive/session-series');
  const end = new URL(series.pages.at(-1)?.next as string);
  await withdrawActivity(ctx, '7a3e5c10-4b2d-4f6a-8c1e-2d9b0a5e0005');
  const gone = (await t.app.inject(end.pathname + end.search)).json() as RpdePage;
  assert.deepEqual(gone.items, [
    {
      state: 'deleted',
      kind: 'SessionSeries',
      id: '7a3e5c10-4b2d-4f6a-8c1e-2d9b0a5e0005',
      modified: gone.items[0]?.modified,
    },
  ]);
  const sessionsNow = await harvest(new URL(lastNext).pathname + new URL(lastNext).search);
  const deleted = sessionsNow.items.filter((i) => i.state === 'deleted');
  assert.ok(deleted.length >= 12);
  assert.ok(deleted.every((d) => d.data === undefined && d.kind === 'ScheduledSession'));

  for (const bad of ['afterChangeNumber=-1', 'afterChangeNumber=abc', 'limit=0', 'limit=9999']) {
    const res = await t.app.inject(`/trafford/api/openactive/session-series?${bad}`);
    assert.equal(res.statusCode, 422, bad);
    assert.match(res.headers['content-type'] as string, /problem\+json/);
  }
});

/**
 * The validator fetches activity lists over the network; the test machine has none, so Kith's own
 * list (served by the app) is put in the validator's file cache first, exactly as a fetch would.
 */
async function validatorOptions() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-cache-'));
  const listUrl = `${t.app.config.publicUrl.replace(/\/$/, '')}/trafford/api/openactive/activity-list`;
  const list = await t.app.inject('/trafford/api/openactive/activity-list');
  assert.equal(list.statusCode, 200);
  const key = createHash('sha256').update(listUrl).digest('hex');
  fs.writeFileSync(
    path.join(dir, `${key}.json`),
    JSON.stringify({
      errorCode: 'error_none',
      data: list.json(),
      statusCode: 200,
      url: listUrl,
      exception: null,
      contentType: 'application/json',
      fetchTime: Date.now(),
    }),
  );
  return { loadRemoteJson: true, remoteJsonCachePath: dir, remoteJsonCacheTimeToLive: 3600 };
}

test('OpenActive items pass the data model validator with no failures', async () => {
  const options = await validatorOptions();
  for (const feed of ['session-series', 'scheduled-sessions', 'facility-uses', 'slots']) {
    const page = (await t.app.inject(`/trafford/api/openactive/${feed}?limit=20`)).json() as RpdePage;
    assert.ok(page.items.length > 0);
    const results = (await validator.validate(page, options)) as {
      severity: string;
      type: string;
      path: string;
      message: string;
    }[];
    // Kith's categories (film nights, games clubs) are not sports, so they come from Kith's own
    // activity list, which the validator always asks to be aligned with the official one.
    const failures = results.filter(
      (r) => r.severity === 'failure' && r.type !== 'use_official_activity_list',
    );
    assert.deepEqual(
      failures.map((f) => `${f.path}: ${f.type}: ${f.message.slice(0, 200)}`),
      [],
      feed,
    );
    for (const item of page.items.slice(0, 5)) {
      const one = (await validator.validate(item.data, options)) as {
        severity: string;
        type: string;
        message: string;
        path: string;
      }[];
      assert.deepEqual(
        one
          .filter((r) => r.severity === 'failure' && r.type !== 'use_official_activity_list')
          .map((r) => `${r.path}: ${r.message.slice(0, 200)}`),
        [],
      );
    }
  }
});

test('the dataset site is a page with the Dataset in JSON-LD, naming all four feeds', async () => {
  const res = await t.app.inject('/trafford/api/openactive/');
  assert.equal(res.statusCode, 200);
  const json = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(res.body)?.[1];
  assert.ok(json);
  const dataset = JSON.parse(json);
  assert.equal(dataset['@type'], 'Dataset');
  assert.deepEqual(
    dataset.distribution.map((d: { contentUrl: string }) => new URL(d.contentUrl).pathname),
    [
      '/trafford/api/openactive/session-series',
      '/trafford/api/openactive/scheduled-sessions',
      '/trafford/api/openactive/facility-uses',
      '/trafford/api/openactive/slots',
    ],
  );
  assert.match(
    res.body,
    /<h1 class="govuk-heading-l">Activities in Trafford Together’s community spaces<\/h1>/,
  );
  const redirect = await t.app.inject('/trafford/api/openactive');
  assert.equal(redirect.statusCode, 301);
  assert.equal(redirect.headers.location, '/trafford/api/openactive/');
});

const PARTINGTON = '7a1d0c3e-5b2f-4e8a-9c6d-2f4b8e1a0002';
const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;

/** Everything after a feed's current end, as a harvester polling its last `next` link sees it. */
async function endOf(feed: string): Promise<string> {
  const { pages } = await harvest(`/trafford/api/openactive/${feed}`);
  return pathOf((pages.at(-1) as RpdePage).next);
}
const since = async (next: string) => (await t.app.inject(next)).json() as RpdePage;

test('slots follow the London clock: 23 on the last Sunday of March, 25 on the last Sunday of October', async () => {
  // The community centre opens round the clock on Sundays for this test.
  await t.db.query(
    "update space_opening_hours set opens = '00:00', closes = '24:00' where space_id = $1 and weekday = 7",
    [PARTINGTON],
  );
  for (const [now, day, count, first, last] of [
    ['2026-03-20T12:00:00Z', '2026-03-29', 23, '2026-03-29T00:00:00Z', '2026-03-29T23:00:00Z'],
    ['2026-10-20T12:00:00Z', '2026-10-25', 25, '2026-10-24T23:00:00Z', '2026-10-26T00:00:00Z'],
  ] as const) {
    const end = await endOf('slots');
    await syncSpaceSlots(t.db, PARTINGTON, new Date(now));
    const items = (await harvest(end)).items.filter(
      (i) =>
        i.state === 'updated' && String(i.data?.['@id']).includes('/spaces/partington-community-centre/'),
    );
    const onDay = items.filter(
      (i) =>
        Date.parse(String(i.data?.startDate)) >= Date.parse(first) &&
        Date.parse(String(i.data?.endDate)) <= Date.parse(last),
    );
    assert.equal(onDay.length, count, day);
    assert.ok(onDay.every((i) => i.data?.duration === 'PT1H' && i.data?.maximumUses === 1));
    assert.equal(onDay[0]?.data?.startDate, first);
    assert.equal(onDay.at(-1)?.data?.endDate, last);
    // A slot is an hour of one facility use, with the space's prices for that hour.
    assert.equal(
      onDay[0]?.data?.facilityUse,
      `${t.app.config.publicUrl.replace(/\/$/, '')}/trafford/spaces/partington-community-centre#facility-use`,
    );
    const offers = onDay[0]?.data?.offers as { identifier: string; price: number; priceCurrency: string }[];
    assert.deepEqual(
      offers.map((o) => [o.identifier, o.price, o.priceCurrency]),
      [
        ['community-group', 0, 'GBP'],
        ['resident', 15, 'GBP'],
        ['charity', 10, 'GBP'],
        ['commercial', 40, 'GBP'],
      ],
    );
  }
  // Rolling the window on from March to October published March's slots as deleted.
  const march = await t.db.query<{ state: string }>(
    "select distinct state from space_slots where space_id = $1 and starts_at < '2026-04-01'",
    [PARTINGTON],
  );
  assert.deepEqual(
    march.map((r) => r.state),
    ['deleted'],
  );
});

test('a booking takes its slots (remainingUses 0, a new change number); cancelling frees them', async () => {
  await refreshAllSlots(t.db);
  const end = await endOf('slots');
  const place = await findPlaceBySlug(t.db, 'trafford');
  assert.ok(place);
  const resident = await makePerson(t.db, { roles: ['resident'] });
  const rctx: ServiceContext = {
    db: t.db,
    place,
    actor: { userId: resident.userId, roles: ['resident'], platformAdmin: false },
  };
  const date = addDays(londonToday(), 3);
  const { ids } = await bookSpace(
    rctx,
    { publicUrl: 'https://kith.example.org' },
    'partington-community-centre',
    {
      date,
      start: '10:00',
      end: '12:00',
      title: 'Choir practice',
      hirerType: 'resident',
      repeat: 'none',
    },
  );
  const slotAt = (items: RpdeItem[]) =>
    items.filter((i) => String(i.data?.['@id']).includes('/partington-community-centre/'));
  const taken = await since(end);
  assert.equal(slotAt(taken.items).length, 2, 'the two hours booked, and only those');
  assert.ok(slotAt(taken.items).every((i) => i.data?.remainingUses === 0));
  const [slot] = await t.db.query<{ modified: string }>(
    'select max(modified) as modified from space_slots where space_id = $1 and remaining_uses = 0',
    [PARTINGTON],
  );
  assert.ok(Number(slot?.modified) > Number(new URL(`http://x${end}`).searchParams.get('afterChangeNumber')));

  const next = pathOf(taken.next);
  await cancelBooking(rctx, { publicUrl: 'https://kith.example.org' }, ids[0] as string, {
    scope: 'one',
    reason: '',
  });
  const freed = await since(next);
  assert.equal(slotAt(freed.items).length, 2);
  assert.ok(slotAt(freed.items).every((i) => i.data?.remainingUses === 1));
  // A run of the job with nothing new to say publishes nothing.
  await refreshAllSlots(t.db);
  assert.deepEqual((await since(pathOf(freed.next))).items, []);
});

test('closing a space deletes its facility use and its slots from the feeds', async () => {
  const ctx = await officerCtx();
  await refreshAllSlots(t.db);
  const uses = await harvest('/trafford/api/openactive/facility-uses');
  const use = uses.items.find((i) => i.id === PARTINGTON);
  assert.equal(use?.state, 'updated');
  assert.equal(use?.data?.['@type'], 'FacilityUse');
  const usesEnd = pathOf((uses.pages.at(-1) as RpdePage).next);
  const slotsEnd = await endOf('slots');
  const live = await t.db.query("select id from space_slots where space_id = $1 and state = 'live'", [
    PARTINGTON,
  ]);
  assert.ok(live.length > 100, 'four weeks of hours');

  await setSpaceStatus(ctx, 'partington-community-centre', 'closed');
  assert.deepEqual((await since(usesEnd)).items, [
    {
      state: 'deleted',
      kind: 'FacilityUse',
      id: PARTINGTON,
      modified: (await since(usesEnd)).items[0]?.modified,
    },
  ]);
  const gone = (await harvest(slotsEnd)).items;
  assert.equal(gone.length, live.length);
  assert.ok(
    gone.every((i) => i.state === 'deleted' && i.kind === 'FacilityUse/Slot' && i.data === undefined),
  );

  // Open again: the space and a fresh set of slots come back.
  await setSpaceStatus(ctx, 'partington-community-centre', 'active');
  const back = (await since(usesEnd)).items;
  assert.equal(back.at(-1)?.state, 'updated');
  const again = await t.db.query("select id from space_slots where space_id = $1 and state = 'live'", [
    PARTINGTON,
  ]);
  assert.equal(again.length, live.length);
});

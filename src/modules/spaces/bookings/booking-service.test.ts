import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { Invalid } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Role } from '../../../platform/module-definition.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import { setMembership } from '../../directory/groups/group-service.js';
import { spaceMeasures } from '../measures/measure-service.js';
import {
  bookSpace,
  cancelBooking,
  changeBooking,
  DatesUnavailable,
  decideBooking,
  getBooking,
  priceFor,
  weekAvailability,
} from './booking-service.js';

const t = useTestApp();
const CENTRE = 'partington-community-centre'; // open every day 08:00–22:00
const HALL = 'urmston-methodist-hall'; // needs approval
const BEFORE_2026 = new Date('2026-01-05T12:00:00Z');
// Where the site says it lives: links in emails start here.
const SITE = { publicUrl: 'https://kith.example.org' };

async function person(roles: Role[] = ['resident']): Promise<ServiceContext & { email: string }> {
  const p = await makePerson(t.db, { roles });
  const place = (await findPlaceBySlug(t.db, 'trafford')) as Place;
  return { db: t.db, place, actor: { userId: p.userId, roles, platformAdmin: false }, email: p.email };
}

const slot = (date: string, start: string, end: string, extra: Record<string, string> = {}) => ({
  date,
  start,
  end,
  title: 'Chess club',
  hirerType: 'resident',
  ...extra,
});

async function during(id: string) {
  const [row] = await t.db.query<{ s: Date; e: Date }>(
    'select lower(during) as s, upper(during) as e from space_bookings where id = $1',
    [id],
  );
  return { s: new Date(row?.s as Date).toISOString(), e: new Date(row?.e as Date).toISOString() };
}

test('fifty people asking for the same slot at once: exactly one gets it, the rest are told it has just gone', async () => {
  const people = await Promise.all(Array.from({ length: 50 }, () => person()));
  const results = await Promise.allSettled(
    people.map((p) => bookSpace(p, SITE, CENTRE, slot('2026-06-10', '14:00', '16:00'), BEFORE_2026)),
  );
  const won = results.filter((r) => r.status === 'fulfilled');
  const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  assert.equal(won.length, 1);
  assert.equal(lost.length, 49);
  for (const r of lost) {
    assert.ok(r.reason instanceof Invalid, String(r.reason));
    // Either the check before saving saw it taken, or the database's constraint refused it.
    assert.ok(
      r.reason instanceof DatesUnavailable ||
        r.reason.fieldErrors.start === 'spaces.bookings.errors.justBooked',
    );
  }
  const [n] = await t.db.query<{ n: number }>(
    `select count(*)::int as n from space_bookings b join spaces s on s.id = b.space_id
     where s.slug = $1 and b.during && tstzrange('2026-06-10T13:00:00Z', '2026-06-10T15:00:00Z')`,
    [CENTRE],
  );
  assert.equal(n?.n, 1);
});

test('the database refuses an overlap even when the application does not check', async () => {
  const me = await person();
  const { ids } = await bookSpace(me, SITE, CENTRE, slot('2026-06-11', '10:00', '12:00'), BEFORE_2026);
  await assert.rejects(
    t.db.query(
      `insert into space_bookings (place_id, space_id, hirer_type, title, during)
       select place_id, space_id, 'resident', 'Sneaky', tstzrange('2026-06-11T10:30:00Z', '2026-06-11T11:00:00Z', '[)')
       from space_bookings where id = $1`,
      [ids[0] as string],
    ),
    (e: { code?: string }) => e.code === '23P01',
  );
});

test('bookings on the last Sundays of March and October 2026 are stored and shown on the London clock', async () => {
  const me = await person();
  const march = await bookSpace(me, SITE, CENTRE, slot('2026-03-29', '10:00', '11:00'), BEFORE_2026);
  const october = await bookSpace(me, SITE, CENTRE, slot('2026-10-25', '10:00', '11:00'), BEFORE_2026);
  // 29 March: clocks have gone forward (BST, UTC+1). 25 October: back to GMT.
  assert.deepEqual(await during(march.ids[0] as string), {
    s: '2026-03-29T09:00:00.000Z',
    e: '2026-03-29T10:00:00.000Z',
  });
  assert.deepEqual(await during(october.ids[0] as string), {
    s: '2026-10-25T10:00:00.000Z',
    e: '2026-10-25T11:00:00.000Z',
  });
  const shown = await getBooking(me, march.ids[0] as string);
  assert.equal(shown.date, '2026-03-29');
  assert.equal(shown.startTime, '10:00');
  assert.equal(shown.endTime, '11:00');
  // The week's availability: Sunday opens at 08:00 local (07:00 UTC), and 10:00 is taken.
  const week = await weekAvailability(me, CENTRE, '2026-03-23', BEFORE_2026);
  const sunday = week.days[6];
  assert.equal(sunday?.date, '2026-03-29');
  assert.equal(sunday?.slots[0]?.startTime, '08:00');
  assert.equal(sunday?.slots[0]?.start.toISOString(), '2026-03-29T07:00:00.000Z');
  assert.equal(sunday?.slots.length, 14);
  assert.deepEqual(
    sunday?.slots.filter((s) => !s.free).map((s) => s.startTime),
    ['10:00'],
  );
  const octWeek = await weekAvailability(me, CENTRE, '2026-10-25', BEFORE_2026);
  assert.equal(octWeek.days[6]?.slots[0]?.start.toISOString(), '2026-10-25T08:00:00.000Z');
  assert.deepEqual(
    octWeek.days[6]?.slots.filter((s) => !s.free).map((s) => s.startTime),
    ['10:00'],
  );
});

test('a weekly series across the clocks changing keeps its local time', async () => {
  const me = await person();
  const res = await bookSpace(
    me,
    SITE,
    CENTRE,
    slot('2026-10-18', '19:00', '21:00', { repeat: 'weeks', weeks: '3', title: 'Film night' }),
    BEFORE_2026,
  );
  assert.equal(res.ids.length, 3);
  assert.ok(res.seriesId);
  const times = await Promise.all(res.ids.map(during));
  assert.deepEqual(
    times.map((x) => x.s),
    ['2026-10-18T18:00:00.000Z', '2026-10-25T19:00:00.000Z', '2026-11-01T19:00:00.000Z'],
  );
  const [series] = await t.db.query<{ rrule: string }>(
    'select rrule from space_booking_series where id = $1',
    [res.seriesId],
  );
  assert.equal(series?.rrule, 'FREQ=WEEKLY;COUNT=3');
  const spring = await bookSpace(
    me,
    SITE,
    CENTRE,
    slot('2026-03-22', '09:00', '10:00', { repeat: 'until', until: '2026-04-05', title: 'Yoga' }),
    BEFORE_2026,
  );
  assert.deepEqual(
    (await Promise.all(spring.ids.map(during))).map((x) => x.s),
    ['2026-03-22T09:00:00.000Z', '2026-03-29T08:00:00.000Z', '2026-04-05T08:00:00.000Z'],
  );
});

test('a series with a clash books nothing and names the clashing dates', async () => {
  const other = await person();
  await bookSpace(other, SITE, CENTRE, slot('2026-07-15', '18:30', '19:30'), BEFORE_2026);
  await bookSpace(other, SITE, CENTRE, slot('2026-07-29', '17:00', '18:30'), BEFORE_2026);
  const me = await person();
  const error = await bookSpace(
    me,
    SITE,
    CENTRE,
    slot('2026-07-01', '18:00', '20:00', { repeat: 'weeks', weeks: '6', title: 'Choir' }),
    BEFORE_2026,
  ).catch((e: unknown) => e);
  assert.ok(error instanceof DatesUnavailable);
  assert.deepEqual(error.dates, ['2026-07-15', '2026-07-29']);
  const [n] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from space_bookings where title = 'Choir'",
  );
  assert.equal(n?.n, 0);
  const [s] = await t.db.query<{ n: number }>(
    'select count(*)::int as n from space_booking_series where created_by = $1',
    [me.actor?.userId ?? null],
  );
  assert.equal(s?.n, 0);
});

test('closed days, times outside opening hours and past slots cannot be booked', async () => {
  const me = await person();
  // The library is shut on Christmas Day and opens 09:00–17:00 on weekdays.
  for (const [date, start, end] of [
    ['2026-12-25', '10:00', '11:00'],
    ['2026-12-21', '16:00', '18:00'],
    ['2026-12-20', '10:00', '11:00'],
  ] as const) {
    const error = await bookSpace(me, SITE, 'stretford-library', slot(date, start, end), BEFORE_2026).catch(
      (e: unknown) => e,
    );
    assert.ok(error instanceof DatesUnavailable, `${date} ${start}`);
  }
  const past = await bookSpace(me, SITE, CENTRE, slot('2026-01-02', '10:00', '11:00'), BEFORE_2026).catch(
    (e: unknown) => e,
  );
  assert.ok(past instanceof DatesUnavailable);
});

test('price in pence from the space’s rules: free for community groups, pro rata by the hour', async () => {
  const me = await person();
  const resident = await bookSpace(
    me,
    SITE,
    'stretford-library',
    slot('2026-06-15', '10:00', '11:30'),
    BEFORE_2026,
  );
  const group = await bookSpace(
    me,
    SITE,
    'stretford-library',
    slot('2026-06-15', '12:00', '14:00', { hirerType: 'community-group' }),
    BEFORE_2026,
  );
  assert.equal((await getBooking(me, resident.ids[0] as string)).pricePence, 1800); // £12/hour × 1.5
  assert.equal((await getBooking(me, group.ids[0] as string)).pricePence, 0);
  // The pitch has no charity rate: a charity cannot book it.
  const error = await bookSpace(
    me,
    SITE,
    'longford-park-pitch',
    slot('2026-06-15', '10:00', '11:00', { hirerType: 'charity' }),
    BEFORE_2026,
  ).catch((e: unknown) => e);
  assert.ok(error instanceof Invalid);
  assert.equal(error.fieldErrors.hirerType, 'spaces.bookings.errors.hirerNotOffered');
});

test('approval: a pending booking holds the slot; an officer approves or declines; the booker is emailed', async () => {
  const me = await person();
  const res = await bookSpace(me, SITE, HALL, slot('2026-09-08', '10:00', '12:00'), BEFORE_2026);
  assert.equal(res.status, 'pending');
  const rival = await person();
  assert.ok(
    (await bookSpace(rival, SITE, HALL, slot('2026-09-08', '11:00', '12:00'), BEFORE_2026).catch(
      (e) => e,
    )) instanceof DatesUnavailable,
  );
  await assert.rejects(decideBooking(me, SITE, res.ids[0] as string, { decision: 'approve' }), {
    status: 403,
  });
  const officer = await person(['officer']);
  await decideBooking(officer, SITE, res.ids[0] as string, { decision: 'approve' });
  assert.equal((await getBooking(me, res.ids[0] as string)).status, 'confirmed');
  const declined = await bookSpace(me, SITE, HALL, slot('2026-09-09', '10:00', '11:00'), BEFORE_2026);
  await decideBooking(officer, SITE, declined.ids[0] as string, { decision: 'decline' });
  assert.equal((await getBooking(me, declined.ids[0] as string)).status, 'declined');
  const mail = await t.db.query<{ template: string }>(
    'select template from outbox where to_email = $1 order by created_at',
    [me.email],
  );
  assert.deepEqual(
    mail.map((m) => m.template),
    ['spaceBookingRequested', 'spaceBookingApproved', 'spaceBookingRequested', 'spaceBookingDeclined'],
  );
  // Strangers cannot see or touch someone else's booking.
  await assert.rejects(getBooking(rival, res.ids[0] as string), { status: 403 });
  await assert.rejects(cancelBooking(rival, SITE, res.ids[0] as string, {}), { status: 403 });
});

test('cancel one occurrence or the rest of a series; the freed time can be booked again', async () => {
  const me = await person();
  const res = await bookSpace(
    me,
    SITE,
    CENTRE,
    slot('2026-05-04', '09:00', '10:00', { repeat: 'weeks', weeks: '4', title: 'Walking group' }),
    BEFORE_2026,
  );
  assert.equal(await cancelBooking(me, SITE, res.ids[1] as string, { scope: 'one' }), 1);
  assert.equal(
    await cancelBooking(me, SITE, res.ids[2] as string, { scope: 'rest', reason: 'Summer break' }),
    2,
  );
  const statuses = await Promise.all(res.ids.map(async (id) => (await getBooking(me, id)).status));
  assert.deepEqual(statuses, ['confirmed', 'cancelled', 'cancelled', 'cancelled']);
  const other = await person();
  const again = await bookSpace(other, SITE, CENTRE, slot('2026-05-11', '09:00', '10:00'), BEFORE_2026);
  assert.equal(again.ids.length, 1);
});

test('changing the time moves the booking; a taken time is refused and the booking stays', async () => {
  const me = await person();
  const mine = await bookSpace(me, SITE, CENTRE, slot('2026-08-03', '10:00', '11:00'), BEFORE_2026);
  const other = await person();
  await bookSpace(other, SITE, CENTRE, slot('2026-08-03', '14:00', '15:00'), BEFORE_2026);
  const id = mine.ids[0] as string;
  await assert.rejects(
    changeBooking(me, SITE, id, { date: '2026-08-03', start: '14:30', end: '15:30' }, BEFORE_2026),
    DatesUnavailable,
  );
  // Moving within its own time (an hour later, overlapping itself) is fine.
  await changeBooking(me, SITE, id, { date: '2026-08-03', start: '10:30', end: '12:00' }, BEFORE_2026);
  const b = await getBooking(me, id);
  assert.equal(b.startTime, '10:30');
  assert.equal(b.endTime, '12:00');
  assert.equal(b.pricePence, 2250); // £15/hour × 1.5
  const [log] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from audit_log where action = 'spaces.booking.change' and target_id = $1",
    [id],
  );
  assert.equal(log?.n, 1);
});

test('a booker’s bookings are in their data download; deleting the account frees the slots to come', async () => {
  const { bookingPrivacy } = await import('./booking-privacy.js');
  const { withTransaction } = await import('../../../platform/db/transaction.js');
  const person = await makePerson(t.db);
  const [space] = await t.db.query<{ id: string; place_id: string }>(
    "select id, place_id from spaces where status = 'active' order by slug limit 1",
  );
  const insert = (from: string, to: string) =>
    t.db.query<{ id: string }>(
      `insert into space_bookings (place_id, space_id, booked_by, hirer_type, title, during)
       values ($1, $2, $3, 'resident', 'Privacy check', tstzrange($4, $5)) returning id`,
      [space?.place_id ?? null, space?.id ?? null, person.userId, from, to],
    );
  const [past] = await insert('2020-01-06T10:00Z', '2020-01-06T11:00Z');
  const [future] = await insert('2099-01-05T10:00Z', '2099-01-05T11:00Z');
  const exported = await bookingPrivacy.exportFor?.(t.db, { userId: person.userId, email: person.email });
  assert.equal(exported?.space_bookings?.length, 2);
  await withTransaction(t.db, async (tx) => {
    await bookingPrivacy.eraseFor?.(tx, { userId: person.userId, email: person.email });
  });
  const rows = await t.db.query<{ id: string; status: string; booked_by: string | null }>(
    'select id, status, booked_by from space_bookings where id = any($1::uuid[])',
    [[past?.id, future?.id]],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  assert.equal(byId.get(future?.id as string)?.status, 'cancelled');
  assert.equal(byId.get(past?.id as string)?.status, 'confirmed');
  assert.ok(rows.every((r) => r.booked_by === null));
});

async function outbox(to: string) {
  return t.db.query<{ template: string; body: string }>(
    'select template, body from outbox where to_email = $1 order by created_at, id',
    [to],
  );
}

test('the concession rate: claimed by a resident, priced pro rata and kept on the booking', async () => {
  const me = await person();
  // The community centre: residents £15 an hour, or £7.50 at the concession rate; charities £10, no concession.
  const full = await bookSpace(me, SITE, CENTRE, slot('2026-04-13', '10:00', '11:01'), BEFORE_2026);
  const cheap = await bookSpace(
    me,
    SITE,
    CENTRE,
    slot('2026-04-13', '12:00', '13:01', { concession: 'yes' }),
    BEFORE_2026,
  );
  const quarter = await bookSpace(
    me,
    SITE,
    CENTRE,
    slot('2026-04-13', '14:00', '14:15', { concession: 'yes' }),
    BEFORE_2026,
  );
  const fullView = await getBooking(me, full.ids[0] as string);
  const cheapView = await getBooking(me, cheap.ids[0] as string);
  assert.equal(fullView.pricePence, 1525); // £15 × 61/60
  assert.equal(fullView.concession, false);
  assert.equal(cheapView.pricePence, 763); // £7.50 × 61/60 = 762.5p, half up
  assert.equal(cheapView.concession, true);
  assert.equal((await getBooking(me, quarter.ids[0] as string)).pricePence, 188); // 187.5p, half up
  const officer = await person(['officer']);
  assert.equal((await getBooking(officer, cheap.ids[0] as string)).concession, true, 'officers see it');
  // The email gives the price as money, exactly.
  const mail = (await outbox(me.email)).map((m) => m.body);
  assert.match(mail[0] ?? '', /Price for each date: £15\.25\n/);
  assert.match(mail[1] ?? '', /Price for each date: £7\.63\n/);
  // A charity has no concession rate here: claiming one is refused, and nothing is booked.
  const error = await bookSpace(
    me,
    SITE,
    CENTRE,
    slot('2026-04-13', '16:00', '17:00', { hirerType: 'charity', concession: 'yes', title: 'No deal' }),
    BEFORE_2026,
  ).catch((e: unknown) => e);
  assert.ok(error instanceof Invalid);
  assert.equal(error.fieldErrors.concession, 'spaces.bookings.errors.concessionNotOffered');
  const [n] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from space_bookings where title = 'No deal'",
  );
  assert.equal(n?.n, 0);
  // Moving a concession booking keeps the concession rate.
  await changeBooking(
    me,
    SITE,
    cheap.ids[0] as string,
    { date: '2026-04-13', start: '18:00', end: '20:00' },
    BEFORE_2026,
  );
  assert.equal((await getBooking(me, cheap.ids[0] as string)).pricePence, 1500);
  assert.match((await outbox(me.email)).at(-1)?.body ?? '', /Price: £15\n/);
});

test('a concession rate of nothing is free, and so says the email', async () => {
  const space = {
    prices: [{ hirerType: 'resident' as const, pencePerHour: 999, concessionPencePerHour: 0 }],
  };
  assert.equal(priceFor(space, 'resident', 61), 1016); // 1015.65p
  assert.equal(priceFor(space, 'resident', 61, true), 0);
  assert.equal(priceFor(space, 'charity', 61), null);
  await t.db.query(
    `update space_prices set concession_pence_per_hour = 0
     where hirer_type = 'resident' and space_id = (select id from spaces where slug = 'longford-park-pitch')`,
  );
  const me = await person();
  const res = await bookSpace(
    me,
    SITE,
    'longford-park-pitch',
    slot('2026-04-14', '10:00', '11:30', { concession: 'yes' }),
    BEFORE_2026,
  );
  assert.equal((await getBooking(me, res.ids[0] as string)).pricePence, 0);
  assert.match((await outbox(me.email))[0]?.body ?? '', /Price for each date: Free\n/);
});

test('booking for a group the booker belongs to: a community group booking, named, and counted as a group using the space', async () => {
  const me = await person();
  const [group] = await t.db.query<{ id: string }>(
    "select id from directory_groups where slug = 'stretford-walking-group'",
  );
  const groupId = group?.id as string;
  await setMembership(me, 'stretford-walking-group', true);
  const before = await spaceMeasures(me, 'longford-park-pitch', 2027);
  // Asking for commercial hire does not matter: a group's booking is always as a community group.
  const res = await bookSpace(
    me,
    SITE,
    'longford-park-pitch',
    slot('2027-05-04', '10:00', '12:00', {
      bookingFor: groupId,
      hirerType: 'commercial',
      title: 'Walk and talk',
    }),
    BEFORE_2026,
  );
  const view = await getBooking(me, res.ids[0] as string);
  assert.equal(view.hirerType, 'community-group');
  assert.equal(view.groupId, groupId);
  assert.equal(view.groupName, 'Stretford Walking Group');
  assert.equal(view.pricePence, 0);
  const after = await spaceMeasures(me, 'longford-park-pitch', 2027);
  assert.equal(after.distinctGroups, before.distinctGroups + 1);
  // Someone who is not in the group cannot book for it, whatever id they send.
  const stranger = await person();
  for (const forged of [groupId, '00000000-0000-4000-8000-000000000000']) {
    const error = await bookSpace(
      stranger,
      SITE,
      'longford-park-pitch',
      slot('2027-05-05', '10:00', '12:00', { bookingFor: forged, title: 'Forged' }),
      BEFORE_2026,
    ).catch((e: unknown) => e);
    assert.ok(error instanceof Invalid);
    assert.equal(error.fieldErrors.bookingFor, 'spaces.bookings.errors.notYourGroup');
  }
  const [n] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from space_bookings where title = 'Forged'",
  );
  assert.equal(n?.n, 0);
  // Leaving the group ends booking for it.
  await setMembership(me, 'stretford-walking-group', false);
  await assert.rejects(
    bookSpace(
      me,
      SITE,
      'longford-park-pitch',
      slot('2027-05-06', '10:00', '12:00', { bookingFor: groupId }),
      BEFORE_2026,
    ),
    Invalid,
  );
});

test('every booking email links to the booking with the site’s full public address', async () => {
  const me = await person();
  const res = await bookSpace(me, SITE, HALL, slot('2026-09-15', '10:00', '11:00'), BEFORE_2026);
  const officer = await person(['officer']);
  await decideBooking(officer, SITE, res.ids[0] as string, { decision: 'approve' });
  await changeBooking(
    me,
    SITE,
    res.ids[0] as string,
    { date: '2026-09-15', start: '12:00', end: '13:00' },
    BEFORE_2026,
  );
  await cancelBooking(me, SITE, res.ids[0] as string, {});
  const mail = await outbox(me.email);
  assert.deepEqual(
    mail.map((m) => m.template),
    ['spaceBookingRequested', 'spaceBookingApproved', 'spaceBookingChanged', 'spaceBookingCancelled'],
  );
  for (const m of mail)
    assert.match(
      m.body,
      new RegExp(`: https://kith\\.example\\.org/trafford/spaces/bookings/${res.ids[0]}$`),
    );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { submitForm } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { bankHolidays } from '../../../lib/bank-holidays/index.js';
import { Invalid } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Role } from '../../../platform/module-definition.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import { bookSpace, DatesUnavailable, weekAvailability } from '../bookings/booking-service.js';
import { addDays } from '../bookings/booking-time.js';
import {
  addBankHolidays,
  bankHolidayYears,
  removeException,
  saveException,
  upcomingExceptions,
} from './exception-service.js';
import { getSpace, londonToday } from './space-service.js';

const t = useTestApp();
const SITE = { publicUrl: 'https://kith.example.org' };
const LIBRARY = 'stretford-library'; // Monday–Friday 09:00–17:00, Saturday 10:00–16:00
const CENTRE = 'partington-community-centre'; // every day 08:00–22:00
const PITCH = 'longford-park-pitch';
const STUDIO = 'sale-waterside-studio'; // Monday–Friday 10:00–18:00
const JAN_2026 = new Date('2026-01-05T12:00:00Z');
const today = londonToday();
const ahead = addDays(today, 40);

async function person(roles: Role[] = ['resident']): Promise<ServiceContext & { cookie: string }> {
  const p = await makePerson(t.db, { roles });
  const place = (await findPlaceBySlug(t.db, 'trafford')) as Place;
  return { db: t.db, place, actor: { userId: p.userId, roles, platformAdmin: false }, cookie: p.cookie };
}

const closed = (date: string, reason = '') => {
  const [year, month, day] = date.split('-') as [string, string, string];
  return { 'date-day': day, 'date-month': month, 'date-year': year, kind: 'closed', reason };
};
const hours = (date: string, opens: string, closes: string, reason = '') => ({
  ...closed(date, reason),
  kind: 'hours',
  opens,
  closes,
});
const slot = (date: string, start: string, end: string) => ({
  date,
  start,
  end,
  title: 'Residents’ meeting',
  hirerType: 'resident',
});

test('a bank holiday closure: no free times that day, and a booking is refused with a clear message', async () => {
  const officer = await person(['officer']);
  const saved = await saveException(officer, STUDIO, closed('2026-05-25', 'Spring bank holiday'), JAN_2026);
  assert.deepEqual(saved, { date: '2026-05-25', bookingsOutside: 0 });
  const week = await weekAvailability(officer, STUDIO, '2026-05-25', JAN_2026);
  const monday = week.days[0];
  assert.equal(monday?.date, '2026-05-25');
  assert.deepEqual(monday?.slots, []);
  assert.equal(monday?.closedReason, 'closed');
  assert.equal(week.days[1]?.slots.length, 8, 'Tuesday keeps its usual hours');
  const me = await person();
  const error = await bookSpace(me, SITE, STUDIO, slot('2026-05-25', '11:00', '12:00'), JAN_2026).catch(
    (e: unknown) => e,
  );
  assert.ok(error instanceof DatesUnavailable);
  assert.deepEqual(error.dates, ['2026-05-25']);
  assert.deepEqual(error.closures, [{ date: '2026-05-25', reason: 'Spring bank holiday' }]);
});

test('the booking form says a day is closed and why', async () => {
  const officer = await person(['officer']);
  const me = await person();
  const date = addDays(londonToday(), 20);
  await saveException(officer, CENTRE, closed(date, 'Polling station'));
  const page = await submitForm(t.app, {
    cookie: me.cookie,
    formUrl: `/trafford/spaces/${CENTRE}/book?date=${date}`,
    postUrl: `/trafford/spaces/${CENTRE}/book`,
    fields: slot(date, '11:00', '12:00'),
  });
  assert.equal(page.statusCode, 422);
  assert.match(page.body, /There is a problem/);
  assert.match(page.body, /Nothing has been booked\./);
  assert.match(page.body, /The space is closed all day on \w+ \d+ \w+ \d{4} \(Polling station\)\./);
  // The week's free times show the day as closed.
  const week = await t.app.inject(`/trafford/spaces/${CENTRE}/availability?week=${date}`);
  assert.equal(week.statusCode, 200);
  assert.match(week.body, /Not the usual hours: Polling station<\/p>\s*<p class="govuk-body">Closed<\/p>/);
  const [n] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from space_bookings where title = 'Residents’ meeting' and lower(during) >= $1::date",
    [date],
  );
  assert.equal(n?.n, 0);
});

test('a late opening allows a booking that the usual hours would refuse; an early closing refuses one', async () => {
  const officer = await person(['officer']);
  const me = await person();
  // Usually 10:00–18:00 on weekdays: 19:00 on Thursday 11 June is outside.
  const before = await bookSpace(me, SITE, STUDIO, slot('2026-06-11', '19:00', '20:30'), JAN_2026).catch(
    (e: unknown) => e,
  );
  assert.ok(before instanceof DatesUnavailable);
  await saveException(officer, STUDIO, hours('2026-06-11', '10:00', '21:00', 'Late opening'), JAN_2026);
  const late = await bookSpace(me, SITE, STUDIO, slot('2026-06-11', '19:00', '20:30'), JAN_2026);
  assert.equal(late.ids.length, 1);
  const week = await weekAvailability(me, STUDIO, '2026-06-11', JAN_2026);
  const thursday = week.days[3];
  assert.equal(thursday?.slots.at(-1)?.endTime, '21:00');
  assert.deepEqual(
    thursday?.slots.filter((s) => !s.free).map((s) => s.startTime),
    ['19:00', '20:00'],
  );
  // Friday closes at 13:00: 14:00 is refused, 12:00 is fine.
  await saveException(officer, STUDIO, hours('2026-06-12', '10:00', '13:00'), JAN_2026);
  assert.ok(
    (await bookSpace(me, SITE, STUDIO, slot('2026-06-12', '14:00', '15:00'), JAN_2026).catch(
      (e) => e,
    )) instanceof DatesUnavailable,
  );
  assert.equal(
    (await bookSpace(me, SITE, STUDIO, slot('2026-06-12', '12:00', '13:00'), JAN_2026)).ids.length,
    1,
  );
});

test('special hours on the day the clocks go forward are on the London clock', async () => {
  const officer = await person(['officer']);
  // Sunday 29 March 2026: BST from 01:00 GMT. Open 10:00–14:00 London time (09:00–13:00 UTC).
  await saveException(officer, CENTRE, hours('2026-03-29', '10:00', '14:00', 'Spring fair'), JAN_2026);
  const week = await weekAvailability(officer, CENTRE, '2026-03-29', JAN_2026);
  const sunday = week.days[6];
  assert.equal(sunday?.date, '2026-03-29');
  assert.deepEqual(
    sunday?.slots.map((s) => [s.startTime, s.start.toISOString()]),
    [
      ['10:00', '2026-03-29T09:00:00.000Z'],
      ['11:00', '2026-03-29T10:00:00.000Z'],
      ['12:00', '2026-03-29T11:00:00.000Z'],
      ['13:00', '2026-03-29T12:00:00.000Z'],
    ],
  );
  const me = await person();
  assert.equal(
    (await bookSpace(me, SITE, CENTRE, slot('2026-03-29', '13:00', '14:00'), JAN_2026)).ids.length,
    1,
  );
  assert.ok(
    (await bookSpace(me, SITE, CENTRE, slot('2026-03-29', '14:00', '15:00'), JAN_2026).catch(
      (e) => e,
    )) instanceof DatesUnavailable,
  );
  // Closing at 12:00 instead leaves the 13:00 booking outside the new hours: the officer is told.
  const changed = await saveException(officer, CENTRE, hours('2026-03-29', '10:00', '12:00'), JAN_2026);
  assert.equal(changed.bookingsOutside, 1);
  const [log] = await t.db.query<{ before: { opens: string; closes: string } }>(
    "select before from audit_log where action = 'spaces.exception.save' order by id desc limit 1",
  );
  assert.deepEqual([log?.before.opens, log?.before.closes], ['10:00', '14:00'], 'the log keeps what it was');
});

test('an exception must be a real date, today or later, with hours in order; only officers set them', async () => {
  const officer = await person(['officer']);
  const fieldOf = async (raw: Record<string, string>) => {
    const e = await saveException(officer, PITCH, raw, JAN_2026).catch((x: unknown) => x);
    assert.ok(e instanceof Invalid, JSON.stringify(raw));
    return e.fieldErrors;
  };
  assert.equal(
    (await fieldOf(closed('2026-02-31')))['date-day'],
    'spaces.spaces.errors.exceptionDateInvalid',
  );
  assert.equal((await fieldOf(closed('2026-01-04')))['date-day'], 'spaces.spaces.errors.exceptionDatePast');
  assert.equal(
    (await fieldOf(hours('2026-03-01', '', '12:00'))).opens,
    'spaces.spaces.errors.exceptionHoursMissing',
  );
  assert.equal(
    (await fieldOf(hours('2026-03-01', '14:00', '12:00'))).closes,
    'spaces.spaces.errors.exceptionHoursOrder',
  );
  assert.equal(
    (await fieldOf(hours('2026-03-01', '9am', '12:00'))).opens,
    'spaces.spaces.errors.timeInvalid',
  );
  assert.equal(
    (await fieldOf({ ...closed('2026-03-01'), kind: '' })).kind,
    'spaces.spaces.errors.exceptionKindMissing',
  );
  // Today itself is fine.
  assert.equal((await saveException(officer, PITCH, closed('2026-01-05'), JAN_2026)).date, '2026-01-05');
  const resident = await person();
  await assert.rejects(saveException(resident, PITCH, closed('2026-03-01'), JAN_2026), { status: 403 });
  await assert.rejects(removeException(resident, PITCH, '2026-01-05', JAN_2026), { status: 403 });
  await removeException(officer, PITCH, '2026-01-05', JAN_2026);
  await assert.rejects(removeException(officer, PITCH, '2026-01-05', JAN_2026), { status: 404 });
});

test('bank holidays for a year: closures from today on, in words, skipping days that already differ', async () => {
  const officer = await person(['officer']);
  assert.deepEqual(bankHolidayYears(JAN_2026), [2026, 2027]);
  // A day that already differs is left as it is.
  await saveException(officer, PITCH, hours('2026-05-04', '10:00', '14:00', 'Fun run'), JAN_2026);
  const result = await addBankHolidays(
    officer,
    PITCH,
    { year: '2026' },
    (h) => (h.substitute ? `${h.name} (substitute)` : h.name),
    JAN_2026,
  );
  // 1 January has passed; 4 May already differs.
  assert.deepEqual(result.skipped, ['2026-01-01', '2026-05-04']);
  assert.deepEqual(result.added, [
    '2026-04-03',
    '2026-04-06',
    '2026-05-25',
    '2026-08-31',
    '2026-12-25',
    '2026-12-28',
  ]);
  const list = await upcomingExceptions(officer, PITCH, JAN_2026);
  const byDate = new Map(list.map((e) => [e.onDate, e]));
  assert.deepEqual(byDate.get('2026-05-04'), {
    onDate: '2026-05-04',
    opens: '10:00',
    closes: '14:00',
    reason: 'Fun run',
  });
  assert.deepEqual(byDate.get('2026-12-28'), {
    onDate: '2026-12-28',
    opens: null,
    closes: null,
    reason: 'boxing-day (substitute)',
  });
  // Pressing the button again adds nothing.
  const again = await addBankHolidays(officer, PITCH, { year: '2026' }, (h) => h.name, JAN_2026);
  assert.deepEqual(again.added, []);
  // Only this year and next.
  for (const year of ['2025', '2028', 'next'])
    await assert.rejects(
      addBankHolidays(officer, PITCH, { year }, (h) => h.name, JAN_2026),
      Invalid,
    );
  const [log] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from audit_log where action = 'spaces.exception.bank-holidays'",
  );
  assert.equal(log?.n, 2);
});

// Pages, on today's clock.

test('the officers’ page: add a closure and special hours, see them listed and on the space page, remove one', async () => {
  const officer = await person(['officer']);
  const url = `/trafford/spaces/${LIBRARY}/exceptions`;
  const page = await t.app.inject({ url, headers: { cookie: officer.cookie } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Days that differ/);
  assert.match(page.body, /name="date-day"/);
  const resident = await person();
  assert.equal((await t.app.inject({ url, headers: { cookie: resident.cookie } })).statusCode, 403);

  const bad = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: url,
    fields: { ...hours(addDays(today, -1), '18:00', '17:00'), reason: 'Staff training' },
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /There is a problem/);
  assert.match(bad.body, /The closing time must be after the opening time/);
  assert.match(bad.body, /Staff training/, 'what was typed is kept');
  const past = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: url,
    fields: closed(addDays(today, -1)),
  });
  assert.equal(past.statusCode, 422);
  assert.match(past.body, /The date must be today or in the future/);
  assert.match(past.body, /href="#date-day"/);
  const notADate = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: url,
    fields: { 'date-day': '30', 'date-month': '2', 'date-year': '2027', kind: 'closed' },
  });
  assert.equal(notADate.statusCode, 422);
  assert.match(notADate.body, /Enter a real date/);

  const ok = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: url,
    fields: hours(ahead, '12:00', '19:30', 'Author talk in the evening'),
  });
  assert.equal(ok.statusCode, 303);
  assert.equal(ok.headers.location, `${url}?saved=${ahead}&outside=0`);
  const listed = await t.app.inject({
    url: ok.headers.location as string,
    headers: { cookie: officer.cookie },
  });
  assert.match(listed.body, /has been saved/);
  assert.match(listed.body, /Open 12:00 to 19:30/);
  assert.match(listed.body, /Author talk in the evening/);

  const publicPage = await t.app.inject(`/trafford/spaces/${LIBRARY}`);
  assert.match(publicPage.body, /12:00 to 19:30 \(Author talk in the evening\)/);
  assert.doesNotMatch(publicPage.body, /Change the days that differ/, 'visitors are not offered the page');
  const json = JSON.parse((await t.app.inject(`/trafford/api/spaces/${LIBRARY}`)).body);
  assert.equal(json.time_zone, 'Europe/London');
  assert.deepEqual(
    json.opening_exceptions.find((e: { date: string }) => e.date === ahead),
    { date: ahead, closed: false, opens: '12:00', closes: '19:30', reason: 'Author talk in the evening' },
  );
  assert.deepEqual(json.opening_hours[0], { weekday: 1, day: 'monday', opens: '09:00', closes: '17:00' });
  assert.ok(
    json.opening_exceptions.every((e: { date: string }) => e.date >= today),
    'only coming days',
  );

  const removed = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: url,
    postUrl: `${url}/remove`,
    fields: { date: ahead },
  });
  assert.equal(removed.statusCode, 303);
  const after = await t.app.inject({
    url: removed.headers.location as string,
    headers: { cookie: officer.cookie },
  });
  assert.match(after.body, /is back to the usual opening hours/);
  assert.doesNotMatch(after.body, /Author talk in the evening/);
  const unknown = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: url,
    postUrl: `${url}/remove`,
    fields: { date: 'not-a-date' },
  });
  assert.equal(unknown.statusCode, 404);
  const [log] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from audit_log where action in ('spaces.exception.save', 'spaces.exception.remove') and actor_id = $1",
    [officer.actor?.userId ?? null],
  );
  assert.equal(log?.n, 2);
});

test('closing a day with bookings on it warns the officer and links to the day sheet', async () => {
  const officer = await person(['officer']);
  const me = await person();
  const date = addDays(today, 45);
  await bookSpace(me, SITE, CENTRE, slot(date, '18:00', '19:00'));
  const url = `/trafford/spaces/${CENTRE}/exceptions`;
  const res = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: url,
    fields: closed(date, 'Boiler repair'),
  });
  assert.equal(res.statusCode, 303);
  const page = await t.app.inject({
    url: res.headers.location as string,
    headers: { cookie: officer.cookie },
  });
  assert.match(page.body, /Bookings already made on [^:]+ outside these hours: 1\./);
  assert.match(page.body, new RegExp(`/trafford/spaces/${CENTRE}/day\\?date=${date}`));
});

test('the bank holidays button adds this year’s remaining England and Wales bank holidays', async () => {
  const officer = await person(['officer']);
  const url = `/trafford/spaces/${STUDIO}/exceptions`;
  const page = await t.app.inject({ url, headers: { cookie: officer.cookie } });
  const years = bankHolidayYears();
  const year = years[0];
  if (year === undefined) {
    // Past the table's last year: no button, and a forged one is refused.
    assert.doesNotMatch(page.body, /Add bank holidays for/);
    return;
  }
  assert.match(page.body, new RegExp(`Add bank holidays for ${year}`));
  assert.match(page.body, /every England and Wales bank holiday/);
  const res = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: url,
    postUrl: `${url}/bank-holidays`,
    fields: { year: String(year) },
  });
  assert.equal(res.statusCode, 303);
  const coming = bankHolidays('england-and-wales', year).filter((h) => h.date >= today);
  const list = await upcomingExceptions(officer, STUDIO);
  for (const h of coming)
    assert.ok(
      list.some((e) => e.onDate === h.date && e.opens === null),
      h.date,
    );
  const listed = await t.app.inject({
    url: res.headers.location as string,
    headers: { cookie: officer.cookie },
  });
  assert.match(listed.body, /Bank holidays added: \d+\./);
  if (coming.some((h) => h.name === 'christmas' && !h.substitute))
    assert.match(listed.body, /Christmas Day/, 'the reason is in words');
  const forged = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: url,
    postUrl: `${url}/bank-holidays`,
    fields: { year: '1999' },
  });
  assert.equal(forged.statusCode, 422);
  assert.match(forged.body, /Choose a year we have the bank holidays for/);
  const space = await getSpace(officer, STUDIO);
  assert.ok(space.exceptions.length >= coming.length);
});

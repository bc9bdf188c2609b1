import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { submitForm } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';

// A public address unlike the default, so links in emails are seen to use it.
const PUBLIC_URL = 'https://bookings.kith.example.org';
const t = useTestApp(undefined, undefined, { KITH_PUBLIC_URL: PUBLIC_URL });
const CENTRE = '/trafford/spaces/partington-community-centre';
// Far enough ahead to stay in the future for as long as this code is likely to live unchanged.
const DAY = '2030-02-06';

function book(cookie: string, fields: Record<string, string>, space = CENTRE) {
  return submitForm(t.app, { cookie, formUrl: `${space}/book`, postUrl: `${space}/book`, fields });
}

test('visitors see free times but are asked to sign in to book', async () => {
  const week = await t.app.inject(`${CENTRE}/availability?week=${DAY}`);
  assert.equal(week.statusCode, 200);
  assert.match(week.body, /Week starting Monday 4 February 2030/);
  assert.match(week.body, /Book 08:00 to 09:00/);
  const form = await t.app.inject(`${CENTRE}/book?date=${DAY}&start=10:00&end=11:00`);
  assert.equal(form.statusCode, 303);
  assert.match(form.headers.location as string, /^\/account\/sign-in/);
});

test('the booking form shows every mistake with the error summary and keeps what was typed', async () => {
  const me = await makePerson(t.db);
  const res = await book(me.cookie, {
    title: '',
    date: '2030-02-30',
    start: '10:00',
    end: '09:00',
    repeat: 'weeks',
    weeks: '99',
  });
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /There is a problem/);
  assert.match(res.body, /Enter what the booking is for/);
  assert.match(res.body, /Enter a real date/);
  assert.match(res.body, /Choose who is booking/);
  assert.match(res.body, /value="2030-02-30"/);
  const weeks = await book(me.cookie, {
    title: 'Darts',
    date: DAY,
    start: '10:00',
    end: '09:00',
    hirerType: 'resident',
    repeat: 'weeks',
    weeks: '99',
  });
  assert.equal(weeks.statusCode, 422);
  assert.match(weeks.body, /The end time must be after the start time/);
  assert.match(weeks.body, /Enter a number of weeks from 2 to 52/);
});

test('a resident books a slot; it shows as booked; a second person is told it has gone', async () => {
  const me = await makePerson(t.db);
  const fields = { title: 'Board games', date: DAY, start: '18:00', end: '20:00', hirerType: 'resident' };
  const res = await book(me.cookie, fields);
  assert.equal(res.statusCode, 303);
  const url = res.headers.location as string;
  assert.match(url, /^\/trafford\/spaces\/bookings\/[0-9a-f-]{36}\?booked=1$/);
  const page = await t.app.inject({ url, headers: { cookie: me.cookie } });
  assert.match(page.body, /Board games/);
  assert.match(page.body, /Wednesday 6 February 2030, 18:00–20:00/);
  assert.match(page.body, /£30/);
  const week = await t.app.inject(`${CENTRE}/availability?week=${DAY}`);
  assert.match(week.body, /18:00 to 19:00: booked/);
  assert.doesNotMatch(week.body, /Board games/, 'what a booking is for is not public');
  const other = await makePerson(t.db);
  const clash = await book(other.cookie, { ...fields, title: 'Quiz', start: '19:00', end: '21:00' });
  assert.equal(clash.statusCode, 422);
  assert.match(
    clash.body,
    /Nothing has been booked. These dates are taken, closed or in the past at that time: Wednesday 6 February 2030/,
  );
  assert.match(clash.body, /value="Quiz"/);
  // Someone else's booking is not theirs to see.
  assert.equal((await t.app.inject({ url, headers: { cookie: other.cookie } })).statusCode, 403);
});

test('a weekly booking, then cancelling the rest of the series from its page', async () => {
  const me = await makePerson(t.db);
  const res = await book(me.cookie, {
    title: 'Tai chi',
    date: '2030-03-04',
    start: '10:00',
    end: '11:00',
    hirerType: 'community-group',
    repeat: 'weeks',
    weeks: '5',
  });
  assert.equal(res.statusCode, 303);
  assert.match(res.headers.location as string, /booked=5$/);
  const mine = await t.app.inject({ url: '/trafford/spaces/bookings', headers: { cookie: me.cookie } });
  assert.equal(mine.body.match(/Tai chi/g)?.length, 5);
  const [third] = await t.db.query<{ id: string }>(
    "select id from space_bookings where title = 'Tai chi' order by lower(during) offset 2 limit 1",
  );
  const cancel = await submitForm(t.app, {
    cookie: me.cookie,
    formUrl: `/trafford/spaces/bookings/${third?.id}`,
    postUrl: `/trafford/spaces/bookings/${third?.id}/cancel`,
    fields: { scope: 'rest', reason: 'Hall repairs' },
  });
  assert.equal(cancel.statusCode, 303);
  const [n] = await t.db.query<{ live: number; gone: number }>(
    `select count(*) filter (where status = 'confirmed')::int as live, count(*) filter (where status = 'cancelled')::int as gone
     from space_bookings where title = 'Tai chi'`,
  );
  assert.deepEqual(n, { live: 2, gone: 3 });
});

test('a space needing approval: the booking waits, an officer approves it from the list', async () => {
  const me = await makePerson(t.db);
  const hall = '/trafford/spaces/urmston-methodist-hall';
  const res = await book(
    me.cookie,
    { title: 'Baby group', date: DAY, start: '10:00', end: '12:00', hirerType: 'charity' },
    hall,
  );
  assert.equal(res.statusCode, 303);
  const url = (res.headers.location as string).replace(/\?.*/, '');
  assert.match((await t.app.inject({ url, headers: { cookie: me.cookie } })).body, /Waiting for approval/);
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const list = await t.app.inject({ url: '/trafford/spaces/approvals', headers: { cookie: officer.cookie } });
  assert.match(list.body, /Baby group/);
  const decided = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: url,
    postUrl: `${url}/decision`,
    fields: { decision: 'approve' },
  });
  assert.equal(decided.statusCode, 303);
  assert.match((await t.app.inject({ url, headers: { cookie: me.cookie } })).body, /Confirmed/);
  const resident = await makePerson(t.db);
  assert.equal(
    (await t.app.inject({ url: '/trafford/spaces/approvals', headers: { cookie: resident.cookie } }))
      .statusCode,
    403,
  );
});

test('changing the time: a bad time is shown back, a good one moves the booking', async () => {
  const me = await makePerson(t.db);
  const res = await book(me.cookie, {
    title: 'Book club',
    date: DAY,
    start: '13:00',
    end: '14:00',
    hirerType: 'resident',
  });
  const url = (res.headers.location as string).replace(/\?.*/, '');
  const change = (fields: Record<string, string>) =>
    submitForm(t.app, { cookie: me.cookie, formUrl: `${url}/change`, postUrl: `${url}/change`, fields });
  const bad = await change({ date: DAY, start: '23:30', end: '23:00' });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /The end time must be after the start time/);
  const closed = await change({ date: DAY, start: '22:00', end: '23:00' });
  assert.equal(closed.statusCode, 422);
  assert.match(closed.body, /taken, closed or in the past/);
  const ok = await change({ date: DAY, start: '14:00', end: '15:00' });
  assert.equal(ok.statusCode, 303);
  assert.match((await t.app.inject({ url, headers: { cookie: me.cookie } })).body, /14:00–15:00/);
});

test('a manager’s day sheet lists the day’s bookings with who made them; residents cannot see it', async () => {
  const booker = await makePerson(t.db);
  await t.db.query(`update users set display_name = 'Day Sheet Booker' where id = $1`, [booker.userId]);
  const res = await book(booker.cookie, {
    title: 'Knit and natter',
    date: '2030-03-13',
    start: '14:00',
    end: '16:00',
    hirerType: 'community-group',
    repeat: 'none',
  });
  assert.equal(res.statusCode, 303, res.body.slice(0, 200));
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const sheet = await t.app.inject({
    url: `${CENTRE}/day?date=2030-03-13`,
    headers: { cookie: officer.cookie },
  });
  assert.equal(sheet.statusCode, 200);
  assert.match(sheet.body, /Knit and natter/);
  assert.match(sheet.body, /14:00–16:00/);
  assert.match(sheet.body, /Day Sheet Booker/);
  const otherDay = await t.app.inject({
    url: `${CENTRE}/day?date=2030-03-14`,
    headers: { cookie: officer.cookie },
  });
  assert.doesNotMatch(otherDay.body, /Knit and natter/);
  const resident = await t.app.inject({
    url: `${CENTRE}/day?date=2030-03-13`,
    headers: { cookie: booker.cookie },
  });
  assert.equal(resident.statusCode, 403);
  assert.doesNotMatch(resident.body, /Day Sheet Booker/);
});

test('the form offers the concession rate with who qualifies; a concession booking shows its price and the claim', async () => {
  const me = await makePerson(t.db);
  const form = await t.app.inject({ url: `${CENTRE}/book`, headers: { cookie: me.cookie } });
  assert.match(form.body, /£15 an hour, or £7\.50 an hour at the concession rate/);
  assert.match(form.body, /£10 an hour\s*</);
  assert.match(form.body, /Community group\s*<\/label>\s*<div[^>]*>\s*Free\s*</);
  assert.match(form.body, /I qualify for the concession rate/);
  assert.match(form.body, /means-tested benefit, are under 18, are over 65 or are a student/);
  assert.match(form.body, /There is a concession rate here for: Resident\./);
  // A space with no concession rates does not ask.
  const library = await t.app.inject({
    url: '/trafford/spaces/stretford-library/book',
    headers: { cookie: me.cookie },
  });
  assert.doesNotMatch(library.body, /concession/i);
  const res = await book(me.cookie, {
    title: 'Pensioners’ lunch',
    date: '2030-02-07',
    start: '12:00',
    end: '14:20',
    hirerType: 'resident',
    concession: 'yes',
  });
  assert.equal(res.statusCode, 303);
  const url = (res.headers.location as string).replace(/\?.*/, '');
  const page = await t.app.inject({ url, headers: { cookie: me.cookie } });
  assert.match(page.body, /£17\.50 \(concession rate\)/); // £7.50 × 2h20
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const seen = await t.app.inject({ url, headers: { cookie: officer.cookie } });
  assert.match(seen.body, /£17\.50 \(concession rate\)/);
  // Claiming it for a kind of hirer without one is shown back on the form.
  const refused = await book(me.cookie, {
    title: 'Charity lunch',
    date: '2030-02-08',
    start: '12:00',
    end: '13:00',
    hirerType: 'charity',
    concession: 'yes',
  });
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /There is no concession rate for that kind of hirer here/);
  assert.match(refused.body, /href="#concession"/);
  assert.match(refused.body, /id="concession" name="concession" type="checkbox" value="yes" checked/);
});

test('a member books for their group; someone else cannot, even by sending the group’s id', async () => {
  const [group] = await t.db.query<{ id: string }>(
    "select id from directory_groups where slug = 'sale-moor-repair-cafe'",
  );
  const groupId = group?.id as string;
  const member = await makePerson(t.db);
  await t.db.query(
    `insert into directory_group_members (place_id, group_id, user_id, role)
     select place_id, id, $2, 'member' from directory_groups where id = $1`,
    [groupId, member.userId],
  );
  const form = await t.app.inject({ url: `${CENTRE}/book`, headers: { cookie: member.cookie } });
  assert.match(form.body, /Who is this booking for\?/);
  assert.match(form.body, /value="self" checked/);
  assert.match(form.body, new RegExp(`value="${groupId}"`));
  assert.match(form.body, /Sale Moor Repair Café/);
  const res = await book(member.cookie, {
    title: 'Repair café',
    date: '2030-02-09',
    start: '10:00',
    end: '13:00',
    bookingFor: groupId,
  });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  const url = (res.headers.location as string).replace(/\?.*/, '');
  const page = await t.app.inject({ url, headers: { cookie: member.cookie } });
  assert.match(page.body, /Booked for<\/dt><dd class="govuk-summary-list__value">Sale Moor Repair Café/);
  assert.match(page.body, /Community group/);
  assert.match(page.body, /Free/);
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const sheet = await t.app.inject({
    url: `${CENTRE}/day?date=2030-02-09`,
    headers: { cookie: officer.cookie },
  });
  assert.match(sheet.body, /\(for Sale Moor Repair Café\)/);
  // Not a member: the form does not ask, and a forged post is refused with nothing booked.
  const stranger = await makePerson(t.db);
  const theirForm = await t.app.inject({ url: `${CENTRE}/book`, headers: { cookie: stranger.cookie } });
  assert.doesNotMatch(theirForm.body, /Who is this booking for/);
  const forged = await book(stranger.cookie, {
    title: 'Not my group',
    date: '2030-02-10',
    start: '10:00',
    end: '13:00',
    bookingFor: groupId,
  });
  assert.equal(forged.statusCode, 422);
  assert.match(forged.body, /Choose yourself or a group you belong to/);
  const [n] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from space_bookings where title = 'Not my group'",
  );
  assert.equal(n?.n, 0);
});

test('the booking email links to the booking at the site’s configured public address', async () => {
  const me = await makePerson(t.db);
  const res = await book(me.cookie, {
    title: 'Link check',
    date: '2030-02-11',
    start: '10:00',
    end: '11:00',
    hirerType: 'resident',
  });
  const path = (res.headers.location as string).replace(/\?.*/, '');
  const [mail] = await t.db.query<{ body: string }>('select body from outbox where to_email = $1', [
    me.email,
  ]);
  const link = /https?:\/\/\S+$/.exec(mail?.body ?? '')?.[0] ?? '';
  assert.ok(link.startsWith(`${PUBLIC_URL}/`), link);
  assert.equal(link, `${PUBLIC_URL}${path}`);
  assert.match(mail?.body ?? '', /Price for each date: £15\n/);
});

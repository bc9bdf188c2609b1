import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { submitForm } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { DEMO_ACTIVITY_ID } from './activity-seed.js';
import { sessionTimes } from './activity-service.js';
import { addDays, isoWeekMonday, isoWeekOf, londonDay } from './activity-time.js';

const t = useTestApp();

/** A date a few weeks ahead on the London clock, as the form's three boxes. */
function ahead(days: number) {
  const day = addDays(londonDay(new Date()), days);
  const [y, m, d] = day.split('-');
  return {
    day,
    fields: { 'date-day': String(Number(d)), 'date-month': String(Number(m)), 'date-year': y as string },
  };
}

const FILM = {
  title: 'Silent film with live piano',
  description: 'A classic silent comedy with a pianist.',
  category: 'film',
  space: 'sale-waterside-arts',
  startTime: '19:00',
  endTime: '21:00',
  repeat: 'once',
  cost: '4.50',
  ageMin: '12',
  accessibility: ['step-free', 'hearing-loop'],
};

function add(cookie: string, fields: Record<string, string | string[]>) {
  return submitForm(t.app, {
    cookie,
    formUrl: '/trafford/whats-on/activities/new',
    postUrl: '/trafford/whats-on/activities',
    fields,
  });
}

async function organiserOf(groupSlug: string) {
  const person = await makePerson(t.db);
  await t.db.query(
    `insert into directory_group_members (place_id, group_id, user_id, role)
     select place_id, id, $2, 'organiser' from directory_groups where slug = $1`,
    [groupSlug, person.userId],
  );
  return person;
}

test('an officer adds a one-off film night: it has its page, and is in the week view, the JSON and the CSV', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const when = ahead(20);
  const res = await add(officer.cookie, { ...FILM, ...when.fields });
  assert.equal(res.statusCode, 303);
  const url = res.headers.location as string;
  const page = await t.app.inject(url);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Activity added/);
  assert.match(page.body, /Silent film with live piano/);
  assert.match(page.body, /£4\.50/);
  assert.match(page.body, /Ages 12 and over/);
  assert.match(page.body, /19:00 to 21:00/);

  const week = await t.app.inject(`/trafford/whats-on?week=${isoWeekOf(when.day)}`);
  assert.equal(week.statusCode, 200);
  assert.match(week.body, /Silent film with live piano/);
  // The week view lists all seven days, empty ones too.
  assert.equal(
    (week.body.match(/<h3 class="govuk-heading-s govuk-!-margin-bottom-2" id="day-/g) ?? []).length,
    7,
  );

  const json = await t.app.inject(
    `/trafford/api/whats-on?from=${when.day}&to=${when.day}&space=sale-waterside-arts`,
  );
  const film = json.json().contents.find((s: { title: string }) => s.title === FILM.title);
  assert.equal(film.local_date, when.day);
  assert.equal(film.local_start, '19:00');
  assert.equal(film.cost_pence, 450);
  assert.deepEqual(film.accessibility, ['step-free', 'hearing-loop']);
  const csv = await t.app.inject(`/trafford/api/whats-on.csv?from=${when.day}&to=${when.day}`);
  assert.match(csv.body, /Silent film with live piano.*,450,step-free;hearing-loop,/);
});

test('only organisers (for their own group) and officers add activities; a bad form keeps what was typed', async () => {
  const resident = await makePerson(t.db);
  assert.equal(
    (await t.app.inject({ url: '/trafford/whats-on/activities/new', headers: { cookie: resident.cookie } }))
      .statusCode,
    403,
  );
  const anon = await t.app.inject('/trafford/whats-on/activities/new');
  assert.equal(anon.statusCode, 303);
  assert.match(anon.headers.location as string, /^\/account\/sign-in/);

  const organiser = await organiserOf('partington-community-hub');
  const [hub] = await t.db.query<{ id: string }>(
    "select id from directory_groups where slug = 'partington-community-hub'",
  );
  const [other] = await t.db.query<{ id: string }>(
    "select id from directory_groups where slug = 'sale-moor-repair-cafe'",
  );
  const when = ahead(9);
  const base = {
    ...FILM,
    ...when.fields,
    title: 'Homework club',
    category: 'learning',
    space: 'partington-village-hall',
  };
  // Not their group, and no group at all, are both refused.
  const notTheirs = await add(organiser.cookie, { ...base, group: other?.id as string });
  assert.equal(notTheirs.statusCode, 403);
  const noGroup = await add(organiser.cookie, base);
  assert.equal(noGroup.statusCode, 422);
  assert.match(noGroup.body, /Choose the group that runs it/);

  const bad = await add(organiser.cookie, {
    ...base,
    group: hub?.id as string,
    endTime: '18:00',
    startTime: '19:00',
    cost: 'lots',
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /govuk-error-summary/);
  assert.match(bad.body, /The end time must be after the start time/);
  assert.match(bad.body, /Enter the cost in pounds/);
  assert.match(bad.body, /value="Homework club"/);

  // An empty form: the date is one question, so one message in the summary and one by the boxes.
  const empty = await add(organiser.cookie, {});
  assert.equal(empty.statusCode, 422);
  assert.equal((empty.body.match(/Enter a real date, such as 28 3 2026/g) ?? []).length, 2);
  assert.match(empty.body, /href="#date-day"/);

  const past = await add(organiser.cookie, { ...base, group: hub?.id as string, ...ahead(-3).fields });
  assert.equal(past.statusCode, 422);
  assert.match(past.body, /The first session must be today or later/);

  const ok = await add(organiser.cookie, { ...base, group: hub?.id as string, repeat: 'weekly', weeks: '6' });
  assert.equal(ok.statusCode, 303);
  const page = await t.app.inject(ok.headers.location as string);
  assert.match(page.body, /Partington Community Hub/);
  assert.equal((page.body.match(/<tr class="govuk-table__row">/g) ?? []).length - 1, 6);
  const group = await t.app.inject('/trafford/whats-on?group=partington-community-hub');
  assert.match(group.body, /What’s on with Partington Community Hub/);
  assert.match(group.body, /Homework club/);
  assert.doesNotMatch(group.body, /Chair aerobics/);
});

test('filters: free, age, space and access needs narrow the calendar', async () => {
  const visible = async (q: string) => {
    const res = await t.app.inject(`/trafford/api/whats-on?per_page=200&${q}`);
    assert.equal(res.statusCode, 200);
    return new Set(res.json().contents.map((s: { title: string }) => s.title));
  };
  const all = await visible('');
  assert.ok(all.has('Chair aerobics') && all.has('Video games club'));
  const free = await visible('free=yes');
  assert.ok(!free.has('Chair aerobics') && free.has('Video games club'));
  const toddler = await visible('age=3');
  assert.ok(
    toddler.has('Toddler music and rhyme time') &&
      !toddler.has('Video games club') &&
      !toddler.has('Chair aerobics'),
  );
  const loop = await visible('accessibility=hearing-loop');
  assert.ok(loop.has('Chair aerobics') && !loop.has('Video games club'));
  const bucklow = await visible('ward=bucklow-st-martins');
  assert.ok(bucklow.has('Video games club') && !bucklow.has('Chair aerobics'));
  const partington = await visible('space=partington-village-hall');
  assert.ok(partington.has('Video games club') && !partington.has('Chair aerobics'));
  const page = await t.app.inject('/trafford/whats-on?space=stretford-public-hall&free=yes');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /What’s on at Stretford Public Hall/);
  assert.doesNotMatch(page.body, /Chair aerobics/);
  // Nonsense in the query string is ignored or refused, never a 500.
  for (const q of ['week=2026-W99', 'age=old', 'from=yesterday', 'accessibility=x&accessibility=y']) {
    assert.equal((await t.app.inject(`/trafford/whats-on?${q}`)).statusCode, 200, q);
  }
  assert.equal((await t.app.inject('/trafford/api/whats-on?from=yesterday')).statusCode, 422);
});

test('a cancelled session shows as cancelled; a withdrawn activity leaves the calendar', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const resident = await makePerson(t.db);
  const url = `/trafford/whats-on/activities/${DEMO_ACTIVITY_ID}`;
  const [first] = await t.db.query<{ id: string }>(
    'select id from activity_sessions where activity_id = $1 order by starts_at limit 1',
    [DEMO_ACTIVITY_ID],
  );
  const cancelUrl = `${url}/sessions/${first?.id}`;
  const refused = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: url,
    postUrl: cancelUrl,
    fields: { cancelled: 'yes' },
  });
  assert.equal(refused.statusCode, 403);
  const done = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: url,
    postUrl: cancelUrl,
    fields: { cancelled: 'yes' },
  });
  assert.equal(done.statusCode, 303);
  const page = await t.app.inject(url);
  assert.match(page.body, /<del>[^<]+<\/del> <strong class="govuk-tag govuk-tag--red">\s*Cancelled/);
  const api = await t.app.inject('/trafford/api/whats-on?per_page=200');
  const firstSession = api.json().contents.find((s: { id: string }) => s.id === first?.id);
  assert.equal(firstSession.cancelled, true);

  const withdraw = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: url,
    postUrl: `${url}/withdraw`,
    fields: {},
  });
  assert.equal(withdraw.statusCode, 303);
  assert.equal((await t.app.inject(url)).statusCode, 404);
  assert.doesNotMatch((await t.app.inject('/trafford/whats-on')).body, /Chair aerobics/);
});

test('changing an activity: prefilled form, GOV.UK errors, the feeds see it with a higher change number, audited', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const added = await add(officer.cookie, {
    ...FILM,
    ...ahead(30).fields,
    title: 'Quiz night',
    repeat: 'weekly',
    weeks: '3',
  });
  assert.equal(added.statusCode, 303);
  const url = (added.headers.location as string).split('?')[0] as string;
  const id = url.split('/').at(-1) as string;
  const editUrl = `${url}/edit`;
  const seriesAfter = async (n: number) =>
    (await t.app.inject(`/trafford/api/openactive/session-series?afterChangeNumber=${n}&limit=500`)).json()
      .items as { id: string; modified: number; data?: { name?: string; offers?: { price?: number }[] } }[];
  const sessionsAfter = async (n: number) =>
    (
      await t.app.inject(`/trafford/api/openactive/scheduled-sessions?afterChangeNumber=${n}&limit=500`)
    ).json().items as { id: string; modified: number }[];
  const [before] = await t.db.query<{ modified: string }>('select modified from activities where id = $1', [
    id,
  ]);
  const was = Number(before?.modified);

  // Someone without the permission, and not an organiser of its group, is refused both ways.
  const resident = await makePerson(t.db);
  assert.equal((await t.app.inject({ url: editUrl, headers: { cookie: resident.cookie } })).statusCode, 403);
  const organiser = await organiserOf('sale-moor-repair-cafe');
  const refused = await submitForm(t.app, {
    cookie: organiser.cookie,
    formUrl: url,
    postUrl: editUrl,
    fields: { title: 'Taken over', category: 'film' },
  });
  assert.equal(refused.statusCode, 403);
  assert.equal((await t.app.inject(editUrl)).statusCode, 303);

  // The form is filled in with what is there now, and says where and when stay the same.
  const form = await t.app.inject({ url: editUrl, headers: { cookie: officer.cookie } });
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /value="Quiz night"/);
  assert.match(form.body, /value="4.50"/);
  assert.match(form.body, /value="12"/);
  assert.match(form.body, /name="category" type="radio" value="film" checked/);
  assert.match(form.body, /value="hearing-loop" checked/);
  assert.match(form.body, /It stays at Sale Waterside Arts at the same times/);

  const bad = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: editUrl,
    postUrl: editUrl,
    fields: { title: '', category: 'film', ageMin: '16', ageMax: '10', cost: 'free-ish' },
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /govuk-error-summary/);
  assert.match(bad.body, /href="#title">Enter the name of the activity/);
  assert.match(bad.body, /Enter the cost in pounds/);
  assert.match(bad.body, /value="free-ish"/);

  const done = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: editUrl,
    postUrl: editUrl,
    fields: {
      title: 'Pub quiz night',
      description: 'Teams of up to six.',
      category: 'games',
      cost: '',
      accessibility: ['step-free'],
    },
  });
  assert.equal(done.statusCode, 303);
  assert.equal(done.headers.location, `${url}?changed=1`);
  const page = await t.app.inject(done.headers.location as string);
  assert.match(page.body, /Activity details changed/);
  assert.match(page.body, /Pub quiz night/);
  assert.match(page.body, /Cost\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*Free\s*</);
  assert.match(page.body, /Who for\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*All ages\s*</);

  // RPDE: the series comes back with a higher change number and the new details; so do its sessions.
  const series = (await seriesAfter(was)).find((i) => i.id === id);
  assert.ok(series, 'the changed activity is in the feed after its old change number');
  assert.ok(series.modified > was);
  assert.equal(series.data?.name, 'Pub quiz night');
  const [counts] = await t.db.query<{ n: number }>(
    'select count(*)::int as n from activity_sessions where activity_id = $1 and modified > $2',
    [id, was],
  );
  assert.equal(counts?.n, 3);
  assert.ok((await sessionsAfter(was)).length >= 3);
  const [log] = await t.db.query<{ before: { title: string }; after: { title: string; costPence: number } }>(
    "select before, after from audit_log where action = 'spaces.activity.update' and target_id = $1",
    [id],
  );
  assert.equal(log?.before.title, 'Quiz night');
  assert.equal(log?.after.title, 'Pub quiz night');
  assert.equal(log?.after.costPence, 0);

  // Once withdrawn there is nothing to change.
  await submitForm(t.app, { cookie: officer.cookie, formUrl: url, postUrl: `${url}/withdraw`, fields: {} });
  assert.equal((await t.app.inject({ url: editUrl, headers: { cookie: officer.cookie } })).statusCode, 404);
});

test('a group’s organiser changes their own group’s activity', async () => {
  const organiser = await organiserOf('stretford-walking-group');
  const [group] = await t.db.query<{ id: string }>(
    "select id from directory_groups where slug = 'stretford-walking-group'",
  );
  const added = await add(organiser.cookie, {
    ...FILM,
    ...ahead(12).fields,
    title: 'Walk and talk',
    category: 'exercise',
    group: group?.id as string,
  });
  assert.equal(added.statusCode, 303);
  const url = (added.headers.location as string).split('?')[0] as string;
  const res = await submitForm(t.app, {
    cookie: organiser.cookie,
    formUrl: `${url}/edit`,
    postUrl: `${url}/edit`,
    fields: { title: 'Walk and talk (gentle)', category: 'exercise' },
  });
  assert.equal(res.statusCode, 303);
  assert.match((await t.app.inject(url)).body, /Walk and talk \(gentle\)/);
});

test('weekly sessions keep their London wall-clock time across the clock changes, and ISO weeks are exact', () => {
  const { rrule, times } = sessionTimes({ year: 2026, month: 10, day: 20 }, 18 * 60, 19 * 60 + 30, {
    weeks: 2,
  });
  assert.match(rrule as string, /DTSTART;TZID=Europe\/London:20261020T180000\nRRULE:FREQ=WEEKLY;COUNT=2/);
  assert.deepEqual(
    times.map((x) => [x.startsAt.toISOString(), x.endsAt.toISOString()]),
    [
      ['2026-10-20T17:00:00.000Z', '2026-10-20T18:30:00.000Z'],
      ['2026-10-27T18:00:00.000Z', '2026-10-27T19:30:00.000Z'],
    ],
  );
  // 01:30 on 29 March 2026 never happens in London: the session starts at 02:30 BST (01:30 UTC).
  const gap = sessionTimes({ year: 2026, month: 3, day: 29 }, 90, 150, null).times[0];
  assert.equal(gap?.startsAt.toISOString(), '2026-03-29T01:30:00.000Z');
  assert.equal(isoWeekMonday('2026-W13'), '2026-03-23');
  assert.equal(isoWeekMonday('2026-W53'), '2026-12-28');
  assert.equal(isoWeekMonday('2025-W53'), null);
  assert.equal(isoWeekOf('2027-01-01'), '2026-W53');
});

test('a weekly activity holds its room: a clash names its date and adds nothing; cancelling a session frees its hour', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const resident = await makePerson(t.db, { roles: ['resident'] });
  const first = ahead(40);
  const third = addDays(first.day, 14);
  // A resident has already booked the hall on the third week, 19:30 to 20:30.
  const booked = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: '/trafford/spaces/partington-community-centre/book',
    postUrl: '/trafford/spaces/partington-community-centre/book',
    fields: {
      date: third,
      start: '19:30',
      end: '20:30',
      title: 'Band rehearsal',
      hirerType: 'resident',
      repeat: 'none',
    },
  });
  assert.equal(booked.statusCode, 303, booked.body);
  const count = async () =>
    (
      await t.db.query<{ n: number }>(
        "select count(*)::int as n from activities where title = 'Life drawing'",
      )
    )[0]?.n;
  const weekly = {
    ...FILM,
    space: 'partington-community-centre',
    title: 'Life drawing',
    cost: '',
    ageMin: '',
    repeat: 'weekly',
    weeks: '4',
    ...first.fields,
  };
  const clash = await add(officer.cookie, weekly);
  assert.equal(clash.statusCode, 422);
  const [y, m, d] = third.split('-').map(Number) as [number, number, number];
  const label = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(Date.UTC(y, m - 1, d)));
  assert.match(clash.body, /govuk-error-summary/);
  assert.ok(
    clash.body.includes(`already booked at that time on ${label.replace(',', '')}`),
    clash.body.match(/already booked[^<]*/)?.[0],
  );
  assert.equal(await count(), 0, 'no activity, no sessions, no bookings');

  // An hour later there is no clash: four sessions, each holding the hall.
  const ok = await add(officer.cookie, { ...weekly, startTime: '20:30', endTime: '22:00' });
  assert.equal(ok.statusCode, 303, ok.body);
  const id = (ok.headers.location as string).split('/').pop()?.split('?')[0] as string;
  const sessions = await t.db.query<{ id: string; status: string; s: Date }>(
    `select x.id, b.status, lower(b.during) as s from activity_sessions x join space_bookings b on b.id = x.booking_id
     where x.activity_id = $1 and lower(b.during) = x.starts_at and upper(b.during) = x.ends_at order by x.starts_at`,
    [id],
  );
  assert.deepEqual(
    sessions.map((s) => s.status),
    ['confirmed', 'confirmed', 'confirmed', 'confirmed'],
  );
  // Cancelling the second session cancels its booking: a resident can now book that time.
  const second = sessions[1] as { id: string };
  const cancel = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `/trafford/whats-on/activities/${id}`,
    postUrl: `/trafford/whats-on/activities/${id}/sessions/${second.id}`,
    fields: { cancelled: 'yes' },
  });
  assert.equal(cancel.statusCode, 303);
  const [after] = await t.db.query<{ status: string }>(
    'select b.status from activity_sessions x join space_bookings b on b.id = x.booking_id where x.id = $1',
    [second.id],
  );
  assert.equal(after?.status, 'cancelled');
  const rebook = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: '/trafford/spaces/partington-community-centre/book',
    postUrl: '/trafford/spaces/partington-community-centre/book',
    fields: {
      date: addDays(first.day, 7),
      start: '20:30',
      end: '21:30',
      title: 'Quiz night',
      hirerType: 'resident',
      repeat: 'none',
    },
  });
  assert.equal(rebook.statusCode, 303, rebook.body);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import ICAL from 'ical.js';
import { useTestApp } from '../../../../test/helpers/app.js';
import { openForm } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { londonAt } from '../../../lib/london-clock.js';
import type { NoticeStatus } from '../../../lib/street-notice/states.js';
import { DEMO_NOTICE_ID, DEMO_NOTICE_REFERENCE } from '../notices/notice-seed.js';
import { streetCalendar } from './ical.js';

const t = useTestApp();

const OBJECTED_REFERENCE = 'RC26-RN5K';
const CONFIRMED_REFERENCE = 'PS26-P4YS';
const HELD_REFERENCE = 'SP26-PAST';

let made = 0;
/** A notification straight into the table, in any state, on any date (the seed's way). */
async function insertNotice(options: {
  status: NoticeStatus;
  startsAt: Date;
  endsAt: Date;
  title: string;
  showOrganiser?: boolean;
  ward?: string | null;
  type?: string;
}): Promise<{ id: string; reference: string }> {
  made++;
  const reference = `TE57-${String(made).padStart(4, '0')}`;
  const rows = await t.db.query<{ id: string }>(
    `insert into street_notices (place_id, type_id, reference, mode, status, organiser_name, show_organiser, title,
       ward_code, street, from_point, to_point, starts_at, ends_at, expected_people, road_closure, notified_at)
     select p.id, ty.id, $1, 'notify', $2, 'Hidden Organiser', $3, $4, $5, 'Test Street', 'number 1', 'number 9',
       $6, $7, 30, true, $8
       from places p join street_notice_types ty on ty.place_id = p.id and ty.slug = $9
      where p.slug = 'trafford' returning id`,
    [
      reference,
      options.status,
      options.showOrganiser ?? false,
      options.title,
      options.ward === undefined ? 'E05015256' : options.ward,
      options.startsAt,
      options.endsAt,
      new Date(options.startsAt.getTime() - 60 * 86_400_000),
      options.type ?? 'street-party',
    ],
  );
  return { id: rows[0]?.id as string, reference };
}

/** The first Saturday of July next year: always ahead, always in British Summer Time. */
function nextSummerSaturday(): string {
  const year = new Date().getUTCFullYear() + 1;
  let day = 1;
  while (new Date(Date.UTC(year, 6, day)).getUTCDay() !== 6) day++;
  return `${year}-07-0${day}`;
}

test('the calendar lists events going ahead, not objected, past or draft ones, with the organiser only if agreed', async () => {
  const res = await t.app.inject('/trafford/streets/events');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /Derbyshire Road summer street party/);
  assert.match(res.body, /Playing out on Moss View/);
  assert.doesNotMatch(res.body, /Sale community fun run/, 'objected: not going ahead as things stand');
  assert.doesNotMatch(res.body, /Coronation Street party/, 'held: in the past');
  assert.match(res.body, /Organised by Priya Shah/, 'the Derbyshire Road organiser agreed');
  assert.equal(res.body.match(/Organised by/g)?.length, 1, 'the Moss View organiser did not');
  // The map has a numbered point for each listed event, and the list is the alternative to it.
  assert.match(res.body, /<svg[^>]*class="kith-map"/);
  assert.match(res.body, /1\. Playing out on Moss View/);
  assert.match(res.body, /2\. Derbyshire Road summer street party/);

  const byWard = await t.app.inject('/trafford/streets/events?ward=E05015244');
  assert.match(byWard.body, /Playing out on Moss View/);
  assert.doesNotMatch(byWard.body, /Derbyshire Road summer street party/);
  assert.match(byWard.body, /aria-current="true"/, 'the chosen ward is marked on the map');
  const byType = await t.app.inject('/trafford/streets/events?type=play-street');
  assert.match(byType.body, /Playing out on Moss View/);
  assert.doesNotMatch(byType.body, /Derbyshire Road summer street party/);
  const odd = await t.app.inject('/trafford/streets/events?ward[]=x&type=%3Cscript%3E&page=abc');
  assert.equal(odd.statusCode, 422, 'a bad page number is a field error, never a 500');
});

test('the open data has the public fields only, paged, and the same as CSV', async () => {
  const res = await t.app.inject('/trafford/api/streets/events?per_page=1');
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['access-control-allow-origin'], '*');
  const body = JSON.parse(res.body);
  assert.equal(body.total_items, 2);
  assert.equal(body.total_pages, 2);
  assert.equal(body.contents.length, 1);
  assert.equal(body.contents[0].reference, CONFIRMED_REFERENCE);
  assert.equal(body.contents[0].organiser_name, null);
  assert.equal(body.links.next, '/trafford/api/streets/events?page=2&per_page=1');
  const second = JSON.parse((await t.app.inject('/trafford/api/streets/events?page=2&per_page=1')).body);
  assert.equal(second.contents[0].reference, DEMO_NOTICE_REFERENCE);
  assert.equal(second.contents[0].organiser_name, 'Priya Shah');
  assert.equal(second.contents[0].road_closure, true);
  for (const key of ['organiser_phone', 'organiser_email', 'organiser_id', 'answers', 'id'])
    assert.equal(key in second.contents[0], false, key);

  const csv = await t.app.inject('/trafford/api/streets/events.csv?type=street-party');
  assert.equal(csv.statusCode, 200);
  assert.match(csv.headers['content-type'] as string, /^text\/csv/);
  const lines = csv.body.trim().split('\n');
  assert.match(lines[0] ?? '', /^reference,title,description,type,type_name,status,ward_code/);
  assert.equal(lines.length, 2);
  assert.match(lines[1] ?? '', /^SP26-DEM0,Derbyshire Road summer street party,/);
  assert.doesNotMatch(csv.body, /street-party@trafford-together/);
});

type Ev = { uid: string; start: string; end: string; local: string; summary: string };
function parseIcs(body: string): Ev[] {
  const cal = new ICAL.Component(ICAL.parse(body));
  return cal.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    const start = e.startDate.toJSDate();
    return {
      uid: e.uid,
      start: start.toISOString(),
      end: e.endDate.toJSDate().toISOString(),
      local: new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/London',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(start),
      summary: e.summary,
    };
  });
}

test('an iCalendar feed keeps a summer street party at noon London time (11:00 UTC in BST)', () => {
  const body = streetCalendar(
    [
      {
        reference: 'SP27-BST0',
        title: 'Midsummer party',
        description: '',
        street: 'Cranbrook Road',
        locationText: '',
        wardName: 'Urmston',
        startsAt: londonAt('2027-06-26', 12 * 60),
        endsAt: londonAt('2027-06-26', 18 * 60),
        notifiedAt: new Date('2027-01-11T10:00:00Z'),
      } as never,
    ],
    {
      name: 'Street events',
      host: 'kith.example',
      baseUrl: 'https://kith.example',
      placeSlug: 'trafford',
      describe: () => '',
    },
  );
  const [e] = parseIcs(body);
  assert.equal(e?.start, '2027-06-26T11:00:00.000Z');
  assert.equal(e?.end, '2027-06-26T17:00:00.000Z');
  assert.equal(e?.local, '12:00');
  assert.equal(e?.uid, 'SP27-BST0@kith.example');
});

test('the place’s and a ward’s iCalendar feeds list the events going ahead', async () => {
  const day = nextSummerSaturday();
  await insertNotice({
    status: 'confirmed',
    title: 'Summer play street',
    startsAt: londonAt(day, 10 * 60),
    endsAt: londonAt(day, 12 * 60),
    ward: 'E05015244',
  });
  const res = await t.app.inject('/trafford/streets/events.ics');
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^text\/calendar/);
  const events = parseIcs(res.body);
  const summer = events.find((e) => e.summary === 'Summer play street');
  assert.equal(summer?.local, '10:00');
  assert.equal(summer?.start, londonAt(day, 10 * 60).toISOString());
  assert.ok(events.some((e) => e.summary === 'Derbyshire Road summer street party'));
  assert.ok(!events.some((e) => e.summary === 'Sale community fun run'));
  const ward = parseIcs((await t.app.inject('/trafford/streets/events.ics?ward=E05015244')).body);
  assert.deepEqual(ward.map((e) => e.summary).sort(), ['Playing out on Moss View', 'Summer play street']);
  assert.doesNotMatch(res.body, /Hidden Organiser/);
});

test('neighbours see the event’s public page without signing in; drafts and unknown references are not found', async () => {
  const res = await t.app.inject(`/trafford/streets/events/${DEMO_NOTICE_REFERENCE}`);
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /Derbyshire Road summer street party/);
  assert.match(res.body, /Going ahead/);
  assert.match(res.body, /Derbyshire Road, from the corner with Kings Road to number 60/);
  assert.match(res.body, /Priya Shah/);
  assert.match(res.body, /A concern does not stop the event by itself/);
  assert.match(res.body, /0 coming, 0 offering help/);
  const hidden = await t.app.inject(`/trafford/streets/events/${CONFIRMED_REFERENCE}`);
  assert.match(hidden.body, /The organiser has chosen not to show their name/);
  const objected = await t.app.inject(`/trafford/streets/events/${OBJECTED_REFERENCE}`);
  assert.match(objected.body, /Objection raised/);
  assert.match(objected.body, /The council has raised an objection/);
  assert.match(objected.body, /name="kind"/, 'neighbours can still answer');
  const held = await t.app.inject(`/trafford/streets/events/${HELD_REFERENCE}`);
  assert.match(held.body, /not taking answers any more/);
  assert.doesNotMatch(held.body, /name="kind"/);
  const draft = await insertNotice({
    status: 'draft',
    title: 'Secret draft',
    startsAt: new Date(Date.now() + 90 * 86_400_000),
    endsAt: new Date(Date.now() + 90 * 86_400_000 + 3_600_000),
  });
  assert.equal((await t.app.inject(`/trafford/streets/events/${draft.reference}`)).statusCode, 404);
  assert.doesNotMatch((await t.app.inject('/trafford/streets/events')).body, /Secret draft/);
  assert.equal((await t.app.inject('/trafford/streets/events/NOPE-NOPE')).statusCode, 404);
  assert.equal((await t.app.inject('/trafford/streets/events/%3Cscript%3E')).statusCode, 404);
});

test('neighbours say they are coming, offer help or raise a concern; a concern reaches officers but does not change the status', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const { reference, id } = await insertNotice({
    status: 'going-ahead',
    title: 'Answerable party',
    startsAt: new Date(Date.now() + 40 * 86_400_000),
    endsAt: new Date(Date.now() + 40 * 86_400_000 + 4 * 3_600_000),
  });
  const url = `/trafford/streets/events/${reference}`;
  const post = await openForm(t.app, { formUrl: url });

  const coming = await post({ kind: 'coming', name: '', message: '', email: '' });
  assert.equal(coming.statusCode, 303);
  assert.equal(coming.headers.location, `${url}?sent=coming#answered`);
  const thanks = await t.app.inject(`${url}?sent=coming`);
  assert.match(thanks.body, /Thank you: we have counted you in/);
  assert.match(thanks.body, /1 coming, 0 offering help/);

  const noHelp = await post({ kind: 'help', message: '  ' });
  assert.equal(noHelp.statusCode, 422);
  assert.match(noHelp.body, /<a href="#message">Enter how you can help<\/a>/);
  const noKind = await post({ message: 'hello' });
  assert.equal(noKind.statusCode, 422);
  assert.match(noKind.body, /<a href="#kind">Select what you would like to say<\/a>/);
  const badEmail = await post({ kind: 'concern', message: 'Parking', email: 'not an email' });
  assert.equal(badEmail.statusCode, 422);
  assert.match(badEmail.body, /Enter an email address in the correct format/);
  const hostile = await post({ kind: ['coming', 'help'], message: 'x'.repeat(2001), name: '<b>n</b>' });
  assert.equal(hostile.statusCode, 422, 'odd shapes and long text are field errors');
  assert.doesNotMatch(hostile.body, /<b>n<\/b>/, 'what was typed is shown escaped');

  assert.equal((await post({ kind: 'help', name: 'Ann', message: 'I can lend two tables' })).statusCode, 303);
  const concern = await post({
    kind: 'concern',
    name: 'Bob',
    message: 'My carer needs to park outside number 5.',
    email: 'bob@example.org',
  });
  assert.equal(concern.statusCode, 303);
  const after = await t.app.inject(url);
  assert.match(after.body, /1 coming, 1 offering help/);
  assert.match(after.body, /Going ahead/, 'a concern does not veto');
  const status = await t.db.query<{ status: string }>('select status from street_notices where id = $1', [
    id,
  ]);
  assert.equal(status[0]?.status, 'going-ahead');
  const mail = await t.db.query<{ subject: string; body: string }>(
    'select subject, body from outbox where to_email = $1',
    [officer.email],
  );
  assert.equal(mail.length, 1);
  assert.match(mail[0]?.subject ?? '', /A neighbour’s concern about Answerable party/);
  assert.match(mail[0]?.body ?? '', /My carer needs to park outside number 5\./);
  assert.match(mail[0]?.body ?? '', /bob@example\.org/);
  assert.match(mail[0]?.body ?? '', new RegExp(`/trafford/streets/notices/${id}/neighbours`));
  const stored = await t.db.query<{ kind: string; email: string | null }>(
    'select kind, email from street_neighbour_responses where notice_id = $1 order by created_at',
    [id],
  );
  assert.deepEqual(
    stored.map((r) => [r.kind, r.email]),
    [
      ['coming', null],
      ['help', null],
      ['concern', 'bob@example.org'],
    ],
  );
  const audited = await t.db.query<{ n: number }>(
    "select count(*)::int as n from audit_log where action = 'streets.neighbour.respond'",
  );
  assert.ok((audited[0]?.n ?? 0) >= 3);

  // Without the form's token, nothing is stored.
  const forged = await t.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'kind=coming',
  });
  assert.equal(forged.statusCode, 403);
});

test('one address can send only so many answers an hour', async () => {
  const { reference } = await insertNotice({
    status: 'confirmed',
    title: 'Popular party',
    startsAt: new Date(Date.now() + 20 * 86_400_000),
    endsAt: new Date(Date.now() + 20 * 86_400_000 + 3_600_000),
  });
  await t.db.query('delete from rate_limits');
  const post = await openForm(t.app, { formUrl: `/trafford/streets/events/${reference}` });
  for (let i = 0; i < 10; i++) assert.equal((await post({ kind: 'coming' })).statusCode, 303);
  const res = await post({ kind: 'coming' });
  assert.equal(res.statusCode, 429);
  assert.ok(Number(res.headers['retry-after']) > 0);
  await t.db.query('delete from rate_limits');
});

test('the organiser and officers read what neighbours said; officers mark concerns seen; others get 404', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const stranger = await makePerson(t.db);
  const organiserId = (
    await t.db.query<{ organiser_id: string }>('select organiser_id from street_notices where id = $1', [
      DEMO_NOTICE_ID,
    ])
  )[0]?.organiser_id as string;
  const { createSession, SESSION_COOKIE } = await import('../../../platform/auth/session-service.js');
  const organiserCookie = `${SESSION_COOKIE}=${await createSession(t.db, organiserId, 'test')}`;
  const post = await openForm(t.app, { formUrl: `/trafford/streets/events/${DEMO_NOTICE_REFERENCE}` });
  await t.db.query('delete from rate_limits');
  await post({ kind: 'concern', message: 'Please keep the music down after 8pm <script>x</script>' });

  const list = `/trafford/streets/notices/${DEMO_NOTICE_ID}/neighbours`;
  const asOrganiser = await t.app.inject({ url: list, headers: { cookie: organiserCookie } });
  assert.equal(asOrganiser.statusCode, 200);
  assert.match(asOrganiser.body, /Please keep the music down after 8pm &lt;script&gt;/);
  assert.doesNotMatch(asOrganiser.body, /Mark as seen/, 'only officers mark concerns seen');
  assert.match(asOrganiser.body, /Not seen yet/);
  assert.equal((await t.app.inject({ url: list, headers: { cookie: stranger.cookie } })).statusCode, 404);

  const mark = await openForm(t.app, { formUrl: list, cookie: officer.cookie });
  const [concern] = await t.db.query<{ id: string }>(
    "select id from street_neighbour_responses where notice_id = $1 and kind = 'concern'",
    [DEMO_NOTICE_ID],
  );
  const res = await mark({ response: concern?.id as string });
  assert.equal(res.statusCode, 303);
  const seen = await t.app.inject({ url: list, headers: { cookie: officer.cookie } });
  assert.doesNotMatch(seen.body, /Mark as seen/);
  assert.match(seen.body, />\s*Seen\s*</);
  assert.equal((await mark({ response: 'not-an-id' })).statusCode, 404);
  const byResident = await openForm(t.app, { formUrl: list, cookie: organiserCookie });
  assert.equal((await byResident({ response: concern?.id as string })).statusCode, 403);
});

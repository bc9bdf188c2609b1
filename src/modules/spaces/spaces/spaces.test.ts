import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { submitForm } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';

const t = useTestApp();

const SPACE = {
  name: 'Flixton Scout Hut',
  kind: 'hall',
  ownerType: 'community',
  capacity: '35',
  accessibility: ['step-free', 'hearing-loop'],
  facilities: ['kitchen'],
  address: 'Church Road, Flixton',
  ward: 'flixton',
  'opens1-1': '18:00',
  'closes1-1': '21:30',
  'opens6-1': '09:00',
  'closes6-1': '12:00',
  priceCommunityGroup: '',
  priceResident: '12.50',
  priceCommercial: '30',
};

function save(cookie: string, fields: Record<string, string | string[]>, url = '/trafford/spaces') {
  return submitForm(t.app, {
    cookie,
    formUrl: url === '/trafford/spaces' ? '/trafford/spaces/new' : url,
    postUrl: url,
    fields,
  });
}

test('the public list filters by ward, kind and accessibility, with CSV and JSON of the same spaces', async () => {
  const all = await t.app.inject('/trafford/spaces');
  assert.equal(all.statusCode, 200);
  assert.match(all.body, /Stretford Library meeting room/);
  assert.match(all.body, /Longford Park football pitch/);
  const pitches = await t.app.inject('/trafford/spaces?kind=pitch');
  assert.match(pitches.body, /Longford Park football pitch/);
  assert.doesNotMatch(pitches.body, /Stretford Library meeting room/);
  const loop = await t.app.inject('/trafford/spaces?accessibility=hearing-loop');
  assert.match(loop.body, /Stretford Library meeting room/);
  assert.doesNotMatch(loop.body, /Partington Community Centre/);
  const urmston = await t.app.inject('/trafford/spaces?ward=urmston');
  assert.match(urmston.body, /Urmston Methodist Hall/);
  assert.doesNotMatch(urmston.body, /Longford Park/);
  const json = JSON.parse((await t.app.inject('/trafford/api/spaces?kind=pitch')).body);
  assert.deepEqual(
    json.contents.map((s: { slug: string }) => s.slug),
    ['longford-park-pitch'],
  );
  const csv = await t.app.inject('/trafford/api/spaces.csv?ward=urmston');
  assert.match(csv.headers['content-type'] as string, /text\/csv/);
  assert.match(csv.body, /^id,slug,name/);
  assert.match(csv.body, /urmston-methodist-hall/);
  assert.doesNotMatch(csv.body, /longford-park-pitch/);
});

test('a space page shows hours, closures and prices in pounds, free for community groups', async () => {
  const page = await t.app.inject('/trafford/spaces/stretford-library');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /09:00 to 17:00/);
  assert.match(page.body, /Bank holiday/);
  assert.match(page.body, /£12/);
  assert.match(page.body, /Community group<\/th><td[^>]*>Free/);
  assert.equal((await t.app.inject('/trafford/spaces/no-such-space')).statusCode, 404);
});

test('an officer adds a space and changes it; bad input is shown back with the error summary', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const bad = await save(officer.cookie, { ...SPACE, name: '', 'closes1-1': '17:00', priceResident: 'lots' });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /There is a problem/);
  assert.match(bad.body, /Enter the name of the space/);
  assert.match(bad.body, /Monday: the closing time must be after the opening time/);
  assert.match(bad.body, /Enter a price in pounds/);
  assert.match(bad.body, /Church Road, Flixton/, 'what was typed is kept');
  const ok = await save(officer.cookie, SPACE);
  assert.equal(ok.statusCode, 303);
  assert.equal(ok.headers.location, '/trafford/spaces/flixton-scout-hut?saved=1');
  const page = await t.app.inject('/trafford/spaces/flixton-scout-hut');
  assert.match(page.body, /18:00 to 21:30/);
  assert.match(page.body, /£12.50/);
  assert.match(page.body, /Hearing loop/);
  const edited = await save(
    officer.cookie,
    { ...SPACE, name: 'Flixton Scout and Guide Hut', capacity: '40' },
    '/trafford/spaces/flixton-scout-hut/edit',
  );
  assert.equal(edited.statusCode, 303);
  const after = await t.app.inject('/trafford/spaces/flixton-scout-hut');
  assert.match(after.body, /Flixton Scout and Guide Hut/);
  assert.match(after.body, /up to 40 people/);
  const [log] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from audit_log where action in ('spaces.space.create', 'spaces.space.update')",
  );
  assert.equal(log?.n, 2);
});

test('residents cannot add or change spaces', async () => {
  const resident = await makePerson(t.db);
  assert.equal(
    (await t.app.inject({ url: '/trafford/spaces/new', headers: { cookie: resident.cookie } })).statusCode,
    403,
  );
  const res = await save(resident.cookie, SPACE);
  assert.equal(res.statusCode, 403);
});

test('a day can have up to three opening times; they are shown, kept when editing, and may not overlap', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const form = await t.app.inject({ url: '/trafford/spaces/new', headers: { cookie: officer.cookie } });
  for (const field of ['opens1-1', 'closes1-3', 'opens7-3'])
    assert.match(form.body, new RegExp(`name="${field}"`));
  const split = {
    ...SPACE,
    name: 'Davyhulme Youth Hut',
    // Tuesday in the morning and the evening, typed out of order; Wednesday three times.
    'opens2-1': '18:00',
    'closes2-1': '21:00',
    'opens2-2': '09:00',
    'closes2-2': '12:30',
    'opens3-1': '08:00',
    'closes3-1': '10:00',
    'opens3-2': '10:00',
    'closes3-2': '12:00',
    'opens3-3': '19:00',
    'closes3-3': '22:00',
  };
  const overlapping = await save(officer.cookie, { ...split, 'opens2-2': '09:00', 'closes2-2': '18:30' });
  assert.equal(overlapping.statusCode, 422);
  assert.match(overlapping.body, /Tuesday: the opening times overlap/);
  assert.match(overlapping.body, /href="#opens2-1"/, 'the summary links to the later of the two');
  const halfFilled = await save(officer.cookie, { ...split, 'closes3-3': '' });
  assert.equal(halfFilled.statusCode, 422);
  assert.match(halfFilled.body, /Wednesday: enter both the opening and the closing time, or neither/);
  const badTime = await save(officer.cookie, { ...split, 'opens4-2': '25:00', 'closes4-2': '26:00' });
  assert.equal(badTime.statusCode, 422);
  assert.match(badTime.body, /Enter a time on the 24-hour clock/);

  const ok = await save(officer.cookie, split);
  assert.equal(ok.statusCode, 303);
  const page = await t.app.inject('/trafford/spaces/davyhulme-youth-hut');
  assert.match(page.body, /Tuesday<\/th><td[^>]*>09:00 to 12:30, 18:00 to 21:00</);
  assert.match(page.body, /Wednesday<\/th><td[^>]*>08:00 to 10:00, 10:00 to 12:00, 19:00 to 22:00</);
  assert.match(page.body, /Thursday<\/th><td[^>]*>Closed</);
  const edit = await t.app.inject({
    url: '/trafford/spaces/davyhulme-youth-hut/edit',
    headers: { cookie: officer.cookie },
  });
  assert.match(edit.body, /name="opens2-1"[^>]*value="09:00"/);
  assert.match(edit.body, /name="opens2-2"[^>]*value="18:00"/);
  assert.match(edit.body, /name="closes3-3"[^>]*value="22:00"/);
  // Clearing Wednesday's rows closes it on Wednesdays.
  const cleared = await save(
    officer.cookie,
    {
      ...split,
      'opens3-1': '',
      'closes3-1': '',
      'opens3-2': '',
      'closes3-2': '',
      'opens3-3': '',
      'closes3-3': '',
    },
    '/trafford/spaces/davyhulme-youth-hut/edit',
  );
  assert.equal(cleared.statusCode, 303);
  const json = JSON.parse((await t.app.inject('/trafford/api/spaces/davyhulme-youth-hut')).body);
  assert.deepEqual(
    json.opening_hours.filter((h: { weekday: number }) => h.weekday <= 3),
    [
      { weekday: 1, day: 'monday', opens: '18:00', closes: '21:30' },
      { weekday: 2, day: 'tuesday', opens: '09:00', closes: '12:30' },
      { weekday: 2, day: 'tuesday', opens: '18:00', closes: '21:00' },
    ],
  );
  const [log] = await t.db.query<{ after: { hours: unknown[] } }>(
    "select after from audit_log where action = 'spaces.space.update' order by id desc limit 1",
  );
  assert.equal(log?.after.hours.length, 4, 'the audit log keeps the spans');
});

test('an officer sets concession rates: they are shown on the space page and kept when the space is edited', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const fields = { ...SPACE, name: 'Davyhulme Scout Hut', priceResidentConcession: '6.25' };
  const bad = await save(officer.cookie, {
    ...fields,
    priceCommercialConcession: '31',
    priceCharityConcession: '5',
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /The concession rate must not be more than the full price/);
  assert.match(bad.body, /Enter the full price as well, or leave the concession rate empty/);
  const ok = await save(officer.cookie, fields);
  assert.equal(ok.statusCode, 303);
  const page = await t.app.inject('/trafford/spaces/davyhulme-scout-hut');
  assert.match(page.body, /Concession per hour/);
  assert.match(page.body, /Resident<\/th><td[^>]*>£12\.50<\/td><td[^>]*>£6\.25/);
  assert.match(page.body, /Commercial hire<\/th><td[^>]*>£30<\/td><td[^>]*>No concession/);
  const edit = await t.app.inject({
    url: '/trafford/spaces/davyhulme-scout-hut/edit',
    headers: { cookie: officer.cookie },
  });
  assert.match(edit.body, /name="priceResidentConcession" type="text" value="6.25"/);
  const saved = await save(
    officer.cookie,
    { ...fields, capacity: '20' },
    '/trafford/spaces/davyhulme-scout-hut/edit',
  );
  assert.equal(saved.statusCode, 303);
  assert.match((await t.app.inject('/trafford/spaces/davyhulme-scout-hut')).body, /£6\.25/);
});

test('an officer closes a space: it leaves the list and cannot be booked, and reopening brings it back', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const resident = await makePerson(t.db, { roles: ['resident'] });
  const SLUG = 'sale-waterside-studio';
  const status = (cookie: string, value: string) =>
    submitForm(t.app, {
      cookie,
      formUrl: `/trafford/spaces/${SLUG}`,
      postUrl: `/trafford/spaces/${SLUG}/status`,
      fields: { status: value },
    });
  assert.equal((await status(resident.cookie, 'closed')).statusCode, 403, 'residents cannot close a space');
  assert.equal((await status(officer.cookie, 'demolished')).statusCode, 400);

  const closed = await status(officer.cookie, 'closed');
  assert.equal(closed.statusCode, 303);
  const page = await t.app.inject({
    url: closed.headers.location as string,
    headers: { cookie: officer.cookie },
  });
  assert.match(page.body, /The space is closed\. It is no longer listed and cannot be booked\./);
  assert.match(page.body, /Reopen this space/);
  assert.doesNotMatch((await t.app.inject('/trafford/spaces')).body, new RegExp(`/spaces/${SLUG}"`));
  const book = await t.app.inject({
    url: `/trafford/spaces/${SLUG}/book`,
    headers: { cookie: resident.cookie },
  });
  assert.equal(book.statusCode, 404, 'a closed space cannot be booked');
  const [log] = await t.db.query<{ action: string }>(
    "select action from audit_log where action like 'spaces.space.%' order by id desc limit 1",
  );
  assert.equal(log?.action, 'spaces.space.close');

  assert.equal((await status(officer.cookie, 'active')).statusCode, 303);
  assert.match((await t.app.inject('/trafford/spaces')).body, new RegExp(`/spaces/${SLUG}"`));
});

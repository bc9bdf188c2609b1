import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { Forbidden } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Role } from '../../../platform/module-definition.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import { DEMO_NOTICE_ID } from '../notices/notice-seed.js';
import { actOnNotice, saveStep, startNotice, submitNotice } from '../notices/notice-service.js';
import { setStreetMode } from './config-service.js';
import { type ManageItem, manageList } from './manage-service.js';

const t = useTestApp();
const SITE = { publicUrl: 'https://kith.example' };
// Monday 11 January 2027; the parties are on Sunday 28 March 2027.
const NOW = new Date('2027-01-11T10:00:00Z');
const NONE = { status: null, type: null, ward: null };

async function person(roles: Role[] = ['resident']) {
  const p = await makePerson(t.db, { roles });
  const place = (await findPlaceBySlug(t.db, 'trafford')) as Place;
  const ctx: ServiceContext = { db: t.db, place, actor: { userId: p.userId, roles, platformAdmin: false } };
  return { ...p, ctx };
}

async function notified(organiser: ServiceContext, title: string, type = 'street-party') {
  const id = await startNotice(organiser, type);
  const steps = [
    ['where', { street: 'Cranbrook Road', wardCode: 'E05015256' }],
    [
      'when',
      { 'start-day': '28', 'start-month': '3', 'start-year': '2027', startTime: '12:00', endTime: '18:00' },
    ],
    ['what', { title, expectedPeople: '40', roadClosure: 'yes' }],
    ['questions', { 'q-road': 'A cul-de-sac', 'q-music': 'no', 'q-cooking': 'no' }],
    ['contact', { organiserName: 'Sam', showOrganiser: 'no' }],
  ] as const;
  for (const [step, body] of steps)
    assert.deepEqual((await saveStep(organiser, SITE, id, step, body, NOW)).errors, {}, step);
  return submitNotice(organiser, SITE, id, NOW);
}

const mine = (items: ManageItem[], id: string) => items.find((i) => i.id === id);

test('the officers’ list puts each notification in the section that needs doing, with working days left', async () => {
  const officer = await person(['officer']);
  const other = await person(['officer']);
  const organiser = await person();
  const open = await notified(organiser.ctx, 'Open for objections');
  const changed = await notified(organiser.ctx, 'Changed after objection');
  const appealed = await notified(organiser.ctx, 'Appealed');
  await actOnNotice(officer.ctx, SITE, changed.id, 'object', { reason: 'Bins day' }, NOW);
  await saveStep(
    organiser.ctx,
    SITE,
    changed.id,
    'what',
    { title: 'Changed after objection', expectedPeople: '30', roadClosure: 'no' },
    NOW,
  );
  await actOnNotice(officer.ctx, SITE, appealed.id, 'object', { reason: 'Bus route' }, NOW);
  await actOnNotice(organiser.ctx, SITE, appealed.id, 'appeal', { reason: 'The buses are diverted' }, NOW);

  const items = await manageList(officer.ctx, NONE, NOW);
  // Objections close at the end of Friday 12 March 2027: 44 working days after Monday 11 January.
  assert.equal(mine(items, open.id)?.section, 'objection-open');
  assert.equal(mine(items, open.id)?.deadlineDate, '2027-03-12');
  assert.equal(mine(items, open.id)?.workingDaysLeft, 44);
  assert.equal(mine(items, changed.id)?.section, 'changed');
  assert.equal(mine(items, appealed.id)?.section, 'appeals');
  const sections = items.map((i) => i.section);
  assert.ok(sections.indexOf('appeals') < sections.indexOf('objection-open'), 'appeals come first');

  // Once an officer has looked again (objected again), it is no longer "changed".
  await actOnNotice(other.ctx, SITE, changed.id, 'object', { reason: 'Still the bins' }, NOW);
  assert.equal(mine(await manageList(officer.ctx, NONE, NOW), changed.id), undefined);
  // On the last day, no working days are left; after it, the window is closed and it is coming up.
  const lastDay = new Date('2027-03-12T15:00:00Z');
  assert.equal(mine(await manageList(officer.ctx, NONE, lastDay), open.id)?.workingDaysLeft, 0);
  const closed = mine(await manageList(officer.ctx, NONE, new Date('2027-03-13T09:00:00Z')), open.id);
  assert.equal(closed?.section, 'upcoming');

  const filtered = await manageList(officer.ctx, { status: 'appealed', type: null, ward: null }, NOW);
  assert.ok(filtered.length >= 1);
  assert.ok(filtered.every((i) => i.status === 'appealed'));
  assert.equal(
    (await manageList(officer.ctx, { ...NONE, type: 'play-street' }, NOW)).some((i) => i.id === open.id),
    false,
  );
  assert.equal(
    (await manageList(officer.ctx, { ...NONE, ward: 'E05015256' }, NOW)).some((i) => i.id === open.id),
    true,
  );
  await assert.rejects(manageList(organiser.ctx, NONE, NOW), Forbidden);
});

test('in approval mode a late decision is flagged with how many working days overdue', async () => {
  const admin = await person(['place-admin']);
  const officer = await person(['officer']);
  const organiser = await person();
  await setStreetMode(admin.ctx, 'approve');
  const n = await notified(organiser.ctx, 'Waiting for approval');
  await setStreetMode(admin.ctx, 'notify');
  // Ten working days from Monday 11 January 2027: due by the end of Monday 25 January.
  const onTime = mine(await manageList(officer.ctx, NONE, new Date('2027-01-25T16:00:00Z')), n.id);
  assert.equal(onTime?.section, 'waiting');
  assert.equal(onTime?.deadlineDate, '2027-01-25');
  assert.equal(onTime?.overdueWorkingDays, null);
  const late = mine(await manageList(officer.ctx, NONE, new Date('2027-01-27T10:00:00Z')), n.id);
  assert.equal(late?.overdueWorkingDays, 2);

  // On the page (today's clock), a decision a week late is flagged red.
  await t.db.query("update street_notices set decision_deadline = now() - interval '7 days' where id = $1", [
    n.id,
  ]);
  const page = await t.app.inject({ url: '/trafford/streets/manage', headers: { cookie: officer.cookie } });
  const waiting = page.body.slice(page.body.indexOf('id="waiting"'), page.body.indexOf('id="upcoming"'));
  assert.match(waiting, /Waiting for approval/);
  assert.match(waiting, /govuk-tag--red">\s*Overdue by \d+ working days?/);
});

test('the officers’ page shows the demo party open for objections with its unseen concerns, as HTML, JSON and CSV', async () => {
  const officer = await person(['officer']);
  await t.db.query(
    `insert into street_neighbour_responses (notice_id, place_id, kind, message)
     select id, place_id, 'concern', 'Where will we park?' from street_notices where id = $1`,
    [DEMO_NOTICE_ID],
  );
  await t.db.query(
    `insert into street_neighbour_responses (notice_id, place_id, kind, message, seen_at)
     select id, place_id, 'concern', 'Seen already', now() from street_notices where id = $1`,
    [DEMO_NOTICE_ID],
  );
  const page = await t.app.inject({ url: '/trafford/streets/manage', headers: { cookie: officer.cookie } });
  assert.equal(page.statusCode, 200);
  const open = page.body.slice(page.body.indexOf('id="objection-open"'), page.body.indexOf('id="waiting"'));
  assert.match(open, /Derbyshire Road summer street party/);
  assert.match(open, new RegExp(`href="/trafford/streets/notices/${DEMO_NOTICE_ID}"`));
  assert.match(open, /\d+ working days left|1 working day left/);
  assert.match(open, />\s*1 new\s*</, 'only the concern nobody has seen counts');
  assert.match(page.body, /action="\/trafford\/streets\/manage"/, 'the filters work without JavaScript');

  const json = await t.app.inject({
    url: '/trafford/api/streets/manage',
    headers: { cookie: officer.cookie },
  });
  assert.equal(json.statusCode, 200);
  const demo = (json.json() as { items: Record<string, unknown>[] }).items.find(
    (i) => i.id === DEMO_NOTICE_ID,
  );
  assert.equal(demo?.section, 'objection-open');
  assert.equal(demo?.unseen_concerns, 1);
  const csv = await t.app.inject({
    url: '/trafford/api/streets/manage.csv?type=street-party',
    headers: { cookie: officer.cookie },
  });
  assert.match(csv.headers['content-type'] as string, /^text\/csv/);
  const [header, ...rows] = csv.body.trim().split('\n');
  assert.match(header ?? '', /^section,id,reference,title/);
  assert.ok(rows.some((r) => r.includes('SP26-DEM0')));
  const other = await t.app.inject({
    url: '/trafford/api/streets/manage.csv?type=play-street',
    headers: { cookie: officer.cookie },
  });
  assert.ok(!other.body.includes('SP26-DEM0'), 'the filters apply to the download too');
});

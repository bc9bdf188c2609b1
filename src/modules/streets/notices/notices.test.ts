import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Role } from '../../../platform/module-definition.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import {
  actOnNotice,
  getNotice,
  getPublicNotice,
  noticeHistory,
  runStreetDeadlines,
  saveStep,
  startNotice,
  submitNotice,
} from './notice-service.js';

const t = useTestApp();
const SITE = { publicUrl: 'https://kith.example' };
// Monday 11 January 2027: the street party below is on Sunday 28 March 2027, the day the
// clocks go forward, 11 weeks on.
const NOW = new Date('2027-01-11T10:00:00Z');

async function person(roles: Role[] = ['resident']): Promise<ServiceContext & { email: string }> {
  const p = await makePerson(t.db, { roles });
  const place = (await findPlaceBySlug(t.db, 'trafford')) as Place;
  return { db: t.db, place, actor: { userId: p.userId, roles, platformAdmin: false }, email: p.email };
}

const WHERE = { street: 'Cranbrook Road', fromPoint: 'number 1', toPoint: 'number 41', wardCode: '' };
const WHEN = {
  'start-day': '28',
  'start-month': '3',
  'start-year': '2027',
  startTime: '12:00',
  endTime: '18:00',
};
const WHAT = { title: 'Cranbrook Road street party', expectedPeople: '60', roadClosure: 'yes' };
const QUESTIONS = { 'q-road': 'A quiet residential road', 'q-music': 'no', 'q-cooking': 'yes' };
const CONTACT = { organiserName: 'Sam Okafor', organiserPhone: '', showOrganiser: 'no' };

async function notified(organiser: ServiceContext, now = NOW, when = WHEN) {
  const id = await startNotice(organiser, 'street-party');
  for (const [step, body] of [
    ['where', WHERE],
    ['when', when],
    ['what', WHAT],
    ['questions', QUESTIONS],
    ['contact', CONTACT],
  ] as const) {
    const { errors } = await saveStep(organiser, SITE, id, step, body, now);
    assert.deepEqual(errors, {}, step);
  }
  return submitNotice(organiser, SITE, id, now);
}

const outbox = (to: string) =>
  t.db.query<{ subject: string; body: string }>(
    'select subject, body from outbox where to_email = $1 order by created_at',
    [to],
  );

test('a street party notified 11 weeks ahead is going ahead at once, with the objection deadline 10 working days before', async () => {
  const organiser = await person();
  const officer = await person(['officer']);
  const n = await notified(organiser);
  assert.equal(n.status, 'going-ahead');
  assert.equal(n.mode, 'notify');
  assert.match(n.reference, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  // 12:00 on the first day of British Summer Time is 11:00 UTC.
  assert.equal(n.startsAt?.toISOString(), '2027-03-28T11:00:00.000Z');
  // Ten working days back from Sunday 28 March 2027, skipping Good Friday (26 March): Friday
  // 12 March, so objections close at the end of that day (midnight GMT).
  assert.equal(n.objectionDeadline?.toISOString(), '2027-03-13T00:00:00.000Z');
  const [mail] = await outbox(organiser.email);
  assert.match(mail?.subject ?? '', /^Going ahead: Cranbrook Road street party/);
  assert.match(mail?.body ?? '', /until the end of 2027-03-12/);
  assert.match(mail?.body ?? '', new RegExp(`https://kith\\.example/trafford/streets/notices/${n.id}`));
  const officerMail = await outbox(officer.email);
  assert.ok(
    officerMail.some((m) => m.body.includes(n.reference)),
    'officers hear of a new notification',
  );
});

test('each step says what is wrong, and a date without enough notice is refused', async () => {
  const organiser = await person();
  const id = await startNotice(organiser, 'street-party');
  assert.deepEqual((await saveStep(organiser, SITE, id, 'where', { street: '' }, NOW)).errors, {
    street: 'streets.notices.errors.whereMissing',
  });
  const soon = { ...WHEN, 'start-day': '1', 'start-month': '2' };
  assert.deepEqual((await saveStep(organiser, SITE, id, 'when', soon, NOW)).errors, {
    'start-day': 'streets.notices.errors.tooSoon',
  });
  const backwards = { ...WHEN, endTime: '11:00' };
  assert.deepEqual((await saveStep(organiser, SITE, id, 'when', backwards, NOW)).errors, {
    endTime: 'streets.notices.errors.endBeforeStart',
  });
  assert.deepEqual(
    (await saveStep(organiser, SITE, id, 'questions', { 'q-road': 'A motorway' }, NOW)).errors,
    {
      'q-road': 'streets.notices.errors.answerNotChoice',
      'q-music': 'streets.notices.errors.answerMissing',
      'q-cooking': 'streets.notices.errors.answerMissing',
    },
  );
  await assert.rejects(
    submitNotice(organiser, SITE, id, NOW),
    Invalid,
    'an unfinished notification cannot be sent',
  );
});

test('an officer objects with a reason before the deadline, and not after it', async () => {
  const organiser = await person();
  const officer = await person(['officer']);
  const n = await notified(organiser);
  await assert.rejects(actOnNotice(officer, SITE, n.id, 'object', { reason: ' ' }, NOW), Invalid);
  await assert.rejects(actOnNotice(organiser, SITE, n.id, 'object', { reason: 'No' }, NOW), Forbidden);
  const late = new Date('2027-03-13T00:00:00Z');
  await assert.rejects(actOnNotice(officer, SITE, n.id, 'object', { reason: 'Bins day' }, late), (e) => {
    assert.ok(e instanceof Conflict);
    assert.equal(e.message, 'streets.notices.errors.objectionTooLate');
    return true;
  });
  const objected = await actOnNotice(
    officer,
    SITE,
    n.id,
    'object',
    { reason: 'The road is a bus diversion that day' },
    NOW,
  );
  assert.equal(objected.status, 'objected');
  const mail = await outbox(organiser.email);
  assert.match(mail.at(-1)?.body ?? '', /The road is a bus diversion that day/);
});

test('after an objection the organiser changes the plan and it is going ahead again, with time to look again', async () => {
  const organiser = await person();
  const officer = await person(['officer']);
  const n = await notified(organiser);
  await actOnNotice(officer, SITE, n.id, 'object', { reason: 'Bus diversion that day' }, NOW);
  // Eight days before the objection deadline would have closed anyway: 3 working days from
  // Wednesday 10 March 2027 is Monday 15 March, later than the usual 12 March.
  const amendedOn = new Date('2027-03-10T10:00:00Z');
  const moved = { ...WHEN, 'start-day': '28', startTime: '13:00', endTime: '19:00' };
  assert.deepEqual((await saveStep(organiser, SITE, n.id, 'when', moved, amendedOn)).errors, {});
  const after = await getNotice(organiser, n.id);
  assert.equal(after.status, 'going-ahead');
  assert.equal(after.startsAt?.toISOString(), '2027-03-28T12:00:00.000Z');
  assert.equal(after.objectionDeadline?.toISOString(), '2027-03-16T00:00:00.000Z');
  const history = await noticeHistory(organiser, n.id);
  assert.deepEqual(
    history.map((h) => h.action),
    ['submit', 'object', 'amend'],
  );
  assert.ok((await outbox(officer.email)).some((m) => m.subject.startsWith('Changed after an objection')));
});

test('an appeal is decided by someone other than the officer who objected', async () => {
  const organiser = await person();
  const officer = await person(['officer']);
  const other = await person(['place-admin']);
  const n = await notified(organiser);
  await actOnNotice(officer, SITE, n.id, 'object', { reason: 'Bus diversion' }, NOW);
  await assert.rejects(
    actOnNotice(organiser, SITE, n.id, 'appeal', {}, NOW),
    Invalid,
    'an appeal needs a reason',
  );
  const appealed = await actOnNotice(
    organiser,
    SITE,
    n.id,
    'appeal',
    { reason: 'The buses are not diverted that day' },
    NOW,
  );
  assert.equal(appealed.status, 'appealed');
  await assert.rejects(actOnNotice(officer, SITE, n.id, 'uphold-appeal', { reason: 'Fine' }, NOW), (e) => {
    assert.ok(e instanceof Conflict);
    assert.equal(e.message, 'streets.notices.errors.sameOfficer');
    return true;
  });
  const upheld = await actOnNotice(
    other,
    SITE,
    n.id,
    'uphold-appeal',
    { reason: 'Checked with transport: no diversion' },
    NOW,
  );
  assert.equal(upheld.status, 'going-ahead');
  assert.match((await outbox(organiser.email)).at(-1)?.body ?? '', /Checked with transport/);
});

test('a dismissed appeal stops the event, and nothing more can be changed', async () => {
  const organiser = await person();
  const officer = await person(['officer']);
  const other = await person(['officer']);
  const n = await notified(organiser);
  await actOnNotice(officer, SITE, n.id, 'object', { reason: 'Bus diversion' }, NOW);
  await actOnNotice(organiser, SITE, n.id, 'appeal', { reason: 'Please reconsider' }, NOW);
  const stopped = await actOnNotice(
    other,
    SITE,
    n.id,
    'dismiss-appeal',
    { reason: 'The diversion is confirmed' },
    NOW,
  );
  assert.equal(stopped.status, 'stopped');
  await assert.rejects(saveStep(organiser, SITE, n.id, 'what', WHAT, NOW), Conflict);
  await assert.rejects(actOnNotice(organiser, SITE, n.id, 'withdraw', {}, NOW), Conflict);
});

test('the clock confirms a notification once objections close, and ends it after the day', async () => {
  const organiser = await person();
  const n = await notified(organiser);
  const before = await runStreetDeadlines(t.db, SITE, new Date('2027-03-12T23:59:00Z'));
  assert.equal(
    (await getNotice(organiser, n.id)).status,
    'going-ahead',
    `not yet (${JSON.stringify(before)})`,
  );
  await runStreetDeadlines(t.db, SITE, new Date('2027-03-13T00:00:00Z'));
  assert.equal((await getNotice(organiser, n.id)).status, 'confirmed');
  assert.match((await outbox(organiser.email)).at(-1)?.subject ?? '', /^No objection/);
  await runStreetDeadlines(t.db, SITE, new Date('2027-03-28T17:00:00Z'));
  assert.equal((await getNotice(organiser, n.id)).status, 'held');
  const history = await noticeHistory(organiser, n.id);
  assert.deepEqual(
    history.map((h) => h.action),
    ['submit', 'close-window', 'event-over'],
  );
});

test('an objection still standing when the day passes ends as lapsed', async () => {
  const organiser = await person();
  const officer = await person(['officer']);
  const n = await notified(organiser);
  await actOnNotice(officer, SITE, n.id, 'object', { reason: 'Bus diversion' }, NOW);
  await runStreetDeadlines(t.db, SITE, new Date('2027-03-29T00:00:00Z'));
  assert.equal((await getNotice(organiser, n.id)).status, 'lapsed');
});

test('in approval mode the notification waits for a decision due 10 working days later', async () => {
  const organiser = await person();
  const officer = await person(['officer']);
  await t.db.query(
    `update street_settings set power_of_competence = false where place_id = (select id from places where slug = 'trafford')`,
  );
  try {
    const n = await notified(organiser);
    assert.equal(n.status, 'submitted');
    assert.equal(n.objectionDeadline, null);
    // Ten working days after Monday 11 January 2027: Monday 25 January, end of day.
    assert.equal(n.decisionDeadline?.toISOString(), '2027-01-26T00:00:00.000Z');
    await assert.rejects(actOnNotice(officer, SITE, n.id, 'object', { reason: 'x' }, NOW), Conflict);
    const approved = await actOnNotice(officer, SITE, n.id, 'approve', {}, NOW);
    assert.equal(approved.status, 'approved');
    assert.match((await outbox(organiser.email)).at(-1)?.subject ?? '', /^Approved/);
  } finally {
    await t.db.query(
      `update street_settings set power_of_competence = true where place_id = (select id from places where slug = 'trafford')`,
    );
  }
});

test('only the organiser and officers see the whole notification; the public page hides the organiser unless agreed', async () => {
  const organiser = await person();
  const stranger = await person();
  const n = await notified(organiser);
  await assert.rejects(getNotice(stranger, n.id), NotFound);
  await assert.rejects(getNotice({ ...stranger, actor: null }, n.id), NotFound);
  const shown = await getPublicNotice({ ...stranger, actor: null }, n.reference);
  assert.equal(shown.organiserName, null);
  assert.equal('organiserPhone' in shown, false);
  assert.equal(shown.title, 'Cranbrook Road street party');
  const draft = await startNotice(organiser, 'street-party');
  const { reference } = await getNotice(organiser, draft);
  await assert.rejects(getPublicNotice(stranger, reference), NotFound, 'a draft is nobody else’s business');
});

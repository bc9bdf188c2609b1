import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { submitForm } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { Forbidden, Invalid } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Role } from '../../../platform/module-definition.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import { saveStep, startNotice, submitNotice } from '../notices/notice-service.js';
import { getNoticeType } from '../types/type-service.js';
import { addQuestion, changeQuestion, setStreetMode, updateNoticeType } from './config-service.js';

const t = useTestApp();
const SITE = { publicUrl: 'https://kith.example' };
// Monday 11 January 2027.
const NOW = new Date('2027-01-11T10:00:00Z');
const TYPE_URL = '/trafford/streets/types/street-party';

async function person(roles: Role[] = ['resident']) {
  const p = await makePerson(t.db, { roles });
  const place = (await findPlaceBySlug(t.db, 'trafford')) as Place;
  const ctx: ServiceContext = { db: t.db, place, actor: { userId: p.userId, roles, platformAdmin: false } };
  return { ...p, ctx };
}

const when = (day: number, month: number) => ({
  'start-day': String(day),
  'start-month': String(month),
  'start-year': '2027',
  startTime: '12:00',
  endTime: '18:00',
});

/** The street party's rules as the type form posts them, with some changed. */
async function typeFields(changes: Record<string, string> = {}) {
  const type = await getNoticeType((await person()).ctx, 'street-party');
  return {
    name: type.name,
    summary: type.summary,
    guidance: type.guidance,
    kind: type.kind,
    noticeAmount: String(type.noticeAmount),
    noticeUnit: type.noticeUnit,
    legalInstrument: type.legalInstrument,
    fee: '0',
    objectionWorkingDays: String(type.objectionWorkingDays),
    decisionWorkingDays: String(type.decisionWorkingDays),
    active: 'yes',
    ...changes,
  };
}

const auditCount = async (action: string) =>
  (await t.db.query<{ n: number }>('select count(*)::int as n from audit_log where action = $1', [action]))[0]
    ?.n ?? 0;

test('a place admin lengthens the notice period and the earliest date a resident can choose moves with it', async () => {
  const admin = await person(['place-admin']);
  const resident = await person();
  // With 28 days' notice, Monday 8 February 2027 (28 days on) is the earliest date.
  const before = await startNotice(resident.ctx, 'street-party');
  assert.deepEqual((await saveStep(resident.ctx, SITE, before, 'when', when(8, 2), NOW)).errors, {});
  assert.deepEqual((await saveStep(resident.ctx, SITE, before, 'when', when(7, 2), NOW)).errors, {
    'start-day': 'streets.notices.errors.tooSoon',
  });

  const saved = await submitForm(t.app, {
    cookie: admin.cookie,
    formUrl: TYPE_URL,
    fields: await typeFields({ noticeAmount: '42' }),
  });
  assert.equal(saved.statusCode, 303);
  assert.equal(saved.headers.location, `${TYPE_URL}?done=saved`);
  const page = await t.app.inject({ url: `${TYPE_URL}?done=saved`, headers: { cookie: admin.cookie } });
  assert.match(page.body, /notifications already made keep theirs/);
  assert.equal(await auditCount('streets.type.update'), 1);

  // Now six weeks: 8 February is too soon, and Monday 22 February 2027 is the first date allowed.
  const after = await startNotice(resident.ctx, 'street-party');
  assert.deepEqual((await saveStep(resident.ctx, SITE, after, 'when', when(8, 2), NOW)).errors, {
    'start-day': 'streets.notices.errors.tooSoon',
  });
  assert.deepEqual((await saveStep(resident.ctx, SITE, after, 'when', when(21, 2), NOW)).errors, {
    'start-day': 'streets.notices.errors.tooSoon',
  });
  assert.deepEqual((await saveStep(resident.ctx, SITE, after, 'when', when(22, 2), NOW)).errors, {});
  await updateNoticeType(admin.ctx, 'street-party', await typeFields({ noticeAmount: '28' }));
});

test('an objection window longer than the notice allows is refused, and the error says the limit', async () => {
  const admin = await person(['place-admin']);
  const res = await submitForm(t.app, {
    cookie: admin.cookie,
    formUrl: TYPE_URL,
    fields: await typeFields({ noticeAmount: '14', objectionWorkingDays: '10' }),
  });
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /govuk-error-summary/);
  // 14 calendar days hold 10 working days; the window must leave one after the notice arrives.
  assert.match(res.body, /with 14 calendar days of notice, enter 9 working days or fewer/);
  assert.match(res.body, /href="#objectionWorkingDays"/);
  await assert.rejects(
    updateNoticeType(
      admin.ctx,
      'street-party',
      await typeFields({ noticeAmount: '10', noticeUnit: 'working-days' }),
    ),
    (e) =>
      e instanceof Invalid && e.fieldErrors.objectionWorkingDays === 'streets.types.errors.objectionTooLong',
  );
  assert.equal((await getNoticeType(admin.ctx, 'street-party')).noticeAmount, 28, 'nothing was saved');
});

test('the fee is typed in pounds and kept in exact pence; a third decimal place is refused', async () => {
  const admin = await person(['place-admin']);
  const bad = await submitForm(t.app, {
    cookie: admin.cookie,
    formUrl: TYPE_URL,
    fields: await typeFields({ fee: '12.505' }),
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /Enter the fee in pounds and pence, like 12.50/);
  assert.match(bad.body, /value="12.505"/, 'what was typed is shown back');
  const good = await submitForm(t.app, {
    cookie: admin.cookie,
    formUrl: TYPE_URL,
    fields: await typeFields({ fee: '£12.50' }),
  });
  assert.equal(good.statusCode, 303);
  assert.equal((await getNoticeType(admin.ctx, 'street-party')).feePence, 1250);
  const list = await t.app.inject({ url: '/trafford/streets/types', headers: { cookie: admin.cookie } });
  assert.match(list.body, /£12.50/);
  await updateNoticeType(admin.ctx, 'street-party', await typeFields({ fee: '0' }));
});

test('a question added by the admin is asked on the resident’s questions step, and a required one must be answered', async () => {
  const admin = await person(['place-admin']);
  const added = await submitForm(t.app, {
    cookie: admin.cookie,
    formUrl: TYPE_URL,
    postUrl: `${TYPE_URL}/questions`,
    fields: {
      change: 'add',
      questionKind: 'choice',
      questionLabel: 'Who is bringing the bunting?',
      questionOptions: 'Us\r\nThe council\r\n',
      questionRequired: 'yes',
    },
  });
  assert.equal(added.statusCode, 303);
  const type = await getNoticeType(admin.ctx, 'street-party');
  const question = type.questions.at(-1);
  assert.deepEqual(question, {
    id: 'who-is-bringing-the-bunting',
    kind: 'choice',
    label: 'Who is bringing the bunting?',
    hint: '',
    required: true,
    options: ['Us', 'The council'],
  });
  const page = await t.app.inject({ url: TYPE_URL, headers: { cookie: admin.cookie } });
  assert.match(page.body, /Who is bringing the bunting\?/);

  const resident = await person();
  const id = await startNotice(resident.ctx, 'street-party');
  const earlier = { 'q-road': 'A cul-de-sac', 'q-music': 'no', 'q-cooking': 'no' };
  assert.deepEqual((await saveStep(resident.ctx, SITE, id, 'questions', earlier, NOW)).errors, {
    'q-who-is-bringing-the-bunting': 'streets.notices.errors.answerMissing',
  });
  assert.deepEqual(
    (
      await saveStep(
        resident.ctx,
        SITE,
        id,
        'questions',
        { ...earlier, 'q-who-is-bringing-the-bunting': 'The council' },
        NOW,
      )
    ).errors,
    {},
  );

  // Moved to the top, then removed: the resident is no longer asked it.
  await changeQuestion(admin.ctx, 'street-party', { id: question?.id, change: 'up' });
  await changeQuestion(admin.ctx, 'street-party', { id: question?.id, change: 'up' });
  await changeQuestion(admin.ctx, 'street-party', { id: question?.id, change: 'up' });
  assert.equal((await getNoticeType(admin.ctx, 'street-party')).questions[0]?.id, question?.id);
  const removed = await submitForm(t.app, {
    cookie: admin.cookie,
    formUrl: TYPE_URL,
    postUrl: `${TYPE_URL}/questions`,
    fields: { change: 'remove', id: question?.id as string },
  });
  assert.equal(removed.statusCode, 303);
  assert.deepEqual((await saveStep(resident.ctx, SITE, id, 'questions', earlier, NOW)).errors, {});
  assert.equal(await auditCount('streets.type.question.add'), 1);
  assert.equal(await auditCount('streets.type.question.remove'), 1);
});

test('a choice question needs two options, said on the form', async () => {
  const admin = await person(['place-admin']);
  const res = await submitForm(t.app, {
    cookie: admin.cookie,
    formUrl: TYPE_URL,
    postUrl: `${TYPE_URL}/questions`,
    fields: { change: 'add', questionKind: 'choice', questionLabel: 'Which end?', questionOptions: 'North' },
  });
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /Enter at least two options, one a line/);
  assert.match(res.body, /href="#questionOptions"/);
  assert.match(res.body, /value="Which end\?"/);
  await assert.rejects(
    addQuestion(admin.ctx, 'street-party', { questionKind: 'sketch', questionLabel: 'Draw it' }),
    Invalid,
  );
});

test('a document to provide is added to a new kind of notification', async () => {
  const admin = await person(['place-admin']);
  const created = await submitForm(t.app, {
    cookie: admin.cookie,
    formUrl: '/trafford/streets/types/new',
    postUrl: '/trafford/streets/types',
    fields: {
      name: 'Community litter pick',
      kind: 'green-space',
      noticeAmount: '7',
      noticeUnit: 'calendar-days',
      legalInstrument: 'none',
      fee: '',
      objectionWorkingDays: '3',
      decisionWorkingDays: '3',
      active: 'yes',
    },
  });
  assert.equal(created.statusCode, 303);
  assert.equal(created.headers.location, '/trafford/streets/types/community-litter-pick?done=created');
  const url = '/trafford/streets/types/community-litter-pick';
  const doc = await submitForm(t.app, {
    cookie: admin.cookie,
    formUrl: url,
    postUrl: `${url}/documents`,
    fields: { change: 'add', documentName: 'Risk assessment', documentRequired: 'yes' },
  });
  assert.equal(doc.statusCode, 303);
  const type = await getNoticeType(admin.ctx, 'community-litter-pick');
  assert.equal(type.feePence, 0);
  assert.deepEqual(type.documents, [
    { id: 'risk-assessment', name: 'Risk assessment', hint: '', required: true },
  ]);
  const resident = await person();
  assert.ok(await startNotice(resident.ctx, 'community-litter-pick'), 'residents can choose it at once');
});

test('officers cannot change the setting or the kinds of notification; residents cannot see the officers’ list', async () => {
  const officer = await person(['officer']);
  const resident = await person();
  for (const url of [
    '/trafford/streets/settings',
    '/trafford/streets/types',
    TYPE_URL,
    '/trafford/streets/types/new',
  ])
    assert.equal((await t.app.inject({ url, headers: { cookie: officer.cookie } })).statusCode, 403, url);
  const post = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: '/trafford/streets/manage',
    postUrl: '/trafford/streets/settings',
    fields: { mode: 'approve' },
  });
  assert.equal(post.statusCode, 403);
  await assert.rejects(setStreetMode(officer.ctx, 'approve'), Forbidden);
  await assert.rejects(updateNoticeType(officer.ctx, 'street-party', await typeFields()), Forbidden);
  assert.equal(
    (await t.app.inject({ url: '/trafford/streets/manage', headers: { cookie: officer.cookie } })).statusCode,
    200,
  );
  for (const url of ['/trafford/streets/manage', '/trafford/api/streets/manage.csv'])
    assert.equal((await t.app.inject({ url, headers: { cookie: resident.cookie } })).statusCode, 403, url);
});

test('switching the place to approval makes the next notification wait for a decision; ones already made keep going ahead', async () => {
  const admin = await person(['place-admin']);
  const resident = await person();
  const page = await t.app.inject({ url: '/trafford/streets/settings', headers: { cookie: admin.cookie } });
  assert.match(page.body, /Community Power of Competence: notify and go/);
  assert.match(page.body, /does not change notifications already made/);
  assert.match(page.body, /value="notify" checked/);
  const saved = await submitForm(t.app, {
    cookie: admin.cookie,
    formUrl: '/trafford/streets/settings',
    fields: { mode: 'approve' },
  });
  assert.equal(saved.statusCode, 303);
  assert.equal(await auditCount('streets.settings.update'), 1);
  const again = await t.app.inject({ url: '/trafford/streets/settings', headers: { cookie: admin.cookie } });
  assert.match(again.body, /value="approve" checked/);

  const id = await startNotice(resident.ctx, 'street-party');
  for (const [step, body] of [
    ['where', { street: 'Cranbrook Road' }],
    ['when', when(28, 3)],
    ['what', { title: 'Cranbrook Road party', expectedPeople: '40', roadClosure: 'yes' }],
    ['questions', { 'q-road': 'A cul-de-sac', 'q-music': 'no', 'q-cooking': 'no' }],
    ['contact', { organiserName: 'Sam', showOrganiser: 'no' }],
  ] as const)
    assert.deepEqual((await saveStep(resident.ctx, SITE, id, step, body, NOW)).errors, {}, step);
  const n = await submitNotice(resident.ctx, SITE, id, NOW);
  assert.equal(n.status, 'submitted');
  assert.equal(n.mode, 'approve');
  const demo = await t.db.query<{ mode: string; status: string }>(
    "select mode, status from street_notices where reference = 'SP26-DEM0'",
  );
  assert.deepEqual(demo[0], { mode: 'notify', status: 'going-ahead' });

  const missing = await submitForm(t.app, {
    cookie: admin.cookie,
    formUrl: '/trafford/streets/settings',
    fields: {},
  });
  assert.equal(missing.statusCode, 422);
  assert.match(missing.body, /Select how this place takes notifications/);
  await setStreetMode(admin.ctx, 'notify');
});

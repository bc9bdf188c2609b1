import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../test/helpers/app.js';
import { makePerson } from '../../../test/helpers/people.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../platform/http/errors.js';
import type { ServiceContext } from '../../platform/http/request-context.js';
import type { Role } from '../../platform/module-definition.js';
import { findPlaceBySlug } from '../../platform/places/place-service.js';
import type { Actor } from '../../platform/roles/permissions.js';
import { addComment } from './comment-service.js';
import { dateFrom } from './decision-input.js';
import {
  acceptsComments,
  addPart,
  createDecision,
  followDecision,
  getDecision,
  listDecisions,
  moveStatus,
  removePart,
} from './decision-service.js';
import { decisionsPrivacy } from './decisions-privacy.js';
import { DEMO_DECISION_ID, DEMO_DRAFT_ID, DEMO_MADE_ID, DEMO_REVIEWED_ID } from './seed/demo-decisions.js';

const t = useTestApp();
const site = { publicUrl: 'https://kith.example' };

async function ctxFor(roles: Role[] = []): Promise<ServiceContext & { actor: Actor }> {
  const place = await findPlaceBySlug(t.db, 'trafford');
  assert.ok(place);
  const person = await makePerson(t.db, { roles });
  return {
    db: t.db,
    place,
    actor: { userId: person.userId, roles: ['resident', ...roles], platformAdmin: false },
    requestId: 'test',
  };
}

const base = { title: 'Should the depot close?', kind: 'ordinary', deciderKind: 'cabinet' };

test('dates from three boxes: real dates only', () => {
  assert.equal(dateFrom({ 'd-day': '29', 'd-month': '2', 'd-year': '2028' }, 'd'), '2028-02-29');
  assert.equal(dateFrom({ 'd-day': '29', 'd-month': '2', 'd-year': '2027' }, 'd'), 'invalid');
  assert.equal(dateFrom({ 'd-day': '', 'd-month': '', 'd-year': '' }, 'd'), null);
  assert.equal(dateFrom({ 'd-day': '1', 'd-month': '13', 'd-year': '2027' }, 'd'), 'invalid');
  assert.equal(dateFrom({ 'd-day': '1', 'd-month': '1', 'd-year': '27' }, 'd'), 'invalid');
});

test('comments are accepted while open up to and including the closing day (London), never otherwise', () => {
  const now = new Date('2027-06-30T22:30:00Z'); // 23:30 on 30 June in London
  assert.equal(acceptsComments('open', '2027-06-30', now), true);
  assert.equal(acceptsComments('open', '2027-06-29', now), false);
  assert.equal(acceptsComments('open', null, now), true);
  for (const s of ['draft', 'upcoming', 'made', 'reviewed'] as const)
    assert.equal(acceptsComments(s, '2099-01-01', now), false);
});

test('only officers create and change decisions; residents and visitors are refused', async () => {
  const resident = await ctxFor();
  await assert.rejects(createDecision(resident, base), Forbidden);
  await assert.rejects(createDecision({ ...resident, actor: null }, base), Forbidden);
  await assert.rejects(addPart(resident, DEMO_DECISION_ID, 'option', { title: 'x' }), Forbidden);
  await assert.rejects(moveStatus(resident, site, DEMO_DECISION_ID, 'made', {}), Forbidden);
  const admin = await ctxFor(['place-admin']);
  assert.ok(await createDecision(admin, base));
});

test('drafts are hidden from everyone but officers, in the list and by id', async () => {
  const resident = await ctxFor();
  const officer = await ctxFor(['officer']);
  await assert.rejects(getDecision(resident, DEMO_DRAFT_ID), NotFound);
  assert.equal((await getDecision(officer, DEMO_DRAFT_ID)).status, 'draft');
  const asResident = await listDecisions(resident, { sort: 'newest' });
  assert.ok(!asResident.items.some((d) => d.status === 'draft'));
  const asOfficer = await listDecisions(officer, { status: 'draft', sort: 'newest' });
  assert.ok(asOfficer.items.some((d) => d.id === DEMO_DRAFT_ID));
  await assert.rejects(followDecision(officer, DEMO_DRAFT_ID), Conflict);
});

test('status moves follow the rules: no skipping, opening needs a date, making needs reasons', async () => {
  const officer = await ctxFor(['officer']);
  const id = await createDecision(officer, base);
  await assert.rejects(moveStatus(officer, site, id, 'made', { reasons: 'x', decisionText: 'y' }), Conflict);
  await assert.rejects(moveStatus(officer, site, id, 'reviewed', { review: 'x' }), Conflict);
  await assert.rejects(moveStatus(officer, site, id, 'nonsense'), Conflict);
  await moveStatus(officer, site, id, 'upcoming');
  await assert.rejects(moveStatus(officer, site, id, 'upcoming'), Conflict, 'not twice');
  await assert.rejects(moveStatus(officer, site, id, 'open', {}), Invalid);
  await assert.rejects(moveStatus(officer, site, id, 'open', { inputClosesOn: '2027-02-30' }), Invalid);
  await moveStatus(officer, site, id, 'open', { inputClosesOn: '2099-12-31' });
  const made = { decisionText: 'Close it.', reasons: 'Costs.' };
  await assert.rejects(moveStatus(officer, site, id, 'made', { decisionText: 'Close it.' }), Invalid);
  await assert.rejects(
    moveStatus(officer, site, id, 'made', made),
    (e: unknown) => e instanceof Invalid && /youSaidWeDid/.test(String(e.fieldErrors.option)),
  );
  await addPart(officer, id, 'response', { youSaid: 'Keep jobs.', weDid: 'Jobs kept.' });
  await moveStatus(officer, site, id, 'made', made);
  await assert.rejects(moveStatus(officer, site, id, 'reviewed', { review: '' }), Invalid);
  await moveStatus(officer, site, id, 'reviewed', { review: 'It went well.' });
  const d = await getDecision(officer, id);
  assert.equal(d.status, 'reviewed');
  assert.deepEqual(
    d.timeline.map((x) => x.to),
    ['draft', 'upcoming', 'open', 'made', 'reviewed'],
  );
  const audited = await t.db.query<{ n: number }>(
    "select count(*)::int as n from audit_log where target_id = $1 and action = 'decisions.status'",
    [id],
  );
  assert.equal(audited[0]?.n, 4, 'each move is audited');
});

test('a decision never opened for input can be made from upcoming without "you said, we did"', async () => {
  const officer = await ctxFor(['officer']);
  const id = await createDecision(officer, base);
  await moveStatus(officer, site, id, 'upcoming');
  const option = await addPart(officer, id, 'option', { title: 'Close it', cost: '10' });
  await moveStatus(officer, site, id, 'made', { option, reasons: 'Costs.' });
  const d = await getDecision(officer, id);
  assert.equal(d.chosenOptionId, option);
  await assert.rejects(removePart(officer, id, 'option', option), Conflict, 'the chosen option stays');
});

test('money: pounds as typed become exact pence; the edges hold', async () => {
  const officer = await ctxFor(['officer']);
  const id = await createDecision(officer, base);
  const cases: [string, number | null][] = [
    ['', null],
    ['0', 0],
    ['0.01', 1],
    ['£1,250.50', 125_050],
    ['100000000', 10_000_000_000],
  ];
  for (const [typed] of cases) await addPart(officer, id, 'option', { title: `Cost ${typed}`, cost: typed });
  const d = await getDecision(officer, id);
  assert.deepEqual(
    d.options.map((o) => o.costPence),
    cases.map((c) => c[1]),
  );
  for (const bad of ['100000000.01', '-1', '1.234', '1,25', 'ten', '1e5'])
    await assert.rejects(addPart(officer, id, 'option', { title: 'Bad', cost: bad }), Invalid, bad);
});

test('officers remove parts only of their own place’s decisions, by kind and id', async () => {
  const officer = await ctxFor(['officer']);
  const id = await createDecision(officer, base);
  const c = await addPart(officer, id, 'constraint', { kind: 'money', body: 'Only £10.' });
  await assert.rejects(removePart(officer, id, 'option', c), NotFound, 'wrong kind');
  await assert.rejects(removePart(officer, DEMO_DECISION_ID, 'constraint', c), NotFound, 'another decision');
  await assert.rejects(removePart(officer, id, 'table; drop', c), NotFound);
  await assert.rejects(removePart(officer, id, 'constraint', 'nope'), NotFound);
  await removePart(officer, id, 'constraint', c);
  assert.equal((await getDecision(officer, id)).constraints.length, 0);
});

test('followers are emailed when a decision moves on, unless they switched decision news off', async () => {
  const officer = await ctxFor(['officer']);
  const resident = await ctxFor();
  const quiet = await ctxFor();
  const id = await createDecision(officer, base);
  await moveStatus(officer, site, id, 'upcoming');
  await followDecision(resident, id);
  await followDecision(resident, id); // again is harmless
  await followDecision(quiet, id);
  // Switched off on the notifications page.
  await t.db.query(`update users set notification_prefs = '{"decision-updates": false}' where id = $1`, [
    quiet.actor.userId,
  ]);
  await moveStatus(officer, site, id, 'open', { inputClosesOn: '2099-01-01' });
  const mailTo = async (ctx: typeof resident) =>
    t.db.query<{ subject: string; body: string }>(
      `select o.subject, o.body from outbox o join users u on u.email = o.to_email
       where u.id = $1 and o.template = 'decisionStatusChanged'`,
      [ctx.actor.userId],
    );
  const mail = await mailTo(resident);
  assert.equal(mail.length, 1);
  assert.match(mail[0]?.subject ?? '', /Open for input/);
  assert.match(mail[0]?.body ?? '', new RegExp(`https://kith.example/trafford/decisions/${id}`));
  assert.equal((await mailTo(quiet)).length, 0);
});

test('comments only while open; a made or reviewed decision refuses them', async () => {
  const resident = await ctxFor();
  const meta = { ip: '203.0.113.9' };
  await assert.rejects(addComment(resident, DEMO_MADE_ID, { body: 'Hi' }, meta), Conflict);
  await assert.rejects(addComment(resident, DEMO_REVIEWED_ID, { body: 'Hi' }, meta), Conflict);
  await assert.rejects(addComment(resident, DEMO_DRAFT_ID, { body: 'Hi' }, meta), NotFound);
  await assert.rejects(
    addComment({ ...resident, actor: null }, DEMO_DECISION_ID, { body: 'Hi' }, meta),
    Forbidden,
  );
  const added = await addComment(resident, DEMO_DECISION_ID, { body: 'Keep the reading room.' }, meta);
  assert.equal(added?.status, 'pending');
  assert.equal(
    await addComment(resident, DEMO_DECISION_ID, { body: 'bot' }, { ...meta, honeypot: 'x' }),
    null,
  );
});

test('privacy: export lists a person’s comments and follows; erasure keeps comments unsigned and drops follows', async () => {
  const resident = await ctxFor();
  await followDecision(resident, DEMO_DECISION_ID);
  await addComment(resident, DEMO_DECISION_ID, { body: 'My view on the library.' }, { ip: '203.0.113.10' });
  const person = { userId: resident.actor.userId, email: 'x@example.org' };
  const exported = await decisionsPrivacy.exportFor?.(t.db, person);
  assert.equal(exported?.decision_comments?.length, 1);
  assert.equal(exported?.decision_follows?.length, 1);
  const kept = await t.db.transaction((tx) => decisionsPrivacy.eraseFor?.(tx, person) ?? Promise.resolve([]));
  assert.deepEqual(kept, ['decisions.privacy.keptOnErase']);
  const after = await decisionsPrivacy.exportFor?.(t.db, person);
  assert.equal(after?.decision_comments?.length, 0);
  assert.equal(after?.decision_follows?.length, 0);
  const [c] = await t.db.query<{ author_id: string | null }>(
    "select author_id from decision_comments where body = 'My view on the library.'",
  );
  assert.equal(c?.author_id, null);
});

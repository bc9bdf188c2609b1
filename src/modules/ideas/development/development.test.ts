import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { pbPerson } from '../../../../test/helpers/pb-process.js';
import { addDays } from '../../../lib/civil-date.js';
import { londonParts } from '../../../lib/london-clock.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { PROPOSING_SLUG, VOTING_SLUG } from '../../budgeting/seed/demo-budgets.js';
import {
  DEMO_DEVELOPING_IDEA_ID,
  DEMO_IDEA_AUTHORS,
  DEMO_IDEA_ID,
  DEMO_PENDING_IDEA_ID,
  DEMO_TESTING_IDEA_ID,
} from '../seed/demo-ideas.js';
import { grantPence, MAX_GRANT_PENCE } from './development-input.js';
import { developmentPrivacy } from './development-privacy.js';
import {
  checkedTrial,
  getIdea,
  joinTeam,
  makeLead,
  moveStage,
  postUpdate,
  teamOf,
  trialOf,
} from './development-service.js';
import { developmentPanel } from './panel-service.js';
import { putForward, putForwardOf } from './put-forward-service.js';

const t = useTestApp();
const SITE = { publicUrl: 'https://kith.example' };
/** Ideas posted for this file's tests, so each test starts from its own. */
const idea = (n: number) => `1dea0000-0000-4000-8fff-${String(n).padStart(12, '0')}`;

function asDemo(ctx: ServiceContext, author: number): ServiceContext {
  const who = DEMO_IDEA_AUTHORS[author];
  return { ...ctx, actor: { userId: who?.id as string, roles: ['resident'], platformAdmin: false } };
}

/** A published idea in the given stage, by the given person. */
async function newIdea(n: number, authorId: string, stage = 'proposed', status = 'published') {
  await t.db.query(
    `insert into ideas (id, place_id, author_id, title, summary, theme, stage, moderation_status)
     select $1, id, $2, $3, 'A test idea for the neighbourhood.', 'green-spaces', $4, $5 from places where slug = 'trafford'`,
    [idea(n), authorId, `Test idea ${n}`, stage, status],
  );
  return idea(n);
}

async function emailsTo(address: string) {
  return t.db.query<{ subject: string; body: string }>(
    'select subject, body from outbox where to_email = $1',
    [address],
  );
}

const reject = async (p: Promise<unknown>, type: new (...a: never[]) => Error, field?: string) => {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
    if (field) assert.ok(field in (e as Invalid).fieldErrors, JSON.stringify((e as Invalid).fieldErrors));
    return true;
  });
};

const today = () => londonParts(new Date()).date;
const dateFields = (name: string, date: string) => ({
  [`${name}-day`]: String(Number(date.slice(8, 10))),
  [`${name}-month`]: String(Number(date.slice(5, 7))),
  [`${name}-year`]: date.slice(0, 4),
});
const trialFields = (changes: Record<string, string> = {}) => ({
  ...dateFields('startsOn', addDays(today(), 3)),
  ...dateFields('endsOn', addDays(today(), 30)),
  measure: 'How many people come.',
  grant: '450',
  grantFrom: 'Ward fund',
  ...changes,
});

test('an idea moves only along its path, and being developed needs what the team will do next', async () => {
  const author = await pbPerson(t.db);
  const id = await newIdea(1, author.userId);
  const ctx = author.ctx;
  await reject(moveStage(ctx, SITE, id, 'testing', trialFields()), Invalid, 'to');
  await reject(moveStage(ctx, SITE, id, 'adopted', { whatHappened: 'x', carriedOnBy: 'x' }), Invalid, 'to');
  await reject(moveStage(ctx, SITE, id, 'nonsense', {}), Invalid, 'to');
  await reject(moveStage(ctx, SITE, id, ['developing'], {}), Invalid, 'to');
  await reject(moveStage(ctx, SITE, id, 'developing', { note: '   ' }), Invalid, 'note');
  await moveStage(ctx, SITE, id, 'developing', { note: 'Ask the neighbours.' });
  const moved = await getIdea(ctx, id);
  assert.equal(moved.stage, 'developing');
  const team = await teamOf(ctx, moved);
  assert.deepEqual(
    team.map((m) => [m.userId, m.isLead]),
    [[author.userId, true]],
    'the author is the first lead',
  );
  const [update] = await t.db.query<{ kind: string; from_stage: string; to_stage: string; body: string }>(
    'select kind, from_stage, to_stage, body from idea_updates where idea_id = $1',
    [id],
  );
  assert.deepEqual(update, {
    kind: 'stage',
    from_stage: 'proposed',
    to_stage: 'developing',
    body: 'Ask the neighbours.',
  });
  const audited = await t.db.query(
    "select 1 from audit_log where action = 'ideas.stage.move' and target_id = $1",
    [id],
  );
  assert.equal(audited.length, 1);
  // Developing goes to testing or straight to learned-from; never back.
  await reject(moveStage(ctx, SITE, id, 'proposed', {}), Invalid, 'to');
  await reject(moveStage(ctx, SITE, id, 'adopted', { whatHappened: 'x', carriedOnBy: 'x' }), Invalid, 'to');
  await moveStage(ctx, SITE, id, 'learned', { whatHappened: 'Nobody could run it.', evidence: '' });
  assert.equal((await getIdea(ctx, id)).stage, 'learned');
  await reject(moveStage(ctx, SITE, id, 'testing', trialFields()), Invalid, 'to');
  await reject(joinTeam((await pbPerson(t.db)).ctx, id, { role: 'Help' }), Conflict);
});

test('only leads, the author and officers move an idea; a resident not on the team is refused', async () => {
  const author = await pbPerson(t.db);
  const id = await newIdea(2, author.userId);
  const resident = await pbPerson(t.db);
  await reject(moveStage(resident.ctx, SITE, id, 'developing', { note: 'Go' }), Forbidden);
  await reject(postUpdate(resident.ctx, SITE, id, { body: 'Hello' }), Forbidden);
  await reject(moveStage({ ...author.ctx, actor: null }, SITE, id, 'developing', { note: 'Go' }), Forbidden);

  await joinTeam(resident.ctx, id, { role: 'Make the tea' });
  await reject(moveStage(resident.ctx, SITE, id, 'developing', { note: 'Go' }), Forbidden, undefined);
  await reject(makeLead(resident.ctx, id, resident.userId), Forbidden);
  await makeLead(author.ctx, id, resident.userId);
  await moveStage(resident.ctx, SITE, id, 'developing', { note: 'Go' });

  const officer = await pbPerson(t.db, ['officer']);
  await moveStage(officer.ctx, SITE, id, 'testing', trialFields());
  assert.equal((await getIdea(officer.ctx, id)).stage, 'testing');
});

test('joining a team: a role is needed, once each, and only leads see the team’s emails', async () => {
  const author = await pbPerson(t.db);
  const id = await newIdea(3, author.userId);
  const a = await pbPerson(t.db);
  const b = await pbPerson(t.db);
  await reject(joinTeam(a.ctx, id, {}), Invalid, 'role');
  await reject(joinTeam(a.ctx, id, { role: '   ' }), Invalid, 'role');
  await reject(joinTeam(a.ctx, id, { role: 'x'.repeat(121) }), Invalid, 'role');
  await reject(joinTeam(a.ctx, id, { role: ['a', 'b'] }), Invalid, 'role');
  await reject(joinTeam({ ...a.ctx, actor: null }, id, { role: 'Help' }), Forbidden);
  await reject(joinTeam(a.ctx, 'not-a-uuid', { role: 'Help' }), NotFound);
  await joinTeam(a.ctx, id, { role: 'x'.repeat(120) });
  await reject(joinTeam(a.ctx, id, { role: 'Again' }), Conflict);
  await joinTeam(b.ctx, id, { role: 'Design the leaflet' });
  const ref = await getIdea(a.ctx, id);
  const seenByMember = await teamOf(a.ctx, ref);
  assert.equal(seenByMember.length, 3, 'the author joined as lead on the first join');
  assert.ok(seenByMember.every((m) => m.email === null));
  assert.ok((await teamOf({ ...a.ctx, actor: null }, ref)).every((m) => m.email === null));
  const seenByLead = await teamOf(author.ctx, ref);
  assert.ok(seenByLead.some((m) => m.email === b.email));
  const lead = seenByLead.find((m) => m.userId === author.userId);
  assert.equal(lead?.isLead, true);
});

test('a pending idea cannot be developed, joined or seen by others', async () => {
  const base = await pbPerson(t.db);
  const author = asDemo(base.ctx, 4);
  await reject(moveStage(author, SITE, DEMO_PENDING_IDEA_ID, 'developing', { note: 'Go' }), Conflict);
  await reject(joinTeam(base.ctx, DEMO_PENDING_IDEA_ID, { role: 'Help' }), NotFound);
  await reject(developmentPanel(base.ctx, DEMO_PENDING_IDEA_ID), NotFound);
  const officer = await pbPerson(t.db, ['officer']);
  await reject(moveStage(officer.ctx, SITE, DEMO_PENDING_IDEA_ID, 'developing', { note: 'Go' }), Conflict);
});

test('a trial needs its dates, what it measures, and a space booking or a micro-grant', async () => {
  assert.throws(
    () => checkedTrial({}),
    (e: Invalid) => {
      assert.deepEqual(Object.keys(e.fieldErrors).sort(), ['endsOn', 'measure', 'space', 'startsOn']);
      return true;
    },
  );
  assert.throws(
    () => checkedTrial(trialFields({ ...dateFields('endsOn', addDays(today(), 2)) })),
    (e: Invalid) => e.fieldErrors.endsOn === 'ideas.development.errors.endsBeforeStarts',
  );
  const sameDay = checkedTrial(trialFields({ ...dateFields('endsOn', addDays(today(), 3)) }));
  assert.equal(sameDay.startsOn, sameDay.endsOn, 'a one-day trial');
  assert.throws(
    () => checkedTrial(trialFields({ 'startsOn-day': '31', 'startsOn-month': '2' })),
    (e: Invalid) => e.fieldErrors.startsOn === 'ideas.development.errors.startsOn-invalid',
  );
  assert.throws(
    () => checkedTrial(trialFields({ grant: '', grantFrom: '' })),
    (e: Invalid) => e.fieldErrors.space === 'ideas.development.errors.spaceOrGrant',
  );
  assert.throws(
    () => checkedTrial(trialFields({ grantFrom: '' })),
    (e: Invalid) => e.fieldErrors.grantFrom === 'ideas.development.errors.grantFromMissing',
  );
  assert.throws(
    () => checkedTrial(trialFields({ grant: '', space: 'some-space' })),
    (e: Invalid) => 'bookingDate' in e.fieldErrors && 'bookingStart' in e.fieldErrors,
  );
  assert.throws(
    () =>
      checkedTrial(
        trialFields({
          grant: '',
          grantFrom: '',
          space: 'some-space',
          bookingStart: '14:00',
          bookingEnd: '13:00',
          ...dateFields('bookingDate', addDays(today(), 5)),
        }),
      ),
    (e: Invalid) => e.fieldErrors.bookingEnd === 'ideas.development.errors.bookingEndBeforeStart',
  );
  assert.equal(checkedTrial(trialFields()).grant?.pence, 45_000n);
});

test('micro-grants: more than £0, at most £2,500, pounds only', () => {
  assert.deepEqual(grantPence('0'), { error: 'ideas.development.errors.grantZero' });
  assert.deepEqual(grantPence('0.00'), { error: 'ideas.development.errors.grantZero' });
  assert.equal(grantPence('0.01'), 1n);
  assert.equal(grantPence('£450'), 45_000n);
  assert.equal(grantPence('2,500'), MAX_GRANT_PENCE);
  assert.equal(grantPence('2500.00'), 250_000n);
  assert.deepEqual(grantPence('2500.01'), { error: 'ideas.development.errors.grantTooMuch' });
  assert.deepEqual(grantPence('1000000'), { error: 'ideas.development.errors.grantTooMuch' });
  for (const bad of ['abc', '-5', '1e3', '12.345', '£', ' ', 'NaN', '0x10', '450p'])
    assert.deepEqual(grantPence(bad), { error: 'ideas.development.errors.grantInvalid' }, bad);
});

test('moving to being tested books a space through the spaces service, in the same transaction', async () => {
  const base = await pbPerson(t.db);
  const lead = asDemo(base.ctx, 3);
  const date = addDays(today(), 9);
  const booking = {
    grant: '',
    grantFrom: '',
    space: 'partington-community-centre',
    bookingStart: '18:00',
    bookingEnd: '20:00',
    ...dateFields('bookingDate', date),
  };
  // A space that does not exist, and a time the space is closed: nothing changes.
  await reject(
    moveStage(lead, SITE, DEMO_DEVELOPING_IDEA_ID, 'testing', trialFields({ ...booking, space: 'nowhere' })),
    Invalid,
    'space',
  );
  await reject(
    moveStage(
      lead,
      SITE,
      DEMO_DEVELOPING_IDEA_ID,
      'testing',
      trialFields({ ...booking, bookingStart: '05:00', bookingEnd: '06:00' }),
    ),
    Invalid,
    'bookingDate',
  );
  const ref = await getIdea(lead, DEMO_DEVELOPING_IDEA_ID);
  assert.equal(ref.stage, 'developing');
  assert.equal(await trialOf(lead, ref), null);

  await moveStage(
    lead,
    SITE,
    DEMO_DEVELOPING_IDEA_ID,
    'testing',
    trialFields({ ...booking, grant: '£120.50', grantFrom: 'Urmston ward fund' }),
  );
  const moved = await getIdea(lead, DEMO_DEVELOPING_IDEA_ID);
  assert.equal(moved.stage, 'testing');
  const trial = await trialOf({ ...lead, actor: null }, moved);
  assert.equal(trial?.grantPence, 12_050);
  assert.equal(trial?.grantFrom, 'Urmston ward fund');
  assert.equal(trial?.booking?.spaceName, 'Partington Community Centre main hall');
  assert.equal(trial?.booking?.date, date);
  assert.equal(trial?.booking?.startTime, '18:00');
  assert.equal(trial?.booking?.status, 'confirmed');
  // The same slot is now taken for anyone else.
  const other = await pbPerson(t.db);
  const id = await newIdea(4, other.userId, 'developing');
  await reject(moveStage(other.ctx, SITE, id, 'testing', trialFields(booking)), Invalid, 'bookingDate');
  assert.equal((await getIdea(other.ctx, id)).stage, 'developing');
  const panel = await developmentPanel({ ...lead, actor: null }, DEMO_DEVELOPING_IDEA_ID);
  assert.equal(panel.journey.find((s) => s.current)?.key, 'testing');
  assert.equal(panel.actions.signInToJoin, true);
  assert.equal(panel.actions.move, false);
});

test('followers get one email per update; others, those who opted out and the writer get none', async () => {
  const author = await pbPerson(t.db);
  const id = await newIdea(5, author.userId);
  const fan = await pbPerson(t.db);
  const quiet = await pbPerson(t.db);
  const stranger = await pbPerson(t.db);
  await t.db.query(`update users set notification_prefs = '{"idea-updates": false}' where id = $1`, [
    quiet.userId,
  ]);
  for (const who of [fan, quiet, author])
    await t.db.query('insert into idea_follows (idea_id, user_id) values ($1, $2)', [id, who.userId]);
  await moveStage(author.ctx, SITE, id, 'developing', { note: 'We start on Monday.' });
  await postUpdate(author.ctx, SITE, id, { body: 'We need a gazebo.' });
  const got = await emailsTo(fan.email);
  assert.equal(got.length, 2);
  assert.match(got.map((e) => e.subject).join('|'), /has moved on: Being developed/);
  assert.ok(got.some((e) => e.body.includes('We need a gazebo.')));
  assert.ok(got.every((e) => e.body.includes(`https://kith.example/trafford/ideas/${id}/updates`)));
  assert.equal((await emailsTo(quiet.email)).length, 0);
  assert.equal((await emailsTo(stranger.email)).length, 0);
  assert.equal((await emailsTo(author.email)).length, 0);
  await reject(postUpdate(author.ctx, SITE, id, { body: '' }), Invalid, 'body');
  await reject(postUpdate(author.ctx, SITE, id, { body: 'x'.repeat(4001) }), Invalid, 'body');
});

test('an ending records what happened; adopted needs who carries it on', async () => {
  const base = await pbPerson(t.db);
  const lead = asDemo(base.ctx, 0);
  await reject(
    moveStage(lead, SITE, DEMO_TESTING_IDEA_ID, 'adopted', { whatHappened: 'It worked.' }),
    Invalid,
    'carriedOnBy',
  );
  await reject(
    moveStage(lead, SITE, DEMO_TESTING_IDEA_ID, 'learned', { whatHappened: '' }),
    Invalid,
    'whatHappened',
  );
  await moveStage(lead, SITE, DEMO_TESTING_IDEA_ID, 'adopted', {
    whatHappened: 'Forty people a day came.',
    evidence: 'Feedback cards',
    carriedOnBy: 'The market hall',
  });
  const panel = await developmentPanel(lead, DEMO_TESTING_IDEA_ID);
  assert.equal(panel.outcome?.ending, 'adopted');
  assert.equal(panel.outcome?.carriedOnBy, 'The market hall');
  assert.equal(panel.journey.at(-1)?.current, true);
  assert.equal(panel.actions.move, false);
});

test('putting an idea forward makes a proposal through the budgeting service and keeps the link', async () => {
  const base = await pbPerson(t.db);
  const lead = asDemo(base.ctx, 0);
  const fields = {
    process: PROPOSING_SLUG,
    title: 'Benches and planters',
    summary: 'Somewhere to sit.',
    description: '',
    ward: '',
    category: 'community-spaces',
    location: 'Stamford New Road',
    costLabel1: 'Three benches',
    costAmount1: '2400',
  };
  await reject(putForward(base.ctx, SITE, DEMO_IDEA_ID, fields), Forbidden);
  await reject(putForward(lead, SITE, DEMO_IDEA_ID, { ...fields, process: 'nope' }), Invalid, 'process');
  await reject(putForward(lead, SITE, DEMO_IDEA_ID, { ...fields, process: VOTING_SLUG }), Invalid, 'process');
  await reject(putForward(lead, SITE, DEMO_IDEA_ID, { ...fields, ward: 'altrincham' }), Invalid, 'ward');
  await reject(putForward(lead, SITE, DEMO_IDEA_ID, { ...fields, costAmount1: '0' }), Invalid, 'costs');
  await reject(
    putForward(lead, SITE, DEMO_IDEA_ID, { ...fields, costAmount1: '99999999' }),
    Invalid,
    'costs',
  );
  assert.equal((await t.db.query('select 1 from idea_pb_proposals')).length, 0, 'nothing kept after errors');
  const done = await putForward(lead, SITE, DEMO_IDEA_ID, fields);
  assert.match(done.url, new RegExp(`^/trafford/budgets/${PROPOSING_SLUG}/proposals/\\d+$`));
  const [proposal] = await t.db.query<{ title: string; author_id: string }>(
    'select p.title, p.author_id from pb_proposals p join idea_pb_proposals l on l.proposal_id = p.id where l.idea_id = $1',
    [DEMO_IDEA_ID],
  );
  assert.deepEqual(proposal, { title: 'Benches and planters', author_id: DEMO_IDEA_AUTHORS[0].id });
  await reject(putForward(lead, SITE, DEMO_IDEA_ID, fields), Invalid, 'process');
  const [note] = await t.db.query<{ body: string }>(
    "select body from idea_updates where idea_id = $1 and kind = 'note' order by created_at desc limit 1",
    [DEMO_IDEA_ID],
  );
  assert.match(
    note?.body ?? '',
    /Put forward to Sale Moor Play Fund as a proposal: https:\/\/kith\.example\/trafford\/budgets\//,
  );
  const links = await putForwardOf({ ...lead, actor: null }, await getIdea(lead, DEMO_IDEA_ID));
  assert.deepEqual(
    links.map((l) => l.processSlug),
    [PROPOSING_SLUG],
  );
});

test('a person’s team roles and updates are in their data download, and leave with their account', async () => {
  const author = await pbPerson(t.db);
  const id = await newIdea(6, author.userId);
  const member = await pbPerson(t.db);
  await joinTeam(member.ctx, id, { role: 'Paint the signs' });
  await moveStage(author.ctx, SITE, id, 'developing', { note: 'Signs first.' });
  const mine = await developmentPrivacy.exportFor?.(t.db, { userId: member.userId, email: member.email });
  assert.deepEqual(
    mine?.idea_team_members?.map((r) => r.role),
    ['Paint the signs'],
  );
  const theirs = await developmentPrivacy.exportFor?.(t.db, { userId: author.userId, email: author.email });
  assert.equal(theirs?.idea_updates?.[0]?.body, 'Signs first.');
  const kept = await t.db.transaction(
    (tx) =>
      developmentPrivacy.eraseFor?.(tx, { userId: author.userId, email: author.email }) ??
      Promise.resolve([]),
  );
  assert.deepEqual(kept, ['ideas.development.privacy.keptOnErase']);
  const [update] = await t.db.query<{ created_by: string | null; body: string }>(
    'select created_by, body from idea_updates where idea_id = $1',
    [id],
  );
  assert.deepEqual(update, { created_by: null, body: 'Signs first.' });
  const team = await t.db.query<{ user_id: string }>(
    'select user_id from idea_team_members where idea_id = $1',
    [id],
  );
  assert.deepEqual(
    team.map((r) => r.user_id),
    [member.userId],
  );
});

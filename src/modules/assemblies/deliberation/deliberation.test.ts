import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { pbPerson } from '../../../../test/helpers/pb-process.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../platform/http/errors.js';
import { assemblyWithMembers as fixture } from './deliberation-fixtures.js';
import { addSpeaker, getSessionEvidence } from './evidence-service.js';
import {
  castSupport,
  createRecommendation,
  draftsForMember,
  getPublished,
  listForOfficers,
  listPublished,
  postUpdate,
  publishRecommendation,
  recordResponse,
  updateRecommendation,
} from './recommendation-service.js';

const t = useTestApp();
/** The i-th of a list the test made itself. */
const nth = <T>(xs: T[], i: number) => xs[i] as T;

const assemblyWithMembers = (title: string, members = 3) => fixture(t.db, title, members);

const response = { outcome: 'accepted', reasons: 'We will do it this year.', decisionUrl: '' };

test('a draft is never public; publishing freezes the members’ support count', async () => {
  const a = await assemblyWithMembers('Drafts stay private', 4);
  const n = await createRecommendation(a.officer.ctx, a.slug, {
    title: 'Cheaper buses',
    body: 'Make buses cheaper.',
  });
  assert.equal(n, 1);
  const visitor = { ...a.officer.ctx, actor: null };
  assert.deepEqual((await listPublished(visitor, a.slug)).recommendations, []);
  await assert.rejects(getPublished(visitor, a.slug, 1), NotFound);

  const [m1, m2, m3] = [nth(a.members, 0), nth(a.members, 1), nth(a.members, 2)];
  await castSupport(m1.ctx, a.slug, 1, { choice: 'support' });
  await castSupport(m2.ctx, a.slug, 1, { choice: 'oppose' });
  await castSupport(m3.ctx, a.slug, 1, { choice: 'abstain' });
  const live = await listForOfficers(a.officer.ctx, a.slug);
  assert.deepEqual(live.recommendations[0]?.support, { members: 4, support: 1, oppose: 1, abstain: 1 });

  await publishRecommendation(a.officer.ctx, a.slug, 1);
  const published = await getPublished(visitor, a.slug, '1');
  assert.deepEqual(published.recommendation.support, { members: 4, support: 1, oppose: 1, abstain: 1 });
  // Frozen: members can no longer change their answers, and officers can no longer edit it.
  await assert.rejects(castSupport(m2.ctx, a.slug, 1, { choice: 'support' }), Conflict);
  await assert.rejects(
    updateRecommendation(a.officer.ctx, a.slug, 1, { title: 'Changed', body: 'Changed' }),
    Conflict,
  );
  await assert.rejects(publishRecommendation(a.officer.ctx, a.slug, 1), Conflict);
});

test('one answer per member per recommendation, which they can change until it is published', async () => {
  const a = await assemblyWithMembers('One answer each', 2);
  await createRecommendation(a.officer.ctx, a.slug, { title: 'Retrofit homes', body: 'Insulate homes.' });
  const m = nth(a.members, 0);
  await castSupport(m.ctx, a.slug, 1, { choice: 'oppose' });
  await castSupport(m.ctx, a.slug, 1, { choice: 'support' });
  await castSupport(m.ctx, a.slug, 1, { choice: 'support' });
  const rows = await t.db.query<{ choice: string }>(
    `select v.choice from assembly_recommendation_votes v join assembly_recommendations r on r.id = v.recommendation_id
     where r.assembly_id = $1`,
    [a.assembly.id],
  );
  assert.deepEqual(
    rows.map((r) => r.choice),
    ['support'],
  );
  const mine = await draftsForMember(m.ctx, a.slug);
  assert.equal(mine.drafts[0]?.choice, 'support');
  const theirs = await draftsForMember(nth(a.members, 1).ctx, a.slug);
  assert.equal(theirs.drafts[0]?.choice, null);
  await assert.rejects(castSupport(m.ctx, a.slug, 1, { choice: 'maybe' }), Invalid);
});

test('people who are not serving members cannot see the members’ area or answer', async () => {
  const a = await assemblyWithMembers('Members only', 1);
  await createRecommendation(a.officer.ctx, a.slug, { title: 'Green spaces', body: 'More trees.' });
  const resident = await pbPerson(t.db);
  await assert.rejects(draftsForMember(resident.ctx, a.slug), Forbidden);
  await assert.rejects(castSupport(resident.ctx, a.slug, 1, { choice: 'support' }), Forbidden);
  // Nor the officer, who is not a member; nor a member who dropped out.
  await assert.rejects(castSupport(a.officer.ctx, a.slug, 1, { choice: 'support' }), Forbidden);
  await t.db.query("update assembly_respondents set status = 'dropped-out' where assembly_id = $1", [
    a.assembly.id,
  ]);
  await assert.rejects(castSupport(nth(a.members, 0).ctx, a.slug, 1, { choice: 'support' }), Forbidden);
  // A member of another assembly is not a member of this one.
  const other = await assemblyWithMembers('Another assembly', 1);
  await assert.rejects(draftsForMember(nth(other.members, 0).ctx, a.slug), Forbidden);
});

test('only officers assigned to the assembly write, publish and respond', async () => {
  const a = await assemblyWithMembers('Assigned only', 1);
  await createRecommendation(a.officer.ctx, a.slug, { title: 'Local food', body: 'Grow more food.' });
  await publishRecommendation(a.officer.ctx, a.slug, 1);
  const unassigned = await pbPerson(t.db, ['officer']);
  const resident = await pbPerson(t.db);
  for (const who of [unassigned, resident]) {
    await assert.rejects(recordResponse(who.ctx, a.slug, 1, response), Forbidden);
    await assert.rejects(createRecommendation(who.ctx, a.slug, { title: 'x', body: 'y' }), Forbidden);
    await assert.rejects(publishRecommendation(who.ctx, a.slug, 1), Forbidden);
    await assert.rejects(addSpeaker(who.ctx, a.slug, 1, { name: 'A', topic: 'B' }), Forbidden);
    await assert.rejects(listForOfficers(who.ctx, a.slug), Forbidden);
  }
  // A place admin may, without being assigned.
  const admin = await pbPerson(t.db, ['place-admin']);
  assert.equal(await recordResponse(admin.ctx, a.slug, 1, response), 'recorded');
});

test('a response needs an outcome and reasons, and only once the recommendation is published', async () => {
  const a = await assemblyWithMembers('Responses need reasons', 1);
  await createRecommendation(a.officer.ctx, a.slug, { title: 'Cycle lanes', body: 'Build them.' });
  await assert.rejects(recordResponse(a.officer.ctx, a.slug, 1, response), Conflict);
  await publishRecommendation(a.officer.ctx, a.slug, 1);
  for (const [field, bad] of [
    ['reasons', { ...response, reasons: '   ' }],
    ['outcome', { ...response, outcome: 'maybe' }],
    ['outcome', { reasons: 'x' }],
    ['decisionUrl', { ...response, decisionUrl: 'javascript:alert(1)' }],
  ] as const) {
    await assert.rejects(recordResponse(a.officer.ctx, a.slug, 1, bad), (e: unknown) => {
      assert.ok(e instanceof Invalid && field in e.fieldErrors, JSON.stringify(bad));
      return true;
    });
  }
  assert.equal(await recordResponse(a.officer.ctx, a.slug, 1, response), 'recorded');
  assert.equal(
    await recordResponse(a.officer.ctx, a.slug, 1, {
      outcome: 'partly-accepted',
      reasons: 'The money only covers half.',
      decisionUrl: 'https://example.org/decisions/42',
    }),
    'changed',
  );
  const { recommendation } = await getPublished({ ...a.officer.ctx, actor: null }, a.slug, 1);
  assert.equal(recommendation.response?.outcome, 'partly-accepted');
  assert.equal(recommendation.response?.decisionUrl, 'https://example.org/decisions/42');
  const audits = await t.db.query<{ action: string; before: { outcome: string } | null }>(
    `select action, before from audit_log where target_id = $1 and action like 'assemblies.response.%' order by id`,
    [recommendation.id],
  );
  assert.deepEqual(
    audits.map((x) => [x.action, x.before?.outcome ?? null]),
    [
      ['assemblies.response.record', null],
      ['assemblies.response.change', 'accepted'],
    ],
  );
});

test('delivery updates follow an accepted response, newest first; the summary counts each response', async () => {
  const a = await assemblyWithMembers('Delivery', 1);
  for (const title of ['One', 'Two', 'Three', 'Four']) {
    const n = await createRecommendation(a.officer.ctx, a.slug, { title, body: `${title} body` });
    await publishRecommendation(a.officer.ctx, a.slug, n);
  }
  await recordResponse(a.officer.ctx, a.slug, 1, response);
  await recordResponse(a.officer.ctx, a.slug, 2, { ...response, outcome: 'partly-accepted' });
  await recordResponse(a.officer.ctx, a.slug, 3, { ...response, outcome: 'not-accepted' });
  await assert.rejects(
    postUpdate(a.officer.ctx, a.slug, 3, { status: 'done', body: 'x', date: '2027-01-01' }),
    Conflict,
  );
  await assert.rejects(
    postUpdate(a.officer.ctx, a.slug, 4, { status: 'done', body: 'x', date: '2027-01-01' }),
    Conflict,
  );
  await assert.rejects(
    postUpdate(a.officer.ctx, a.slug, 1, { status: 'done', body: 'x', date: '2027-02-30' }),
    Invalid,
  );
  await postUpdate(a.officer.ctx, a.slug, 1, { status: 'on-track', body: 'Started', date: '2027-01-10' });
  await postUpdate(a.officer.ctx, a.slug, 1, { status: 'done', body: 'Finished', date: '2027-06-01' });
  const d = await listPublished({ ...a.officer.ctx, actor: null }, a.slug);
  assert.deepEqual(
    d.recommendations[0]?.updates.map((u) => [u.date, u.status]),
    [
      ['2027-06-01', 'done'],
      ['2027-01-10', 'on-track'],
    ],
  );
  assert.deepEqual(d.summary, { accepted: 1, 'partly-accepted': 1, 'not-accepted': 1, awaiting: 1 });
});

test('speakers are published with their session; sessions are found by their position', async () => {
  const a = await assemblyWithMembers('Speakers', 0);
  await addSpeaker(a.officer.ctx, a.slug, '2', {
    name: 'Dr Asha Patel',
    role: 'University of Manchester',
    topic: 'Local climate',
    link: 'https://example.org/asha',
  });
  await assert.rejects(addSpeaker(a.officer.ctx, a.slug, 2, { name: '', topic: 'x' }), Invalid);
  await assert.rejects(
    addSpeaker(a.officer.ctx, a.slug, 2, { name: 'X', topic: 'x', link: 'ftp://x' }),
    Invalid,
  );
  const e = await getSessionEvidence({ ...a.officer.ctx, actor: null }, a.slug, '2');
  assert.equal(e.session.title, 'Deciding');
  assert.deepEqual(
    e.speakers.map((s) => [s.position, s.name, s.link]),
    [[1, 'Dr Asha Patel', 'https://example.org/asha']],
  );
  await assert.rejects(getSessionEvidence(a.officer.ctx, a.slug, '3'), NotFound);
  await assert.rejects(getSessionEvidence(a.officer.ctx, a.slug, '1x'), NotFound);
});

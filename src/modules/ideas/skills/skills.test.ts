import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { pbPerson } from '../../../../test/helpers/pb-process.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../platform/http/errors.js';
import { DEMO_DEVELOPING_IDEA_ID, DEMO_IDEA_ID, DEMO_PENDING_IDEA_ID } from '../seed/demo-ideas.js';
import { skillsPrivacy } from './skills-privacy.js';
import { DEMO_SKILL_OFFER_ID, DEMO_SKILL_REQUEST_ID } from './skills-seed.js';
import {
  deleteMyOffer,
  getMyOffer,
  getPublicOffer,
  getRequest,
  listMyRequests,
  MAX_PENDING_REQUESTS,
  requestChoices,
  respondToRequest,
  saveMyOffer,
  searchOffers,
  sendRequest,
  withdrawRequest,
} from './skills-service.js';

const t = useTestApp();
const SITE = { publicUrl: 'https://kith.example' };

let n = 0;
/** A resident with a name of their own (so the tests can look for it) and a service context. */
async function resident(name = `Person${++n} Surname${n}`) {
  const p = await pbPerson(t.db);
  await t.db.query('update users set display_name = $2 where id = $1', [p.userId, name]);
  return { ...p, name };
}

/** A resident on an idea's team (by default the published demo idea's). */
async function teamMember(ideaId = DEMO_IDEA_ID) {
  const p = await resident();
  await t.db.query(
    `insert into idea_team_members (idea_id, user_id, is_lead, role) values ($1, $2, false, 'Helping')`,
    [ideaId, p.userId],
  );
  return p;
}

const offerFields = (changes: Record<string, unknown> = {}) => ({
  skills: ['gardening', 'cooking'],
  otherSkills: 'I grew vegetables on an allotment for years.',
  languages: ['en', 'pl'],
  otherLanguages: '',
  time: '2-to-5',
  how: 'in-person',
  ward: 'urmston',
  visibility: 'private',
  ...changes,
});

async function fieldErrors(p: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await p;
  } catch (error) {
    if (error instanceof Invalid) return error.fieldErrors;
    throw error;
  }
  assert.fail('expected Invalid');
}

async function offerer(changes: Record<string, unknown> = {}) {
  const p = await resident();
  const offerId = await saveMyOffer(p.ctx, offerFields(changes));
  return { ...p, offerId };
}

const outbox = (to: string) =>
  t.db.query<{ template: string; subject: string; body: string }>(
    'select template, subject, body from outbox where to_email = $1 order by created_at',
    [to],
  );

test('an offer takes skills and languages from the lists only, and every problem is reported at once', async () => {
  const p = await resident();
  const errors = await fieldErrors(
    saveMyOffer(p.ctx, {
      skills: ['gardening', 'hacking'],
      languages: ['klingon'],
      otherSkills: 'x'.repeat(501),
      otherLanguages: 'y'.repeat(201),
      time: 'forever',
      how: 'telepathy',
      ward: 'atlantis',
      visibility: 'everyone',
    }),
  );
  assert.deepEqual(Object.keys(errors).sort(), [
    'how',
    'languages',
    'otherLanguages',
    'otherSkills',
    'skills',
    'time',
    'visibility',
  ]);
  assert.equal(errors.skills, 'ideas.skills.errors.skillUnknown');
  // Nothing at all, and hostile shapes: field errors, never a crash.
  const empty = await fieldErrors(saveMyOffer(p.ctx, {}));
  assert.equal(empty.skills, 'ideas.skills.errors.skillsMissing');
  assert.equal(empty.ward, 'ideas.skills.errors.wardMissing');
  const odd = await fieldErrors(
    saveMyOffer(p.ctx, offerFields({ skills: { $ne: 1 }, languages: [{}], otherSkills: '' })),
  );
  assert.equal(odd.skills, 'ideas.skills.errors.skillsMissing');
  assert.deepEqual(await fieldErrors(saveMyOffer(p.ctx, offerFields({ ward: 'atlantis' }))), {
    ward: 'ideas.skills.errors.wardUnknown',
  });
  assert.equal(await getMyOffer(p.ctx), null, 'nothing saved');

  // Own words alone are enough; saving again changes the one offer.
  const first = await saveMyOffer(p.ctx, offerFields({ skills: [], otherSkills: 'Knitting circles' }));
  const second = await saveMyOffer(p.ctx, offerFields({ skills: 'gardening,gardening', time: 'over-10' }));
  assert.equal(first, second);
  const mine = await getMyOffer(p.ctx);
  assert.deepEqual(mine?.skills, ['gardening']);
  assert.equal(mine?.time, 'over-10');
  assert.equal(mine?.wardName, 'Urmston');
  const audits = await t.db.query<{ action: string }>(
    'select action from audit_log where target_id = $1 order by id',
    [first],
  );
  assert.deepEqual(
    audits.map((a) => a.action),
    ['ideas.skills.offer.create', 'ideas.skills.offer.update'],
  );
  await deleteMyOffer(p.ctx);
  assert.equal(await getMyOffer(p.ctx), null);
  await assert.rejects(deleteMyOffer(p.ctx), NotFound);
});

test('searches find offers by skill, ward, way of helping and language; only public offers show a first name', async () => {
  const hidden = await offerer({
    skills: ['bid-writing'],
    ward: 'davyhulme',
    how: 'both',
    languages: ['ti'],
  });
  const shown = await offerer({
    skills: ['bid-writing'],
    ward: 'davyhulme',
    how: 'in-person',
    visibility: 'public',
    otherSkills: 'Twenty years at a housing charity',
  });
  const visitor = { ...hidden.ctx, actor: null };
  const { items, total } = await searchOffers(visitor, { skill: 'bid-writing', ward: 'davyhulme' });
  assert.equal(total, 2);
  const h = items.find((o) => o.id === hidden.offerId);
  const s = items.find((o) => o.id === shown.offerId);
  assert.equal(h?.firstName, null);
  assert.equal(h?.otherSkills, '', 'a private offer’s own words are not shown');
  assert.equal(s?.firstName, shown.name.split(' ')[0], 'the first name only');
  assert.equal(s?.otherSkills, 'Twenty years at a housing charity');
  assert.doesNotMatch(
    JSON.stringify(items),
    new RegExp(`${hidden.name}|${hidden.email}|${shown.email}|Surname`),
  );
  assert.doesNotMatch(JSON.stringify(items), new RegExp(hidden.userId));

  const online = await searchOffers(visitor, { skill: 'bid-writing', ward: 'davyhulme', how: 'online' });
  assert.deepEqual(
    online.items.map((o) => o.id),
    [hidden.offerId],
    'an offer made both ways is found online',
  );
  const tigrinya = await searchOffers(visitor, { ward: 'davyhulme', language: 'ti' });
  assert.deepEqual(
    tigrinya.items.map((o) => o.id),
    [hidden.offerId],
  );
  assert.equal((await searchOffers(visitor, { skill: 'bid-writing', ward: 'urmston' })).items.length, 0);
  assert.ok((await searchOffers(visitor, {})).total >= 12, 'the demo offers and these');
  await assert.rejects(getPublicOffer(visitor, 'not-a-uuid'), NotFound);
  await assert.rejects(getPublicOffer(visitor, '00000000-0000-4000-8000-000000000000'), NotFound);
});

test('only an idea team’s members or a group’s organisers can ask, never for themselves, once per offer', async () => {
  const owner = await offerer();
  const stranger = await resident();
  const message = { message: 'Could you help with our planters?' };
  await assert.rejects(
    sendRequest(stranger.ctx, SITE, owner.offerId, { ...message, onBehalf: `idea:${DEMO_IDEA_ID}` }),
    Forbidden,
  );
  // A team of an idea still waiting for moderation does not count.
  const pendingTeam = await teamMember(DEMO_PENDING_IDEA_ID);
  assert.deepEqual(await requestChoices(pendingTeam.ctx), []);
  await assert.rejects(
    sendRequest(pendingTeam.ctx, SITE, owner.offerId, {
      ...message,
      onBehalf: `idea:${DEMO_PENDING_IDEA_ID}`,
    }),
    Forbidden,
  );
  const member = await teamMember();
  // Someone else's team, or a made-up one.
  assert.deepEqual(
    await fieldErrors(
      sendRequest(member.ctx, SITE, owner.offerId, {
        ...message,
        onBehalf: `idea:${DEMO_DEVELOPING_IDEA_ID}`,
      }),
    ),
    { onBehalf: 'ideas.skills.errors.onBehalfNotYours' },
  );
  assert.deepEqual(
    Object.keys(
      await fieldErrors(
        sendRequest(member.ctx, SITE, owner.offerId, {
          onBehalf: "idea:'; drop table",
          message: 'y'.repeat(1001),
        }),
      ),
    ).sort(),
    ['message', 'onBehalf'],
  );
  // Your own offer.
  await saveMyOffer(member.ctx, offerFields());
  const own = await getMyOffer(member.ctx);
  await assert.rejects(
    sendRequest(member.ctx, SITE, own?.id as string, { ...message, onBehalf: `idea:${DEMO_IDEA_ID}` }),
    (e: unknown) => e instanceof Conflict && e.message === 'ideas.skills.errors.ownOffer',
  );

  const id = await sendRequest(member.ctx, SITE, owner.offerId, {
    ...message,
    onBehalf: `idea:${DEMO_IDEA_ID}`,
  });
  await assert.rejects(
    sendRequest(member.ctx, SITE, owner.offerId, {
      ...message,
      onBehalf: `IDEA:${DEMO_IDEA_ID.toUpperCase()}`,
    }),
    (e: unknown) => e instanceof Conflict && e.message === 'ideas.skills.errors.alreadyAsked',
  );
  // The owner is told by email: the team, a link, and nothing about the sender.
  const [mail] = await outbox(owner.email);
  assert.equal(mail?.template, 'ideasSkillRequest');
  assert.match(mail?.body ?? '', /Someone from the team for the idea “Benches and planters/);
  assert.match(mail?.body ?? '', new RegExp(`https://kith.example/trafford/ideas/skills/requests/${id}`));
  assert.doesNotMatch(mail?.body ?? '', new RegExp(`${member.email}|${member.name}`));
  // Withdrawn, it can be sent again.
  await assert.rejects(withdrawRequest(owner.ctx, id), Forbidden, 'only the sender withdraws');
  await withdrawRequest(member.ctx, id);
  await assert.rejects(withdrawRequest(member.ctx, id), Conflict);
  await sendRequest(member.ctx, SITE, owner.offerId, { ...message, onBehalf: `idea:${DEMO_IDEA_ID}` });
});

test('a group’s organiser can ask on behalf of the group', async () => {
  const owner = await offerer();
  const organiser = await resident();
  const [group] = await t.db.query<{ id: string; name: string; place_id: string }>(
    `select id, name, place_id from directory_groups where place_id = $1 and merged_into is null order by name limit 1`,
    [organiser.ctx.place.id],
  );
  assert.ok(group, 'a demo group');
  await t.db.query(
    `insert into directory_group_members (place_id, group_id, user_id, role) values ($1, $2, $3, 'organiser')`,
    [group.place_id, group.id, organiser.userId],
  );
  const choices = await requestChoices(organiser.ctx);
  assert.deepEqual(
    choices.map((c) => c.kind),
    ['group'],
  );
  const id = await sendRequest(organiser.ctx, SITE, owner.offerId, {
    onBehalf: `group:${group.id}`,
    message: 'Our lunch club needs a cook on Thursdays.',
  });
  const seen = await getRequest(owner.ctx, id);
  assert.equal(seen.onBehalf?.kind, 'group');
  assert.equal(seen.counterpart, null);
  const [mail] = await outbox(owner.email);
  assert.ok(mail?.body.includes(`Someone from ${group.name} has seen`));
});

test('a request is seen only by its two sides, and only an accepted one shows names and emails both ways', async () => {
  const owner = await offerer({ otherSkills: 'Private words about me' });
  const member = await teamMember();
  const outsider = await resident();
  const id = await sendRequest(member.ctx, SITE, owner.offerId, {
    onBehalf: `idea:${DEMO_IDEA_ID}`,
    message: 'Please help',
  });
  await assert.rejects(getRequest(outsider.ctx, id), NotFound);
  await assert.rejects(getRequest(outsider.ctx, 'nonsense'), NotFound);
  await assert.rejects(respondToRequest(outsider.ctx, SITE, id, 'accept'), NotFound);
  await assert.rejects(respondToRequest(member.ctx, SITE, id, 'accept'), Forbidden, 'not the sender');

  const before = await getRequest(member.ctx, id);
  assert.equal(before.role, 'sender');
  assert.equal(before.counterpart, null);
  assert.equal(before.offer.otherSkills, '', 'a private offer’s words wait for a yes');
  assert.equal((await getRequest(owner.ctx, id)).counterpart, null);
  assert.equal((await listMyRequests(owner.ctx)).received[0]?.id, id);
  assert.equal((await listMyRequests(member.ctx)).sent[0]?.id, id);

  await respondToRequest(owner.ctx, SITE, id, 'accept');
  await assert.rejects(respondToRequest(owner.ctx, SITE, id, 'decline'), Conflict, 'answered once');
  const sender = await getRequest(member.ctx, id);
  assert.deepEqual(sender.counterpart, { name: owner.name, email: owner.email });
  assert.equal(sender.offer.otherSkills, 'Private words about me');
  assert.deepEqual((await getRequest(owner.ctx, id)).counterpart, { name: member.name, email: member.email });
  const [mail] = await outbox(member.email);
  assert.equal(mail?.template, 'ideasSkillAccepted');
  assert.doesNotMatch(mail?.body ?? '', new RegExp(owner.email));
  const audits = await t.db.query<{ action: string }>(
    'select action from audit_log where target_id = $1 order by id',
    [id],
  );
  assert.deepEqual(
    audits.map((a) => a.action),
    ['ideas.skills.request.send', 'ideas.skills.request.accept'],
  );

  // Declined: nothing is shared.
  const other = await offerer();
  const no = await sendRequest(member.ctx, SITE, other.offerId, {
    onBehalf: `idea:${DEMO_IDEA_ID}`,
    message: 'Please help',
  });
  await respondToRequest(other.ctx, SITE, no, 'decline');
  assert.equal((await getRequest(member.ctx, no)).counterpart, null);
  assert.equal((await getRequest(other.ctx, no)).counterpart, null);
  assert.equal((await outbox(member.email)).at(-1)?.template, 'ideasSkillDeclined');
});

test(`a sender may have at most ${MAX_PENDING_REQUESTS} requests waiting`, async () => {
  const member = await teamMember();
  for (let i = 0; i < MAX_PENDING_REQUESTS; i++) {
    const o = await offerer();
    await sendRequest(member.ctx, SITE, o.offerId, { onBehalf: `idea:${DEMO_IDEA_ID}`, message: 'Hello' });
  }
  const last = await offerer();
  await assert.rejects(
    sendRequest(member.ctx, SITE, last.offerId, { onBehalf: `idea:${DEMO_IDEA_ID}`, message: 'Hello' }),
    (e: unknown) => e instanceof Conflict && e.message === 'ideas.skills.errors.tooMany',
  );
});

test('the demo has a waiting request from the play street team to the demo offer', async () => {
  const [r] = await t.db.query<{ offer_id: string; status: string; idea_id: string }>(
    'select offer_id, status, idea_id from skill_requests where id = $1',
    [DEMO_SKILL_REQUEST_ID],
  );
  assert.deepEqual(r, { offer_id: DEMO_SKILL_OFFER_ID, status: 'pending', idea_id: DEMO_DEVELOPING_IDEA_ID });
  const [{ n }] = (await t.db.query<{ n: number }>('select count(*)::int as n from skill_offers')) as [
    { n: number },
  ];
  assert.ok(n >= 12);
});

test('privacy: the person downloads their offer and requests; deletion and retention remove them', async () => {
  const owner = await offerer();
  const member = await teamMember();
  const id = await sendRequest(member.ctx, SITE, owner.offerId, {
    onBehalf: `idea:${DEMO_IDEA_ID}`,
    message: 'Secret plan',
  });
  const mine = await skillsPrivacy.exportFor?.(t.db, { userId: owner.userId, email: owner.email });
  assert.equal(mine?.skills_offer?.length, 1);
  assert.equal(mine?.skills_requests_received?.length, 1);
  assert.doesNotMatch(JSON.stringify(mine), new RegExp(member.email));
  const theirs = await skillsPrivacy.exportFor?.(t.db, { userId: member.userId, email: member.email });
  assert.equal(theirs?.skills_requests_sent?.[0]?.message, 'Secret plan');

  await withTransaction(
    t.db,
    (tx) =>
      skillsPrivacy.eraseFor?.(tx, { userId: member.userId, email: member.email }) ?? Promise.resolve([]),
  );
  assert.equal((await t.db.query('select 1 from skill_requests where id = $1', [id])).length, 0);

  // Retention: an offer untouched for two years goes; a declined request after a year.
  const old = await offerer();
  await t.db.query(`update skill_offers set updated_at = now() - interval '731 days' where id = $1`, [
    old.offerId,
  ]);
  const fresh = await offerer();
  const member2 = await teamMember();
  const declined = await sendRequest(member2.ctx, SITE, fresh.offerId, {
    onBehalf: `idea:${DEMO_IDEA_ID}`,
    message: 'Hi',
  });
  await respondToRequest(fresh.ctx, SITE, declined, 'decline');
  await t.db.query(`update skill_requests set responded_at = now() - interval '366 days' where id = $1`, [
    declined,
  ]);
  const removed = await withTransaction(
    t.db,
    (tx) => skillsPrivacy.applyRetention?.(tx, new Date()) ?? Promise.resolve(0),
  );
  assert.ok(removed >= 2);
  assert.equal((await t.db.query('select 1 from skill_offers where id = $1', [old.offerId])).length, 0);
  assert.equal((await t.db.query('select 1 from skill_offers where id = $1', [fresh.offerId])).length, 1);
  assert.equal((await t.db.query('select 1 from skill_requests where id = $1', [declined])).length, 0);
  assert.equal(
    (await t.db.query('select 1 from skill_offers where id = $1', [DEMO_SKILL_OFFER_ID])).length,
    1,
  );
});

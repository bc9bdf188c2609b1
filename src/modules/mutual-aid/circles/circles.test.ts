import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unzipSync } from 'fflate';
import { useTestApp } from '../../../../test/helpers/app.js';
import { openForm, submitForm } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { demoUrl } from '../../../platform/demo-params.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Role } from '../../../platform/module-definition.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import { exportPersonalData } from '../../../platform/privacy/privacy-service.js';
import { circlePrivacy } from './circle-privacy.js';
import { DEMO_CIRCLE_ID } from './circle-seed.js';
import {
  acceptCircleInvitation,
  addNote,
  addRotaSlot,
  closeCircle,
  createCircle,
  deleteNote,
  getCircle,
  INVITATIONS_PER_DAY,
  inviteToCircle,
  leaveCircle,
  MAX_MEMBERS,
  peekCircleInvitation,
  removeMember,
  setHelpersMayAddNotes,
  takeRotaSlot,
} from './circle-service.js';
import { londonDay } from './circle-time.js';

const t = useTestApp();
const DAY = 86_400_000;
const SITE = { baseUrl: 'https://kith.example', lang: 'en' };

type Person = Awaited<ReturnType<typeof makePerson>>;

async function person(roles: Role[] = []): Promise<Person & { ctx: ServiceContext }> {
  const p = await makePerson(t.db, { roles });
  const place = (await findPlaceBySlug(t.db, 'trafford')) as Place;
  return {
    ...p,
    ctx: {
      db: t.db,
      place,
      actor: { userId: p.userId, roles: [...roles, 'resident'], platformAdmin: false },
    },
  };
}

/** The token in the newest invitation email sent to an address. */
async function invitationToken(email: string): Promise<string> {
  const [row] = await t.db.query<{ body: string }>(
    "select body from outbox where to_email = $1 and template like 'aidCircle%' order by created_at desc limit 1",
    [email],
  );
  const token = /token=([\w-]{43})/.exec(row?.body ?? '')?.[1];
  assert.ok(token, 'the email carries a link with a token');
  return token;
}

/** A circle with its owner and one helper who joined from the emailed link. */
async function circleWithHelper() {
  const owner = await person();
  const helper = await person();
  const id = await createCircle(owner.ctx, { name: 'Joan’s helpers' });
  await inviteToCircle(owner.ctx, id, { email: helper.email }, SITE);
  const joined = await acceptCircleInvitation(helper.ctx, await invitationToken(helper.email), helper);
  assert.equal(joined.outcome, 'accepted');
  return { owner, helper, id };
}

function tomorrow() {
  const [y, m, d] = londonDay(new Date(Date.now() + DAY))
    .split('-')
    .map(Number) as [number, number, number];
  return { 'date-day': String(d), 'date-month': String(m), 'date-year': String(y) };
}

test('a circle is private: non-members, council officers and admins included, are told it does not exist', async () => {
  const { owner, helper, id } = await circleWithHelper();
  await addNote(owner.ctx, id, { body: 'Key is with the neighbour at number 9' });
  const seen = await getCircle(helper.ctx, id);
  assert.equal(seen.notes[0]?.body, 'Key is with the neighbour at number 9');
  for (const roles of [[], ['officer'], ['place-admin'], ['connector']] as Role[][]) {
    const outsider = await person(roles);
    await assert.rejects(getCircle(outsider.ctx, id), NotFound);
    await assert.rejects(addNote(outsider.ctx, id, { body: 'hello' }), NotFound);
    await assert.rejects(closeCircle(outsider.ctx, id), NotFound);
    const page = await t.app.inject({
      url: `/trafford/help/circles/${id}`,
      headers: { cookie: outsider.cookie },
    });
    assert.equal(page.statusCode, 404);
    assert.doesNotMatch(page.body, /Key is with the neighbour|Joan’s helpers/);
  }
  const own = await t.app.inject({ url: `/trafford/help/circles/${id}`, headers: { cookie: helper.cookie } });
  assert.equal(own.statusCode, 200);
  assert.match(own.body, /Key is with the neighbour at number 9/);
});

test('helpers cannot invite, remove people, change the rota or close; the person can', async () => {
  const { owner, helper, id } = await circleWithHelper();
  const other = await person();
  await assert.rejects(inviteToCircle(helper.ctx, id, { email: other.email }, SITE), Forbidden);
  await assert.rejects(closeCircle(helper.ctx, id), Forbidden);
  await assert.rejects(removeMember(helper.ctx, id, owner.userId), Forbidden);
  await assert.rejects(setHelpersMayAddNotes(helper.ctx, id, false), Forbidden);
  await assert.rejects(
    addRotaSlot(helper.ctx, id, { ...tomorrow(), startTime: '10:00', endTime: '11:00', task: 'Shop' }),
    Forbidden,
  );
  const invitePage = await t.app.inject({
    url: `/trafford/help/circles/${id}/invite`,
    headers: { cookie: helper.cookie },
  });
  assert.equal(invitePage.statusCode, 403);
  await inviteToCircle(owner.ctx, id, { email: other.email }, SITE);
  await removeMember(owner.ctx, id, helper.userId);
  await assert.rejects(getCircle(helper.ctx, id), NotFound);
});

test('an invitation works once, before it expires, and only for the address it was sent to', async () => {
  const owner = await person();
  const id = await createCircle(owner.ctx, { name: 'Tuesday helpers' });
  const invited = await person();
  const someoneElse = await person();
  await inviteToCircle(owner.ctx, id, { email: invited.email.toUpperCase() }, SITE);
  const token = await invitationToken(invited.email);
  const [email] = await t.db.query<{ subject: string; body: string }>(
    'select subject, body from outbox where to_email = $1',
    [invited.email.toUpperCase()],
  );
  assert.match(email?.subject ?? '', /invited you to a care circle/);
  assert.match(email?.body ?? '', /expires in 7 days/);
  // Only the hash is stored.
  const [stored] = await t.db.query<{ n: number }>(
    'select count(*)::int as n from aid_circle_invitations where token_hash = $1',
    [token],
  );
  assert.equal(stored?.n, 0);

  assert.equal((await acceptCircleInvitation(someoneElse.ctx, token, someoneElse)).outcome, 'wrong-account');
  assert.equal((await acceptCircleInvitation(invited.ctx, token, invited)).outcome, 'accepted');
  assert.equal((await acceptCircleInvitation(invited.ctx, token, invited)).outcome, 'expired');
  assert.equal(await peekCircleInvitation(invited.ctx, token), null);

  const late = await person();
  await inviteToCircle(owner.ctx, id, { email: late.email }, SITE);
  const lateToken = await invitationToken(late.email);
  const nextWeek = new Date(Date.now() + 8 * DAY);
  assert.equal((await acceptCircleInvitation(late.ctx, lateToken, late, nextWeek)).outcome, 'expired');
  await assert.rejects(getCircle(late.ctx, id), NotFound);

  // Inviting the same person twice is refused while the first invitation waits.
  const again = await person();
  await inviteToCircle(owner.ctx, id, { email: again.email }, SITE);
  await assert.rejects(inviteToCircle(owner.ctx, id, { email: again.email }, SITE), Invalid);
});

test(`a circle holds at most ${MAX_MEMBERS} people, counting invitations still waiting`, async () => {
  const owner = await person();
  const id = await createCircle(owner.ctx, { name: 'A big circle' });
  for (let i = 1; i < MAX_MEMBERS; i++)
    await inviteToCircle(owner.ctx, id, { email: `seat-${i}-${id.slice(0, 8)}@example.org` }, SITE);
  await assert.rejects(
    inviteToCircle(owner.ctx, id, { email: `one-too-many-${id.slice(0, 8)}@example.org` }, SITE),
    (e: unknown) => e instanceof Invalid && e.fieldErrors.email === 'mutualAid.circles.errors.circleFull',
  );
  assert.equal((await getCircle(owner.ctx, id)).places, 0);
});

test(`one person may send at most ${INVITATIONS_PER_DAY} invitations a day, across all their circles`, async () => {
  const owner = await person();
  let sent = 0;
  const tag = owner.userId.slice(0, 8);
  for (let circle = 0; sent < INVITATIONS_PER_DAY; circle++) {
    const id = await createCircle(owner.ctx, { name: `Circle ${circle}` });
    for (let i = 1; i < MAX_MEMBERS && sent < INVITATIONS_PER_DAY; i++, sent++)
      await inviteToCircle(owner.ctx, id, { email: `n-${circle}-${i}-${tag}@example.org` }, SITE);
  }
  const last = await createCircle(owner.ctx, { name: 'One more' });
  await assert.rejects(
    inviteToCircle(owner.ctx, last, { email: `extra-${tag}@example.org` }, SITE),
    (e: unknown) =>
      e instanceof Invalid && e.fieldErrors.email === 'mutualAid.circles.errors.tooManyInvitations',
  );
  // A day later they may invite again.
  await inviteToCircle(
    owner.ctx,
    last,
    { email: `extra-${tag}@example.org` },
    SITE,
    new Date(Date.now() + DAY + 60_000),
  );
});

test('two helpers pressing “I’ll do this” on the same slot at once: exactly one gets it', async () => {
  const { owner, helper, id } = await circleWithHelper();
  const second = await person();
  await inviteToCircle(owner.ctx, id, { email: second.email }, SITE);
  await acceptCircleInvitation(second.ctx, await invitationToken(second.email), second);
  const slot = await addRotaSlot(owner.ctx, id, {
    ...tomorrow(),
    startTime: '10:00',
    endTime: '11:30',
    task: 'Collect the prescription',
  });
  const results = await Promise.allSettled([
    takeRotaSlot(helper.ctx, id, slot),
    takeRotaSlot(second.ctx, id, slot),
  ]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.ok(lost.reason instanceof Conflict);
  const [row] = await t.db.query<{ volunteer_id: string }>(
    'select volunteer_id from aid_circle_rota where id = $1',
    [slot],
  );
  assert.ok([helper.userId, second.userId].includes(row?.volunteer_id ?? ''));
  // The rota shows the slot on the London clock.
  const view = await getCircle(owner.ctx, id);
  const shown = view.rota.find((s) => s.id === slot);
  assert.equal(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      hour: '2-digit',
      minute: '2-digit',
    }).format(shown?.startsAt),
    '10:00',
  );
});

test('the person decides about notes: they can stop helpers adding them and delete any note', async () => {
  const { owner, helper, id } = await circleWithHelper();
  const note = await addNote(helper.ctx, id, { body: 'Prefers calls after 6pm' });
  await setHelpersMayAddNotes(owner.ctx, id, false);
  await assert.rejects(addNote(helper.ctx, id, { body: 'Another note' }), Forbidden);
  const page = await t.app.inject({
    url: `/trafford/help/circles/${id}`,
    headers: { cookie: helper.cookie },
  });
  assert.match(page.body, /has chosen that only they add notes/);
  await deleteNote(owner.ctx, id, note);
  assert.equal((await getCircle(owner.ctx, id)).notes.length, 0);
  const mine = await addNote(owner.ctx, id, { body: 'Only I write here now' });
  await assert.rejects(deleteNote(helper.ctx, id, mine), NotFound);
});

test('closing a circle shuts helpers out and deletes its rota, notes and invitations', async () => {
  const { owner, helper, id } = await circleWithHelper();
  const slot = await addRotaSlot(owner.ctx, id, {
    ...tomorrow(),
    startTime: '9:00',
    endTime: '9:30',
    task: 'Bins',
  });
  await takeRotaSlot(helper.ctx, id, slot);
  await addNote(helper.ctx, id, { body: 'Bins go out on Thursday' });
  await inviteToCircle(owner.ctx, id, { email: `waiting-${id.slice(0, 8)}@example.org` }, SITE);
  await closeCircle(owner.ctx, id);
  await assert.rejects(getCircle(helper.ctx, id), NotFound);
  await assert.rejects(leaveCircle(helper.ctx, id), NotFound);
  const closed = await getCircle(owner.ctx, id);
  assert.equal(closed.status, 'closed');
  await assert.rejects(addNote(owner.ctx, id, { body: 'too late' }), NotFound);
  for (const table of ['aid_circle_rota', 'aid_circle_notes', 'aid_circle_invitations']) {
    const [r] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from ${table} where circle_id = $1`,
      [id],
    );
    assert.equal(r?.n, 0, `${table} is emptied`);
  }
  const list = await t.app.inject({ url: '/trafford/help/circles', headers: { cookie: owner.cookie } });
  assert.match(list.body, /Closed on/);
  const helperList = await t.app.inject({
    url: '/trafford/help/circles',
    headers: { cookie: helper.cookie },
  });
  assert.doesNotMatch(helperList.body, /Joan’s helpers/);
  const audit = await t.db.query<{ action: string }>(
    "select action from audit_log where target_id = $1 and action like 'mutual-aid.circle.%' order by id",
    [id],
  );
  assert.deepEqual(
    audit.map((a) => a.action),
    [
      'mutual-aid.circle.create',
      'mutual-aid.circle.invite',
      'mutual-aid.circle.join',
      'mutual-aid.circle.rota.add',
      'mutual-aid.circle.rota.take',
      'mutual-aid.circle.note.add',
      'mutual-aid.circle.invite',
      'mutual-aid.circle.close',
    ],
  );
});

test('a connector sets up a circle for someone only with their recorded consent', async () => {
  const resident = await person();
  await assert.rejects(
    createCircle(resident.ctx, {
      name: 'For Ted',
      onBehalf: 'yes',
      personName: 'Ted',
      consentHow: 'phone',
      consentConfirmed: 'yes',
    }),
    Invalid,
  );
  const connector = await person(['connector']);
  const refused = await submitForm(t.app, {
    cookie: connector.cookie,
    formUrl: '/trafford/help/circles/new',
    postUrl: '/trafford/help/circles',
    fields: { name: 'For Ted', onBehalf: 'yes' },
  });
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /Enter what the person likes to be called/);
  assert.match(refused.body, /Choose how they agreed/);
  assert.match(refused.body, /value="For Ted"/);
  const done = await submitForm(t.app, {
    cookie: connector.cookie,
    formUrl: '/trafford/help/circles/new',
    postUrl: '/trafford/help/circles',
    fields: {
      name: 'For Ted',
      onBehalf: 'yes',
      personName: 'Ted',
      consentHow: 'phone',
      consentConfirmed: 'yes',
    },
  });
  assert.equal(done.statusCode, 303);
  const page = await t.app.inject({
    url: done.headers.location as string,
    headers: { cookie: connector.cookie },
  });
  assert.match(page.body, /Care circle for Ted/);
  assert.match(page.body, /Invite someone/);
  const [row] = await t.db.query<{ how_given: string; purpose: string; person_id: string | null }>(
    `select c.how_given, c.purpose, a.person_id from aid_circles a join aid_consents c on c.id = a.consent_id
     where a.name = 'For Ted'`,
  );
  assert.equal(row?.how_given, 'phone');
  assert.match(row?.purpose ?? '', /care circle/);
  assert.equal(row?.person_id, null);
});

test('forms keep what was typed and say what to fix', async () => {
  const owner = await person();
  const empty = await submitForm(t.app, {
    cookie: owner.cookie,
    formUrl: '/trafford/help/circles/new',
    postUrl: '/trafford/help/circles',
    fields: { name: '  ' },
  });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /There is a problem/);
  assert.match(empty.body, /Enter a name for the circle/);

  const id = await createCircle(owner.ctx, { name: 'Form checks' });
  const here = `/trafford/help/circles/${id}`;
  const badDate = await submitForm(t.app, {
    cookie: owner.cookie,
    formUrl: `${here}/rota/new`,
    postUrl: `${here}/rota`,
    fields: {
      'date-day': '31',
      'date-month': '2',
      'date-year': '2027',
      startTime: '10:00',
      endTime: '11:00',
      task: 'Water the plants',
    },
  });
  assert.equal(badDate.statusCode, 422);
  assert.match(badDate.body, /Enter a real date/);
  assert.match(badDate.body, /href="#date-day"/);
  assert.match(badDate.body, /value="Water the plants"/);
  const backwards = await submitForm(t.app, {
    cookie: owner.cookie,
    formUrl: `${here}/rota/new`,
    postUrl: `${here}/rota`,
    fields: { ...tomorrow(), startTime: '14:00', endTime: '9am', task: 'Shop' },
  });
  assert.equal(backwards.statusCode, 422);
  assert.match(backwards.body, /Enter a time on the 24-hour clock/);
  const past = await submitForm(t.app, {
    cookie: owner.cookie,
    formUrl: `${here}/rota/new`,
    postUrl: `${here}/rota`,
    fields: {
      'date-day': '1',
      'date-month': '1',
      'date-year': '2020',
      startTime: '10:00',
      endTime: '11:00',
      task: 'Shop',
    },
  });
  assert.equal(past.statusCode, 422);
  assert.match(past.body, /today or in the future/);
  const added = await submitForm(t.app, {
    cookie: owner.cookie,
    formUrl: `${here}/rota/new`,
    postUrl: `${here}/rota`,
    fields: { ...tomorrow(), startTime: '14:00', endTime: '15.30', task: 'Tea and a chat' },
  });
  assert.equal(added.statusCode, 303);
  const page = await t.app.inject({ url: here, headers: { cookie: owner.cookie } });
  assert.match(page.body, /14:00 to 15:30/);
  assert.match(page.body, /Tea and a chat/);

  const note = await submitForm(t.app, {
    cookie: owner.cookie,
    formUrl: here,
    postUrl: `${here}/notes`,
    fields: { body: 'x'.repeat(1001) },
  });
  assert.equal(note.statusCode, 422);
  assert.match(note.body, /1,000 characters or fewer/);

  const invite = await submitForm(t.app, {
    cookie: owner.cookie,
    formUrl: `${here}/invite`,
    postUrl: `${here}/invite`,
    fields: { email: 'not-an-email' },
  });
  assert.equal(invite.statusCode, 422);
  assert.match(invite.body, /Enter an email address in the correct format/);
  assert.match(invite.body, /value="not-an-email"/);
});

test('joining by the emailed link: sign in first, then one click; the slot someone else took says so', async () => {
  const owner = await person();
  const id = await createCircle(owner.ctx, { name: 'Link test circle' });
  const here = `/trafford/help/circles/${id}`;
  const helper = await person();
  const sent = await submitForm(t.app, {
    cookie: owner.cookie,
    formUrl: `${here}/invite`,
    postUrl: `${here}/invite`,
    fields: { email: helper.email },
  });
  assert.equal(sent.statusCode, 303);
  const link = `/trafford/help/circles/invitation?token=${await invitationToken(helper.email)}`;
  const anonymous = await t.app.inject(link);
  assert.equal(anonymous.statusCode, 303);
  assert.match(String(anonymous.headers.location), /^\/account\/sign-in\?return=/);
  const offer = await t.app.inject({ url: link, headers: { cookie: helper.cookie } });
  assert.equal(offer.statusCode, 200);
  assert.match(offer.body, /Link test circle/);
  const join = await openForm(t.app, { cookie: helper.cookie, formUrl: link });
  const joined = await join({}, link);
  assert.equal(joined.statusCode, 303);
  assert.equal(joined.headers.location, `${here}?joined=1`);
  const again = await join({}, link);
  assert.equal(again.statusCode, 410);

  const slot = await addRotaSlot(owner.ctx, id, {
    ...tomorrow(),
    startTime: '10:00',
    endTime: '11:00',
    task: 'Shop',
  });
  await takeRotaSlot(owner.ctx, id, slot);
  const late = await submitForm(t.app, {
    cookie: helper.cookie,
    formUrl: here,
    postUrl: `${here}/rota/${slot}/take`,
    fields: {},
  });
  assert.equal(late.statusCode, 409);
  assert.match(late.body, /Someone else has just signed up for that slot/);

  const left = await submitForm(t.app, {
    cookie: helper.cookie,
    formUrl: here,
    postUrl: `${here}/leave`,
    fields: {},
  });
  assert.equal(left.statusCode, 303);
  assert.equal((await t.app.inject({ url: here, headers: { cookie: helper.cookie } })).statusCode, 404);
});

test('no page shows a circle’s notes, rota or people to anyone outside it', async () => {
  const secrets = [
    ...(await t.db.query<{ s: string }>('select body as s from aid_circle_notes where circle_id = $1', [
      DEMO_CIRCLE_ID,
    ])),
    ...(await t.db.query<{ s: string }>('select task as s from aid_circle_rota where circle_id = $1', [
      DEMO_CIRCLE_ID,
    ])),
    ...(await t.db.query<{ s: string }>(
      'select u.email as s from aid_circle_members m join users u on u.id = m.user_id where m.circle_id = $1',
      [DEMO_CIRCLE_ID],
    )),
    { s: 'Margaret’s neighbours' },
  ].map((r) => r.s);
  assert.ok(secrets.length >= 10, 'the demo circle has notes, a rota and people to look for');
  const officer = await person(['officer']);
  const admin = await person(['place-admin']);
  const connector = await person(['connector']);
  const leaks: string[] = [];
  const gets = t.app.routeTable.filter((r) => r.method === 'GET' && !r.url.startsWith('/assets'));
  for (const route of gets) {
    const url = demoUrl(route.url);
    if (!url) continue;
    for (const cookie of [undefined, officer.cookie, admin.cookie, connector.cookie]) {
      const res = await t.app.inject({ url, headers: cookie ? { cookie } : {} });
      for (const s of secrets)
        if (res.body.includes(s) || res.body.includes(s.replace('’', '&#39;'))) leaks.push(`${url}: ${s}`);
    }
  }
  assert.deepEqual(leaks, []);
  // The demo circle is there, for its members.
  const [member] = await t.db.query<{ user_id: string }>(
    "select user_id from aid_circle_members where circle_id = $1 and role = 'helper' limit 1",
    [DEMO_CIRCLE_ID],
  );
  const { createSession, SESSION_COOKIE } = await import('../../../platform/auth/session-service.js');
  const cookie = `${SESSION_COOKIE}=${await createSession(t.db, member?.user_id as string, 'test')}`;
  const page = await t.app.inject({ url: `/trafford/help/circles/${DEMO_CIRCLE_ID}`, headers: { cookie } });
  assert.equal(page.statusCode, 200);
  for (const s of secrets.slice(0, 3)) assert.ok(page.body.includes(s), `members see ${s}`);
});

test('download-my-data includes circles; deleting an account closes the person’s circles and removes a helper’s notes', async () => {
  const { owner, helper, id } = await circleWithHelper();
  const slot = await addRotaSlot(owner.ctx, id, {
    ...tomorrow(),
    startTime: '12:00',
    endTime: '13:00',
    task: 'Lunch',
  });
  await takeRotaSlot(helper.ctx, id, slot);
  await addNote(helper.ctx, id, { body: 'Likes soup' });
  const exported = await circlePrivacy.exportFor?.(t.db, helper);
  assert.equal(exported?.care_circles_you_are_in?.[0]?.name, 'Joan’s helpers');
  assert.equal(exported?.care_circle_rota_slots_you_took?.[0]?.task, 'Lunch');
  assert.equal(exported?.care_circle_notes_you_wrote?.[0]?.body, 'Likes soup');
  // The whole subject access download carries the module's part.
  const files = Object.keys(unzipSync(await exportPersonalData(t.db, helper)));
  assert.ok(
    files.some((f) => f.endsWith('care_circle_notes_you_wrote.csv')),
    files.join(', '),
  );

  await withTransaction(t.db, (tx) => circlePrivacy.eraseFor?.(tx, helper) ?? Promise.resolve([]));
  const after = await getCircle(owner.ctx, id);
  assert.equal(after.notes.length, 0);
  assert.equal(after.members.length, 1);
  assert.equal(after.rota[0]?.volunteerId, null);

  await withTransaction(t.db, (tx) => circlePrivacy.eraseFor?.(tx, owner) ?? Promise.resolve([]));
  const [gone] = await t.db.query<{ n: number }>('select count(*)::int as n from aid_circles where id = $1', [
    id,
  ]);
  assert.equal(gone?.n, 0);

  // A closed circle's name is kept 30 days, then goes.
  const other = await person();
  const closing = await createCircle(other.ctx, { name: 'Short-lived' });
  await closeCircle(other.ctx, closing, new Date(Date.now() - 31 * DAY));
  await withTransaction(t.db, (tx) => circlePrivacy.applyRetention?.(tx, new Date()) ?? Promise.resolve(0));
  const [kept] = await t.db.query<{ n: number }>('select count(*)::int as n from aid_circles where id = $1', [
    closing,
  ]);
  assert.equal(kept?.n, 0);
});

test('a connector hands the circle to the person it is for, who can then let the connector go', async () => {
  const connector = await person(['connector']);
  const id = await createCircle(connector.ctx, {
    name: 'Circle for Edna',
    onBehalf: 'yes',
    personName: 'Edna',
    consentHow: 'in-person',
    consentConfirmed: 'yes',
  });
  const edna = await person();
  const helper = await person();
  await inviteToCircle(connector.ctx, id, { email: helper.email }, SITE);
  await acceptCircleInvitation(helper.ctx, await invitationToken(helper.email), helper);
  // Only the connector hands over, and only to one person.
  await assert.rejects(
    inviteToCircle(helper.ctx, id, { email: edna.email, asPerson: 'yes' }, SITE),
    Forbidden,
  );
  const form = await t.app.inject({
    url: `/trafford/help/circles/${id}/invite`,
    headers: { cookie: connector.cookie },
  });
  assert.match(form.body, /This is Edna: hand them control of the circle/);
  await inviteToCircle(connector.ctx, id, { email: edna.email, asPerson: 'yes' }, SITE);
  await assert.rejects(
    inviteToCircle(
      connector.ctx,
      id,
      { email: `other-${id.slice(0, 8)}@example.org`, asPerson: 'yes' },
      SITE,
    ),
    Invalid,
  );
  const token = await invitationToken(edna.email);
  const [email] = await t.db.query<{ subject: string }>(
    "select subject from outbox where to_email = $1 and template = 'aidCircleHandOver'",
    [edna.email],
  );
  assert.match(email?.subject ?? '', /Your care circle/);
  const offer = await t.app.inject({
    url: `/trafford/help/circles/invitation?token=${token}`,
    headers: { cookie: edna.cookie },
  });
  assert.match(offer.body, /You are invited to take charge of it/);
  assert.equal((await acceptCircleInvitation(edna.ctx, token, edna)).outcome, 'accepted');

  const hers = await getCircle(edna.ctx, id);
  assert.equal(hers.myRole, 'owner');
  assert.equal(hers.canControl, true);
  await assert.rejects(removeMember(helper.ctx, id, connector.userId), Forbidden);
  // The connector cannot remove the person, nor themselves, from the person's circle.
  await assert.rejects(removeMember(connector.ctx, id, edna.userId), NotFound);
  await removeMember(edna.ctx, id, connector.userId);
  await assert.rejects(getCircle(connector.ctx, id), NotFound);
  assert.deepEqual(
    (await getCircle(edna.ctx, id)).members.map((m) => m.role),
    ['owner', 'helper'],
  );
});

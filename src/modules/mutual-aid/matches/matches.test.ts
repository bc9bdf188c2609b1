import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { submitForm } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { relayAddress } from '../../../platform/email/relay.js';
import { siteOf } from '../../../platform/module-definition.js';
import { findPlaceBySlug } from '../../../platform/places/place-service.js';
import { getPost } from '../posts/post-service.js';
import { suggestOffers } from '../posts/suggestions.js';
import { runMatchTidy } from './match-jobs.js';
import { matchPrivacy } from './match-privacy.js';

const RELAY = {
  KITH_RELAY_DOMAIN: 'reply.kith.example',
  KITH_RELAY_TOKEN: 'relay-token-that-is-at-least-32-characters',
};
const t = useTestApp(undefined, undefined, RELAY);
type Person = Awaited<ReturnType<typeof makePerson>>;

/** Posts through the form, then publishes as a moderator would (first posts wait for one). */
async function post(person: Person, kind: 'need' | 'offer', fields: Record<string, string | string[]>) {
  const res = await submitForm(t.app, {
    cookie: person.cookie,
    formUrl: `/trafford/help/${kind}s/new`,
    postUrl: `/trafford/help/${kind}s`,
    fields,
  });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  const id = /\/help\/(?:needs|offers)\/([0-9a-f-]{36})/.exec(res.headers.location as string)?.[1] as string;
  await t.db.query(`update aid_posts set moderation_status = 'published' where id = $1`, [id]);
  return id;
}

const needFields = (title: string) => ({
  title,
  category: 'shopping',
  ward: 'flixton',
  when: 'this-week',
  privateName: 'Joan Private',
  privateAddress: '27 Private Lane, Flixton',
  privatePhone: '0161 496 0999',
});
const offerFields = (title: string) => ({
  title,
  categories: ['shopping'],
  ward: 'flixton',
  days: ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'],
  times: ['morning', 'afternoon', 'evening'],
  distance: '2000',
  offerFor: 'month',
  privateName: 'Helper Hidden',
  privatePhone: '0161 496 0888',
});

const page = (url: string, who?: Person) => t.app.inject({ url, headers: who ? { cookie: who.cookie } : {} });

async function step(
  who: Person,
  matchUrl: string,
  path: string,
  fields: Record<string, string | string[]> = {},
) {
  return submitForm(t.app, { cookie: who.cookie, formUrl: matchUrl, postUrl: `${matchUrl}/${path}`, fields });
}

async function outbox(to: string) {
  return t.db.query<{ subject: string; body: string; reply_to: string | null }>(
    'select subject, body, reply_to from outbox where to_email = $1 order by created_at, id',
    [to],
  );
}

async function askFor(
  asker: Person,
  needId: string,
  offerId: string,
  fields: Record<string, string | string[]>,
) {
  return submitForm(t.app, {
    cookie: asker.cookie,
    formUrl: `/trafford/help/needs/${needId}/ask/${offerId}`,
    fields,
  });
}

test('suggest, ask, accept, talk, done, feedback: contact details only as each side chose, and only after yes', async () => {
  const [asker, helper, stranger] = await Promise.all([makePerson(t.db), makePerson(t.db), makePerson(t.db)]);
  const needId = await post(asker, 'need', needFields('Weekly shop from the Flixton Co-op'));
  const offerId = await post(helper, 'offer', offerFields('Happy to do a shop in Flixton'));

  const needPage = await page(`/trafford/help/needs/${needId}`, asker);
  assert.match(needPage.body, /Happy to do a shop in Flixton/);
  assert.match(needPage.body, new RegExp(`/help/needs/${needId}/ask/${offerId}`));

  // Only the poster (or a connector) may choose; a stranger cannot even open the form.
  assert.equal((await page(`/trafford/help/needs/${needId}/ask/${offerId}`, stranger)).statusCode, 403);

  const asked = await askFor(asker, needId, offerId, {
    shares: ['name', 'address'],
    message: 'Saturday morning?',
  });
  assert.equal(asked.statusCode, 303);
  const matchUrl = (asked.headers.location as string).split('?')[0] as string;
  const matchId = matchUrl.split('/').pop() as string;

  const [askEmail] = await outbox(helper.email);
  assert.match(askEmail?.subject ?? '', /Can you help with “Weekly shop from the Flixton Co-op”/);
  assert.match(askEmail?.body ?? '', /Saturday morning\?/);
  assert.doesNotMatch(
    askEmail?.body ?? '',
    /Private Lane|Joan Private|0161 496 0999/,
    'nothing private before yes',
  );
  assert.equal(
    askEmail?.reply_to,
    relayAddress(siteOf(t.app.config).relay as never, 'aid', matchId, 'offer'),
  );

  // Before the helper says yes, neither side sees the other's details; strangers see nothing at all.
  const before = await page(matchUrl, helper);
  assert.equal(before.statusCode, 200);
  assert.match(before.body, /Yes, I can help/);
  assert.doesNotMatch(before.body, /Private Lane|Joan Private/);
  assert.equal((await page(matchUrl, stranger)).statusCode, 404);
  assert.equal((await page(matchUrl)).statusCode, 303, 'signed out: sent to sign in');

  // The asker cannot accept on the helper's behalf.
  assert.equal((await step(asker, matchUrl, 'accept', { shares: ['name'] })).statusCode, 403);
  assert.equal((await step(helper, matchUrl, 'accept', { shares: ['phone'] })).statusCode, 303);

  const helperView = await page(matchUrl, helper);
  assert.match(helperView.body, /27 Private Lane, Flixton/);
  assert.match(helperView.body, /Joan Private/);
  assert.doesNotMatch(helperView.body, /0161 496 0999/, 'the asker did not share their phone');
  const askerView = await page(matchUrl, asker);
  assert.match(askerView.body, /0161 496 0888/);
  assert.doesNotMatch(askerView.body, /Helper Hidden/, 'the helper did not share their name');
  assert.match((await outbox(asker.email)).at(-1)?.subject ?? '', /a neighbour can help/);
  // The need leaves the board once a helper has said yes.
  assert.doesNotMatch((await page('/trafford/help?ward=flixton')).body, /Weekly shop from the Flixton Co-op/);

  // A message from the site reaches the other side by email, with the relay as Reply-To.
  assert.equal(
    (await step(asker, matchUrl, 'messages', { body: 'The list is by the door.' })).statusCode,
    303,
  );
  const relayed = (await outbox(helper.email)).at(-1);
  assert.match(relayed?.body ?? '', /The list is by the door\./);
  assert.match(relayed?.body ?? '', /Reply to this email/);

  // Empty messages are refused with a message, not lost or a 500.
  const empty = await step(helper, matchUrl, 'messages', { body: '   ' });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /Enter a message/);

  assert.equal((await step(helper, matchUrl, 'done')).statusCode, 303);
  assert.equal((await page(`/trafford/help/needs/${needId}`, asker)).statusCode, 200);
  const feedback = await step(asker, matchUrl, 'feedback', { outcome: 'went-well', comment: 'Lovely' });
  assert.equal(feedback.statusCode, 303);
  const again = await step(asker, matchUrl, 'feedback', { outcome: 'some-problems' });
  assert.equal(again.statusCode, 422);
  assert.match(again.body, /already said how it went/);
  const [need] = await t.db.query<{ status: string }>('select status from aid_posts where id = $1', [needId]);
  assert.equal(need?.status, 'done');

  const mine = await page('/trafford/help/mine', helper);
  assert.match(mine.body, /Weekly shop from the Flixton Co-op/);
  assert.match(mine.body, /Done/);
});

test('one helper at a time: a second ask for the same need is refused, and a declined helper is not suggested again', async () => {
  const [asker, h1, h2] = await Promise.all([makePerson(t.db), makePerson(t.db), makePerson(t.db)]);
  const needId = await post(asker, 'need', needFields('Bags up the stairs on Friday'));
  const o1 = await post(h1, 'offer', offerFields('Strong arms in Flixton'));
  const o2 = await post(h2, 'offer', offerFields('Shopping runs, Flixton and Urmston'));
  const first = await askFor(asker, needId, o1, {});
  assert.equal(first.statusCode, 303);
  const second = await askFor(asker, needId, o2, {});
  assert.equal(second.statusCode, 422);
  assert.match(second.body, /Someone has already been asked/);
  assert.doesNotMatch(
    (await page(`/trafford/help/needs/${needId}`, asker)).body,
    /\/ask\//,
    'no suggestions while waiting',
  );

  const matchUrl = (first.headers.location as string).split('?')[0] as string;
  assert.equal((await step(h1, matchUrl, 'decline')).statusCode, 303);
  const needPage = (await page(`/trafford/help/needs/${needId}`, asker)).body;
  assert.doesNotMatch(needPage, new RegExp(`/ask/${o1}`), 'the helper who said no is not suggested again');
  assert.match(needPage, new RegExp(`/ask/${o2}`));
  assert.equal((await askFor(asker, needId, o2, {})).statusCode, 303);
});

test('two people choosing at once: exactly one ask succeeds', async () => {
  const [asker, connector, h1, h2] = await Promise.all([
    makePerson(t.db),
    makePerson(t.db, { roles: ['connector'] }),
    makePerson(t.db),
    makePerson(t.db),
  ]);
  const needId = await post(asker, 'need', needFields('Collecting a parcel'));
  const [o1, o2] = await Promise.all([
    post(h1, 'offer', offerFields('Errands in Flixton')),
    post(h2, 'offer', offerFields('Errands near the station')),
  ]);
  const results = await Promise.all([askFor(asker, needId, o1, {}), askFor(connector, needId, o2, {})]);
  assert.deepEqual(results.map((r) => r.statusCode).sort(), [303, 422]);
  const live = await t.db.query(`select 1 from aid_matches where need_id = $1 and status = 'proposed'`, [
    needId,
  ]);
  assert.equal(live.length, 1);
});

test('a connector chooses a helper for someone, and nobody can ask for their own offer', async () => {
  const [asker, connector, helper] = await Promise.all([
    makePerson(t.db),
    makePerson(t.db, { roles: ['connector'] }),
    makePerson(t.db),
  ]);
  const needId = await post(asker, 'need', needFields('Lift to the surgery'));
  const offerId = await post(helper, 'offer', offerFields('Lifts around Flixton'));
  const own = await post(asker, 'offer', offerFields('I can also walk dogs'));
  const refused = await askFor(asker, needId, own, {});
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /cannot ask for your own offer/);
  const form = await page(`/trafford/help/needs/${needId}/ask/${offerId}`, connector);
  assert.match(form.body, /on behalf of the person/);
  const res = await askFor(connector, needId, offerId, {});
  assert.equal(res.statusCode, 303);
  const matchUrl = (res.headers.location as string).split('?')[0] as string;
  // The connector follows it, but the conversation and any details are for the two sides only.
  const view = await page(matchUrl, connector);
  assert.equal(view.statusCode, 200);
  assert.doesNotMatch(view.body, /Send message/);
});

test('replies to relay emails join the conversation, from the right person only', async () => {
  const [asker, helper] = await Promise.all([makePerson(t.db), makePerson(t.db)]);
  const needId = await post(asker, 'need', needFields('Posting a letter'));
  const offerId = await post(helper, 'offer', offerFields('Post office runs'));
  const asked = await askFor(asker, needId, offerId, {});
  const matchUrl = (asked.headers.location as string).split('?')[0] as string;
  const matchId = matchUrl.split('/').pop() as string;
  const relay = siteOf(t.app.config).relay as NonNullable<ReturnType<typeof siteOf>['relay']>;
  const inbound = (payload: Record<string, unknown>, token = RELAY.KITH_RELAY_TOKEN) =>
    t.app.inject({
      method: 'POST',
      url: '/email/inbound',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload,
    });
  const helperAddress = relayAddress(relay, 'aid', matchId, 'offer');
  const reply = {
    to: helperAddress,
    from: `Helper <${helper.email}>`,
    text: 'Yes, I can post it tomorrow.\n\nOn Mon, 23 Nov 2026, Kith wrote:\n> Can you help?',
  };

  assert.equal((await inbound(reply, 'wrong-token-wrong-token-wrong-token!')).statusCode, 401);
  const fromStranger = await inbound({ ...reply, from: 'someone@else.example' });
  assert.equal(fromStranger.statusCode, 422);
  assert.match(fromStranger.headers['content-type'] as string, /problem\+json/);
  assert.equal(
    (await inbound({ ...reply, to: helperAddress.replace(/-[0-9a-f]{20}@/, '-00000000000000000000@') }))
      .statusCode,
    404,
  );
  assert.equal((await inbound({ to: helperAddress })).statusCode, 400);

  // Mailgun posts form fields; the stripped reply is what is kept.
  const ok = await t.app.inject({
    method: 'POST',
    url: '/email/inbound',
    headers: {
      authorization: `Bearer ${RELAY.KITH_RELAY_TOKEN}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: new URLSearchParams({
      recipient: helperAddress,
      sender: helper.email,
      'body-plain': reply.text,
    }).toString(),
  });
  assert.equal(ok.statusCode, 202);
  const view = await page(matchUrl, asker);
  assert.match(view.body, /Yes, I can post it tomorrow\./);
  assert.doesNotMatch(view.body, /Can you help\?/);
  assert.doesNotMatch(
    view.body,
    new RegExp(helper.email.replace('.', '\\.')),
    'the helper’s address is not shown',
  );
  const forwarded = (await outbox(asker.email)).at(-1);
  assert.match(forwarded?.body ?? '', /Yes, I can post it tomorrow\./);
  assert.equal(forwarded?.reply_to, relayAddress(relay, 'aid', matchId, 'need'));
});

test('the hourly round: reminds once, lets an unanswered ask lapse, closes expired posts, asks if help happened', async () => {
  const [asker, helper, h2] = await Promise.all([makePerson(t.db), makePerson(t.db), makePerson(t.db)]);
  const needId = await post(asker, 'need', needFields('Bins out on Thursday'));
  const offerId = await post(helper, 'offer', offerFields('Bins and recycling help'));
  const asked = await askFor(asker, needId, offerId, {});
  const matchId = ((asked.headers.location as string).split('?')[0] as string).split('/').pop() as string;
  const site = siteOf(t.app.config);
  const at = (hours: number) => new Date(Date.now() + hours * 3_600_000);
  const subjects = async (p: Person) => (await outbox(p.email)).map((e) => e.subject);

  await runMatchTidy(t.db, site, at(23));
  assert.ok(!(await subjects(helper)).some((s) => s.startsWith('Reminder')), 'not before a day');
  await runMatchTidy(t.db, site, at(25));
  await runMatchTidy(t.db, site, at(26));
  assert.equal((await subjects(helper)).filter((s) => s.startsWith('Reminder')).length, 1, 'reminded once');
  await runMatchTidy(t.db, site, at(73));
  const [m] = await t.db.query<{ status: string }>('select status from aid_matches where id = $1', [matchId]);
  assert.equal(m?.status, 'expired');
  assert.ok((await subjects(asker)).some((s) => s.startsWith('No answer yet')));

  // Accepted help is asked about once, three days after the yes.
  const o2 = await post(h2, 'offer', offerFields('More bin help'));
  const asked2 = await askFor(asker, needId, o2, {});
  const url2 = (asked2.headers.location as string).split('?')[0] as string;
  await step(h2, url2, 'accept', {});
  await runMatchTidy(t.db, site, at(71));
  assert.ok(!(await subjects(h2)).some((s) => s.startsWith('Did ')));
  await runMatchTidy(t.db, site, at(73));
  await runMatchTidy(t.db, site, at(80));
  assert.equal((await subjects(h2)).filter((s) => s.startsWith('Did ')).length, 1);

  // A post past its date closes, and its poster is told.
  const lonely = await post(asker, 'offer', offerFields('Offer nobody took'));
  const result = await runMatchTidy(t.db, site, at(24 * 40));
  assert.ok(result.postsExpired >= 1);
  const [expired] = await t.db.query<{ status: string }>('select status from aid_posts where id = $1', [
    lonely,
  ]);
  assert.equal(expired?.status, 'expired');
  assert.ok((await subjects(asker)).some((s) => s === 'Your offer “Offer nobody took” has closed'));
});

test('fair suggestions: a helper with help already agreed comes after an equally good one who is free', async () => {
  const [asker, h1, h2, other] = await Promise.all([
    makePerson(t.db),
    makePerson(t.db),
    makePerson(t.db),
    makePerson(t.db),
  ]);
  const offers = [
    { helper: h1, id: await post(h1, 'offer', offerFields('Shopping helper one')) },
    { helper: h2, id: await post(h2, 'offer', offerFields('Shopping helper two')) },
  ].sort((a, b) => (a.id < b.id ? -1 : 1));
  // Equal offers tie-break by id, so without fairness the first would always be suggested first:
  // give that one the load.
  const [busy, free] = offers as [(typeof offers)[0], (typeof offers)[0]];
  for (const title of ['First errand', 'Second errand']) {
    const n = await post(other, 'need', needFields(title));
    const r = await askFor(other, n, busy.id, {});
    await step(busy.helper, (r.headers.location as string).split('?')[0] as string, 'accept', {});
  }
  const needId = await post(asker, 'need', needFields('Third errand'));
  const body = (await page(`/trafford/help/needs/${needId}`, asker)).body;
  assert.ok(body.indexOf(`/ask/${free.id}`) > 0);
  assert.ok(body.indexOf(`/ask/${free.id}`) < body.indexOf(`/ask/${busy.id}`));
});

test('deleting an account calls off its live help, deletes what it wrote and exports it first', async () => {
  const [asker, helper] = await Promise.all([makePerson(t.db), makePerson(t.db)]);
  const needId = await post(asker, 'need', needFields('Changing a light bulb'));
  const offerId = await post(helper, 'offer', offerFields('Odd jobs, Flixton'));
  const r = await askFor(asker, needId, offerId, { message: 'Any evening is fine' });
  const matchId = ((r.headers.location as string).split('?')[0] as string).split('/').pop() as string;
  const exported = await matchPrivacy.exportFor?.(t.db, { userId: asker.userId, email: asker.email });
  assert.equal(exported?.help_messages_you_sent?.[0]?.body, 'Any evening is fine');
  await withTransaction(t.db, async (tx) => {
    await matchPrivacy.eraseFor?.(tx, { userId: asker.userId, email: asker.email });
  });
  const [m] = await t.db.query<{ status: string }>('select status from aid_matches where id = $1', [matchId]);
  assert.equal(m?.status, 'cancelled');
  const msgs = await t.db.query('select 1 from aid_match_messages where match_id = $1', [matchId]);
  assert.equal(msgs.length, 0);
});

test('suggestions keep up with offers posted, taken down or expired after the page was first shown', async () => {
  const [asker, h1, h2] = await Promise.all([makePerson(t.db), makePerson(t.db), makePerson(t.db)]);
  const needId = await post(asker, 'need', { ...needFields('Help with the big shop'), when: 'two-weeks' });
  const first = await post(h1, 'offer', offerFields('Early riser happy to shop'));
  const url = `/trafford/help/needs/${needId}`;
  assert.match((await page(url, asker)).body, new RegExp(`/ask/${first}`));
  const later = await post(h2, 'offer', offerFields('Shopping on the way home'));
  assert.match((await page(url, asker)).body, new RegExp(`/ask/${later}`), 'a new offer shows at once');
  await t.db.query(`update aid_posts set status = 'withdrawn' where id = $1`, [first]);
  assert.doesNotMatch((await page(url, asker)).body, new RegExp(`/ask/${first}`), 'a withdrawn offer goes');

  // An offer past its date is left out even before the hourly job closes it (nothing was written).
  const weekOnly = await post(h1, 'offer', { ...offerFields('Shopping this week only'), offerFor: 'week' });
  const place = await findPlaceBySlug(t.db, 'trafford');
  const ctx = {
    db: t.db,
    place: place as NonNullable<typeof place>,
    actor: { userId: asker.userId, roles: [], platformAdmin: false },
  };
  const need = await getPost(ctx, needId);
  const ids = async (at: Date) => (await suggestOffers(ctx, need, at)).map((x) => x.id);
  assert.ok((await ids(new Date())).includes(weekOnly));
  const inEightDays = await ids(new Date(Date.now() + 8 * 86_400_000));
  assert.ok(!inEightDays.includes(weekOnly));
  assert.ok(inEightDays.includes(later));
});

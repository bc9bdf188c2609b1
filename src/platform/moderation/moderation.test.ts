import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { cookiesFrom, useTestApp } from '../../../test/helpers/app.js';
import { makePerson } from '../../../test/helpers/people.js';
import { withTransaction } from '../db/transaction.js';
import { findPlaceBySlug, type Place } from '../places/place-service.js';
import type { Actor } from '../roles/permissions.js';
import { checkPosting, countLinks, registerPost, statusOf } from './moderation-service.js';

let place: Place;
const t = useTestApp(undefined, async () => {
  place = (await findPlaceBySlug(t.db, 'trafford')) as Place;
});

const resident = (userId: string): Actor => ({ userId, roles: ['resident'], platformAdmin: false });

/** What a posting module does: check for spam, store its post, register it for moderation. */
async function post(userId: string, id: string, text = 'Litter pick on Saturday') {
  const ctx = { db: t.db, place, actor: resident(userId), requestId: 'test' };
  if ((await checkPosting(ctx, { ip: '192.0.2.1', text })) === 'drop') return null;
  return withTransaction(t.db, (tx) =>
    registerPost(tx, ctx, {
      // A module of its own, so no real module's listener hears of these made-up posts.
      module: 'test-posts',
      contentType: 'post',
      contentId: id,
      summary: text,
      url: `/trafford/test-posts/${id}`,
    }),
  );
}

async function formPost(
  app: FastifyInstance,
  cookie: string,
  formUrl: string,
  postUrl: string,
  fields: Record<string, string>,
) {
  const page = await app.inject({ url: formUrl, headers: { cookie } });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  return app.inject({
    method: 'POST',
    url: postUrl,
    headers: {
      cookie: `${cookie}; ${cookiesFrom(page.headers['set-cookie'])}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
  });
}

test('a new account’s first post waits for a moderator; later posts go straight up', async () => {
  const author = await makePerson(t.db);
  // The demo place has posts of its own waiting (a demo idea), so the queue grows by one.
  const [waiting] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from moderation_items where place_id = $1 and status = 'pending'",
    [place.id],
  );
  assert.equal(await post(author.userId, 'first'), 'pending');
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const queue = await t.app.inject({
    url: '/trafford/admin/moderation',
    headers: { cookie: officer.cookie },
  });
  assert.match(queue.body, new RegExp(`Posts to check \\(${(waiting?.n ?? 0) + 1}\\)`));
  const [item] = await t.db.query<{ id: string }>(
    "select id from moderation_items where module = 'test-posts' and content_id = 'first'",
  );
  const itemId = item?.id as string;
  assert.ok(queue.body.includes(`value="${itemId}"`), 'the new post is in the queue');
  const published = await formPost(
    t.app,
    officer.cookie,
    '/trafford/admin/moderation',
    '/trafford/admin/moderation/decide',
    { itemId, decision: 'publish' },
  );
  assert.equal(published.statusCode, 303);
  assert.equal(await post(author.userId, 'second'), 'published');
  const statuses = await statusOf(t.db, place.id, 'test-posts', 'post', ['first', 'second', 'unknown']);
  assert.equal(statuses.get('first')?.status, 'published');
  assert.equal(statuses.get('second')?.status, 'published');
  assert.equal(statuses.has('unknown'), false);
});

test('new accounts may include one link; bots filling the honeypot are dropped quietly', async () => {
  const author = await makePerson(t.db);
  assert.equal(countLinks('see https://a.example and www.b.example'), 2);
  await assert.rejects(
    post(author.userId, 'spam', 'cheap https://a.example https://b.example'),
    (e: unknown) => e instanceof Error && 'fieldErrors' in e,
  );
  const ctx = { db: t.db, place, actor: resident(author.userId), requestId: 'test' };
  assert.equal(
    await checkPosting(ctx, { ip: '192.0.2.9', text: 'hi', honeypot: 'http://bot.example' }),
    'drop',
  );
});

test('posting is rate-limited per account with a friendly 429', async () => {
  const author = await makePerson(t.db);
  const ctx = { db: t.db, place, actor: resident(author.userId), requestId: 'test' };
  for (let i = 0; i < 10; i++) await checkPosting(ctx, { ip: `198.51.100.${i}`, text: 'ok' });
  await assert.rejects(checkPosting(ctx, { ip: '198.51.100.99', text: 'ok' }), /Too many attempts/);
});

test('report → hide with a reason the author is emailed → appeal → upheld', async () => {
  const author = await makePerson(t.db);
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const admin = await makePerson(t.db, { roles: ['place-admin'] });
  await t.db.query("update places set premoderate_first_posts = 0 where slug = 'trafford'");
  assert.equal(await post(author.userId, 'reported'), 'published');
  await t.db.query("update places set premoderate_first_posts = 1 where slug = 'trafford'");
  const [{ id: itemId } = { id: '' }] = await t.db.query<{ id: string }>(
    "select id from moderation_items where content_id = 'reported'",
  );

  const reporter = await makePerson(t.db);
  const missing = await formPost(
    t.app,
    reporter.cookie,
    `/trafford/report?item=${itemId}`,
    `/trafford/report?item=${itemId}`,
    {},
  );
  assert.equal(missing.statusCode, 422);
  assert.match(missing.body, /Choose why you are reporting this/);
  const reported = await formPost(
    t.app,
    reporter.cookie,
    `/trafford/report?item=${itemId}`,
    `/trafford/report?item=${itemId}`,
    { reason: 'offensive', details: 'rude' },
  );
  assert.match(reported.body, /Thank you for your report/);

  const queue = await t.app.inject({
    url: '/trafford/admin/moderation',
    headers: { cookie: officer.cookie },
  });
  assert.match(queue.body, /It is offensive or abusive: rude/);
  const noReason = await formPost(
    t.app,
    officer.cookie,
    '/trafford/admin/moderation',
    '/trafford/admin/moderation/decide',
    { itemId, decision: 'hide' },
  );
  assert.equal(noReason.statusCode, 422, 'hiding needs a reason');
  await formPost(t.app, officer.cookie, '/trafford/admin/moderation', '/trafford/admin/moderation/decide', {
    itemId,
    decision: 'hide',
    reason: 'Rule 1: be kind',
  });
  assert.equal(
    (await statusOf(t.db, place.id, 'test-posts', 'post', ['reported'])).get('reported')?.hiddenReason,
    'Rule 1: be kind',
  );
  const [mail] = await t.db.query<{ body: string }>('select body from outbox where to_email = $1', [
    author.email,
  ]);
  assert.match(mail?.body ?? '', /Reason: Rule 1: be kind/);

  const someoneElse = await t.app.inject({
    url: `/trafford/moderation/appeal?item=${itemId}`,
    headers: { cookie: reporter.cookie },
  });
  assert.equal(someoneElse.statusCode, 403, 'only the author can appeal');
  const appealed = await formPost(
    t.app,
    author.cookie,
    `/trafford/moderation/appeal?item=${itemId}`,
    `/trafford/moderation/appeal?item=${itemId}`,
    { statement: 'It was a joke between neighbours' },
  );
  assert.match(appealed.body, /Appeal sent/);
  const again = await t.app.inject({
    url: `/trafford/moderation/appeal?item=${itemId}`,
    headers: { cookie: author.cookie },
  });
  assert.match(again.body, /already been appealed/);

  const adminQueue = await t.app.inject({
    url: '/trafford/admin/moderation',
    headers: { cookie: admin.cookie },
  });
  const appealId = /name="appealId" value="([^"]+)"/.exec(adminQueue.body)?.[1] as string;
  await formPost(
    t.app,
    admin.cookie,
    '/trafford/admin/moderation',
    '/trafford/admin/moderation/appeals/decide',
    { appealId, decision: 'upheld' },
  );
  assert.equal(
    (await statusOf(t.db, place.id, 'test-posts', 'post', ['reported'])).get('reported')?.status,
    'published',
  );
  const trail = await t.db.query<{ action: string }>(
    'select action from audit_log where target_id = $1 order by id',
    [itemId],
  );
  assert.deepEqual(
    trail.map((r) => r.action),
    ['moderation.report', 'moderation.hide', 'moderation.appeal', 'moderation.appeal-upheld'],
  );
});

test('the house rules page is public and linked from every page', async () => {
  const res = await t.app.inject('/trafford/rules');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /be kind and respectful/);
  assert.match((await t.app.inject('/trafford/')).body, /href="\/trafford\/rules">House rules</);
});

test('people who turn off moderation emails are not emailed when a post is hidden', async () => {
  const author = await makePerson(t.db);
  const page = await formPost(t.app, author.cookie, '/account/notifications', '/account/notifications', {});
  assert.match(page.body, /Your choices have been saved/);
  assert.doesNotMatch(page.body, /value="moderation-decisions" checked/);
  await t.db.query("update places set premoderate_first_posts = 0 where slug = 'trafford'");
  await post(author.userId, 'quiet');
  await t.db.query("update places set premoderate_first_posts = 1 where slug = 'trafford'");
  const [{ id: itemId } = { id: '' }] = await t.db.query<{ id: string }>(
    "select id from moderation_items where content_id = 'quiet'",
  );
  const officer = await makePerson(t.db, { roles: ['officer'] });
  await formPost(t.app, officer.cookie, '/trafford/admin/moderation', '/trafford/admin/moderation/decide', {
    itemId,
    decision: 'hide',
    reason: 'Rule 4',
  });
  assert.equal((await t.db.query('select 1 from outbox where to_email = $1', [author.email])).length, 0);
  const back = await formPost(t.app, author.cookie, '/account/notifications', '/account/notifications', {
    notifications: 'moderation-decisions',
  });
  assert.match(back.body, /value="moderation-decisions" checked/);
});

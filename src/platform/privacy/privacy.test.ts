import assert from 'node:assert/strict';
import { test } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { cookiesFrom, useTestApp } from '../../../test/helpers/app.js';
import { makePerson } from '../../../test/helpers/people.js';
import { applyRetention } from './privacy-service.js';

const t = useTestApp();

test('download my data: a zip of JSON and CSV with everything held about me', async () => {
  const me = await makePerson(t.db, { roles: ['connector'] });
  await t.db.query(
    "insert into contact_messages (place_id, reference, email, subject, message) select id, 'KC-MINE-0001', $1, 'Hello', 'From me' from places where slug = 'trafford'",
    [me.email],
  );
  const res = await t.app.inject({ url: '/account/your-data.zip', headers: { cookie: me.cookie } });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/zip');
  const files = unzipSync(new Uint8Array(res.rawPayload));
  const account = JSON.parse(strFromU8(files['kith/account.json'] as Uint8Array));
  assert.equal(account[0].email, me.email);
  assert.equal(account[0].password_hash, undefined, 'no password hash in the export');
  assert.match(strFromU8(files['kith/contact_messages.csv'] as Uint8Array), /KC-MINE-0001/);
  assert.match(strFromU8(files['kith/roles.csv'] as Uint8Array), /connector/);
  assert.match(strFromU8(files['README.txt'] as Uint8Array), /kith\/account: 1/);
  assert.equal(
    (await t.app.inject('/account/your-data.zip')).statusCode,
    303,
    'visitors are sent to sign in',
  );
});

test('delete my account: personal data goes, the audit trail stays without my name', async () => {
  const me = await makePerson(t.db, { roles: ['officer'] });
  await t.db.query(
    "insert into contact_messages (place_id, reference, email, subject, message) select id, 'KC-GONE-0001', $1, 'x', 'y' from places where slug = 'trafford'",
    [me.email],
  );
  const page = await t.app.inject({ url: '/account/delete', headers: { cookie: me.cookie } });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const res = await t.app.inject({
    method: 'POST',
    url: '/account/delete',
    headers: {
      cookie: `${me.cookie}; ${cookiesFrom(page.headers['set-cookie'])}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: `_csrf=${encodeURIComponent(token)}`,
  });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /Your account has been deleted/);
  assert.match(res.body, /no longer shows your name or email/);
  const [user] = await t.db.query<{ email: string; display_name: string; password_hash: string | null }>(
    'select email, display_name, password_hash from users where id = $1',
    [me.userId],
  );
  assert.match(user?.email ?? '', /^deleted-.*@deleted\.invalid$/);
  assert.equal(user?.display_name, '');
  assert.equal(user?.password_hash, null);
  assert.equal(
    (await t.db.query("select 1 from contact_messages where reference = 'KC-GONE-0001'")).length,
    0,
  );
  assert.equal(
    (await t.db.query('select 1 from role_assignments where user_id = $1', [me.userId])).length,
    0,
  );
  assert.equal((await t.db.query('select 1 from sessions where user_id = $1', [me.userId])).length, 0);
  const trail = await t.db.query(
    "select 1 from audit_log where actor_id = $1 and action = 'account.delete'",
    [me.userId],
  );
  assert.equal(trail.length, 1);
  assert.equal((await t.app.inject({ url: '/account', headers: { cookie: me.cookie } })).statusCode, 303);
});

test('retention removes what has passed its time and keeps what has not', async () => {
  await t.db.query(
    `insert into contact_messages (place_id, reference, subject, message, created_at)
     select id, 'KC-OLD0-0001', 'old', 'old', now() - interval '3 years' from places where slug = 'trafford'`,
  );
  await t.db.query(
    `insert into contact_messages (place_id, reference, subject, message, created_at)
     select id, 'KC-NEW0-0001', 'new', 'new', now() - interval '1 year' from places where slug = 'trafford'`,
  );
  const stale = await makePerson(t.db, { verified: false, email: 'never.confirmed@example.org' });
  await t.db.query("update users set created_at = now() - interval '31 days' where id = $1", [stale.userId]);
  const removed = await applyRetention(t.db);
  assert.ok(removed >= 2);
  const refs = (
    await t.db.query<{ reference: string }>(
      "select reference from contact_messages where reference like 'KC-%0-0001'",
    )
  ).map((r) => r.reference);
  assert.deepEqual(refs, ['KC-NEW0-0001']);
  assert.equal(
    (await t.db.query("select 1 from users where email = 'never.confirmed@example.org'")).length,
    0,
  );
});

test('the privacy notice lists every declared use of personal data with its lawful basis', async () => {
  const res = await t.app.inject('/trafford/privacy');
  assert.match(res.body, /Messages sent with the contact form/);
  assert.match(res.body, /Public task \(article 6\(1\)\(e\)\)/);
  assert.match(res.body, /Legal obligation/);
});

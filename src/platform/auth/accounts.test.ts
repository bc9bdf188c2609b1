import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { cookiesFrom, useTestApp } from '../../../test/helpers/app.js';
import { makePerson, TEST_PASSWORD } from '../../../test/helpers/people.js';
import { emailSendJob } from '../email/send-job.js';
import { runDueJobs } from '../jobs/jobs.js';
import { SESSION_COOKIE } from './session-service.js';
import { currentTotp } from './totp.js';

const t = useTestApp();

/** A browser-like client: keeps cookies, reads CSRF tokens from forms. */
function client(app: FastifyInstance) {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const remember = (set: string | string[] | undefined) => {
    for (const c of cookiesFrom(set).split('; ').filter(Boolean)) {
      const i = c.indexOf('=');
      const [k, v] = [c.slice(0, i), c.slice(i + 1)];
      if (v === '') jar.delete(k);
      else jar.set(k, v);
    }
  };
  return {
    jar,
    async get(url: string) {
      const res = await app.inject({ url, headers: { cookie: cookie() } });
      remember(res.headers['set-cookie']);
      return res;
    },
    async submit(formUrl: string, fields: Record<string, string>, postUrl = formUrl) {
      const page = await this.get(formUrl);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const res = await app.inject({
        method: 'POST',
        url: postUrl,
        headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
      });
      remember(res.headers['set-cookie']);
      return res;
    },
  };
}

async function lastEmailTo(email: string) {
  const rows = await t.db.query<{ subject: string; body: string }>(
    'select subject, body from outbox where to_email = $1 order by created_at desc limit 1',
    [email],
  );
  return rows[0];
}

const otpauthIn = (html: string) =>
  (/href="(otpauth:\/\/[^"]+)"/.exec(html)?.[1] ?? '').replace(/&amp;/g, '&');

const linkIn = (body: string | undefined) =>
  new URL(/https?:\/\/\S+/.exec(body ?? '')?.[0] ?? 'http://x/').pathname +
  new URL(/https?:\/\/\S+/.exec(body ?? '')?.[0] ?? 'http://x/').search;

test('sign up, confirm the address from the email, sign in and out', async () => {
  const c = client(t.app);
  const email = 'new.resident@example.org';
  const res = await c.submit('/account/sign-up', {
    displayName: 'Amina',
    email,
    password: 'kettle orchard lantern',
  });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/account/check-email');
  const mail = await lastEmailTo(email);
  assert.equal(mail?.subject, 'Confirm your email address');
  assert.match(mail?.body ?? '', /Hello Amina/);

  const verified = await c.get(linkIn(mail?.body));
  assert.equal(verified.statusCode, 200);
  assert.match(verified.body, /Email address confirmed/);
  assert.equal((await c.get(linkIn(mail?.body))).statusCode, 410, 'the link works once');

  const before = c.jar.get(SESSION_COOKIE);
  const signIn = await c.submit('/account/sign-in?return=%2Ftrafford%2F', {
    email: 'NEW.resident@example.org',
    password: 'kettle orchard lantern',
  });
  assert.equal(signIn.statusCode, 303);
  assert.equal(signIn.headers.location, '/trafford/');
  assert.notEqual(c.jar.get(SESSION_COOKIE), before);
  const account = await c.get('/account');
  assert.match(account.body, /Amina/);
  assert.doesNotMatch(account.body, /Email not confirmed/);

  const out = await c.submit('/account', {}, '/account/sign-out');
  assert.match(out.body, /You have signed out/);
  assert.equal((await c.get('/account')).statusCode, 303);
});

test('signing up with an address that has an account reveals nothing on screen and emails its owner', async () => {
  const person = await makePerson(t.db);
  const c = client(t.app);
  const res = await c.submit('/account/sign-up', {
    displayName: 'Someone',
    email: person.email,
    password: 'kettle orchard lantern',
  });
  assert.equal(res.headers.location, '/account/check-email');
  assert.equal((await lastEmailTo(person.email))?.subject, 'You already have an account');
});

test('weak passwords and bad addresses get GOV.UK error messages', async () => {
  const c = client(t.app);
  const short = await c.submit('/account/sign-up', {
    displayName: 'A',
    email: 'a@example.org',
    password: 'short',
  });
  assert.equal(short.statusCode, 422);
  assert.match(short.body, /Your password must be at least 10 characters/);
  const common = await c.submit('/account/sign-up', {
    displayName: 'A',
    email: 'a@example.org',
    password: 'password123',
  });
  assert.match(common.body, /harder to guess/);
  const bad = await c.submit('/account/sign-up', {
    displayName: '',
    email: 'not an email',
    password: 'kettle orchard lantern',
  });
  assert.match(bad.body, /Enter your name/);
  assert.match(bad.body, /Enter an email address in the correct format/);
  assert.doesNotMatch(bad.body, /kettle orchard lantern/, 'passwords are never echoed back');
});

test('a wrong password is refused, and repeated tries are slowed with a friendly 429', async () => {
  const person = await makePerson(t.db);
  const c = client(t.app);
  const wrong = await c.submit('/account/sign-in', { email: person.email, password: 'not my password' });
  assert.equal(wrong.statusCode, 422);
  assert.match(wrong.body, /Enter the email address and password you signed up with/);
  let last = wrong;
  for (let i = 0; i < 10; i++)
    last = await c.submit('/account/sign-in', { email: person.email, password: 'not my password' });
  assert.equal(last.statusCode, 429);
  assert.match(last.body, /Too many attempts/);
  assert.ok(Number(last.headers['retry-after']) > 0);
});

test('reset a forgotten password with a single-use link; old sessions end', async () => {
  const person = await makePerson(t.db);
  const c = client(t.app);
  const sent = await c.submit('/account/forgot-password', { email: person.email });
  assert.match(sent.body, /Check your email/);
  const unknown = await c.submit('/account/forgot-password', { email: 'nobody@example.org' });
  assert.equal(
    unknown.body.replace(/value="[^"]*"/g, ''),
    sent.body.replace(/value="[^"]*"/g, ''),
    'same page either way',
  );
  const link = linkIn((await lastEmailTo(person.email))?.body);
  const changed = await c.submit(link, { password: 'new river mountain' });
  assert.match(changed.body, /Password changed/);
  assert.equal(
    (await t.app.inject({ url: '/account', headers: { cookie: person.cookie } })).statusCode,
    303,
    'old session ended',
  );
  assert.match(
    (await c.submit(link, { password: 'another river mountain' })).body,
    /has expired or has already been used/,
  );
  const signIn = await c.submit('/account/sign-in', { email: person.email, password: 'new river mountain' });
  assert.equal(signIn.statusCode, 303);
});

test('an expired reset link does nothing', async () => {
  const person = await makePerson(t.db);
  const c = client(t.app);
  await c.submit('/account/forgot-password', { email: person.email });
  const link = linkIn((await lastEmailTo(person.email))?.body);
  await t.db.query("update user_tokens set expires_at = now() - interval '1 minute' where email = $1", [
    person.email,
  ]);
  const res = await c.submit(link, { password: 'new river mountain' });
  assert.equal(res.statusCode, 410);
});

test('sessions end after two idle hours', async () => {
  const person = await makePerson(t.db);
  assert.equal((await t.app.inject({ url: '/account', headers: { cookie: person.cookie } })).statusCode, 200);
  await t.db.query("update sessions set last_seen_at = now() - interval '3 hours' where user_id = $1", [
    person.userId,
  ]);
  assert.equal((await t.app.inject({ url: '/account', headers: { cookie: person.cookie } })).statusCode, 303);
});

test('sign out everywhere ends every session of the account', async () => {
  const person = await makePerson(t.db);
  const c = client(t.app);
  await c.submit('/account/sign-in', { email: person.email, password: TEST_PASSWORD });
  await c.submit('/account', {}, '/account/sign-out-everywhere');
  assert.equal((await t.app.inject({ url: '/account', headers: { cookie: person.cookie } })).statusCode, 303);
  const rows = await t.db.query('select 1 from sessions where user_id = $1', [person.userId]);
  assert.equal(rows.length, 0);
});

test('an officer turns on two-step sign-in and then needs a code to sign in', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const c = client(t.app);
  await c.submit('/account/sign-in', { email: officer.email, password: TEST_PASSWORD });
  const setup = await c.get('/account/two-factor/setup');
  const secret = new URL(otpauthIn(setup.body)).searchParams.get('secret') as string;
  assert.match(setup.body, /Set up two-step sign-in/);
  const wrongCode = await c.submit('/account/two-factor/setup', { code: '000000' });
  assert.match(wrongCode.body, /The code is not right/);
  // The setup cookie for the secret is replaced on each visit, so confirm with a fresh one.
  const setup2 = await c.get('/account/two-factor/setup');
  const secret2 = new URL(otpauthIn(setup2.body)).searchParams.get('secret') as string;
  assert.notEqual(secret2, secret);
  const token = /name="_csrf" value="([^"]+)"/.exec(setup2.body)?.[1] ?? '';
  const on = await t.app.inject({
    method: 'POST',
    url: '/account/two-factor/setup',
    headers: {
      cookie: [...c.jar].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: new URLSearchParams({ _csrf: token, code: currentTotp(secret2) }).toString(),
  });
  assert.equal(on.headers.location, '/account');

  const fresh = client(t.app);
  const signIn = await fresh.submit('/account/sign-in?return=%2Faccount', {
    email: officer.email,
    password: TEST_PASSWORD,
  });
  assert.equal(signIn.headers.location, '/account/two-factor?return=%2Faccount');
  assert.equal((await fresh.get('/account')).statusCode, 303, 'not signed in until the code is given');
  const bad = await fresh.submit('/account/two-factor?return=%2Faccount', { code: '123456' });
  assert.equal(bad.statusCode, 422);
  const good = await fresh.submit('/account/two-factor?return=%2Faccount', { code: currentTotp(secret2) });
  assert.equal(good.headers.location, '/account');
  assert.match(
    (await fresh.get('/account')).body,
    /Two-step sign-in<\/dt>\s*<dd class="govuk-summary-list__value">On/,
  );
});

test('queued emails are delivered by the job runner and retried when sending fails', async () => {
  const person = await makePerson(t.db);
  const c = client(t.app);
  await c.submit('/account/forgot-password', { email: person.email });
  const ran = await runDueJobs(t.db, {
    'email.send': emailSendJob({ smtpUrl: null, from: 'x@example.org', production: false }),
  });
  assert.ok(ran >= 1);
  const rows = await t.db.query<{ status: string }>('select status from outbox where to_email = $1', [
    person.email,
  ]);
  assert.deepEqual(
    rows.map((r) => r.status),
    ['sent'],
  );

  await c.submit('/account/forgot-password', { email: person.email });
  // Production with no way to send: the job fails, is retried later, and says why.
  const failing = { 'email.send': emailSendJob({ smtpUrl: null, from: 'x', production: true }) };
  await runDueJobs(t.db, failing);
  const [job] = await t.db.query<{ id: number; status: string; attempts: number; last_error: string }>(
    "select id, status, attempts, last_error from jobs where name = 'email.send' order by id desc limit 1",
  );
  assert.equal(job?.status, 'queued');
  assert.equal(job?.attempts, 1);
  assert.match(job?.last_error ?? '', /set SMTP_URL/);
  // Not due again until the back-off has passed; then, at its last attempt, it fails for good.
  await t.db.query('update jobs set max_attempts = 2 where id = $1', [job?.id ?? 0]);
  await runDueJobs(t.db, failing, new Date(Date.now() + 1000));
  assert.equal(
    (await t.db.query<{ status: string }>('select status from jobs where id = $1', [job?.id ?? 0]))[0]
      ?.status,
    'queued',
  );
  await runDueJobs(t.db, failing, new Date(Date.now() + 3_600_000));
  const [failed] = await t.db.query<{ status: string; attempts: number }>(
    'select status, attempts from jobs where id = $1',
    [job?.id ?? 0],
  );
  assert.equal(failed?.status, 'failed');
  assert.equal(failed?.attempts, 2);
});

test('the development outbox shows emails as text, links clickable, HTML inert', async () => {
  await makePerson(t.db, { email: 'outbox-check@example.org' });
  const c = client(t.app);
  await c.submit('/account/sign-up', {
    displayName: '<script>alert(1)</script>',
    email: 'xss@example.org',
    password: 'kettle orchard lantern',
  });
  const page = await c.get('/dev/outbox');
  assert.equal(page.statusCode, 200);
  assert.doesNotMatch(page.body, /<script>alert/);
  assert.match(page.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(page.body, /<a href="http:\/\/[^"]+\/account\/verify\?token=/);
});

test('a place admin invites an officer, who accepts with the invited address', async () => {
  const admin = await makePerson(t.db, { roles: ['place-admin'] });
  const adminClient = client(t.app);
  adminClient.jar.set(SESSION_COOKIE, admin.cookie.split('=')[1] as string);
  const missing = await adminClient.submit('/trafford/admin/people', { email: '' });
  assert.equal(missing.statusCode, 422);
  assert.match(missing.body, /Choose a role/);
  const sent = await adminClient.submit('/trafford/admin/people', {
    email: 'new.officer@example.org',
    role: 'officer',
  });
  assert.match(sent.body, /Invitation sent to new.officer@example.org/);
  const link = linkIn((await lastEmailTo('new.officer@example.org'))?.body);
  assert.match(link, /^\/account\/invitation\?token=/);

  // Someone else who got hold of the link cannot use it.
  const other = await makePerson(t.db);
  const otherClient = client(t.app);
  otherClient.jar.set(SESSION_COOKIE, other.cookie.split('=')[1] as string);
  const refused = await otherClient.submit(link, {});
  assert.equal(refused.statusCode, 403);

  const invitee = await makePerson(t.db, { email: 'new.officer@example.org', verified: false });
  const inviteeClient = client(t.app);
  inviteeClient.jar.set(SESSION_COOKIE, invitee.cookie.split('=')[1] as string);
  const offer = await inviteeClient.get(link);
  assert.match(offer.body, /invited to be Officer for Trafford Together/);
  const accepted = await inviteeClient.submit(link, {});
  assert.match(accepted.body, /Invitation accepted/);
  assert.equal((await inviteeClient.get(link)).statusCode, 410, 'an invitation works once');

  const people = await adminClient.get('/trafford/admin/people');
  assert.match(people.body, /new.officer@example.org/);
  const audit = await adminClient.get('/trafford/admin/audit.csv');
  assert.match(audit.body, /roles\.invite/);
  assert.match(audit.body, /roles\.grant/);
});

test('when a place requires it, staff must set up two-step sign-in before using staff pages', async () => {
  const admin = await makePerson(t.db, { roles: ['place-admin'] });
  assert.equal(
    (await t.app.inject({ url: '/trafford/admin/audit', headers: { cookie: admin.cookie } })).statusCode,
    200,
  );
  await t.db.query("update places set require_two_factor_for_staff = true where slug = 'trafford'");
  try {
    const res = await t.app.inject({ url: '/trafford/admin/audit', headers: { cookie: admin.cookie } });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/account/two-factor/setup?required=trafford');
    const setup = await t.app.inject({
      url: res.headers.location as string,
      headers: { cookie: admin.cookie },
    });
    assert.match(setup.body, /asks everyone with staff powers to use two-step sign-in/);
    // Residents are not affected, and public pages stay open to staff.
    assert.equal(
      (await t.app.inject({ url: '/trafford/wards', headers: { cookie: admin.cookie } })).statusCode,
      200,
    );
    await t.db.query('update users set totp_enabled_at = now() where id = $1', [admin.userId]);
    await t.db.query('update sessions set second_factor_at = now() where user_id = $1', [admin.userId]);
    assert.equal(
      (await t.app.inject({ url: '/trafford/admin/audit', headers: { cookie: admin.cookie } })).statusCode,
      200,
    );
  } finally {
    await t.db.query("update places set require_two_factor_for_staff = false where slug = 'trafford'");
  }
});

test('the error summary lists every problem at once, in the order of the fields', async () => {
  const c = client(t.app);
  const res = await c.submit('/account/sign-up', { displayName: '', email: '', password: '' });
  const order = [...res.body.matchAll(/<li>\s*<a href="#(\w+)"/g)].map((m) => m[1]);
  assert.deepEqual(order, ['displayName', 'email', 'password']);
});

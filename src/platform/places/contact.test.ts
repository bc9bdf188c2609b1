import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, cookiesFrom } from '../../../test/helpers/app.js';

async function formSession(app: FastifyInstance) {
  const page = await app.inject('/trafford/contact');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  return { token, cookie: cookiesFrom(page.headers['set-cookie']) };
}

function post(app: FastifyInstance, cookie: string, form: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url: '/trafford/contact',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
  });
}

test('sending a message gives a reference and stores it once', async (t) => {
  const { app, db } = await buildTestApp(t);
  const { token, cookie } = await formSession(app);
  const res = await post(app, cookie, {
    _csrf: token,
    subject: 'Broken link',
    message: 'The map link is broken',
    email: '',
  });
  assert.equal(res.statusCode, 303);
  const reference = new URL(res.headers.location as string, 'http://x').searchParams.get('reference');
  assert.match(reference ?? '', /^KC-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  const sent = await app.inject(res.headers.location as string);
  assert.match(sent.body, new RegExp(reference as string));
  const rows = await db.query<{ subject: string }>(
    'select subject from contact_messages where reference = $1',
    [reference],
  );
  assert.deepEqual(rows, [{ subject: 'Broken link' }]);
});

test('missing answers are shown in a GOV.UK error summary, keeping what was typed', async (t) => {
  const { app, db } = await buildTestApp(t);
  const { token, cookie } = await formSession(app);
  const res = await post(app, cookie, {
    _csrf: token,
    subject: '',
    message: 'kept text',
    email: 'not-an-email',
  });
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /<title>Error: Contact us/);
  assert.match(res.body, /There is a problem/);
  assert.match(res.body, /href="#subject">Enter what your message is about</);
  assert.match(res.body, /href="#email">Enter an email address in the correct format/);
  assert.match(res.body, /kept text/);
  const rows = await db.query('select 1 from contact_messages');
  assert.equal(rows.length, 0);
});

test('a post without the CSRF token is refused and writes nothing', async (t) => {
  const { app, db } = await buildTestApp(t);
  const res = await post(app, '', { subject: 'x', message: 'y' });
  assert.equal(res.statusCode, 403);
  assert.match(res.body, /form had expired/);
  assert.equal((await db.query('select 1 from contact_messages')).length, 0);
});

test('the hidden honeypot field quietly drops bot messages', async (t) => {
  const { app, db } = await buildTestApp(t);
  const { token, cookie } = await formSession(app);
  const res = await post(app, cookie, {
    _csrf: token,
    subject: 'Buy',
    message: 'spam',
    website: 'http://spam.example',
  });
  assert.equal(res.statusCode, 303);
  assert.equal((await db.query('select 1 from contact_messages')).length, 0);
});

test('text is stored and shown as typed, never as HTML', async (t) => {
  const { app } = await buildTestApp(t);
  const { token, cookie } = await formSession(app);
  const res = await post(app, cookie, { _csrf: token, subject: '<script>alert(1)</script>', message: '' });
  assert.equal(res.statusCode, 422);
  assert.doesNotMatch(res.body, /<script>alert\(1\)<\/script>/);
  assert.match(res.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

test('oversized and odd bodies get a clear 4xx, never a 500', async (t) => {
  const { app } = await buildTestApp(t);
  const { token, cookie } = await formSession(app);
  const huge = await post(app, cookie, { _csrf: token, subject: 'x', message: 'a'.repeat(2_000_000) });
  assert.equal(huge.statusCode, 413);
  const json = await app.inject({
    method: 'POST',
    url: '/trafford/contact',
    headers: { cookie, 'content-type': 'application/json' },
    payload: '{"_csrf": 1, "subject": ["a"], "message": {"x": null}}',
  });
  assert.ok(json.statusCode >= 400 && json.statusCode < 500, String(json.statusCode));
});

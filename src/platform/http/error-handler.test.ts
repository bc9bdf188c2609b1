import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../test/helpers/app.js';
import { PUBLIC } from './access.js';
import { Conflict, Invalid } from './errors.js';

const t = useTestApp((app) => {
  app.get('/boom', PUBLIC, async () => {
    throw new Error('secret internal detail at /srv/kith');
  });
  app.get('/api/boom', PUBLIC, async () => {
    throw new Error('secret internal detail');
  });
  app.get('/api/invalid', PUBLIC, async () => {
    throw new Invalid({ name: 'contact.errors.subjectMissing' });
  });
  app.get('/api/conflict', PUBLIC, async () => {
    throw new Conflict('That slot was just booked');
  });
});

test('an unexpected failure shows a GOV.UK-style 500 page with a reference and no internals', async () => {
  const res = await t.app.inject({ url: '/boom', headers: { 'x-request-id': 'req-test-12345' } });
  assert.equal(res.statusCode, 500);
  assert.match(res.body, /Sorry, there is a problem with the service/);
  assert.match(res.body, /quote reference req-test-12345/);
  assert.equal(res.headers['x-request-id'], 'req-test-12345');
  assert.doesNotMatch(res.body, /secret internal detail|at \//);
});

test('API failures are RFC 9457 problem+json', async () => {
  const boom = await t.app.inject('/api/boom');
  assert.equal(boom.statusCode, 500);
  assert.match(boom.headers['content-type'] as string, /^application\/problem\+json/);
  const body = boom.json();
  assert.equal(body.status, 500);
  assert.equal(body.title, 'Internal server error');
  assert.equal(body.type, 'about:blank');
  assert.equal(body.detail, undefined);
  assert.ok(body.requestId);

  const invalid = (await t.app.inject('/api/invalid')).json();
  assert.equal(invalid.status, 422);
  assert.deepEqual(invalid.errors, [{ field: 'name', message: 'Enter what your message is about' }]);

  const conflict = await t.app.inject('/api/conflict');
  assert.equal(conflict.statusCode, 409);
  assert.equal(conflict.json().detail, 'That slot was just booked');
});

test('unknown API paths are problem+json 404s; unknown pages are HTML 404s', async () => {
  const api = await t.app.inject('/trafford/api/nothing-here');
  assert.equal(api.statusCode, 404);
  assert.equal(api.json().title, 'Not found');
  const page = await t.app.inject('/trafford/nothing-here');
  assert.equal(page.statusCode, 404);
  assert.match(page.headers['content-type'] as string, /^text\/html/);
  // Inside a place, the 404 page keeps the place's header and navigation.
  assert.match(page.body, /Trafford Together/);
});

test('a wrong method and a malformed JSON body are client errors', async () => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/invalid',
    headers: { 'content-type': 'application/json' },
    payload: '{not json',
  });
  assert.ok(res.statusCode >= 400 && res.statusCode < 500, String(res.statusCode));
  const bad = await t.app.inject('/trafford/%E0%A4%A');
  assert.ok(bad.statusCode >= 400 && bad.statusCode < 500, String(bad.statusCode));
});

test('pages are served with a strict content security policy and compressed', async () => {
  const res = await t.app.inject({ url: '/trafford/', headers: { 'accept-encoding': 'br, gzip' } });
  const csp = res.headers['content-security-policy'] as string;
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(res.headers['content-encoding'], 'br');
});

test('static assets are fingerprinted, precompressed and cached for a year', async () => {
  const home = await t.app.inject('/trafford/');
  const css = /href="(\/assets\/kith-[0-9a-f]{10}\.css)"/.exec(home.body)?.[1];
  assert.ok(css);
  const res = await t.app.inject({ url: css, headers: { 'accept-encoding': 'br' } });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-encoding'], 'br');
  assert.match(res.headers['cache-control'] as string, /max-age=31536000/);
  assert.match(res.headers['cache-control'] as string, /immutable/);
});

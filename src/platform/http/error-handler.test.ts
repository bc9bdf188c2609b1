import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../test/helpers/app.js';
import { findPlaceBySlug } from '../places/place-service.js';
import { PUBLIC } from './access.js';
import { conflictBack } from './conflict-page.js';
import { Conflict, Invalid } from './errors.js';
import { setPlace } from './request-context.js';

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
  app.get('/api/conflict-with-back', PUBLIC, async (request) => {
    conflictBack(request, '/trafford/consultations', 'consultations.back');
    throw new Conflict(NOT_OPEN);
  });
  // A page inside a place (as the place hook would set it), refused with a catalogue key.
  app.get('/conflict/keyed', PUBLIC, async (request) => {
    const place = await findPlaceBySlug(app.db, 'trafford');
    if (place) setPlace(request, place);
    throw new Conflict(NOT_OPEN);
  });
  app.get('/conflict/route-says', PUBLIC, async (request) => {
    conflictBack(request, '/trafford/consultations/abc', 'consultations.back');
    throw new Conflict(NOT_OPEN);
  });
  app.get('/conflict/plain', PUBLIC, async () => {
    throw new Conflict('Row 42 was locked by transaction 7');
  });
});

const NOT_OPEN = 'consultations.errors.notOpen';
const conflictPage = (referer?: string) =>
  t.app.inject({ url: '/conflict/keyed', headers: referer === undefined ? {} : { referer } });
/** The page's one link under its heading (the layout around it has links of its own). */
const backLink = (html: string) =>
  /<h1 class="govuk-heading-l">[\s\S]*?<a class="govuk-link" href="([^"]*)">([^<]*)<\/a>/
    .exec(html)
    ?.slice(1);

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

test("a Conflict on a page says why in the reader's words, with status 409", async () => {
  const res = await conflictPage();
  assert.equal(res.statusCode, 409);
  assert.match(res.headers['content-type'] as string, /^text\/html/);
  assert.match(res.body, /<h1 class="govuk-heading-l">That has changed<\/h1>/);
  assert.match(res.body, /This consultation is not taking answers now\./);
  assert.doesNotMatch(res.body, /consultations\.errors/);
});

test('the back link is the one the route gave', async () => {
  const res = await t.app.inject({
    url: '/conflict/route-says',
    headers: { referer: 'http://localhost/trafford/' },
  });
  assert.equal(res.statusCode, 409);
  assert.deepEqual(backLink(res.body), ['/trafford/consultations/abc', 'Back']);
});

test('without one, the back link is the page on this site the person came from', async () => {
  const res = await conflictPage('http://localhost/trafford/consultations/abc/respond?step=2');
  assert.deepEqual(backLink(res.body), [
    '/trafford/consultations/abc/respond?step=2',
    'Go back to the page you were on',
  ]);
});

test('a Referer from elsewhere, or not an address at all, is ignored for the place home page', async () => {
  for (const referer of [
    'https://evil.example/trafford/',
    'http://localhost.evil.example/trafford/',
    'http://localhost//evil.example/path',
    'http://localhost/\\evil.example/path',
    'javascript:alert(1)',
    '/trafford/relative',
    'not a url',
    '',
  ]) {
    const res = await conflictPage(referer);
    assert.equal(res.statusCode, 409, referer);
    assert.deepEqual(backLink(res.body), ['/trafford/', 'Go to the home page'], referer);
    assert.doesNotMatch(res.body, /evil\.example|javascript:/, referer);
  }
});

test('a Conflict whose message is not a catalogue key shows the general words, never the text', async () => {
  const res = await t.app.inject('/conflict/plain');
  assert.equal(res.statusCode, 409);
  assert.match(res.body, /Someone else changed this at the same time/);
  assert.doesNotMatch(res.body, /Row 42|transaction 7/);
  assert.deepEqual(backLink(res.body), ['/', 'Go to the home page']);
});

test('the API still answers a Conflict with problem+json, whatever back link the route gave', async () => {
  const res = await t.app.inject('/api/conflict-with-back');
  assert.equal(res.statusCode, 409);
  assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
  const body = res.json();
  assert.equal(body.status, 409);
  assert.equal(body.title, 'Conflict');
  assert.equal(body.detail, NOT_OPEN);
});

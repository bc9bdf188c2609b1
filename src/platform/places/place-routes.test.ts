import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp, cookiesFrom } from '../../../test/helpers/app.js';

test('/ redirects to the only place', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject('/');
  assert.equal(res.statusCode, 302);
  assert.equal(res.headers.location, '/trafford/');
});

test('the place home shows its own name and brand, with the council as a partner', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject('/trafford/');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<h1 class="govuk-heading-xl">Trafford Together<\/h1>/);
  assert.match(res.body, /Trafford Council as one partner among several/);
  assert.match(res.body, /href="\/trafford\/wards"/);
  assert.doesNotMatch(res.body, /govuk-header__logotype|GDS Transport|govuk-crest/i);
  const brand = await app.inject('/trafford/brand.css');
  assert.match(brand.body, /--kith-brand:#00625e/);
  const logo = await app.inject('/trafford/logo.svg');
  assert.equal(logo.headers['content-type'], 'image/svg+xml');
});

test('an unknown place is a 404 page, not an error', async (t) => {
  const { app } = await buildTestApp(t);
  for (const url of ['/nowhere/', '/NOT_A_SLUG/wards', `/${'a'.repeat(300)}/`]) {
    const res = await app.inject(url);
    assert.equal(res.statusCode, 404, url);
    assert.match(res.body, /Page not found/);
  }
  // Past the router's limit on a path segment: still a client error with a reference.
  const tooLong = await app.inject(`/${'a'.repeat(5000)}/`);
  assert.equal(tooLong.statusCode, 414);
});

test('footer pages every public-sector site needs are there', async (t) => {
  const { app } = await buildTestApp(t);
  for (const [path, heading] of [
    ['accessibility', 'Accessibility statement'],
    ['privacy', 'Privacy notice'],
    ['cookies', 'Cookies'],
    ['data', 'Open data'],
    ['contact', 'Contact us'],
  ]) {
    const res = await app.inject(`/trafford/${path}`);
    assert.equal(res.statusCode, 200, path);
    assert.match(res.body, new RegExp(`<h1 class="govuk-heading-l">${heading}</h1>`));
    assert.match(res.body, new RegExp(`href="/trafford/${path}"`), 'linked from the footer');
  }
});

test('choosing Cymraeg switches the page to Welsh, with English where Welsh is missing', async (t) => {
  const { app } = await buildTestApp(t);
  const pick = await app.inject('/language/cy?return=%2Ftrafford%2Fwards');
  assert.equal(pick.statusCode, 302);
  assert.equal(pick.headers.location, '/trafford/wards');
  const cookie = cookiesFrom(pick.headers['set-cookie']);
  const res = await app.inject({ url: '/trafford/wards', headers: { cookie } });
  assert.match(res.body, /<html lang="cy"/);
  assert.match(res.body, /Neidio i&#39;r prif gynnwys|Neidio i'r prif gynnwys/);
  assert.match(res.body, />Wardiau</);
  // Not yet translated: falls back to English rather than showing a key.
  assert.match(res.body, /Choose a ward on the map/);
});

test('the language switch never redirects off the site', async (t) => {
  const { app } = await buildTestApp(t);
  for (const target of [
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    'javascript:alert(1)',
  ]) {
    const res = await app.inject(`/language/cy?return=${encodeURIComponent(target)}`);
    assert.equal(res.headers.location, '/', target);
  }
  const unknown = await app.inject('/language/fr?return=%2Ftrafford%2F');
  assert.equal(unknown.headers.location, '/trafford/');
  assert.equal(unknown.headers['set-cookie'], undefined);
});

test('the open data catalogue lists each dataset with its licence and formats', async (t) => {
  const { app } = await buildTestApp(t);
  const json = await app.inject('/trafford/api/datasets?per_page=200');
  const { contents: datasets } = json.json() as {
    contents: { id: string; licence: string; distributions: { format: string; url: string }[] }[];
  };
  const wards = datasets.find((d) => d.id === 'wards');
  assert.equal(wards?.licence, 'OGL-UK-3.0');
  assert.deepEqual(
    wards?.distributions.map((d) => d.format),
    ['HTML', 'JSON', 'CSV', 'GeoJSON'],
  );
  for (const d of wards?.distributions ?? []) {
    assert.equal((await app.inject(d.url)).statusCode, 200, d.url);
  }
  const csv = await app.inject('/trafford/api/datasets.csv');
  assert.match(csv.body, /^id,module,title/);
});

test('health and readiness', async (t) => {
  const { app } = await buildTestApp(t);
  assert.deepEqual((await app.inject('/healthz')).json(), { status: 'ok' });
  assert.deepEqual((await app.inject('/readyz')).json(), { status: 'ready' });
});

test('a NUL byte anywhere in the address is a 400, not a database error', async (t) => {
  const { app } = await buildTestApp(t);
  for (const url of ['/trafford/api/wards/%00', '/trafford/wards/a%00b', '/trafford/api/wards?page=%00']) {
    const res = await app.inject(url);
    assert.equal(res.statusCode, 400, url);
  }
});

test('a place can be reached on its own host name', async (t) => {
  const { app, db } = await buildTestApp(t);
  await db.query("update places set hostnames = '{together.example}' where slug = 'trafford'");
  await app.refreshHosts();
  const home = await app.inject({ url: '/', headers: { host: 'together.example' } });
  assert.equal(home.statusCode, 200);
  assert.match(home.body, /Trafford Together/);
  const ward = await app.inject({ url: '/wards/altrincham', headers: { host: 'Together.Example:8080' } });
  assert.equal(ward.statusCode, 200);
  // Links keep the /trafford prefix, which works on either host.
  const prefixed = await app.inject({ url: '/trafford/wards', headers: { host: 'together.example' } });
  assert.equal(prefixed.statusCode, 200);
  assert.equal(
    (await app.inject({ url: '/healthz', headers: { host: 'together.example' } })).statusCode,
    200,
  );
  // Other hosts still see the list of places.
  assert.equal((await app.inject({ url: '/', headers: { host: 'kith.example' } })).statusCode, 302);
});

test('a brand colour that white text cannot be read on is refused', async (t) => {
  const { db } = await buildTestApp(t);
  const { upsertPlace } = await import('./place-service.js');
  await assert.rejects(
    upsertPlace(db, {
      slug: 'pale',
      name: 'Pale',
      councilName: '',
      nation: 'england',
      brandColour: '#ffdd00',
      logoSvg: null,
      tagline: '',
      contactEmail: '',
      languages: ['en'],
      modules: [],
    }),
    (e: unknown) => e instanceof Error && 'fieldErrors' in e,
  );
});

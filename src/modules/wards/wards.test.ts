import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { useTestApp } from '../../../test/helpers/app.js';
import { findPlaceBySlug } from '../../platform/places/place-service.js';
import { wardAt } from './ward-service.js';

const t = useTestApp();

test('the ward list shows all 21 Trafford wards with population and a linked map', async () => {
  const res = await t.app.inject('/trafford/wards');
  assert.equal(res.statusCode, 200);
  const rows = res.body.match(
    /<th scope="row" class="govuk-table__header"><a class="govuk-link" href="\/trafford\/wards\/[a-z-]+">/g,
  );
  assert.equal(rows?.length, 21);
  assert.match(res.body, /Gorse Hill &amp; Cornbrook/);
  assert.match(res.body, /<svg[^>]+class="kith-map"/);
  assert.equal(res.body.match(/<a [^>]*href="\/trafford\/wards\/[a-z-]+"[^>]*aria-label=/g)?.length ?? 0, 21);
  // Altrincham: ONS mid-2024 estimate.
  assert.match(
    res.body,
    /Altrincham<\/a><\/th>\s*<td class="govuk-table__cell govuk-table__cell--numeric">11,278</,
  );
});

test('a ward page highlights the ward on the map', async () => {
  const res = await t.app.inject('/trafford/wards/gorse-hill-cornbrook');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<h1 class="govuk-heading-l">Gorse Hill &amp; Cornbrook<\/h1>/);
  assert.equal(res.body.match(/kith-map__ward--current/g)?.length, 1);
});

test('a ward code redirects to the ward page; an unknown ward is a 404', async () => {
  const res = await t.app.inject('/trafford/wards/E05015239');
  assert.equal(res.statusCode, 301);
  assert.equal(res.headers.location, '/trafford/wards/altrincham');
  assert.equal((await t.app.inject('/trafford/wards/atlantis')).statusCode, 404);
});

test('the JSON list is paged', async () => {
  const first = (await t.app.inject('/trafford/api/wards?per_page=5')).json();
  assert.equal(first.total_items, 21);
  assert.equal(first.total_pages, 5);
  assert.equal(first.contents.length, 5);
  assert.equal(first.first_page, true);
  assert.equal(first.links.next, '/trafford/api/wards?page=2&per_page=5');
  const last = (await t.app.inject('/trafford/api/wards?per_page=5&page=5')).json();
  assert.equal(last.contents.length, 1);
  assert.equal(last.last_page, true);
  const beyond = (await t.app.inject('/trafford/api/wards?per_page=5&page=9')).json();
  assert.deepEqual(beyond.contents, []);
});

test('bad paging values are a problem+json 422 naming the field', async () => {
  for (const q of ['page=0', 'page=abc', 'per_page=1000', 'page=1.5', 'per_page=-1']) {
    const res = await t.app.inject(`/trafford/api/wards?${q}`);
    assert.equal(res.statusCode, 422, q);
    assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
    const body = res.json();
    assert.equal(body.status, 422);
    assert.ok(body.errors.length >= 1);
    assert.match(body.errors[0].field, /^(page|per_page)$/);
  }
});

test('the CSV has one row per ward and the GeoJSON one feature per ward', async () => {
  const csv = await t.app.inject('/trafford/api/wards.csv');
  assert.match(csv.headers['content-type'] as string, /^text\/csv/);
  const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 21);
  assert.equal(rows.find((r) => r.code === 'E05015239')?.name, 'Altrincham');
  const geo = (await t.app.inject('/trafford/api/wards.geojson')).json();
  assert.equal(geo.type, 'FeatureCollection');
  assert.equal(geo.features.length, 21);
  assert.equal(geo.features[0].geometry.type, 'Polygon');
});

test('points are placed in the right ward using the stored boundaries', async () => {
  const place = await findPlaceBySlug(t.db, 'trafford');
  assert.ok(place);
  const ctx = { db: t.db, place, actor: null };
  // Altrincham Library (Trafford open data) and Old Trafford's St John's Centre hub.
  assert.equal((await wardAt(ctx, -2.352156600534233, 53.38705468210445))?.name, 'Altrincham');
  assert.equal((await wardAt(ctx, -2.2684376346649646, 53.4580264631419))?.name, 'Old Trafford');
  assert.equal(await wardAt(ctx, -0.1276, 51.5072), null);
});

test('switching the module off hides its pages and its datasets', async () => {
  await t.db.query("update places set modules = '{}' where slug = 'trafford'");
  try {
    assert.equal((await t.app.inject('/trafford/wards')).statusCode, 404);
    assert.equal((await t.app.inject('/trafford/api/wards')).statusCode, 404);
    const home = await t.app.inject('/trafford/');
    assert.doesNotMatch(home.body, /href="\/trafford\/wards"/);
    const { contents } = (await t.app.inject('/trafford/api/datasets')).json();
    assert.deepEqual(contents, []);
  } finally {
    await t.db.query("update places set modules = '{wards}' where slug = 'trafford'");
  }
});

test('the module contributes figures for the annual report, by ward', async () => {
  const place = await findPlaceBySlug(t.db, 'trafford');
  assert.ok(place);
  const { default: wardsModule } = await import('./index.js');
  const stats = await wardsModule.stats?.({ db: t.db, place, actor: null });
  assert.equal(stats?.find((s) => s.key === 'wards.count')?.value, 21);
  const population = stats?.find((s) => s.key === 'wards.population');
  // ONS mid-2024 estimate for Trafford by 2023 ward.
  assert.equal(population?.value, 241_025);
  assert.equal(population?.byWard?.E05015239, 11_278);
});

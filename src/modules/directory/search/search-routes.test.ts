import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { useTestApp } from '../../../../test/helpers/app.js';
import { freshDatabase } from '../../../../test/helpers/database.js';
import { buildApp } from '../../../app.js';
import { loadConfig } from '../../../config.js';
import type { Db } from '../../../platform/db/types.js';
import {
  createSearchPlace,
  DOCS,
  indexDocs,
  walkingGroups,
} from '../../../platform/search/search-test-fixtures.js';

const t = useTestApp(undefined, async ({ db }) => {
  await indexDocs(db, await createSearchPlace(db, 'search-town'));
  await indexDocs(db, await createSearchPlace(db, 'walking-town'), walkingGroups(25));
  await indexDocs(db, await createSearchPlace(db, 'other-town'), [
    { ...(DOCS[0] as (typeof DOCS)[number]), refId: 'elsewhere', title: 'Yoga somewhere else' },
  ]);
});

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });

/** Result titles in page order, from the numbered list. */
function listedTitles(html: string): string[] {
  const list =
    /<ol class="govuk-list govuk-list--number kith-results"[^>]*>([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<h3 [^>]*><a class="govuk-link" href="[^"]*">([^<]*)<\/a><\/h3>/g)].map((m) =>
    (m[1] ?? '').replace(/&amp;/g, '&').replace(/&#39;/g, "'"),
  );
}

const decode = (s: string) => s.replace(/&amp;/g, '&');

describe('the search page', () => {
  test('with nothing asked, lists everything visible by name, with a form that works without JavaScript', async () => {
    const res = await get('/search-town/search');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h1 class="govuk-heading-l">Find groups, services and activities<\/h1>/);
    assert.match(res.body, /<form method="get" action="\/search-town\/search" id="search-form" novalidate>/);
    // The order is left on "best match", so typing words next time sorts by relevance, not by name.
    assert.match(res.body, /<option value="" selected>Best match<\/option>/);
    assert.doesNotMatch(res.body, /<script/);
    const titles = listedTitles(res.body);
    assert.equal(titles.length, 10);
    assert.deepEqual(
      titles,
      [...titles].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())),
    );
    assert.ok(!titles.includes('Hidden yoga club'));
    assert.ok(!titles.includes('Yoga somewhere else'));
    assert.match(res.body, /<h2 class="govuk-heading-m" id="results-heading">10 results<\/h2>/);
  });

  test('finds a misspelling, and draws the results as numbered points on the ward map', async () => {
    const res = await get('/search-town/search?q=yogga');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(listedTitles(res.body), ['Yogga for beginners', 'Yoga in the park']);
    assert.match(res.body, /Spelt like your search/);
    const svg = /<svg[\s\S]*?<\/svg>/.exec(res.body)?.[0] ?? '';
    assert.match(svg, /role="group" aria-labelledby="search-map-title"/);
    assert.match(svg, /<title id="search-map-title">Map of results 1 to 2<\/title>/);
    assert.deepEqual(
      [...svg.matchAll(/<g class="kith-map__marker"><title>([^<]+)<\/title>/g)].map((m) => m[1]).sort(),
      ['1. Yogga for beginners', '2. Yoga in the park'],
    );
    // Each ward links to the same search, measured from that ward.
    assert.match(
      svg,
      /<a href="\/search-town\/search\?q=yogga&amp;near=urmston&amp;sort=distance" class="kith-map__link" aria-label="Nearest to Urmston">/,
    );
  });

  test('a ward chosen on the map sorts by distance from it and marks it', async () => {
    const res = await get('/search-town/search?q=yoga&near=stretford-humphrey-park&sort=distance');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(listedTitles(res.body), ['Yogga for beginners', 'Yoga in the park']);
    assert.match(res.body, /Nearest first, measured from the middle of Stretford &amp; Humphrey Park\./);
    assert.match(res.body, /km away|metres away/);
    assert.match(res.body, /<g class="kith-map__origin"><title>/);
    assert.equal(res.body.match(/kith-map__ward--current/g)?.length, 1);
  });

  test('filters narrow the results and are kept in the form', async () => {
    const res = await get('/search-town/search?category=food&free=true&kind=group&kind=service');
    assert.deepEqual(listedTitles(res.body), ['Sale Moor Food Bank']);
    assert.match(res.body, /name="free" type="checkbox" value="true" checked/);
    assert.match(res.body, /name="kind" type="checkbox" value="group" checked/);
    assert.match(res.body, /name="category" type="checkbox" value="food" checked/);
    const wards = await get('/search-town/search?ward=sale-moor&age=70');
    assert.deepEqual(listedTitles(wards.body), ['Chair-based exercise', 'Sale Moor Food Bank']);
    assert.match(wards.body, /<option value="sale-moor" selected>Sale Moor<\/option>/);
  });

  test('nothing found: a "did you mean" that works, ways to widen, and popular categories', async () => {
    const res = await get('/search-town/search?q=chiar+exercise');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /id="results-heading">No results<\/h2>/);
    const didYouMean = /Did you mean <a class="govuk-link" href="([^"]+)">chair exercise<\/a>\?/.exec(
      res.body,
    );
    assert.ok(didYouMean, 'offers the corrected words');
    assert.deepEqual(listedTitles((await get(decode(didYouMean[1] as string))).body), [
      'Chair-based exercise',
    ]);
    assert.match(res.body, /Popular categories/);
    const popular = /<a class="govuk-link" href="([^"]+)">Sport and fitness<\/a> \((\d+)\)/.exec(res.body);
    assert.ok(popular);
    assert.equal(listedTitles((await get(decode(popular[1] as string))).body).length, Number(popular[2]));

    const inWard = await get('/search-town/search?q=swimming&ward=altrincham');
    const widen = /<a class="govuk-link" href="([^"]+)">search every ward<\/a> \(1\)/.exec(inWard.body);
    assert.ok(widen, 'offers to drop the ward');
    assert.deepEqual(listedTitles((await get(decode(widen[1] as string))).body), ['Stretford Swimming Club']);
    assert.doesNotMatch(inWard.body, /<svg/, 'no map of nothing');
  });

  test('bad values give an error summary linking to the field, not a 500', async () => {
    const res = await get('/search-town/search?age=old&sort=distance&ward=atlantis');
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<title>Error: Find groups/);
    assert.match(res.body, /govuk-error-summary/);
    assert.match(res.body, /<a href="#age">Enter an age in whole years, from 0 to 120<\/a>/);
    assert.match(res.body, /<a href="#ward">Choose a ward from the list<\/a>/);
    assert.match(res.body, /id="age-error"/);
    assert.match(res.body, /value="old"/, 'what was typed is kept');
    assert.doesNotMatch(res.body, /id="results-heading"/);
    const sort = await get('/search-town/search?sort=distance');
    assert.match(sort.body, /<a href="#sort">To sort by distance, choose a ward in ‘Nearest to’<\/a>/);
  });

  test('is in Welsh for Welsh readers', async () => {
    const res = await get('/search-town/search?q=cafe', { cookie: 'kith_lang=cy' });
    assert.match(
      res.body,
      /<h1 class="govuk-heading-l">Dod o hyd i grwpiau, gwasanaethau a gweithgareddau<\/h1>/,
    );
    assert.deepEqual(listedTitles(res.body), ['Caffi Café Dŵr']);
    assert.match(res.body, /Dydd Llun/);
  });
});

describe('paging', () => {
  test('the last page starts at the right number and has no next link; past the end says so', async () => {
    const third = await get('/walking-town/search?q=walking&perPage=10&page=3');
    assert.equal(listedTitles(third.body).length, 5);
    assert.match(third.body, /<ol class="govuk-list govuk-list--number kith-results" start="21"/);
    assert.match(third.body, /Showing 21 to 25 of 25/);
    assert.match(third.body, /govuk-pagination__prev/);
    assert.doesNotMatch(third.body, /govuk-pagination__next/);
    assert.match(third.body, /href="\/walking-town\/search\?q=walking&amp;page=2&amp;perPage=10"/);
    const beyond = await get('/walking-town/search?q=walking&perPage=10&page=9');
    assert.equal(beyond.statusCode, 200);
    assert.match(beyond.body, /There are no results on this page\./);
    assert.match(beyond.body, /href="\/walking-town\/search\?q=walking&amp;perPage=10">Go to the first page/);
  });

  test('the JSON links keep the search and stop at the ends', async () => {
    const body = (await get('/walking-town/api/search?q=walking&per_page=10&page=2')).json();
    assert.equal(body.total_items, 25);
    assert.equal(body.total_pages, 3);
    assert.equal(body.links.next, '/walking-town/api/search?q=walking&page=3&per_page=10');
    assert.equal(body.links.prev, '/walking-town/api/search?q=walking&per_page=10');
    const last = (await get(body.links.next)).json();
    assert.equal(last.size, 5);
    assert.equal(last.last_page, true);
    assert.equal(last.links.next, undefined);
    const beyond = (await get('/walking-town/api/search?q=walking&per_page=10&page=4')).json();
    assert.deepEqual(beyond.contents, []);
    assert.equal(beyond.total_items, 25);
  });
});

describe('HTML, JSON and CSV', () => {
  const query = 'q=yoga&near=altrincham&sort=distance';

  test('agree on the results, their order and their distances', async () => {
    const html = await get(`/search-town/search?${query}`);
    const json = (await get(`/search-town/api/search?${query}`)).json();
    const csv = await get(`/search-town/api/search.csv?${query}`);
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /^text\/csv/);
    const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
    const titles = listedTitles(html.body);
    assert.deepEqual(titles, ['Yogga for beginners', 'Yoga in the park']);
    assert.deepEqual(
      json.contents.map((c: { title: string }) => c.title),
      titles,
    );
    assert.deepEqual(
      rows.map((r) => r.title),
      titles,
    );
    assert.deepEqual(
      rows.map((r) => Number(r.distance_metres)),
      json.contents.map((c: { distance_metres: number }) => c.distance_metres),
    );
    assert.equal(json.origin.ward.slug, 'altrincham');
    assert.equal(json.sort, 'distance');
    assert.equal(rows[0]?.ward_name, 'Stretford & Humphrey Park');
    assert.equal(rows[0]?.categories, 'sport-fitness;health-wellbeing');
    assert.equal(json.links.csv, `/search-town/api/search.csv?${query}`);
  });

  test('the JSON carries facets and, when empty, suggestions with addresses', async () => {
    const yoga = (await get('/search-town/api/search?q=yoga')).json();
    assert.deepEqual(yoga.facets.categories[0], { category: 'sport-fitness', count: 2 });
    const empty = (await get('/search-town/api/search?q=chiar+exercise')).json();
    assert.equal(empty.total_items, 0);
    const spelling = empty.suggestions.find((s: { type: string }) => s.type === 'spelling');
    assert.equal(spelling.q, 'chair exercise');
    assert.equal((await get(spelling.url)).json().contents[0].title, 'Chair-based exercise');
  });

  test('bad values on the API are a 400 problem naming the field', async () => {
    for (const url of ['/search-town/api/search?age=-1', '/search-town/api/search.csv?age=-1']) {
      const res = await get(url);
      assert.equal(res.statusCode, 400, url);
      assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
      assert.deepEqual(res.json().errors, [
        { field: 'age', message: 'Enter an age in whole years, from 0 to 120' },
      ]);
    }
    const perPage = (await get('/search-town/api/search?per_page=1000')).json();
    assert.equal(perPage.errors[0].field, 'per_page');
  });
});

describe('postcodes', () => {
  test('without a lookup service there is no postcode field, and a postcode is explained away', async () => {
    const page = await get('/search-town/search');
    assert.doesNotMatch(page.body, /id="postcode"/);
    const res = await get('/search-town/search?postcode=M32+0TP');
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Searching by postcode is not available here/);
  });
});

describe('postcodes with a lookup service', () => {
  let lookups = 0;
  let server: http.Server;
  let app: FastifyInstance;
  let db: Db;
  let downApp: FastifyInstance;

  before(async () => {
    // A stand-in for postcodes.io: M32 0TP is in Stretford; ZZ9 9ZZ does not exist; BOOM fails.
    server = http.createServer((req, res) => {
      lookups++;
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/postcodes/M32%200TP')
        return send(200, { status: 200, result: { longitude: -2.3181, latitude: 53.4431 } });
      if (req.url === '/outcodes/M33')
        return send(200, { status: 200, result: { longitude: -2.3152, latitude: 53.4233 } });
      if (req.url?.startsWith('/outcodes/WA1')) return send(500, { status: 500 });
      return send(404, { status: 404, error: 'Postcode not found' });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    db = await freshDatabase();
    await indexDocs(db, await createSearchPlace(db, 'search-town'));
    const config = (lookup: string) =>
      loadConfig({
        NODE_ENV: 'test',
        KITH_SECRET: 'test-secret-that-is-at-least-32-characters-long',
        KITH_POSTCODE_LOOKUP_URL: lookup,
      });
    app = await buildApp({ config: config(`http://127.0.0.1:${port}/`), db });
    // Nothing listens on port 9 (discard) here: the lookup fails at once.
    downApp = await buildApp({ config: config('http://127.0.0.1:9'), db });
  });
  after(async () => {
    await app?.close();
    await downApp?.close();
    await db?.close();
    server?.close();
  });

  test('shows the field, looks the postcode up once and puts the point in the address', async () => {
    const page = await app.inject('/search-town/search');
    assert.match(
      page.body,
      /<input class="govuk-input govuk-input--width-10" id="postcode" name="postcode" type="text"/,
    );
    const before = lookups;
    const res = await app.inject('/search-town/search?q=yoga&postcode=m320tp&near=urmston');
    assert.equal(res.statusCode, 303);
    assert.equal(lookups, before + 1);
    const location = res.headers.location as string;
    assert.equal(location, '/search-town/search?q=yoga&lat=53.4431&lng=-2.3181&postcode=M32+0TP');
    const results = await app.inject(location);
    assert.equal(results.statusCode, 200);
    assert.equal(lookups, before + 1, 'not looked up again');
    assert.match(results.body, /Distances are from M32 0TP\./);
    assert.match(results.body, /value="M32 0TP"/);
    assert.deepEqual(listedTitles(results.body), ['Yoga in the park', 'Yogga for beginners']);
    const byDistance = await app.inject(`${location}&sort=distance`);
    assert.deepEqual(listedTitles(byDistance.body), ['Yogga for beginners', 'Yoga in the park']);
    assert.match(byDistance.body, /Nearest first, measured from M32 0TP\./);
  });

  test('an outward code alone works too, and on the API without a redirect', async () => {
    const body = (await app.inject('/search-town/api/search?postcode=M33&sort=distance&per_page=3')).json();
    assert.equal(body.origin.postcode, 'M33');
    assert.deepEqual(
      body.contents.map((c: { title: string }) => c.title),
      ['Chair-based exercise', 'Stretford Swimming Club', 'Sale Moor Food Bank'],
    );
  });

  test('explains a bad, unknown or unavailable postcode instead of failing', async () => {
    for (const [url, message] of [
      ['/search-town/search?postcode=hello', /Enter a real postcode, like M32 0TP/],
      ['/search-town/search?postcode=ZZ9+9ZZ', /We could not find that postcode/],
      ['/search-town/search?postcode=WA14', /We cannot look up postcodes just now/],
    ] as const) {
      const res = await app.inject(url);
      assert.equal(res.statusCode, 400, url);
      assert.match(res.body, message, url);
      assert.match(res.body, /<a href="#postcode">/);
    }
    const down = await downApp.inject('/search-town/search?postcode=M32+0TP');
    assert.equal(down.statusCode, 400);
    assert.match(down.body, /We cannot look up postcodes just now; choose a ward/);
  });
});

describe('the interactive map', () => {
  test('without map tiles configured, no map JavaScript is sent or served', async () => {
    const res = await get('/search-town/search?q=yoga');
    assert.doesNotMatch(res.body, /<script|data-map=/);
    assert.equal((await get('/search-town/search/map.js')).statusCode, 404);
    assert.equal((await get('/search-town/search/map.css')).statusCode, 404);
  });

  test('with map tiles, the page loads Leaflet from this site and allows the tile host', async (tc) => {
    const db = await freshDatabase();
    tc.after(() => db.close());
    await indexDocs(db, await createSearchPlace(db, 'search-town'));
    const app = await buildApp({
      config: loadConfig({
        NODE_ENV: 'test',
        KITH_SECRET: 'test-secret-that-is-at-least-32-characters-long',
        KITH_MAP_TILE_URL: 'https://tiles.example.org/{z}/{x}/{y}.png',
        KITH_MAP_TILE_ATTRIBUTION: '© Example tiles',
      }),
      db,
    });
    tc.after(() => app.close());
    const { mapAssets } = await import('./map-assets.js');
    const res = await app.inject('/search-town/search?q=yoga');
    assert.match(
      res.headers['content-security-policy'] as string,
      /img-src 'self' data: https:\/\/tiles\.example\.org/,
    );
    if (!mapAssets()) {
      // Leaflet is a dependency; a checkout without it installed still serves the ward map.
      assert.doesNotMatch(res.body, /<script/);
      tc.skip('leaflet is not installed (npm install)');
      return;
    }
    const script = /<script src="(\/search-town\/search\/map\.js\?v=[0-9a-f]+)" defer><\/script>/.exec(
      res.body,
    );
    assert.ok(script);
    assert.match(res.body, /<link rel="stylesheet" href="\/search-town\/search\/map\.css\?v=[0-9a-f]+">/);
    const data = JSON.parse(decode(/data-map="([^"]+)"/.exec(res.body)?.[1] ?? '{}').replace(/&quot;/g, '"'));
    assert.equal(data.tiles, 'https://tiles.example.org/{z}/{x}/{y}.png');
    assert.equal(data.attribution, '© Example tiles');
    assert.deepEqual(
      data.points.map((p: { title: string }) => p.title),
      ['1. Yoga in the park', '2. Yogga for beginners'],
    );
    const js = await app.inject(script[1] as string);
    assert.equal(js.statusCode, 200);
    assert.match(js.headers['content-type'] as string, /^text\/javascript/);
    assert.match(js.headers['cache-control'] as string, /immutable/);
    assert.match(js.body, /Leaflet 1\.9\.4/);
    assert.match(js.body, /getElementById\('search-map'\)/);
  });
});

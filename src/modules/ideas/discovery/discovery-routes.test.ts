import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { useTestApp } from '../../../../test/helpers/app.js';
import { DEMO_IDEA_AUTHORS, DEMO_IDEAS, DEMO_PENDING_IDEA_ID } from '../seed/demo-ideas.js';
import { IDEA_CSV_COLUMNS } from './discovery-data.js';
import { insertIdea, support, trafford } from './discovery-test-fixtures.js';

const t = useTestApp();
const LIST = '/trafford/ideas';
const PENDING_TITLE = 'A community fridge at the church hall';

type Paged = {
  total_items: number;
  total_pages: number;
  links: Record<string, string>;
  contents: Record<string, unknown>[];
};

async function json(url: string): Promise<Paged> {
  const res = await t.app.inject(url);
  assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 300)}`);
  assert.equal(res.headers['access-control-allow-origin'], '*');
  return res.json() as Paged;
}

async function csv(url: string): Promise<Record<string, string>[]> {
  const res = await t.app.inject(url);
  assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 300)}`);
  assert.match(String(res.headers['content-type']), /^text\/csv/);
  return parse(res.body, { columns: true }) as Record<string, string>[];
}

/** The result titles on a list page, in order. */
const resultTitles = (html: string) =>
  [
    ...html.matchAll(
      /<h2 class="govuk-heading-s govuk-!-margin-bottom-1"><a class="govuk-link" href="\/trafford\/ideas\/[0-9a-f-]{36}">([^<]+)<\/a>/g,
    ),
  ].map((m) => m[1]);

test('the list: published ideas, newest first, each with its stage, theme, ward, counts and date', async () => {
  const res = await t.app.inject(LIST);
  assert.equal(res.statusCode, 200);
  const titles = resultTitles(res.body);
  const published = DEMO_IDEAS.filter((i) => !i.pending);
  for (const idea of published) assert.ok(titles.includes(idea.title), idea.title);
  assert.ok(
    titles.indexOf('Free summer holiday lunches in the park') <
      titles.indexOf('Wildflower verges instead of mowing'),
  );
  assert.doesNotMatch(res.body, new RegExp(PENDING_TITLE));
  const total = (await json('/trafford/api/ideas')).total_items;
  assert.match(res.body, new RegExp(`>${total} ideas<`));
  assert.match(res.body, /href="\/trafford\/ideas\/new"[^>]*>Post an idea</);
  assert.match(res.body, /Being tested/);
  assert.match(res.body, /High streets and town centres · Altrincham/);
  assert.match(res.body, /Children and young people · Partington and Carrington/);
  // The demo benches idea has 23 supporters (posting/posting-seed.ts).
  assert.match(res.body, /Supporters: 23 · Comments: \d+ · Posted \d{1,2} [A-Z][a-z]+ \d{4}/);
  for (const a of DEMO_IDEA_AUTHORS) assert.doesNotMatch(res.body, new RegExp(a.name));
  assert.match(res.body, /href="\/trafford\/ideas\/map"/);
  assert.match(res.body, /href="\/trafford\/ideas\/calls"/);
});

test('filtering by stage and ward narrows the list, shows the filters with links to remove them', async () => {
  const res = await t.app.inject(`${LIST}?stage=proposed&stage=testing&ward=altrincham`);
  assert.equal(res.statusCode, 200);
  assert.deepEqual(
    new Set(resultTitles(res.body)),
    new Set([
      'Benches and planters along Stamford New Road',
      'Pay-as-you-feel café in the empty unit on the high street',
    ]),
  );
  assert.match(res.body, />2 ideas</);
  assert.match(res.body, /Ward: <strong>Altrincham<\/strong>/);
  assert.match(res.body, /Stage: <strong>Proposed<\/strong>/);
  // Removing the ward keeps the stages; removing a stage keeps the rest.
  const ward =
    /href="([^"]+)"[^>]*>Remove<span class="govuk-visually-hidden"> the filter Ward: Altrincham/.exec(
      res.body,
    )?.[1];
  assert.equal(ward?.replaceAll('&amp;', '&'), `${LIST}?stage=proposed&stage=testing`);
  const testing =
    /href="([^"]+)"[^>]*>Remove<span class="govuk-visually-hidden"> the filter Stage: Being tested/.exec(
      res.body,
    )?.[1];
  assert.match(testing ?? '', /ward=E05\d+&amp;stage=proposed$/);
  // The chosen values stay chosen in the form.
  assert.match(res.body, /value="proposed" checked/);
  assert.match(res.body, /<option value="E05\d+" selected>Altrincham<\/option>/);
  // Downloads carry the same filters.
  assert.match(res.body, /href="\/trafford\/ideas\.csv\?ward=E05\d+&amp;stage=proposed&amp;stage=testing"/);

  const one = await t.app.inject(`${LIST}?theme=food&ward=longford`);
  assert.deepEqual(resultTitles(one.body), ['Free summer holiday lunches in the park']);
  assert.match(one.body, />1 idea</);

  const none = await t.app.inject(`${LIST}?ward=none`);
  assert.deepEqual(resultTitles(none.body), ['Evening homework club at the library']);
  assert.match(none.body, /Ward: <strong>Not in one ward<\/strong>/);

  const empty = await t.app.inject(`${LIST}?q=xylophone`);
  assert.match(empty.body, /No ideas match these filters/);
  assert.match(empty.body, />0 ideas</);
});

test('sorting: most supported and most active, with links that keep the filters', async () => {
  const place = await trafford(t.db);
  const popular = await insertIdea(t.db, place, {
    title: 'Repair café in Sale',
    theme: 'environment',
    daysAgo: 400,
    activeDaysAgo: 0,
  });
  // One more supporter than the demo wildflower idea has.
  const [wildflower] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from idea_supports s join ideas i on i.id = s.idea_id where i.title = 'Wildflower verges instead of mowing'",
  );
  const supporters = (wildflower?.n ?? 0) + 1;
  await support(t.db, popular, supporters);
  const supported = await t.app.inject(`${LIST}?sort=supported&theme=environment`);
  assert.deepEqual(resultTitles(supported.body), [
    'Repair café in Sale',
    'Wildflower verges instead of mowing',
  ]);
  assert.match(supported.body, new RegExp(`Supporters: ${supporters} `));
  assert.match(supported.body, /<strong aria-current="true">Most supported<\/strong>/);
  assert.match(supported.body, /href="\/trafford\/ideas\?theme=environment&amp;sort=active">Most active</);
  assert.match(supported.body, /href="\/trafford\/ideas\?theme=environment">Newest</);
  const newest = await t.app.inject(`${LIST}?theme=environment`);
  assert.deepEqual(resultTitles(newest.body), ['Wildflower verges instead of mowing', 'Repair café in Sale']);
  const active = await t.app.inject(`${LIST}?theme=environment&sort=active`);
  assert.deepEqual(resultTitles(active.body), ['Repair café in Sale', 'Wildflower verges instead of mowing']);
  await t.db.query('delete from ideas where id = $1', [popular]);
});

test('paging keeps the filters, and a page number that is not one shows the first page', async () => {
  const place = await trafford(t.db);
  for (let n = 0; n < 22; n++)
    await insertIdea(t.db, place, { title: `Paging idea ${n}`, theme: 'arts-and-culture' });
  const first = await t.app.inject(`${LIST}?theme=arts-and-culture`);
  assert.equal(resultTitles(first.body).length, 20);
  assert.match(first.body, />22 ideas</);
  assert.match(first.body, /href="\/trafford\/ideas\?theme=arts-and-culture&amp;page=2"/);
  const second = await t.app.inject(`${LIST}?theme=arts-and-culture&page=2`);
  assert.equal(resultTitles(second.body).length, 2);
  assert.match(second.body, /<title>Ideas \(page 2\)/);
  for (const page of ['0', '-1', 'abc', '99999999999', '1e3']) {
    const res = await t.app.inject(`${LIST}?theme=arts-and-culture&page=${page}`);
    assert.equal(res.statusCode, 200, page);
  }
  const beyond = await t.app.inject(`${LIST}?theme=arts-and-culture&page=50`);
  assert.equal(beyond.statusCode, 200);
  assert.equal(resultTitles(beyond.body).length, 0);
  await t.db.query(`delete from ideas where title like 'Paging idea %'`);
});

test('hostile and unknown filter values never break a page: they are left out and said so', async () => {
  const urls = [
    `${LIST}?stage=bogus&ward=atlantis&call=x&challenge=y&sort=zzz&theme=nope`,
    `${LIST}?ward=${'a'.repeat(5000)}`,
    `${LIST}?q=${encodeURIComponent("'); drop table ideas; --")}`,
    `${LIST}?q=${encodeURIComponent('%_\\')}`,
    `${LIST}?stage[]=proposed&ward[a]=b&theme=food&theme=food`,
    `${LIST}?q=${'é'.repeat(1000)}`,
    `${LIST}?call=00000000-0000-4000-8000-000000000000&challenge=00000000-0000-4000-8000-000000000000`,
    `${LIST}/map?stage=bogus&ward=atlantis&theme=%3Cscript%3E&q=${encodeURIComponent('<script>alert(1)</script>')}`,
  ];
  for (const url of urls) {
    const res = await t.app.inject(url);
    assert.equal(res.statusCode, 200, url);
    assert.doesNotMatch(res.body, /<script>alert/, url);
  }
  const res = await t.app.inject(urls[0] as string);
  assert.match(res.body, /Some of what you asked for was left out/);
  assert.match(res.body, /We could not find that ward/);
  assert.match(res.body, /We did not recognise a stage/);
  assert.match(res.body, /newest ideas are shown first/);
  // Everything else is still listed.
  assert.ok(resultTitles(res.body).includes('Pop-up play street on Sunday afternoons'));

  // The open data says what it did not understand, as problem+json, rather than guess.
  for (const url of [
    '/trafford/api/ideas?stage=bogus',
    '/trafford/api/ideas?ward=atlantis',
    '/trafford/ideas.csv?call=not-a-uuid',
    '/trafford/api/ideas?page=0',
    '/trafford/api/ideas?per_page=100000',
  ]) {
    const bad = await t.app.inject(url);
    assert.equal(bad.statusCode, 422, url);
    assert.match(String(bad.headers['content-type']), /application\/problem\+json/, url);
  }
});

test('open data: the JSON and the CSV agree row for row, in the same order, with the same filters', async () => {
  for (const query of [
    '',
    '?sort=active',
    '?stage=proposed&stage=developing',
    '?ward=altrincham&sort=supported',
  ]) {
    const sep = query ? '&' : '?';
    const body = await json(`/trafford/api/ideas${query}${sep}per_page=200`);
    const rows = await csv(`/trafford/ideas.csv${query}`);
    assert.equal(rows.length, body.total_items, query);
    assert.equal(rows.length, body.contents.length, query);
    assert.deepEqual(Object.keys(rows[0] ?? {}), IDEA_CSV_COLUMNS);
    for (const [n, item] of body.contents.entries()) {
      const row = rows[n] as Record<string, string>;
      for (const column of IDEA_CSV_COLUMNS) {
        const value = item[column];
        assert.equal(row[column], value === null ? '' : String(value), `${query} row ${n} ${column}`);
      }
    }
  }
  const all = await json('/trafford/api/ideas?per_page=200');
  const homework = all.contents.find((i) => i.title === 'Evening homework club at the library');
  assert.equal(homework?.ward_code, null);
  assert.equal(homework?.area, 'Partington and Carrington');
  assert.equal(homework?.stage, 'learned');
  assert.match(String(homework?.created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.match(String(homework?.url), /^\/trafford\/ideas\/[0-9a-f-]{36}$/);
});

test('the JSON pages with links that keep the filters', async () => {
  const body = await json('/trafford/api/ideas?stage=proposed&per_page=1');
  assert.ok(body.total_items >= 3);
  assert.equal(body.contents.length, 1);
  assert.equal(body.links.next, '/trafford/api/ideas?stage=proposed&page=2&per_page=1');
  const next = await json(body.links.next as string);
  assert.notEqual(next.contents[0]?.id, body.contents[0]?.id);
  assert.equal(next.contents[0]?.stage, 'proposed');
});

test('pending and hidden ideas never appear: not in the list, the map, the JSON or the CSV', async () => {
  const place = await trafford(t.db);
  const hidden = await insertIdea(t.db, place, {
    title: 'Zebra crossing hidden by a moderator',
    status: 'hidden',
  });
  const before = await t.app.inject(`${LIST}/map`);
  const bodies = [
    (await t.app.inject(LIST)).body,
    (await t.app.inject(`${LIST}?q=fridge`)).body,
    (await t.app.inject(`${LIST}?ward=sale-central`)).body,
    JSON.stringify(await json('/trafford/api/ideas?per_page=200')),
    (await t.app.inject('/trafford/ideas.csv')).body,
    (await t.app.inject('/trafford/ideas.csv?q=zebra')).body,
  ];
  for (const body of bodies) {
    assert.doesNotMatch(body, new RegExp(PENDING_TITLE));
    assert.doesNotMatch(body, new RegExp(DEMO_PENDING_IDEA_ID));
    assert.doesNotMatch(body, /Zebra crossing/);
    assert.doesNotMatch(body, new RegExp(hidden));
    assert.doesNotMatch(body, /@trafford-together\.example|@example\.org/);
    for (const a of DEMO_IDEA_AUTHORS) assert.doesNotMatch(body, new RegExp(a.name));
  }
  // Sale Central has the pending idea: the map counts only the published one.
  const sale = /href="\/trafford\/ideas\?ward=(E05\d+)">Sale Central<\/a><\/th>\s*<td[^>]*>(\d+)<\/td>/.exec(
    before.body,
  );
  assert.equal(sale?.[2], '1');
  await t.db.query('delete from ideas where id = $1', [hidden]);
});

test('the CSV cannot run formulas in a spreadsheet', async () => {
  const place = await trafford(t.db);
  await insertIdea(t.db, place, {
    title: '=HYPERLINK("http://evil.example","Click")',
    summary: '+SUM(1,2) is what we want',
    area: '@the corner',
    theme: 'other',
  });
  const rows = await csv('/trafford/ideas.csv?theme=other');
  const row = rows.find((r) => (r.title ?? '').includes('HYPERLINK'));
  assert.equal(row?.title, `'=HYPERLINK("http://evil.example","Click")`);
  assert.equal(row?.summary, `'+SUM(1,2) is what we want`);
  assert.equal(row?.area, `'@the corner`);
  // The JSON is data, not a spreadsheet: as written.
  const body = await json('/trafford/api/ideas?theme=other');
  assert.ok(body.contents.some((i) => i.title === '=HYPERLINK("http://evil.example","Click")'));
  await t.db.query(`delete from ideas where title like '=HYPERLINK%'`);
});

test('the map: the ward map links to each ward’s list, and the table counts ideas by ward and stage', async () => {
  const res = await t.app.inject(`${LIST}/map`);
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<svg[^>]*class="kith-map"/);
  assert.match(res.body, /<a href="\/trafford\/ideas\?ward=E05\d+"[^>]*aria-label="Ideas in Altrincham"/);
  const altrincham =
    /<th scope="row" class="govuk-table__header"><a class="govuk-link" href="\/trafford\/ideas\?ward=(E05\d+)">Altrincham<\/a><\/th>\s*<td[^>]*>(\d+)<\/td>((?:\s*<td[^>]*>\d+<\/td>){5})/.exec(
      res.body,
    );
  assert.ok(altrincham, 'a row for Altrincham');
  assert.equal(altrincham[2], '2');
  assert.deepEqual(
    [...(altrincham[3] ?? '').matchAll(/>(\d+)</g)].map((m) => m[1]),
    ['1', '0', '1', '0', '0'],
  );
  assert.match(res.body, /href="\/trafford\/ideas\?ward=none">Not in one ward<\/a><\/th>\s*<td[^>]*>1<\/td>/);

  // Following a ward's link gives that ward's ideas.
  const list = await t.app.inject(`/trafford/ideas?ward=${altrincham[1]}`);
  assert.equal(resultTitles(list.body).length, 2);

  // The filters carry through to the counts and the links.
  const proposed = await t.app.inject(`${LIST}/map?stage=proposed&ward=altrincham`);
  assert.match(
    proposed.body,
    /href="\/trafford\/ideas\?ward=E05\d+&amp;stage=proposed">Altrincham<\/a><\/th>\s*<td[^>]*>1<\/td>/,
  );
  assert.match(
    proposed.body,
    /href="\/trafford\/ideas\?ward=none&amp;stage=proposed">Not in one ward<\/a><\/th>\s*<td[^>]*>0<\/td>/,
  );
  assert.match(proposed.body, /<a href="\/trafford\/ideas\?ward=E05\d+&amp;stage=proposed"/);
  assert.doesNotMatch(proposed.body, /Ward: <strong>/, 'the ward filter does not apply to a map of wards');
});

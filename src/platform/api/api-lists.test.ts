import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { useTestApp } from '../../../test/helpers/app.js';
import { demoUrl } from '../demo-params.js';

/**
 * "Every public list supports paging, filters and CSV": walks the route table, so a list added
 * tomorrow is held to it too. A JSON answer is a list when it holds an array of records.
 */
const t = useTestApp();

/** Lists that page the way their sector standard says, not with Kith's envelope. */
const STANDARD_PAGING: [prefix: string, why: string][] = [
  ['/:place/api/oruk', 'Open Referral UK pages with its own envelope; /api/services.csv is its CSV'],
  ['/:place/api/openactive', 'OpenActive feeds page by RPDE `next` links (changes since), not page numbers'],
];

/** Public JSON that is one record or a set of figures in fixed tables, not a list of records. */
const NOT_LISTS = new Map<string, string>([
  ['/api/openapi.json', 'the API description itself'],
  ['/api/docs', 'the API’s documentation, a web page'],
  ['/:place/api/streets/figures', 'a year of figures in fixed tables, by type and by ward (CSV twin)'],
  ['/:place/api/budgets/:process/ballot', 'one ballot paper'],
  ['/:place/api/budgets/:process/turnout', 'one ballot’s turnout figures (CSV twin)'],
  ['/:place/api/budgets/:process/results', 'one count: its rounds and winners'],
  ['/:place/api/budgets/:process/delivery', 'the delivery of one count’s winners, as one report'],
  ['/:place/api/assemblies/:assembly/invitation-draw', 'one invitation draw and its seed'],
  ['/:place/api/assemblies/:assembly/respondents', 'one assembly’s respondent figures by feature'],
  ['/:place/api/assemblies/:assembly/selection', 'one selection: its algorithm, lottery and chances'],
]);

const isPublicJsonApi = (r: { method: string; url: string; access: unknown }) =>
  r.method === 'GET' &&
  r.access === 'public' &&
  /^(\/:place)?\/api\//.test(r.url) &&
  !/\.\w+$/.test(r.url) &&
  !/\/:\w+(\([^)]*\))?$/.test(r.url);

function holdsRecords(body: unknown): boolean {
  const values = Array.isArray(body) ? [body] : Object.values(body as object);
  return values.some((v) => Array.isArray(v) && v.some((x) => x && typeof x === 'object'));
}

/** `name=value` for the first declared filter with a fixed set of values, to try on the list. */
function enumFilter(query: z.ZodObject | undefined): string | null {
  for (const [name, schema] of Object.entries(query?.shape ?? {})) {
    const inner = schema instanceof z.ZodOptional ? schema.unwrap() : schema;
    if (inner instanceof z.ZodEnum) return `${name}=${encodeURIComponent(String(inner.options[0]))}`;
  }
  return null;
}

async function getJson(url: string) {
  const res = await t.app.inject({ url });
  assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 200)}`);
  assert.match(String(res.headers['content-type']), /^application\/json/, url);
  return JSON.parse(res.body);
}

test('every public JSON list is paged, documented with its filters, and has a CSV twin with the same rows', async () => {
  const routes = new Set(t.app.routeTable.filter((r) => r.method === 'GET').map((r) => r.url));
  const checked: string[] = [];
  for (const r of t.app.routeTable.filter(isPublicJsonApi)) {
    if (NOT_LISTS.has(r.url) || STANDARD_PAGING.some(([prefix]) => r.url.startsWith(prefix))) continue;
    const url = demoUrl(r.url);
    assert.ok(url, `${r.url} has demo values for its parameters`);
    const body = await getJson(`${url}?per_page=200`);
    if (!holdsRecords(body) && !('contents' in body)) continue;

    // Paged, in the shared envelope, and the OpenAPI document says so.
    assert.ok(Array.isArray(body.contents), `${r.url} answers in the paging envelope`);
    assert.equal(typeof body.total_items, 'number', r.url);
    assert.ok(r.api?.paged, `${r.url} declares paged: true`);
    assert.ok(r.api?.summaryKey, `${r.url} has a summary`);

    // Paging really pages.
    const first = await getJson(`${url}?per_page=1`);
    assert.equal(first.size, Math.min(1, body.total_items), r.url);
    assert.equal(first.total_items, body.total_items, `${r.url}: paging does not change the total`);
    if (body.total_items > 1) {
      const second = await getJson(first.links.next);
      assert.equal(second.page_number, 2, r.url);
      assert.notDeepEqual(second.contents[0], first.contents[0], `${r.url}: page 2 is not page 1`);
    }
    // The links keep a filter, so `next` is the next page of the same list.
    const filter = enumFilter(r.api.query);
    if (filter) {
      const filtered = await getJson(`${url}?${filter}&per_page=1`);
      for (const link of [filtered.links.self, filtered.links.next].filter(Boolean))
        assert.ok(link.includes(filter), `${r.url}: ${link} keeps ${filter}`);
    }
    const bad = await t.app.inject({ url: `${url}?page=0` });
    assert.ok([400, 422].includes(bad.statusCode), `${r.url}: a bad page is refused, not a 500`);
    assert.match(String(bad.headers['content-type']), /^application\/problem\+json/, r.url);

    // The CSV twin: the same path with .csv, with or without /api.
    const twin = [`${r.url}.csv`, `${r.url.replace('/api/', '/')}.csv`].find((u) => routes.has(u));
    assert.ok(twin, `${r.url} has a CSV twin (${r.url}.csv)`);
    const csv = await t.app.inject({ url: demoUrl(twin) as string });
    assert.equal(csv.statusCode, 200, twin);
    assert.match(String(csv.headers['content-type']), /^text\/csv/, twin);
    if (body.total_items <= 200) {
      const rows = parse(csv.body, { columns: true });
      // A list of records with lists inside (a space's months) is one CSV row per inner item.
      const nested = body.contents.some((item: object) => Object.values(item).some(Array.isArray));
      if (nested) assert.ok(rows.length >= body.total_items, `${twin} holds every one of the list's rows`);
      else assert.equal(rows.length, body.total_items, `${twin} holds the list's ${body.total_items} rows`);
    }
    checked.push(r.url);
  }
  assert.ok(checked.length >= 20, `checked ${checked.length} lists: ${checked.join(' ')}`);
});

test('the exceptions name routes that exist, so the list of them cannot go stale', () => {
  const urls = new Set(t.app.routeTable.map((r) => r.url));
  for (const url of NOT_LISTS.keys()) assert.ok(urls.has(url), `${url} is a route`);
  for (const [prefix] of STANDARD_PAGING)
    assert.ok(
      [...urls].some((u) => u.startsWith(prefix)),
      `${prefix} has routes`,
    );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { useTestApp } from '../../../test/helpers/app.js';
import { submitForm } from '../../../test/helpers/form-client.js';
import { makePerson } from '../../../test/helpers/people.js';

const t = useTestApp();

type Entry = {
  id: string;
  published: boolean;
  withheld_reason: string | null;
  distributions: { format: string; url: string; media_type: string }[];
  fields: { name: string }[];
};

async function datasets(): Promise<Entry[]> {
  const res = await t.app.inject({ url: '/trafford/api/datasets?per_page=200' });
  assert.equal(res.statusCode, 200);
  const body = JSON.parse(res.body);
  assert.equal(body.contents.length, body.total_items, 'the whole catalogue is on one page');
  return body.contents;
}

/** Every row of a JSON distribution, following the paging links to the end. */
async function jsonRows(url: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let next: string | undefined = `${url}?per_page=200`;
  while (next) {
    const url: string = next;
    const res = await t.app.inject({ url });
    assert.equal(res.statusCode, 200, url);
    const body: Record<string, unknown> & { links?: { next?: unknown } } = JSON.parse(res.body);
    if (Array.isArray(body)) rows.push(...body);
    else if (Array.isArray(body.features))
      rows.push(...(body.features as { properties: Record<string, unknown> }[]).map((f) => f.properties));
    else {
      const list = Array.isArray(body.contents) ? body.contents : Object.values(body).find(Array.isArray);
      rows.push(...((list ?? []) as Record<string, unknown>[]));
    }
    next = typeof body.links?.next === 'string' ? body.links.next : undefined;
  }
  return rows;
}

test('every dataset in the catalogue downloads in every listed format, with the right media type', async () => {
  const all = await datasets();
  assert.ok(all.length >= 10, 'the demo place has its modules’ datasets');
  for (const d of all)
    for (const x of d.distributions) {
      const res = await t.app.inject({ url: x.url });
      assert.equal(res.statusCode, 200, `${d.id} ${x.format} ${x.url}`);
      const type = String(res.headers['content-type']).split(';')[0];
      assert.equal(type, x.media_type, `${d.id} ${x.format}`);
    }
});

test('for each dataset with both, the CSV and the JSON hold the same rows (by the key column)', async () => {
  const modules = (await import('../modules.js')).modules;
  const keyOf = new Map(modules.flatMap((m) => (m.datasets ?? []).map((d) => [d.id, d.keyField ?? 'id'])));
  let compared = 0;
  for (const d of await datasets()) {
    const csv = d.distributions.find((x) => x.media_type === 'text/csv');
    const json = d.distributions.find((x) => x.media_type === 'application/json');
    if (!csv || !json) continue;
    const key = keyOf.get(d.id) ?? 'id';
    const csvRows = parse((await t.app.inject({ url: csv.url })).body, { columns: true }) as Record<
      string,
      string
    >[];
    const fromJson = await jsonRows(json.url);
    assert.ok(key in (csvRows[0] ?? { [key]: '' }), `${d.id}: the CSV has its key column ${key}`);
    const a = csvRows.map((r) => r[key]).sort();
    const b = fromJson.map((r) => String(r[key])).sort();
    assert.ok(a.length > 0, `${d.id} has demo rows`);
    assert.deepEqual(a, b, `${d.id}: CSV and JSON agree on ${key}`);
    compared++;
  }
  assert.ok(compared >= 8, `compared ${compared} datasets`);
});

test('the catalogue page links each dataset’s page and the DCAT catalogue', async () => {
  const res = await t.app.inject({ url: '/trafford/data' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<link rel="alternate" type="application\/ld\+json" href="\/trafford\/data.jsonld"/);
  assert.match(res.body, /href="\/trafford\/data\/wards"/);
});

test('a dataset page shows publisher, licence, frequency, formats, fields and the API endpoint', async () => {
  const res = await t.app.inject({ url: '/trafford/data/wards' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /Trafford Council/);
  assert.match(res.body, /Open Government Licence v3.0/);
  assert.match(res.body, /<code>population<\/code>/);
  assert.match(res.body, /<code>\/trafford\/api\/wards<\/code>/);
  assert.match(res.body, /href="\/trafford\/api\/wards.geojson"/);
  const ideas = await t.app.inject({ url: '/trafford/data/ideas' });
  assert.doesNotMatch(ideas.body, /Not known/, 'ideas know when they last changed');
  const services = await t.app.inject({ url: '/trafford/data/services' });
  assert.match(services.body, /href="https:\/\/openreferraluk.org\/"/);
  for (const bad of ['nope', 'NOPE', '..%2f..', 'a'.repeat(500), '%00']) {
    const r = await t.app.inject({ url: `/trafford/data/${bad}` });
    assert.equal(r.statusCode, r.statusCode === 400 ? 400 : 404, bad);
  }
});

test('the DCAT catalogue is JSON-LD a harvester can read, and every download it lists resolves', async () => {
  const res = await t.app.inject({ url: '/trafford/data.jsonld' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^application\/ld\+json/);
  const doc = JSON.parse(res.body);
  assert.equal(doc['@context'].dcat, 'http://www.w3.org/ns/dcat#');
  assert.equal(doc['@context'].dct, 'http://purl.org/dc/terms/');
  assert.equal(doc['@type'], 'dcat:Catalog');
  const list = doc['dcat:dataset'] as Record<string, unknown>[];
  assert.equal(list.length, (await datasets()).length);
  for (const d of list) {
    assert.equal(d['@type'], 'dcat:Dataset');
    assert.ok(typeof d['dct:title'] === 'string' && typeof d['dct:description'] === 'string');
    assert.equal((d['dct:publisher'] as { 'foaf:name': string })['foaf:name'], 'Trafford Council');
    assert.equal(
      d['dct:license'],
      'http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
    );
    assert.match(
      String(d['dct:accrualPeriodicity']),
      /^http:\/\/publications\.europa\.eu\/resource\/authority\/frequency\/[A-Z_]+$/,
    );
    for (const x of d['dcat:distribution'] as Record<string, string>[]) {
      assert.equal(x['@type'], 'dcat:Distribution');
      assert.match(
        x['dcat:mediaType'] as string,
        /^https:\/\/www\.iana\.org\/assignments\/media-types\/[a-z]+\/[a-z+.-]+$/,
      );
      const url = new URL(x['dcat:downloadURL'] ?? (x['dcat:accessURL'] as string));
      const got = await t.app.inject({ url: url.pathname });
      assert.equal(got.statusCode, 200, url.pathname);
    }
  }
  const ideas = list.find((d) => d['dct:identifier'] === 'ideas');
  assert.match(String(ideas?.['dct:modified']), /^\d{4}-\d\d-\d\dT/);
});

test('a place admin withholds a dataset with a published reason: listed still, downloads refused, then released', async () => {
  const admin = await makePerson(t.db, { roles: ['place-admin'] });
  const form = '/trafford/admin/data/idea-calls';
  const page = await t.app.inject({ url: '/trafford/admin/data', headers: { cookie: admin.cookie } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /href="\/trafford\/admin\/data\/idea-calls"/);

  // Hostile and incomplete input: field errors, nothing withheld.
  for (const [fields, message] of [
    [{}, /Choose why the dataset is withheld/],
    [{ reasonKind: 'because', reason: 'x' }, /Choose why/],
    [{ reasonKind: 'other', reason: '   ' }, /Enter the reason/],
    [{ reasonKind: 'other', reason: 'x'.repeat(1001) }, /1,000 characters or fewer/],
  ] as const) {
    const r = await submitForm(t.app, {
      cookie: admin.cookie,
      formUrl: form,
      postUrl: `${form}/withhold`,
      fields,
    });
    assert.equal(r.statusCode, 422);
    assert.match(r.body, message);
  }
  assert.equal((await t.app.inject({ url: '/trafford/ideas/calls.csv' })).statusCode, 200);

  const reason = 'The calls list names a private landowner while a sale is agreed.';
  const done = await submitForm(t.app, {
    cookie: admin.cookie,
    formUrl: form,
    postUrl: `${form}/withhold`,
    fields: { reasonKind: 'commercial', reason },
  });
  assert.equal(done.statusCode, 303);

  const entry = (await datasets()).find((d) => d.id === 'idea-calls');
  assert.equal(entry?.published, false);
  assert.equal(entry?.withheld_reason, reason);
  assert.match(
    (await t.app.inject({ url: '/trafford/data' })).body,
    /a private landowner while a sale is agreed/,
  );

  const [call] = await t.db.query<{ id: string }>('select id from idea_calls limit 1');
  for (const url of [
    '/trafford/ideas/calls.csv',
    '/trafford/api/ideas/calls',
    '/trafford/api/ideas/calls?page=1',
    `/trafford/api/ideas/calls/${call?.id}`, // nor a record at a time
  ]) {
    const r = await t.app.inject({ url });
    assert.equal(r.statusCode, 403, url);
    assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
    const body = JSON.parse(r.body);
    assert.equal(body.detail, reason);
    assert.equal(body.title, 'Dataset withheld');
  }
  const html = await t.app.inject({ url: '/trafford/ideas/calls.csv', headers: { accept: 'text/html' } });
  assert.equal(html.statusCode, 403);
  assert.match(html.headers['content-type'] as string, /^text\/html/);
  assert.match(html.body, /a private landowner while a sale is agreed/);
  // The service's own pages stay, and other datasets are untouched.
  assert.equal((await t.app.inject({ url: '/trafford/ideas/calls' })).statusCode, 200);
  assert.equal((await t.app.inject({ url: '/trafford/ideas.csv' })).statusCode, 200);
  const [idea] = await t.db.query<{ id: string }>(
    "select id from ideas where moderation_status = 'published' limit 1",
  );
  assert.equal((await t.app.inject({ url: `/trafford/api/ideas/${idea?.id}` })).statusCode, 200);

  const dcat = JSON.parse((await t.app.inject({ url: '/trafford/data.jsonld' })).body);
  const withheld = dcat['dcat:dataset'].find(
    (d: Record<string, unknown>) => d['dct:identifier'] === 'idea-calls',
  );
  assert.equal(withheld['adms:status'], 'http://purl.org/adms/status/Withdrawn');
  assert.match(withheld['skos:editorialNote'], /private landowner/);
  assert.ok(withheld['dcat:distribution'].every((x: Record<string, string>) => !x['dcat:downloadURL']));

  const release = await submitForm(t.app, {
    cookie: admin.cookie,
    formUrl: form,
    postUrl: `${form}/release`,
    fields: {},
  });
  assert.equal(release.statusCode, 303);
  assert.equal((await t.app.inject({ url: '/trafford/ideas/calls.csv' })).statusCode, 200);
  const history = await t.app.inject({ url: '/trafford/data/idea-calls' });
  assert.match(history.body, /withheld\. The calls list names a private landowner/);
  assert.match(history.body, /published again/);

  const audit = await t.db.query<{ action: string }>(
    `select action from audit_log where target_type = 'dataset' and target_id = 'idea-calls' order by id`,
  );
  assert.deepEqual(
    audit.map((a) => a.action),
    ['data.withhold', 'data.release'],
  );
});

test('only place admins may withhold, and only with the form’s CSRF token', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  assert.equal(
    (await t.app.inject({ url: '/trafford/admin/data', headers: { cookie: officer.cookie } })).statusCode,
    403,
  );
  const admin = await makePerson(t.db, { roles: ['place-admin'] });
  const noToken = await t.app.inject({
    method: 'POST',
    url: '/trafford/admin/data/wards/withhold',
    headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'reasonKind=other&reason=x',
  });
  assert.equal(noToken.statusCode, 403);
  const unknown = await submitForm(t.app, {
    cookie: admin.cookie,
    formUrl: '/trafford/admin/data/wards',
    postUrl: '/trafford/admin/data/not-a-dataset/withhold',
    fields: { reasonKind: 'other', reason: 'x' },
  });
  assert.equal(unknown.statusCode, 404);
  assert.equal((await t.app.inject({ url: '/trafford/api/wards.csv' })).statusCode, 200);
});

test('the audit log CSV streams every row, batch after batch, newest first', async () => {
  const admin = await makePerson(t.db, { roles: ['place-admin'] });
  await t.db.query(
    `insert into audit_log (place_id, actor_id, action, target_type, target_id, after)
     select p.id, null, 'bench.row', 'thing', g::text, jsonb_build_object('note', '=cmd' || g)
     from places p, generate_series(1, 4500) g where p.slug = 'trafford'`,
  );
  const [{ n } = { n: 0 }] = await t.db.query<{ n: number }>(
    `select count(*)::int as n from audit_log a join places p on p.id = a.place_id where p.slug = 'trafford'`,
  );
  const res = await t.app.inject({ url: '/trafford/admin/audit.csv', headers: { cookie: admin.cookie } });
  assert.equal(res.statusCode, 200);
  const rows = parse(res.body, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, n);
  const ids = rows.map((r) => Number(r.id));
  assert.deepEqual(
    ids,
    [...ids].sort((a, b) => b - a),
    'newest first',
  );
  assert.equal(new Set(ids).size, ids.length, 'no row twice across batches');
  const filtered = parse(
    (
      await t.app.inject({
        url: '/trafford/admin/audit.csv?action=bench.',
        headers: { cookie: admin.cookie },
      })
    ).body,
    { columns: true },
  );
  assert.equal(filtered.length, 4500);
});

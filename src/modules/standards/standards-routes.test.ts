import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { useTestApp } from '../../../test/helpers/app.js';
import { openForm, submitForm, uploadFile } from '../../../test/helpers/form-client.js';
import { makePerson } from '../../../test/helpers/people.js';
import { addMonths } from '../../lib/standards/performance.js';
import { FIGURE_CSV_COLUMNS } from './standards-data.js';
import { DEMO_STANDARDS_IMPORT_ID } from './standards-seed.js';
import { latestReportableMonth } from './standards-service.js';

const t = useTestApp();
const ROOT = '/trafford/standards';
const BINS = `${ROOT}/waste-and-recycling/missed-bins`;
const LAST = latestReportableMonth();
const [LAST_YEAR, LAST_MONTH] = LAST.split('-').map(Number) as [number, number];

test('the list: every service and standard, the latest month met, missed or with no figure, and the year so far', async () => {
  const res = await t.app.inject(ROOT);
  assert.equal(res.statusCode, 200);
  for (const service of ['Waste and recycling', 'Council tax and benefits', 'Highways', 'Libraries'])
    assert.match(res.body, new RegExp(`>${service}</a>`));
  assert.match(res.body, /We collect a missed bin within 2 working days of you telling us/);
  assert.match(res.body, /Met \d+ of 12 months/);
  assert.match(res.body, /No figure for 1 month/);
  assert.match(res.body, />\s*Met\s*</);
  assert.doesNotMatch(res.body, /Add a service|Import monthly figures/, 'visitors cannot manage');
  assert.match(res.body, /href="\/trafford\/standards\/figures.csv"/);

  const service = await t.app.inject(`${ROOT}/council-tax-and-benefits`);
  assert.equal(service.statusCode, 200);
  assert.match(service.body, /We decide new benefit claims within 20 days on average/);
  assert.match(service.body, /at most 20 days/);
  assert.match(service.body, /href="https:\/\/www.trafford.gov.uk\/residents\/council-tax\/"/);
});

test("a standard's page: an accessible chart with the target and misses marked, and every month in a table", async () => {
  const res = await t.app.inject(BINS);
  assert.equal(res.statusCode, 200);
  assert.match(
    res.body,
    /<svg class="kith-chart__svg" role="img" aria-labelledby="standard-chart-title standard-chart-desc"/,
  );
  assert.match(
    res.body,
    /<desc id="standard-chart-desc">Line chart of the 12 months from [A-Z][a-z]+ \d{4} to [A-Z][a-z]+ \d{4}: 8 met, 3 missed, 1 with no figure\. The target is at least 95%/,
  );
  assert.equal(
    (res.body.match(/stroke="#d4351c" stroke-width="4"/g) ?? []).length,
    3,
    'three crosses for the misses',
  );
  assert.equal(
    (res.body.match(/>✗ \d/g) ?? []).length,
    3,
    'each miss is labelled with a cross, not only a colour',
  );
  assert.match(res.body, /stroke-dasharray="8 5"/, 'the target line');
  assert.match(res.body, /Target: at least 95%/);
  // 18 months in the table, the newest first, with a "no figure" month shown rather than hidden.
  assert.equal((res.body.match(/<tr class="govuk-table__row" id="month-/g) ?? []).length, 18);
  assert.ok(res.body.indexOf(`id="month-${LAST}"`) < res.body.indexOf(`id="month-${addMonths(LAST, -1)}"`));
  assert.match(res.body, /No figure was reported for this month\./);
  assert.match(
    res.body,
    /<strong>What we are doing about it:<\/strong> Bad weather stopped crews reaching some streets\./,
  );
  assert.match(res.body, /\d+ of \d+/, 'the counts a percentage came from');
  assert.doesNotMatch(res.body, /Enter a month&#39;s figure/);
});

test('unknown or hostile addresses are 404s, bad open data filters are 422s, never a 500', async () => {
  for (const bad of [
    'nope',
    'Waste-And-Recycling',
    "x'; drop table council_services; --",
    'x'.repeat(300),
    '%00',
    'import.csv',
  ]) {
    assert.equal((await t.app.inject(`${ROOT}/${encodeURIComponent(bad)}`)).statusCode, 404, bad);
    assert.equal(
      (await t.app.inject(`${ROOT}/waste-and-recycling/${encodeURIComponent(bad)}`)).statusCode,
      404,
      bad,
    );
    assert.equal(
      (await t.app.inject(`${ROOT}/highways/missed-bins`)).statusCode,
      404,
      'standard of another service',
    );
  }
  for (const query of [
    'from=2026-13',
    'to=yesterday',
    'service=BAD!',
    'standard=a&standard=b',
    'page=0',
    'per_page=1000',
  ]) {
    const api = await t.app.inject(`/trafford/api/standards/figures?${query}`);
    assert.equal(api.statusCode, 422, query);
    assert.match(String(api.headers['content-type']), /problem\+json/, query);
    assert.equal(
      (await t.app.inject(`${ROOT}/figures.csv?${query.replace(/page=0|per_page=1000/, 'from=x')}`))
        .statusCode,
      422,
      query,
    );
  }
  const officer = await makePerson(t.db, { roles: ['officer'] });
  for (const url of [
    `${ROOT}/import/nope`,
    `${ROOT}/import/00000000-0000-4000-8000-000000000000`,
    `${ROOT}/nope/edit`,
    `${BINS}x/figure`,
  ])
    assert.equal((await t.app.inject({ url, headers: { cookie: officer.cookie } })).statusCode, 404, url);
});

test('only officers and place admins reach the forms; visitors are sent to sign in; posts need the CSRF token', async () => {
  const resident = await makePerson(t.db);
  const connector = await makePerson(t.db, { roles: ['connector'] });
  const forms = [
    `${ROOT}/new-service`,
    `${ROOT}/waste-and-recycling/edit`,
    `${ROOT}/waste-and-recycling/new-standard`,
    `${BINS}/edit`,
    `${BINS}/figure`,
    `${ROOT}/import`,
    `${ROOT}/import/${DEMO_STANDARDS_IMPORT_ID}`,
  ];
  for (const url of forms) {
    assert.equal((await t.app.inject({ url, headers: { cookie: resident.cookie } })).statusCode, 403, url);
    assert.equal((await t.app.inject({ url, headers: { cookie: connector.cookie } })).statusCode, 403, url);
    const visitor = await t.app.inject(url);
    assert.equal(visitor.statusCode, 303, url);
    assert.match(String(visitor.headers.location), /^\/account\/sign-in\?return=/);
  }
  const asResident = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: ROOT,
    postUrl: `${BINS}/figure`,
    fields: { 'month-month': String(LAST_MONTH), 'month-year': String(LAST_YEAR), value: '10', action: 'x' },
  });
  assert.equal(asResident.statusCode, 403);
  const officer = await makePerson(t.db, { roles: ['officer'] });
  for (const url of forms.filter((f) => !f.includes('/import'))) {
    const res = await t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: officer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ name: 'X', value: '1', _csrf: 'forged' }).toString(),
    });
    assert.equal(res.statusCode, 403, url);
  }
  const page = await t.app.inject(BINS);
  assert.doesNotMatch(page.body, /Change this standard/);
});

test('an officer enters a missed month: told to say what is being done, then it is published with it', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const page = await t.app.inject({ url: BINS, headers: { cookie: officer.cookie } });
  assert.match(page.body, new RegExp(`href="${BINS}/figure"[^>]*>Enter a month&#39;s figure<`));
  const post = await openForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${ROOT}/highways/street-lights/figure`,
  });

  const empty = await post({ 'month-month': '', 'month-year': '', value: '' });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /href="#month-month">Enter the month the figure is for/);
  assert.match(empty.body, /href="#value">Enter the figure, or the counts to work it out from/);

  const hostile = await post({
    'month-month': '<script>',
    'month-year': '2026',
    value: '1e9',
    numerator: '5',
    note: 'n'.repeat(1001),
  });
  assert.equal(hostile.statusCode, 422);
  assert.match(hostile.body, /href="#month-month">Enter a real month, like 4 2026/);
  assert.match(hostile.body, /Enter both counts, or neither/);
  assert.match(hostile.body, /The note must be 1,000 characters or fewer/);
  assert.doesNotMatch(hostile.body, /<script>/);

  const future = await post({ 'month-month': '12', 'month-year': '2999', value: '95' });
  assert.match(future.body, /That month has not ended yet/);

  const fields = {
    'month-month': String(LAST_MONTH),
    'month-year': String(LAST_YEAR),
    value: '82.5',
    numerator: '',
    denominator: '',
  };
  const noAction = await post(fields);
  assert.equal(noAction.statusCode, 422);
  assert.match(noAction.body, /href="#action">This month missed its target: say what is being done about it/);
  assert.match(noAction.body, /value="82.5"/, 'what was typed comes back');

  const saved = await post({
    ...fields,
    action: 'A contractor is fixing the backlog of network faults by the end of next month.',
  });
  assert.equal(saved.statusCode, 303);
  assert.equal(saved.headers.location, `${ROOT}/highways/street-lights?done=updated&month=${LAST}#months`);
  const shown = await t.app.inject({
    url: String(saved.headers.location),
    headers: { cookie: officer.cookie },
  });
  assert.match(shown.body, /has been changed\. The earlier version is kept below it\./);
  assert.match(shown.body, /82.5%/);
  assert.match(shown.body, /What we are doing about it:<\/strong> A contractor is fixing the backlog/);
  assert.match(shown.body, /Earlier versions/);

  // The month's form is filled in from the figure, to change what is being done later.
  const edit = await t.app.inject({
    url: `${ROOT}/highways/street-lights/figure?month=${LAST}`,
    headers: { cookie: officer.cookie },
  });
  assert.match(edit.body, /Change the figure for/);
  assert.match(edit.body, /name="value"[^>]*value="82.5"/);
  assert.match(edit.body, /A contractor is fixing the backlog/);
});

test('an officer adds a service and a standard through the forms', async () => {
  const admin = await makePerson(t.db, { roles: ['place-admin'] });
  const service = await submitForm(t.app, {
    cookie: admin.cookie,
    formUrl: `${ROOT}/new-service`,
    fields: { name: 'Parks', description: 'Looks after parks.', contactUrl: '', slug: '' },
  });
  assert.equal(service.statusCode, 303);
  assert.equal(service.headers.location, `${ROOT}/parks`);
  const post = await openForm(t.app, { cookie: admin.cookie, formUrl: `${ROOT}/parks/new-standard` });
  const wrong = await post({
    promise: '',
    measure: 'M',
    unit: 'percent',
    target: '150',
    direction: '',
    'since-month': '13',
    'since-year': '2026',
  });
  assert.equal(wrong.statusCode, 422);
  assert.match(wrong.body, /href="#promise">Enter what residents can expect/);
  assert.match(wrong.body, /href="#since-month">Enter a real month/);
  const ok = await post({
    promise: 'Play areas are inspected every week',
    measure: 'Percentage of play areas inspected each week',
    unit: 'percent',
    target: '100',
    direction: 'higher-is-better',
    'since-month': String(LAST_MONTH),
    'since-year': String(LAST_YEAR),
    slug: '',
  });
  assert.equal(ok.statusCode, 303);
  assert.equal(ok.headers.location, `${ROOT}/parks/play-areas-are-inspected-every-week?done=added`);
  const page = await t.app.inject(String(ok.headers.location));
  assert.match(page.body, /at least 100%/);
  assert.match(page.body, />\s*No figure\s*</);
});

test('a CSV upload is previewed with every problem, and imported only when confirmed', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const month = addMonths(LAST, -1);
  const csv = [
    'standard,month,value,numerator,denominator,note,action',
    `libraries/opening-hours,${month},98.5,,,,"=HYPERLINK(""http://evil"")"`,
    `libraries/reservations,${month},70,,,,`,
    'nowhere/nothing,2026-01,1,,,,',
  ].join('\n');
  const noFile = await uploadFile(t.app, {
    cookie: officer.cookie,
    formUrl: `${ROOT}/import`,
    field: 'file',
    content: '',
  });
  assert.equal(noFile.statusCode, 422);
  assert.match(noFile.body, /Choose a CSV file to upload/);
  const forged = await uploadFile(t.app, {
    cookie: officer.cookie,
    formUrl: `${ROOT}/import`,
    field: 'file',
    filename: 'f.csv',
    content: csv,
    csrf: 'forged',
  });
  assert.equal(forged.statusCode, 403);
  const up = await uploadFile(t.app, {
    cookie: officer.cookie,
    formUrl: `${ROOT}/import`,
    field: 'file',
    filename: 'figures.csv',
    content: csv,
  });
  assert.equal(up.statusCode, 303);
  const preview = String(up.headers.location);
  assert.match(preview, /^\/trafford\/standards\/import\/[0-9a-f-]{36}$/);
  const page = await t.app.inject({ url: preview, headers: { cookie: officer.cookie } });
  assert.match(page.body, /3 rows: 1 ready to import, 2 with problems\./);
  assert.match(page.body, /This month missed its target: say what is being done about it/);
  assert.match(page.body, /There is no standard with that name/);
  assert.match(page.body, /Nothing has been published yet\./);
  const before = await t.app.inject(`${ROOT}/libraries/opening-hours`);
  assert.doesNotMatch(before.body, /HYPERLINK/);

  const post = await openForm(t.app, { cookie: officer.cookie, formUrl: preview });
  const unchosen = await post({});
  assert.equal(unchosen.statusCode, 422);
  assert.match(unchosen.body, /Select what you want to import/);
  const all = await post({ choice: 'all' });
  assert.equal(all.statusCode, 422);
  assert.match(all.body, /Some rows have problems/);
  const done = await post({ choice: 'valid' });
  assert.equal(done.statusCode, 200);
  assert.match(done.body, /Figures imported/);
  assert.match(done.body, /0 new monthly figures, 1 changed/);
  assert.match(done.body, /2 rows with problems were left out\./);
  const after = await t.app.inject(`${ROOT}/libraries/opening-hours`);
  assert.match(after.body, /98.5%/);
  assert.match(after.body, /=HYPERLINK\(&quot;http:\/\/evil&quot;\)/, 'shown as text on the page');
  // …and made safe in the CSV download.
  const csvOut = await t.app.inject(
    `${ROOT}/figures.csv?service=libraries&standard=opening-hours&from=${month}&to=${month}`,
  );
  const rows = parse(csvOut.body, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.action, `'=HYPERLINK("http://evil")`);
  assert.equal(rows[0]?.value, '98.5');
  assert.equal(rows[0]?.status, 'missed');
  assert.equal(rows[0]?.source, 'csv');
});

test('open data: the JSON and the CSV agree, values are exact decimals, filters and paging work', async () => {
  const all = (
    await t.app.inject('/trafford/api/standards/figures?per_page=200&service=waste-and-recycling')
  ).json() as {
    total_items: number;
    contents: Record<string, unknown>[];
    links: { self: string };
  };
  assert.ok(all.total_items > 30);
  assert.match(all.links.self, /service=waste-and-recycling/);
  const csv = await t.app.inject(`${ROOT}/figures.csv?service=waste-and-recycling`);
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, all.total_items);
  assert.deepEqual(Object.keys(rows[0] ?? {}), FIGURE_CSV_COLUMNS);
  for (const [n, item] of all.contents.entries())
    for (const column of FIGURE_CSV_COLUMNS)
      assert.equal(rows[n]?.[column], item[column] === null ? '' : String(item[column]), `${n} ${column}`);
  for (const item of all.contents) {
    assert.equal(typeof item.value, 'string');
    assert.match(String(item.value), /^\d+(\.\d{1,2})?$/);
    assert.equal(item.service, 'waste-and-recycling');
  }
  const ranged = (
    await t.app.inject(
      `/trafford/api/standards/figures?standard=missed-bins&from=${addMonths(LAST, -2)}&to=${LAST}`,
    )
  ).json() as { total_items: number };
  assert.equal(ranged.total_items, 3);

  const summary = (await t.app.inject('/trafford/api/standards')).json() as {
    total_items: number;
    contents: {
      service_slug: string;
      slug: string;
      target: string;
      last_12_months: { met: number; missed: number; no_figure: number };
    }[];
  };
  assert.equal(new Set(summary.contents.map((s) => s.service_slug)).size >= 4, true);
  const bins = summary.contents.find(
    (s) => s.service_slug === 'waste-and-recycling' && s.slug === 'missed-bins',
  );
  assert.equal(bins?.target, '95');
  assert.deepEqual(bins?.last_12_months, { met: 8, missed: 3, no_figure: 1, months: 12 });
  // The CSV has the same standards, one row each, with the year's tally flattened.
  const standardsCsv = parse((await t.app.inject('/trafford/api/standards.csv')).body, {
    columns: true,
  }) as Record<string, string>[];
  assert.equal(standardsCsv.length, summary.total_items);
  const binsRow = standardsCsv.find(
    (r) => r.service_slug === 'waste-and-recycling' && r.slug === 'missed-bins',
  );
  assert.deepEqual(
    [
      binsRow?.target,
      binsRow?.met_last_12_months,
      binsRow?.missed_last_12_months,
      binsRow?.no_figure_last_12_months,
    ],
    ['95', '8', '3', '1'],
  );
  assert.equal((await t.app.inject('/trafford/api/standards')).headers['access-control-allow-origin'], '*');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { useTestApp } from '../../../../test/helpers/app.js';
import { submitForm, uploadFile } from '../../../../test/helpers/form-client.js';
import { pbPerson, processFields } from '../../../../test/helpers/pb-process.js';
import { createProcess, movePhase } from '../processes/process-service.js';
import { proposeMerge, recordFeasibility, submitProposal } from './proposal-service.js';

const t = useTestApp();

let n = 0;
async function newProcess() {
  const officer = await pbPerson(t.db, ['officer']);
  const slug = await createProcess(officer.ctx, processFields({ title: `Route fund ${++n}` }));
  return { officer, slug, base: `/trafford/budgets/${slug}` };
}

const FIELDS = {
  title: 'A mural on the underpass',
  summary: 'Local artists paint the underpass.',
  description: 'First paragraph.\n\nSecond paragraph.',
  ward: '',
  category: 'arts-and-culture',
  location: 'Bridge Road underpass',
  costLabel1: 'Paint',
  costAmount1: '800',
  costLabel2: 'Artists',
  costAmount2: '2,200.50',
};

test('a resident puts a proposal forward through the form, adding a cost line without JavaScript', async () => {
  const { base } = await newProcess();
  const me = await pbPerson(t.db);
  const form = await t.app.inject({ url: `${base}/proposals/new`, headers: { cookie: me.cookie } });
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /name="costLabel3"/);
  assert.doesNotMatch(form.body, /name="costLabel4"/);
  const more = await submitForm(t.app, {
    cookie: me.cookie,
    formUrl: `${base}/proposals/new`,
    postUrl: `${base}/proposals`,
    fields: { ...FIELDS, lines: '3', action: 'add-line' },
  });
  assert.equal(more.statusCode, 200);
  assert.match(more.body, /name="costLabel4"/, 'one more line');
  assert.match(more.body, /value="2,200.50"/, 'what was typed is kept');
  assert.doesNotMatch(more.body, /There is a problem/);

  const sent = await submitForm(t.app, {
    cookie: me.cookie,
    formUrl: `${base}/proposals/new`,
    postUrl: `${base}/proposals`,
    fields: { ...FIELDS, lines: '4', action: 'save' },
  });
  assert.equal(sent.statusCode, 303);
  assert.equal(sent.headers.location, `${base}/proposals/1?done=submitted`);
  const page = await t.app.inject(`${base}/proposals/1`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /A mural on the underpass/);
  assert.match(page.body, /£3,000.50/, 'the total');
  assert.match(page.body, /£2,200.50/, 'a line of the breakdown');
  assert.match(page.body, /Officers have not checked this proposal yet/);
  assert.match(page.body, /<p class="govuk-body">Second paragraph.<\/p>/);
});

test('the form shows every mistake in a GOV.UK error summary and keeps what was typed', async () => {
  const { base } = await newProcess();
  const me = await pbPerson(t.db);
  const res = await submitForm(t.app, {
    cookie: me.cookie,
    formUrl: `${base}/proposals/new`,
    postUrl: `${base}/proposals`,
    fields: { ...FIELDS, title: '', category: '', costAmount1: '12.345', costLabel2: '', lines: '2' },
  });
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /govuk-error-summary/);
  assert.match(res.body, /There is a problem/);
  assert.match(res.body, /href="#title">Enter the name of the project/);
  assert.match(res.body, /href="#category">Choose what the proposal is about/);
  assert.match(res.body, /href="#costAmount1">Enter the cost in pounds, like 1250 or 1,250.50/);
  assert.match(res.body, /href="#costLabel2">Enter what this cost is for/);
  assert.match(res.body, /value="12.345"/);
  const over = await submitForm(t.app, {
    cookie: me.cookie,
    formUrl: `${base}/proposals/new`,
    postUrl: `${base}/proposals`,
    fields: { ...FIELDS, costAmount1: '50000', lines: '2' },
  });
  assert.equal(over.statusCode, 422);
  assert.match(over.body, /href="#costs">The total cost must be no more than the budget/);
});

test('a form posted without its CSRF token is refused', async () => {
  const { base } = await newProcess();
  const me = await pbPerson(t.db);
  const res = await t.app.inject({
    method: 'POST',
    url: `${base}/proposals`,
    headers: { cookie: me.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(FIELDS).toString(),
  });
  assert.equal(res.statusCode, 403);
  const list = await t.app.inject(`/trafford/api/budgets/${base.split('/').pop()}/proposals`);
  assert.equal(JSON.parse(list.body).total_items, 0);
});

test('a resident cannot record feasibility; an officer does, and the reason is published', async () => {
  const { officer, slug, base } = await newProcess();
  const me = await pbPerson(t.db);
  await submitProposal(me.ctx, slug, FIELDS);
  const page = await t.app.inject({ url: `${base}/proposals/1/feasibility`, headers: { cookie: me.cookie } });
  assert.equal(page.statusCode, 403);
  const post = await submitForm(t.app, {
    cookie: me.cookie,
    formUrl: `${base}/proposals/1`,
    postUrl: `${base}/proposals/1/feasibility`,
    fields: { feasible: 'yes', reason: 'I like it' },
  });
  assert.equal(post.statusCode, 403);

  const empty = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${base}/proposals/1/feasibility`,
    fields: { reason: '' },
  });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /href="#feasible">Choose whether the proposal is feasible/);
  assert.match(empty.body, /href="#reason">Enter the reason for the decision/);
  const ok = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${base}/proposals/1/feasibility`,
    fields: { feasible: 'no', reason: 'The underpass belongs to the railway.' },
  });
  assert.equal(ok.statusCode, 303);
  const shown = await t.app.inject(`${base}/proposals/1`);
  assert.match(shown.body, /Not feasible/);
  assert.match(shown.body, /The underpass belongs to the railway./);
});

test('the CSV holds the same proposals as the JSON, with filters', async () => {
  const { officer, slug } = await newProcess();
  const me = await pbPerson(t.db);
  await submitProposal(me.ctx, slug, FIELDS);
  await submitProposal(me.ctx, slug, { ...FIELDS, title: 'Trees, "lots" of them', category: 'green-spaces' });
  await recordFeasibility(officer.ctx, slug, 2, { feasible: 'yes', reason: 'Yes.' });
  const json = JSON.parse((await t.app.inject(`/trafford/api/budgets/${slug}/proposals`)).body);
  assert.equal(json.total_items, 2);
  for (const url of [
    `/trafford/api/budgets/${slug}/proposals.csv`,
    `/trafford/budgets/${slug}/proposals.csv`,
  ]) {
    const res = await t.app.inject(url);
    assert.match(res.headers['content-type'] as string, /^text\/csv/);
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    assert.deepEqual(
      rows,
      json.contents.map((item: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v === null ? '' : String(v)])),
      ),
    );
  }
  const feasible = JSON.parse(
    (await t.app.inject(`/trafford/api/budgets/${slug}/proposals?status=feasible`)).body,
  );
  assert.deepEqual(
    feasible.contents.map((i: { number: number; cost_pence: number }) => [i.number, i.cost_pence]),
    [[2, 300050]],
  );
  const csv = parse(
    (await t.app.inject(`/trafford/api/budgets/${slug}/proposals.csv?category=green-spaces`)).body,
    {
      columns: true,
    },
  ) as Record<string, string>[];
  assert.deepEqual(
    csv.map((r) => r.title),
    ['Trees, "lots" of them'],
  );
  const page = await t.app.inject(`/trafford/budgets/${slug}/proposals?status=feasible`);
  assert.match(page.body, /Trees, &quot;lots&quot; of them/);
  assert.doesNotMatch(page.body, /A mural on the underpass/);
});

test('once voting has opened, changes are refused with a page that says why', async () => {
  const { officer, slug, base } = await newProcess();
  const me = await pbPerson(t.db);
  await submitProposal(me.ctx, slug, FIELDS);
  await recordFeasibility(officer.ctx, slug, 1, { feasible: 'yes', reason: 'Yes.' });
  await movePhase(officer.ctx, slug, 'voting');
  const res = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${base}/proposals/1/cost`,
    fields: { pounds: '10', reason: 'Cheaper' },
  });
  assert.equal(res.statusCode, 409);
  assert.match(res.body, /Voting has opened, so proposals can no longer change/);
  const page = await t.app.inject({ url: `${base}/proposals/1`, headers: { cookie: me.cookie } });
  assert.doesNotMatch(page.body, /Withdraw this proposal/);
  assert.doesNotMatch(page.body, /Change this proposal/);
});

test('authors answer a suggested merge on its own page; the merged proposal points to the other', async () => {
  const { officer, slug, base } = await newProcess();
  const a = await pbPerson(t.db);
  const b = await pbPerson(t.db);
  await submitProposal(a.ctx, slug, FIELDS);
  await submitProposal(b.ctx, slug, { ...FIELDS, title: 'Underpass art' });
  const suggested = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${base}/merges/new`,
    postUrl: `${base}/merges`,
    fields: { from: '2', into: '1', reason: 'Both paint the underpass.' },
  });
  assert.equal(suggested.statusCode, 303);
  const list = await t.app.inject({ url: `${base}/proposals`, headers: { cookie: b.cookie } });
  const link = /href="([^"]+\/merges\/[0-9a-f-]{36})"/.exec(list.body)?.[1];
  assert.ok(link, 'the author is asked on the list');
  const blank = await submitForm(t.app, { cookie: b.cookie, formUrl: link, fields: {} });
  assert.equal(blank.statusCode, 422);
  assert.match(blank.body, /href="#agree">Choose whether you agree/);
  const yes = await submitForm(t.app, { cookie: b.cookie, formUrl: link, fields: { agree: 'yes' } });
  assert.equal(yes.headers.location, `${link}?done=pending`);
  assert.equal(
    (await submitForm(t.app, { cookie: a.cookie, formUrl: link, fields: { agree: 'yes' } })).headers.location,
    `${link}?done=agreed`,
  );
  const merged = await t.app.inject(`${base}/proposals/2`);
  assert.match(merged.body, /merged into proposal 1 with its authors&#39; agreement/);
  assert.match(merged.body, /Both paint the underpass./);
  const stranger = await pbPerson(t.db);
  const id = await proposeMerge(officer.ctx, slug, { from: 1, into: 2, reason: 'x' }).catch((e) => e);
  assert.ok(id instanceof Error, 'a merged proposal cannot take part in another merge');
  assert.equal((await t.app.inject({ url: link, headers: { cookie: stranger.cookie } })).statusCode, 200);
});

test('the author adds an image with alt text; it is served as WebP from a public address', async () => {
  const { base, slug } = await newProcess();
  const me = await pbPerson(t.db);
  await submitProposal(me.ctx, slug, FIELDS);
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#2a7' } })
    .png()
    .toBuffer();
  const noAlt = await uploadFile(t.app, {
    cookie: me.cookie,
    formUrl: `${base}/proposals/1/image`,
    field: 'file',
    filename: 'mural.png',
    contentType: 'image/png',
    content: png,
    fields: { altText: '' },
  });
  assert.equal(noAlt.statusCode, 422);
  assert.match(noAlt.body, /Describe the picture for people who cannot see it/);
  const text = await uploadFile(t.app, {
    cookie: me.cookie,
    formUrl: `${base}/proposals/1/image`,
    field: 'file',
    filename: 'mural.png',
    contentType: 'image/png',
    content: 'not a picture',
    fields: { altText: 'The underpass wall' },
  });
  assert.equal(text.statusCode, 422);
  assert.match(text.body, /The file must be a JPEG, PNG or WebP picture/);
  const ok = await uploadFile(t.app, {
    cookie: me.cookie,
    formUrl: `${base}/proposals/1/image`,
    field: 'file',
    filename: 'mural.png',
    contentType: 'image/png',
    content: png,
    fields: { altText: 'The grey underpass wall' },
  });
  assert.equal(ok.statusCode, 303);
  const page = await t.app.inject(`${base}/proposals/1`);
  const src = /<img class="kith-photo" src="([^"]+)" alt="The grey underpass wall"/.exec(page.body)?.[1];
  assert.ok(src);
  const file = await t.app.inject(src);
  assert.equal(file.statusCode, 200);
  assert.equal(file.headers['content-type'], 'image/webp');
  assert.equal((await sharp(file.rawPayload).metadata()).format, 'webp');
  const stranger = await pbPerson(t.db);
  const refused = await uploadFile(t.app, {
    cookie: stranger.cookie,
    formUrl: `${base}/proposals/1`,
    postUrl: `${base}/proposals/1/image`,
    field: 'file',
    filename: 'mine.png',
    contentType: 'image/png',
    content: png,
    fields: { altText: 'Mine' },
  });
  assert.equal(refused.statusCode, 403);
});

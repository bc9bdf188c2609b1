import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { useTestApp } from '../../../test/helpers/app.js';
import { submitForm, uploadFile } from '../../../test/helpers/form-client.js';
import { makePerson } from '../../../test/helpers/people.js';
import {
  DEMO_DECISION_ID,
  DEMO_DRAFT_ID,
  DEMO_MADE_ID,
  DEMO_OPTION_ID,
  DEMO_REVIEWED_ID,
} from './seed/demo-decisions.js';

const t = useTestApp();
const BASE = '/trafford/decisions';
const OPEN = `${BASE}/${DEMO_DECISION_ID}`;

test('the public log and page lay out the question, options side by side, constraints, links and comments', async () => {
  const list = await t.app.inject(BASE);
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /Should the council move Sale Library into the new civic hub\?/);
  assert.doesNotMatch(list.body, /Parking charges in Altrincham/, 'drafts are not listed to visitors');
  const page = await t.app.inject(OPEN);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Move the library into the civic hub/);
  assert.match(page.body, /£450,000/, 'cost shown in pounds from pence');
  assert.match(page.body, /Public Libraries and Museums Act 1964/);
  assert.match(page.body, /href="\/trafford\/consultations"/);
  assert.match(page.body, /href="\/trafford\/assemblies\/climate"/);
  assert.match(page.body, /Saturday story time/);
  assert.match(page.body, /Sign in to comment/);
  const made = await t.app.inject(`${BASE}/${DEMO_MADE_ID}`);
  assert.match(made.body, /Co-produced with/);
  assert.match(made.body, /Partington Community Hub/);
  assert.match(made.body, /Trafford Youth Forum/);
  assert.match(made.body, /You said, we did/);
  assert.match(made.body, /Comments are closed/);
  const reviewed = await t.app.inject(`${BASE}/${DEMO_REVIEWED_ID}`);
  assert.match(reviewed.body, /How it turned out/);
  assert.match(reviewed.body, /Director of Place/);
});

test('filters narrow the log, and bad filter values are ignored rather than failing', async () => {
  const made = await t.app.inject(`${BASE}?status=made`);
  assert.match(made.body, /community fund/);
  assert.doesNotMatch(made.body, /Sale Library/);
  const budget = await t.app.inject(`${BASE}?kind=budget-allocation`);
  assert.match(budget.body, /community fund/);
  assert.doesNotMatch(budget.body, /street lights/);
  for (const q of [
    '?status=nope',
    '?kind=%00',
    '?ward=%27;drop',
    '?sort=x&page=-4',
    '?page=abc',
    '?status=draft',
  ]) {
    const res = await t.app.inject(`${BASE}${q}`);
    assert.ok(res.statusCode === 200 || res.statusCode === 400, `${q}: ${res.statusCode}`);
  }
  const drafts = await t.app.inject(`${BASE}?status=draft`);
  assert.doesNotMatch(drafts.body, /Parking charges/, 'a visitor cannot filter to drafts');
});

test('a draft is found only by officers; unknown and malformed ids are 404', async () => {
  assert.equal((await t.app.inject(`${BASE}/${DEMO_DRAFT_ID}`)).statusCode, 404);
  assert.equal((await t.app.inject(`/trafford/api/decisions/${DEMO_DRAFT_ID}`)).statusCode, 404);
  assert.equal((await t.app.inject(`${BASE}/not-a-uuid`)).statusCode, 404);
  assert.equal((await t.app.inject(`${BASE}/dec10000-0000-4000-8000-999999999999`)).statusCode, 404);
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const seen = await t.app.inject({ url: `${BASE}/${DEMO_DRAFT_ID}`, headers: { cookie: officer.cookie } });
  assert.equal(seen.statusCode, 200);
  assert.match(seen.body, /only officers can see it/);
  const api = await t.app.inject({
    url: '/trafford/api/decisions?per_page=200',
    headers: { cookie: officer.cookie },
  });
  assert.doesNotMatch(api.body, /Parking charges/, 'open data never carries drafts, whoever asks');
});

test('the JSON list and the CSV agree, and the CSV is safe to open in a spreadsheet', async () => {
  const json = await t.app.inject('/trafford/api/decisions?per_page=200');
  const csv = await t.app.inject('/trafford/decisions.csv');
  assert.equal(json.statusCode, 200);
  assert.equal(csv.statusCode, 200);
  const items = JSON.parse(json.body).contents as { id: string; title: string; status: string }[];
  const rows = parse(csv.body, { columns: true }) as { id: string; title: string; status: string }[];
  assert.deepEqual(
    rows.map((r) => [r.id, r.title, r.status]),
    items.map((i) => [i.id, i.title, i.status]),
  );
  assert.ok(items.length >= 4);
  const one = await t.app.inject(`/trafford/api/decisions/${DEMO_MADE_ID}`);
  const d = JSON.parse(one.body);
  assert.equal(d.options.length, 2);
  assert.equal(d.options[0].cost_pence, 25_000_000);
  assert.equal(d.options[0].chosen, true);
  assert.equal(d.you_said_we_did.length, 2);
  assert.equal(d.co_production_partners.length, 2);
  assert.ok(d.decision.reasons.length > 10);
  const open = JSON.parse((await t.app.inject(`/trafford/api/decisions/${DEMO_DECISION_ID}`)).body);
  assert.equal(open.comments_count, 2);
  assert.equal(open.decision, null);
  for (const body of [json.body, csv.body, one.body, JSON.stringify(open)])
    assert.doesNotMatch(body, /Rita Okafor|Tom Hughes|@trafford-together/, 'no commenter is named');
  const bad = await t.app.inject('/trafford/api/decisions?page=0');
  assert.equal(bad.statusCode, 422);
});

test('officers only: the manage pages are 403 for residents and need sign-in for visitors', async () => {
  const resident = await makePerson(t.db);
  for (const path of [
    '/new',
    `/${DEMO_DECISION_ID}/manage`,
    `/${DEMO_DECISION_ID}/record`,
    `/${DEMO_DECISION_ID}/edit`,
  ]) {
    const res = await t.app.inject({ url: `${BASE}${path}`, headers: { cookie: resident.cookie } });
    assert.equal(res.statusCode, 403, path);
    const visitor = await t.app.inject(`${BASE}${path}`);
    assert.ok([302, 303].includes(visitor.statusCode), path);
  }
  const post = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: OPEN,
    postUrl: `${OPEN}/options`,
    fields: { title: 'Sneaky option' },
  });
  assert.equal(post.statusCode, 403);
});

test('a form post without its CSRF token is refused', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const res = await t.app.inject({
    method: 'POST',
    url: `${BASE}/new`,
    headers: { cookie: officer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'title=No+token&kind=ordinary&deciderKind=cabinet',
  });
  assert.equal(res.statusCode, 403);
});

test('an officer creates a decision, adds parts with hostile input getting field errors, and moves it on', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const bad = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${BASE}/new`,
    fields: {
      title: 'x'.repeat(201),
      kind: 'nonsense',
      deciderKind: 'committee',
      deciderName: '',
      'dueOn-day': '31',
      'dueOn-month': '2',
      'dueOn-year': '2027',
      ward: 'atlantis',
    },
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /The question must be 200 characters or fewer/);
  assert.match(bad.body, /Choose what kind of decision it is/);
  const coBad = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${BASE}/new`,
    fields: {
      title: 'Bins',
      kind: 'ordinary',
      deciderKind: 'cabinet',
      coProduced: 'yes',
      partners: 'Friends',
    },
  });
  assert.equal(coBad.statusCode, 422);
  assert.match(coBad.body, /Only strategic reviews and budget allocations/);
  const created = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${BASE}/new`,
    fields: {
      title: 'Should we close the Old Trafford depot?',
      background: 'The depot is old.',
      kind: 'ordinary',
      deciderKind: 'officer',
      deciderName: 'Head of Waste',
      'dueOn-day': '1',
      'dueOn-month': '3',
      'dueOn-year': '2030',
      ward: '',
    },
  });
  assert.equal(created.statusCode, 303);
  const manage = String(created.headers.location).split('?')[0] as string;
  const url = manage.replace(/\/manage$/, '');
  // Not public while a draft.
  assert.equal((await t.app.inject(url)).statusCode, 404);
  const option = (fields: Record<string, string>) =>
    submitForm(t.app, { cookie: officer.cookie, formUrl: manage, postUrl: `${url}/options`, fields });
  const costBad = await option({ title: 'A', cost: '12.345' });
  assert.equal(costBad.statusCode, 422);
  assert.match(costBad.body, /Enter the cost in pounds/);
  assert.equal((await option({ title: 'A', cost: '100000001' })).statusCode, 422, 'over £100m');
  assert.equal(
    (await option({ title: 'Close it', cost: '£1,250.50', pros: 'Saves money', cons: 'Jobs move' }))
      .statusCode,
    303,
  );
  assert.equal((await option({ title: 'Keep it', cost: '0' })).statusCode, 303);
  const ev = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: manage,
    postUrl: `${url}/evidence`,
    fields: { title: 'Report', url: 'javascript:alert(1)' },
  });
  assert.equal(ev.statusCode, 422);
  assert.match(ev.body, /Enter a web address starting https:\/\//);
  assert.match(ev.body, /href="#evidence-url"/);
  const link = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: manage,
    postUrl: `${url}/links`,
    fields: { kind: 'consultation', title: 'Survey', url: '//evil.example/x' },
  });
  assert.equal(link.statusCode, 422);
  const constraint = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: manage,
    postUrl: `${url}/constraints`,
    fields: { kind: 'law', body: 'The lease runs to 2031.' },
  });
  assert.equal(constraint.statusCode, 303);
  const api = JSON.parse(
    (
      await t.app.inject({
        url: `/trafford/api${url.replace('/trafford', '')}`,
        headers: { cookie: officer.cookie },
      })
    ).body,
  );
  assert.equal(api.status, 404, 'the API is public: a draft is not there');
  const page = await t.app.inject({ url, headers: { cookie: officer.cookie } });
  assert.match(page.body, /£1,250.50/);
  assert.match(page.body, /£0/);
  // Opening needs a closing date in the future.
  const noDate = await submitForm(t.app, { cookie: officer.cookie, formUrl: `${url}/open`, fields: {} });
  assert.equal(noDate.statusCode, 422);
  assert.match(noDate.body, /Enter when input closes/);
  const past = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${url}/open`,
    fields: { 'inputClosesOn-day': '1', 'inputClosesOn-month': '1', 'inputClosesOn-year': '2020' },
  });
  assert.match(past.body, /today or later/);
  const opened = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${url}/open`,
    fields: { 'inputClosesOn-day': '1', 'inputClosesOn-month': '1', 'inputClosesOn-year': '2099' },
  });
  assert.equal(opened.statusCode, 303);
  assert.equal((await t.app.inject(url)).statusCode, 200, 'public once open');
  // Making it needs reasons and, as residents were asked, a "you said, we did".
  const noReasons = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${url}/record`,
    fields: { option: '' },
  });
  assert.equal(noReasons.statusCode, 422);
  assert.match(noReasons.body, /Enter the reasons/);
  const otherOption = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${url}/record`,
    fields: { option: DEMO_OPTION_ID, reasons: 'Because.' },
  });
  assert.match(otherOption.body, /Choose one of the options/, 'an option of another decision');
  const noYouSaid = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${url}/record`,
    fields: { option: '', decisionText: 'Close it in 2031.', reasons: 'Because.' },
  });
  assert.match(noYouSaid.body, /Add at least one “you said, we did” first/);
  await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: manage,
    postUrl: `${url}/responses`,
    fields: { youSaid: 'Keep jobs local.', weDid: 'Staff move to Sale.' },
  });
  const made = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${url}/record`,
    fields: { option: '', decisionText: 'Close it in 2031.', reasons: 'Because the lease ends.' },
  });
  assert.equal(made.statusCode, 303);
  // A made decision cannot be opened again.
  const reopen = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${url}/open`,
    fields: { 'inputClosesOn-day': '1', 'inputClosesOn-month': '1', 'inputClosesOn-year': '2099' },
  });
  assert.equal(reopen.statusCode, 409);
});

test('comments: only while open, only signed in, with length limits; closed decisions say so kindly', async () => {
  const resident = await makePerson(t.db);
  const empty = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: OPEN,
    postUrl: `${OPEN}/comments`,
    fields: { body: '   ' },
  });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /Enter your comment/);
  const long = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: OPEN,
    postUrl: `${OPEN}/comments`,
    fields: { body: 'x'.repeat(2001) },
  });
  assert.equal(long.statusCode, 422);
  const ok = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: OPEN,
    postUrl: `${OPEN}/comments`,
    fields: { body: 'Please keep the children’s library big.' },
  });
  assert.equal(ok.statusCode, 303);
  assert.match(
    String(ok.headers.location),
    /done=comment-pending/,
    'a new account’s first comment waits for a check',
  );
  const visitorView = await t.app.inject(OPEN);
  assert.doesNotMatch(visitorView.body, /keep the children’s library big/, 'pending is not public');
  const ownView = await t.app.inject({ url: OPEN, headers: { cookie: resident.cookie } });
  assert.match(ownView.body, /Waiting for a check/);
  const closed = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: `${BASE}/${DEMO_MADE_ID}`,
    postUrl: `${BASE}/${DEMO_MADE_ID}/comments`,
    fields: { body: 'Too late?' },
  });
  assert.equal(closed.statusCode, 409);
  assert.match(closed.body, /This decision is closed for comment/);
  const visitor = await t.app.inject({
    method: 'POST',
    url: `${OPEN}/comments`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'body=hi',
  });
  assert.ok([302, 303, 401, 403].includes(visitor.statusCode));
});

test('follow and unfollow; a draft cannot be followed', async () => {
  const resident = await makePerson(t.db);
  const f = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: OPEN,
    postUrl: `${OPEN}/follow`,
    fields: {},
  });
  assert.equal(f.statusCode, 303);
  const page = await t.app.inject({ url: OPEN, headers: { cookie: resident.cookie } });
  assert.match(page.body, /Stop following/);
  const u = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: OPEN,
    postUrl: `${OPEN}/unfollow`,
    fields: {},
  });
  assert.equal(u.statusCode, 303);
  const draft = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: OPEN,
    postUrl: `${BASE}/${DEMO_DRAFT_ID}/follow`,
    fields: {},
  });
  assert.equal(draft.statusCode, 404);
});

test('evidence as an uploaded PDF: checked by its contents, downloadable, removable', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const manage = `${OPEN}/manage`;
  const notPdf = await uploadFile(t.app, {
    cookie: officer.cookie,
    formUrl: manage,
    postUrl: `${OPEN}/evidence/upload`,
    field: 'file',
    filename: 'report.pdf',
    content: 'MZ this is not a PDF',
    contentType: 'application/pdf',
    fields: { title: 'Report' },
  });
  assert.equal(notPdf.statusCode, 422);
  assert.match(notPdf.body, /The file must be a PDF/);
  const none = await uploadFile(t.app, {
    cookie: officer.cookie,
    formUrl: manage,
    postUrl: `${OPEN}/evidence/upload`,
    field: 'file',
    content: '',
    fields: { title: '' },
  });
  assert.equal(none.statusCode, 422);
  assert.match(none.body, /Choose a PDF file to upload/);
  assert.match(none.body, /Enter the document’s title/);
  const pdf = '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n';
  const ok = await uploadFile(t.app, {
    cookie: officer.cookie,
    formUrl: manage,
    postUrl: `${OPEN}/evidence/upload`,
    field: 'file',
    filename: '../../Cabinet report?.pdf',
    content: pdf,
    contentType: 'application/pdf',
    fields: { title: 'Cabinet report, June' },
  });
  assert.equal(ok.statusCode, 303);
  const json = JSON.parse((await t.app.inject(`/trafford/api/decisions/${DEMO_DECISION_ID}`)).body);
  const doc = json.evidence.find((e: { title: string }) => e.title === 'Cabinet report, June');
  assert.equal(doc.format, 'PDF');
  const path = new URL(doc.url).pathname;
  const download = await t.app.inject(path);
  assert.equal(download.statusCode, 200);
  assert.equal(download.headers['content-type'], 'application/pdf');
  assert.match(
    String(download.headers['content-disposition']),
    /^attachment; filename="Cabinet report\.pdf"/,
  );
  assert.equal(download.body, pdf);
  const resident = await makePerson(t.db);
  const forbidden = await uploadFile(t.app, {
    cookie: resident.cookie,
    formUrl: OPEN,
    postUrl: `${OPEN}/evidence/upload`,
    field: 'file',
    filename: 'x.pdf',
    content: pdf,
    fields: { title: 'x' },
  });
  assert.equal(forbidden.statusCode, 403);
  const evidenceId = path.split('/').pop() as string;
  const removed = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: manage,
    postUrl: `${OPEN}/remove`,
    fields: { part: 'evidence', id: evidenceId },
  });
  assert.equal(removed.statusCode, 303);
  assert.equal((await t.app.inject(path)).statusCode, 404);
  assert.equal((await t.app.inject(`${OPEN}/evidence/not-a-uuid`)).statusCode, 404);
});

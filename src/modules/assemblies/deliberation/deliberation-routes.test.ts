import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { useTestApp } from '../../../../test/helpers/app.js';
import { submitForm, uploadFile } from '../../../../test/helpers/form-client.js';
import { pbPerson } from '../../../../test/helpers/pb-process.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import { DEMO_FINISHED_SLUG } from '../seed/demo-assemblies.js';
import { createAssembly, getAssembly } from '../setup/assembly-service.js';
import { addMember, addSessions, assemblyWithMembers } from './deliberation-fixtures.js';
import { seedDeliberation } from './deliberation-seed.js';
import { addSpeaker } from './evidence-service.js';
import {
  castSupport,
  createRecommendation,
  listPublished,
  publishRecommendation,
  recordResponse,
} from './recommendation-service.js';

const t = useTestApp();
const get = (url: string, cookie?: string) => t.app.inject({ url, headers: cookie ? { cookie } : {} });
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

/** An assembly with two published recommendations (one answered), one draft, and a speaker. */
async function published(title: string) {
  const a = await assemblyWithMembers(t.db, title, 3);
  const [m1, m2, m3] = a.members as [(typeof a.members)[0], (typeof a.members)[0], (typeof a.members)[0]];
  for (const rec of ['Cheaper buses', 'Warmer homes', 'Secret draft'])
    await createRecommendation(a.officer.ctx, a.slug, { title: rec, body: `${rec}: the members' words.` });
  await castSupport(m1.ctx, a.slug, 1, { choice: 'support' });
  await castSupport(m2.ctx, a.slug, 1, { choice: 'support' });
  await castSupport(m3.ctx, a.slug, 1, { choice: 'oppose' });
  await publishRecommendation(a.officer.ctx, a.slug, 1);
  await publishRecommendation(a.officer.ctx, a.slug, 2);
  await recordResponse(a.officer.ctx, a.slug, 1, {
    outcome: 'partly-accepted',
    reasons: 'The council does not run the buses.',
    decisionUrl: '',
  });
  await addSpeaker(a.officer.ctx, a.slug, 1, {
    name: 'Dr Asha Patel',
    role: 'A university',
    topic: 'Science',
  });
  return { ...a, base: `/trafford/assemblies/${a.slug}` };
}

test('the public pages, CSV and JSON show published recommendations with counts, never drafts or members’ names', async () => {
  const a = await published('Public pages');
  const list = await get(`${a.base}/recommendations`);
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /Cheaper buses/);
  assert.match(list.body, /2 of 3 members supported it\./);
  assert.match(list.body, /Partly accepted/);
  assert.match(list.body, /The council accepted 0, partly accepted 1 and did not accept 0\./);
  assert.match(list.body, /Still awaiting the council(’|&#39;|')s response: 1\./);
  const one = await get(`${a.base}/recommendations/1`);
  assert.equal(one.statusCode, 200);
  assert.match(one.body, /The council does not run the buses\./);
  assert.equal((await get(`${a.base}/recommendations/3`)).statusCode, 404);
  assert.equal((await get(`${a.base}/recommendations/x`)).statusCode, 404);

  const csv = await get(`${a.base}/recommendations.csv`);
  assert.equal(csv.statusCode, 200);
  const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
  assert.deepEqual(
    rows.map((r) => [r.number, r.title, r.members, r.supported, r.did_not_support, r.response]),
    [
      ['1', 'Cheaper buses', '3', '2', '1', 'partly-accepted'],
      ['2', 'Warmer homes', '3', '0', '0', ''],
    ],
  );
  const json = await get(`/trafford/api/assemblies/${a.slug}/recommendations`);
  assert.equal(json.statusCode, 200);
  const body = json.json();
  assert.equal(body.summary.partly_accepted, 1);
  assert.equal(body.contents.length, 2);
  assert.equal(body.total_items, 2);

  const session = await get(`${a.base}/sessions/1`);
  assert.equal(session.statusCode, 200);
  assert.match(session.body, /Dr Asha Patel/);
  assert.equal((await get(`${a.base}/sessions/9`)).statusCode, 404);

  for (const page of [list, one, csv, json, session]) {
    assert.doesNotMatch(page.body, /Member Name/);
    assert.doesNotMatch(page.body, /Secret draft/);
  }
});

test('the members’ area: a non-member is told why not (403); a member answers a draft with CSRF', async () => {
  const a = await published('Members area');
  const resident = await pbPerson(t.db);
  const refused = await get(`${a.base}/members`, resident.cookie);
  assert.equal(refused.statusCode, 403);
  assert.match(refused.body, /This area is for the assembly(’|&#39;|')s members/);
  assert.match(refused.body, /not signed in as one of its members/);
  assert.equal((await get(`${a.base}/members`)).statusCode, 303);

  const member = a.members[0] as (typeof a.members)[0];
  const page = await get(`${a.base}/members`, member.cookie);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Secret draft/);
  assert.match(page.body, /Session 1: Learning/);
  assert.doesNotMatch(page.body, /Member Name/);
  const action = `${a.base}/members/recommendations/3/support`;

  const empty = await submitForm(t.app, {
    cookie: member.cookie,
    formUrl: `${a.base}/members`,
    postUrl: action,
    fields: {},
  });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /govuk-error-summary/);
  assert.match(empty.body, /href="#choice-3"/);

  const noToken = await t.app.inject({
    method: 'POST',
    url: action,
    headers: { cookie: member.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'choice=support',
  });
  assert.equal(noToken.statusCode, 403);

  const ok = await submitForm(t.app, {
    cookie: member.cookie,
    formUrl: `${a.base}/members`,
    postUrl: action,
    fields: { choice: 'oppose' },
  });
  assert.equal(ok.statusCode, 303);
  assert.match(String(ok.headers.location), /members\?done=support#recommendation-3$/);
  const after = await get(`${a.base}/members`, member.cookie);
  assert.match(after.body, /Your answer: I do not support this recommendation/);

  // A non-member posting with a good token is refused too.
  const stranger = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: `${a.base}/recommendations`,
    postUrl: action,
    fields: { choice: 'support' },
  });
  assert.equal(stranger.statusCode, 403);
});

test('officers record the council’s response: errors are summarised, the response is published, others are refused', async () => {
  const a = await published('Officer response');
  const formUrl = `${a.base}/recommendations/2/response`;
  const empty = await submitForm(t.app, { cookie: a.officer.cookie, formUrl, fields: { reasons: '  ' } });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /There is a problem/);
  assert.match(empty.body, /Select the council(’|&#39;|')s response/);
  assert.match(empty.body, /Enter the reasons for the council(’|&#39;|')s response/);

  const ok = await submitForm(t.app, {
    cookie: a.officer.cookie,
    formUrl,
    fields: {
      outcome: 'accepted',
      reasons: 'Grant money pays for 400 homes.',
      decisionUrl: 'https://example.org/d/1',
    },
  });
  assert.equal(ok.statusCode, 303);
  const page = await get(String(ok.headers.location));
  assert.match(page.body, /The council(’|&#39;|')s response has been recorded and published/);
  assert.match(page.body, /Grant money pays for 400 homes\./);
  assert.match(page.body, /href="https:\/\/example.org\/d\/1"/);

  // Changed, with the optional link left empty as a browser sends it.
  const changed = await submitForm(t.app, {
    cookie: a.officer.cookie,
    formUrl,
    fields: { outcome: 'not-accepted', reasons: 'No money after all.', decisionUrl: '' },
  });
  assert.equal(changed.statusCode, 303);
  assert.match(String(changed.headers.location), /\?done=changed$/);

  const unassigned = await pbPerson(t.db, ['officer']);
  assert.equal((await get(formUrl, unassigned.cookie)).statusCode, 403);
  assert.equal((await get(`${a.base}/deliberation`, unassigned.cookie)).statusCode, 403);
  const resident = await pbPerson(t.db);
  assert.equal((await get(formUrl, resident.cookie)).statusCode, 403);
  // A draft cannot be answered yet.
  assert.equal((await get(`${a.base}/recommendations/3/response`, a.officer.cookie)).statusCode, 409);
});

test('officers write and publish recommendations and post delivery updates, with error summaries', async () => {
  const a = await published('Officer writing');
  const overview = await get(`${a.base}/deliberation`, a.officer.cookie);
  assert.equal(overview.statusCode, 200);
  assert.match(overview.body, /Secret draft/);

  const bad = await submitForm(t.app, {
    cookie: a.officer.cookie,
    formUrl: `${a.base}/recommendations/new`,
    fields: {},
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /Enter a title for the recommendation/);
  const made = await submitForm(t.app, {
    cookie: a.officer.cookie,
    formUrl: `${a.base}/recommendations/new`,
    fields: { title: 'Local food', body: 'Grow more.' },
  });
  assert.equal(made.statusCode, 303);
  assert.match(String(made.headers.location), /#recommendation-4$/);
  const publish = await submitForm(t.app, {
    cookie: a.officer.cookie,
    formUrl: `${a.base}/recommendations/4/publish`,
    fields: {},
  });
  assert.equal(publish.statusCode, 303);
  assert.equal((await get(`${a.base}/recommendations/4`)).statusCode, 200);

  const updateUrl = `${a.base}/recommendations/1/updates/new`;
  const badDate = await submitForm(t.app, {
    cookie: a.officer.cookie,
    formUrl: updateUrl,
    fields: {
      status: 'on-track',
      body: 'Going well',
      'date-day': '31',
      'date-month': '2',
      'date-year': '2027',
    },
  });
  assert.equal(badDate.statusCode, 422);
  assert.match(badDate.body, /href="#date-day"/);
  assert.match(badDate.body, /must be a real date/);
  const posted = await submitForm(t.app, {
    cookie: a.officer.cookie,
    formUrl: updateUrl,
    fields: {
      status: 'delayed',
      body: 'Waiting for the Mayor.',
      'date-day': '3',
      'date-month': '3',
      'date-year': '2027',
    },
  });
  assert.equal(posted.statusCode, 303);
  const page = await get(`${a.base}/recommendations/1`);
  assert.match(page.body, /Waiting for the Mayor\./);
  assert.match(page.body, /3 March 2027/);
  // No updates on a recommendation without an accepting response.
  assert.equal((await get(`${a.base}/recommendations/2/updates/new`, a.officer.cookie)).statusCode, 409);
});

test('officers add a speaker through the form; a missing name is summarised; the link is optional', async () => {
  const a = await published('Speaker form');
  const formUrl = `${a.base}/sessions/2/speakers/new`;
  const bad = await submitForm(t.app, {
    cookie: a.officer.cookie,
    formUrl,
    fields: { name: '', role: '', topic: 'Buses', link: 'not a link' },
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /Enter the speaker(’|&#39;|')s name/);
  assert.match(bad.body, /Enter a web address starting with https:\/\/, or leave it empty/);
  const ok = await submitForm(t.app, {
    cookie: a.officer.cookie,
    formUrl,
    fields: { name: 'Priya Raman', role: 'Network manager, Irwell Valley Buses', topic: 'Buses', link: '' },
  });
  assert.equal(ok.statusCode, 303);
  const page = await get(`${a.base}/sessions/2`);
  assert.match(page.body, /Priya Raman/);
  assert.match(page.body, /Spoke about: Buses/);
  const resident = await pbPerson(t.db);
  assert.equal((await get(formUrl, resident.cookie)).statusCode, 403);

  // Taken off again, from the session page's Remove button.
  const removeUrl = `${a.base}/sessions/2/speakers/1/remove`;
  const refused = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: `${a.base}/sessions/2`,
    postUrl: removeUrl,
    fields: {},
  });
  assert.equal(refused.statusCode, 403);
  const removed = await submitForm(t.app, {
    cookie: a.officer.cookie,
    formUrl: `${a.base}/sessions/2`,
    postUrl: removeUrl,
    fields: {},
  });
  assert.equal(removed.statusCode, 303);
  assert.doesNotMatch((await get(`${a.base}/sessions/2`)).body, /Priya Raman/);
});

test('session documents: PDFs only, published for anyone to download', async () => {
  const a = await published('Documents');
  const formUrl = `${a.base}/sessions/1/documents/new`;
  const notPdf = await uploadFile(t.app, {
    cookie: a.officer.cookie,
    formUrl,
    field: 'file',
    filename: 'notes.pdf',
    content: '<html>not a pdf</html>',
    contentType: 'application/pdf',
    fields: { title: 'Notes' },
  });
  assert.equal(notPdf.statusCode, 422);
  assert.match(notPdf.body, /The selected file must be a PDF/);
  const noTitle = await uploadFile(t.app, {
    cookie: a.officer.cookie,
    formUrl,
    field: 'file',
    content: '',
    fields: { title: '' },
  });
  assert.equal(noTitle.statusCode, 422);
  assert.match(noTitle.body, /Enter a title for the document/);
  assert.match(noTitle.body, /Select a PDF file/);
  const badToken = await uploadFile(t.app, {
    cookie: a.officer.cookie,
    formUrl,
    field: 'file',
    filename: 'emissions.pdf',
    content: PDF,
    contentType: 'application/pdf',
    fields: { title: 'Emissions' },
    csrf: 'forged',
  });
  assert.equal(badToken.statusCode, 403);

  const ok = await uploadFile(t.app, {
    cookie: a.officer.cookie,
    formUrl,
    field: 'file',
    filename: 'Trafford emissions 2025.pdf',
    content: PDF,
    contentType: 'application/pdf',
    fields: { title: 'Trafford’s emissions in 2025' },
  });
  assert.equal(ok.statusCode, 303);
  const session = await get(`${a.base}/sessions/1`);
  assert.match(session.body, /Trafford(’|&#39;)s emissions in 2025/);
  const file = await get(`${a.base}/sessions/1/documents/1`);
  assert.equal(file.statusCode, 200);
  assert.equal(file.headers['content-type'], 'application/pdf');
  assert.match(
    String(file.headers['content-disposition']),
    /^attachment; filename="Trafford emissions 2025.pdf"/,
  );
  assert.deepEqual(file.rawPayload, PDF);
  assert.equal((await get(`${a.base}/sessions/1/documents/2`)).statusCode, 404);
  // Visitors' pages set no cookie: only officers get the Remove forms.
  assert.equal(session.headers['set-cookie'], undefined);
  assert.doesNotMatch(session.body, /\/remove"/);

  const [stored] = await t.db.query<{ stored_name: string }>(
    `select d.stored_name from assembly_session_documents d join assembly_sessions s on s.id = d.session_id
     where s.assembly_id = $1`,
    [a.assembly.id],
  );
  assert.ok(await t.app.files.read(stored?.stored_name ?? ''));
  const removed = await submitForm(t.app, {
    cookie: a.officer.cookie,
    formUrl: `${a.base}/sessions/1`,
    postUrl: `${a.base}/sessions/1/documents/1/remove`,
    fields: {},
  });
  assert.equal(removed.statusCode, 303);
  assert.equal((await get(`${a.base}/sessions/1/documents/1`)).statusCode, 404);
  assert.equal(await t.app.files.read(stored?.stored_name ?? ''), null);

  const unassigned = await pbPerson(t.db, ['officer']);
  assert.equal((await get(formUrl, unassigned.cookie)).statusCode, 403);
});

test('the demo seed adds speakers and nine answered recommendations to the climate assembly, once', async () => {
  const place = (await findPlaceBySlug(t.db, 'trafford')) as Place;
  const seedCtx = { db: t.db, place, log: () => {} };
  let existing = (
    await t.db.query<{ id: string }>('select id from assemblies where place_id = $1 and slug = $2', [
      place.id,
      DEMO_FINISHED_SLUG,
    ])
  )[0];
  if (!existing) {
    // Before the set-up seed makes it, make it here: five sessions and forty members.
    const officer = await pbPerson(t.db, ['officer']);
    const slug = await createAssembly(officer.ctx, { title: 'Climate', question: 'How?', panelSize: 40 });
    assert.equal(slug, DEMO_FINISHED_SLUG);
    const assembly = await getAssembly(officer.ctx, slug);
    await addSessions(t.db, assembly.id, ['Learning', 'Transport', 'Homes', 'Nature and food', 'Deciding']);
    for (let i = 0; i < 40; i++) await addMember(t.db, assembly.id);
    existing = { id: assembly.id };
  }
  await seedDeliberation(seedCtx);
  await seedDeliberation(seedCtx);
  const visitor = { db: t.db, place, actor: null };
  const d = await listPublished(visitor, DEMO_FINISHED_SLUG);
  assert.equal(d.recommendations.length, 9);
  assert.deepEqual(d.summary, { accepted: 5, 'partly-accepted': 3, 'not-accepted': 1, awaiting: 0 });
  assert.ok(d.recommendations.every((r) => r.response && r.response.reasons.length > 50));
  assert.ok(d.recommendations.filter((r) => r.updates.length).length >= 3);
  const [members] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from assembly_respondents where assembly_id = $1 and status = 'selected'",
    [existing.id],
  );
  const first = d.recommendations[0];
  assert.equal(first?.support.members, Number(members?.n));
  if (Number(members?.n) > 0) assert.ok((first?.support.support ?? 0) > 0);
  const speakers = await t.db.query(
    'select 1 from assembly_session_speakers s join assembly_sessions x on x.id = s.session_id where x.assembly_id = $1',
    [existing.id],
  );
  assert.ok(speakers.length >= 2);
  const page = await get(`/trafford/assemblies/${DEMO_FINISHED_SLUG}/recommendations`);
  assert.match(page.body, /The council accepted 5, partly accepted 3 and did not accept 1\./);
});

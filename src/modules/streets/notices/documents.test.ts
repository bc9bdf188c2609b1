import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { submitForm, uploadFile } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { FileStore } from '../../../platform/files/file-store.js';
import { Invalid } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Role } from '../../../platform/module-definition.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import {
  type DocumentUpload,
  documentFile,
  listDocuments,
  MAX_DOCUMENT_BYTES,
  provideDocuments,
  REMOVE_FILES_JOB,
  removeDocument,
} from './document-service.js';
import { noticePrivacy } from './notice-privacy.js';
import { getNotice, noticeHistory, saveStep, startNotice, submitNotice } from './notice-service.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-street-docs-'));
const docDir = path.join(dataDir, 'files', 'street-documents');
after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const t = useTestApp(undefined, undefined, { KITH_DATA_DIR: dataDir });
const SITE = { publicUrl: 'https://kith.example' };
const NOW = new Date('2027-01-11T10:00:00Z');
const BASE = '/trafford/streets';
const files = () => new FileStore(path.join(dataDir, 'files'));
const stored = () => (fs.existsSync(docDir) ? fs.readdirSync(docDir).sort() : []);

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 1),
]);
const HTML = Buffer.from('<html><script>alert(document.cookie)</script></html>');

// Saturday 26 June 2027: more than the 12 weeks' notice a road closure needs.
const STEPS: [string, Record<string, string>][] = [
  ['where', { wardCode: '', street: 'Washway Road', fromPoint: 'Marsland Road', toPoint: 'Temple Road' }],
  [
    'when',
    { 'start-day': '26', 'start-month': '6', 'start-year': '2027', startTime: '10:00', endTime: '13:00' },
  ],
  ['what', { title: 'Sale fun run', expectedPeople: '300', roadClosure: 'yes' }],
  ['questions', { 'q-route': 'Up Washway Road and back', 'q-diversion': 'no' }],
  ['contact', { organiserName: 'Priya Shah', organiserPhone: '', showOrganiser: 'no' }],
];

async function person(roles: Role[] = ['resident']): Promise<ServiceContext> {
  const p = await makePerson(t.db, { roles });
  const place = (await findPlaceBySlug(t.db, 'trafford')) as Place;
  return { db: t.db, place, actor: { userId: p.userId, roles, platformAdmin: false } };
}

/** A road closure with every step answered, not yet sent. */
async function drafted(organiser: ServiceContext): Promise<string> {
  const id = await startNotice(organiser, 'road-closure');
  for (const [step, body] of STEPS) {
    const { errors } = await saveStep(organiser, SITE, id, step as never, body, NOW);
    assert.deepEqual(errors, {}, step);
  }
  return id;
}

const file = (bytes: Buffer | null, fileName: string, tooLarge = false): DocumentUpload => ({
  bytes,
  fileName,
  tooLarge,
});

test('a required document missing stops the notification being sent, and the error points to the documents step', async () => {
  const organiser = await person();
  const id = await drafted(organiser);
  await assert.rejects(submitNotice(organiser, SITE, id, NOW), (e: unknown) => {
    assert.ok(e instanceof Invalid);
    assert.deepEqual(e.fieldErrors, { documents: 'streets.notices.errors.documentsMissing' });
    return true;
  });
  assert.equal((await getNotice(organiser, id)).status, 'draft');
  // The optional plan alone is not enough; the certificate is what is needed.
  const planOnly = await provideDocuments(organiser, SITE, files(), id, {
    'route-plan': file(PNG, 'plan.png'),
  });
  assert.deepEqual(planOnly.errors, { 'document-insurance': 'streets.journey.documents.errors.missing' });
  await assert.rejects(submitNotice(organiser, SITE, id, NOW), Invalid);
  const ok = await provideDocuments(organiser, SITE, files(), id, { insurance: file(PDF, 'cover.pdf') });
  assert.deepEqual(ok.errors, {});
  assert.equal((await submitNotice(organiser, SITE, id, NOW)).status, 'going-ahead');
});

test('a file is judged by its bytes: a web page called .pdf and a file over 10MB are refused, and nothing is kept', async () => {
  const organiser = await person();
  const id = await drafted(organiser);
  const before = stored();
  const res = await provideDocuments(organiser, SITE, files(), id, {
    insurance: file(HTML, 'certificate.pdf'),
    'route-plan': file(null, 'huge.png', true),
  });
  assert.deepEqual(res.errors, {
    'document-insurance': 'streets.journey.documents.errors.wrongType',
    'document-route-plan': 'streets.journey.documents.errors.tooLarge',
  });
  assert.deepEqual(await listDocuments(organiser, id), []);
  assert.deepEqual(stored(), before);
});

test('a good file is kept even when another on the same page is refused; a new file replaces the old one', async () => {
  const organiser = await person();
  const id = await drafted(organiser);
  const before = stored();
  const first = await provideDocuments(organiser, SITE, files(), id, {
    insurance: file(PDF, 'C:\\fakepath\\Insurance "2027".pdf'),
    'route-plan': file(HTML, 'plan.png'),
  });
  assert.deepEqual(first.errors, { 'document-route-plan': 'streets.journey.documents.errors.wrongType' });
  const [doc] = await listDocuments(organiser, id);
  assert.equal(doc?.fileName, 'Insurance 2027.pdf');
  assert.equal(doc?.contentType, 'application/pdf');
  assert.equal(doc?.sizeBytes, PDF.length);
  assert.equal(stored().length, before.length + 1);
  // A PNG sent as the certificate is fine (a photo of it) and takes the PDF's place, on disk too.
  await provideDocuments(organiser, SITE, files(), id, { insurance: file(PNG, 'photo.png') });
  const docs = await listDocuments(organiser, id);
  assert.deepEqual(
    docs.map((d) => [d.documentId, d.fileName, d.contentType]),
    [['insurance', 'photo.png', 'image/png']],
  );
  assert.equal(stored().length, before.length + 1);
  const audits = await t.db.query<{ action: string }>(
    "select action from audit_log where target_id = $1 and action = 'streets.notice.documents'",
    [id],
  );
  assert.equal(audits.length, 2);
});

test('only the organiser and officers can open a document; another resident is told there is nothing there', async () => {
  const organiser = await person();
  const officer = await person(['officer']);
  const neighbour = await person();
  const id = await drafted(organiser);
  await provideDocuments(organiser, SITE, files(), id, { insurance: file(PDF, 'cover.pdf') });
  assert.deepEqual((await documentFile(organiser, files(), id, 'insurance')).bytes, PDF);
  assert.deepEqual((await documentFile(officer, files(), id, 'insurance')).bytes, PDF);
  await assert.rejects(documentFile(neighbour, files(), id, 'insurance'), { status: 404 });
  await assert.rejects(documentFile({ ...neighbour, actor: null }, files(), id, 'insurance'), {
    status: 404,
  });
  await assert.rejects(listDocuments(neighbour, id), { status: 404 });
  // Nor can anyone else change them.
  await assert.rejects(provideDocuments(neighbour, SITE, files(), id, { insurance: file(PNG, 'x.png') }), {
    status: 404,
  });
  await assert.rejects(removeDocument(officer, SITE, files(), id, 'insurance'), { status: 404 });
});

test('changing a document after sending is an amendment; a required one can be replaced but not removed', async () => {
  const organiser = await person();
  const id = await drafted(organiser);
  await provideDocuments(organiser, SITE, files(), id, {
    insurance: file(PDF, 'cover.pdf'),
    'route-plan': file(PNG, 'plan.png'),
  });
  await submitNotice(organiser, SITE, id, NOW);
  await provideDocuments(organiser, SITE, files(), id, { insurance: file(PNG, 'new-cover.png') }, NOW);
  const history = await noticeHistory(organiser, id);
  assert.deepEqual(
    history.map((h) => [h.action, h.reason]),
    [
      ['submit', ''],
      ['amend', 'documents'],
    ],
  );
  await assert.rejects(removeDocument(organiser, SITE, files(), id, 'insurance', NOW), (e: unknown) => {
    assert.ok(e instanceof Invalid);
    assert.deepEqual(e.fieldErrors, {
      'document-insurance': 'streets.journey.documents.errors.requiredAfterSent',
    });
    return true;
  });
  await removeDocument(organiser, SITE, files(), id, 'route-plan', NOW);
  assert.deepEqual(
    (await listDocuments(organiser, id)).map((d) => d.documentId),
    ['insurance'],
  );
  const amends = await t.db.query<{ n: number }>(
    "select count(*)::int as n from audit_log where target_id = $1 and action = 'streets.notice.amend'",
    [id],
  );
  assert.equal(amends[0]?.n, 2);
});

test('when the database refuses the row, the file written for it is removed', async () => {
  const organiser = await person();
  const id = await drafted(organiser);
  const before = stored();
  await t.db.query(`create function refuse_document() returns trigger language plpgsql as $$
    begin raise exception 'disk full'; end $$`);
  await t.db.query(
    'create trigger refuse_document before insert on street_notice_documents for each row execute function refuse_document()',
  );
  try {
    await assert.rejects(
      provideDocuments(organiser, SITE, files(), id, { insurance: file(PDF, 'cover.pdf') }),
      /disk full/,
    );
    assert.deepEqual(stored(), before);
  } finally {
    await t.db.query('drop trigger refuse_document on street_notice_documents');
    await t.db.query('drop function refuse_document()');
  }
});

test('erasing the organiser deletes their documents and books their files for removal', async () => {
  const organiser = await person();
  const id = await drafted(organiser);
  await provideDocuments(organiser, SITE, files(), id, { insurance: file(PDF, 'cover.pdf') });
  await submitNotice(organiser, SITE, id, NOW);
  const [row] = await t.db.query<{ stored_name: string }>(
    'select stored_name from street_notice_documents where notice_id = $1',
    [id],
  );
  const name = row?.stored_name as string;
  assert.ok(fs.existsSync(path.join(dataDir, 'files', name)));
  await t.db.transaction(async (tx) => {
    await noticePrivacy.eraseFor?.(tx, { userId: organiser.actor?.userId as string, email: 'x@example.com' });
  });
  assert.deepEqual(await t.db.query('select 1 from street_notice_documents where notice_id = $1', [id]), []);
  const [job] = await t.db.query<{ payload: { names: string[] } }>(
    'select payload from jobs where name = $1 order by id desc limit 1',
    [REMOVE_FILES_JOB],
  );
  assert.deepEqual(job?.payload.names, [name]);
  // The job does what it was booked for.
  const { documentFilesJob } = await import('./notice-jobs.js');
  await documentFilesJob({ ...SITE, relay: null, filesDir: path.join(dataDir, 'files') })(
    { id: 0, name: REMOVE_FILES_JOB, payload: job?.payload ?? {}, attempts: 0, max_attempts: 1 },
    t.db,
  );
  assert.ok(!fs.existsSync(path.join(dataDir, 'files', name)));
});

test('a year after the event its documents are deleted with the organiser’s details', async () => {
  const organiser = await person();
  const id = await drafted(organiser);
  await provideDocuments(organiser, SITE, files(), id, { insurance: file(PDF, 'cover.pdf') });
  await submitNotice(organiser, SITE, id, NOW);
  const later = new Date('2028-07-01T00:00:00Z');
  await t.db.transaction(async (tx) => {
    await noticePrivacy.applyRetention?.(tx, later);
  });
  assert.deepEqual(await t.db.query('select 1 from street_notice_documents where notice_id = $1', [id]), []);
});

// Through the pages, as a browser sends them.

async function pageJourney(cookie: string): Promise<string> {
  const res = await submitForm(t.app, {
    cookie,
    formUrl: BASE,
    postUrl: `${BASE}/new/road-closure`,
    fields: {},
  });
  const url = (res.headers.location as string).replace(/\/where$/, '');
  for (const [name, fields] of STEPS.slice(0, 4)) {
    const r = await submitForm(t.app, { cookie, formUrl: `${url}/${name}`, fields });
    assert.equal(r.statusCode, 303, name);
    if (name === 'questions') assert.equal(r.headers.location, `${url}/documents`);
  }
  return url;
}

const send = (
  cookie: string,
  url: string,
  field: string,
  filename: string | undefined,
  content: Buffer | string,
) =>
  uploadFile(t.app, {
    cookie,
    formUrl: `${url}/documents`,
    field,
    filename,
    content,
    contentType: 'application/pdf',
  });

test('the documents step: one file input per document, GOV.UK errors, then the uploaded file with a Remove button', async () => {
  const organiser = await makePerson(t.db, { roles: ['resident'] });
  const url = await pageJourney(organiser.cookie);
  const page = await t.app.inject({ url: `${url}/documents`, headers: { cookie: organiser.cookie } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /enctype="multipart\/form-data"/);
  assert.match(
    page.body,
    /<input class="govuk-file-upload[^>]*id="document-insurance" name="document-insurance" type="file"/,
  );
  assert.match(page.body, /Plan of the route or closure \(optional\)/);
  assert.match(page.body, /A photo of a hand-drawn map is fine\./);

  const none = await send(organiser.cookie, url, 'document-insurance', undefined, '');
  assert.equal(none.statusCode, 422);
  assert.match(none.body, /href="#document-insurance">Upload the public liability insurance certificate</);

  const wrong = await send(organiser.cookie, url, 'document-insurance', 'cover.pdf', HTML);
  assert.equal(wrong.statusCode, 422);
  assert.match(wrong.body, /The selected file must be a PDF, JPG or PNG/);

  const big = await send(
    organiser.cookie,
    url,
    'document-insurance',
    'cover.pdf',
    Buffer.concat([PDF, Buffer.alloc(MAX_DOCUMENT_BYTES)]),
  );
  assert.equal(big.statusCode, 422);
  assert.match(big.body, /The selected file must be smaller than 10MB/);

  const good = await send(organiser.cookie, url, 'document-insurance', 'My cover.pdf', PDF);
  assert.equal(good.statusCode, 303);
  assert.equal(good.headers.location, `${url}/contact`);

  const after = await t.app.inject({ url: `${url}/documents`, headers: { cookie: organiser.cookie } });
  assert.match(after.body, /My cover\.pdf, 1 KB/);
  assert.match(after.body, /formaction="[^"]*\/documents\/insurance\/remove"/);

  // The contact step's Back link goes to the documents; check answers lists them with a Change link.
  const contact = await t.app.inject({ url: `${url}/contact`, headers: { cookie: organiser.cookie } });
  assert.match(contact.body, new RegExp(`href="${url}/documents" class="govuk-back-link"`));
  assert.equal(
    (
      await submitForm(t.app, {
        cookie: organiser.cookie,
        formUrl: `${url}/contact`,
        fields: STEPS[4]?.[1] ?? {},
      })
    ).statusCode,
    303,
  );
  const check = await t.app.inject({ url: `${url}/check`, headers: { cookie: organiser.cookie } });
  assert.match(check.body, /Public liability insurance certificate/);
  assert.match(check.body, /My cover\.pdf, 1 KB/);
  assert.match(check.body, new RegExp(`href="${url}/documents\\?return=check"`));

  // Remove, as the button inside the upload form sends it.
  const removed = await uploadFile(t.app, {
    cookie: organiser.cookie,
    formUrl: `${url}/documents`,
    postUrl: `${url}/documents/insurance/remove`,
    field: 'document-insurance',
    content: '',
  });
  assert.equal(removed.statusCode, 303);
  assert.equal(removed.headers.location, `${url}/documents?done=removed`);
  const gone = await t.app.inject({
    url: `${url}/documents?done=removed`,
    headers: { cookie: organiser.cookie },
  });
  assert.match(gone.body, /The file has been removed/);
  assert.doesNotMatch(gone.body, /My cover\.pdf/);

  // Sending now is refused, with an error that links back to the documents step.
  const refused = await submitForm(t.app, { cookie: organiser.cookie, formUrl: `${url}/check`, fields: {} });
  assert.equal(refused.statusCode, 422);
  assert.match(
    refused.body,
    new RegExp(`href="${url}/documents\\?return=check">Upload the documents this notification needs`),
  );
});

test('the download is an attachment to the organiser and officers, and nobody else gets the bytes', async () => {
  const organiser = await makePerson(t.db, { roles: ['resident'] });
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const neighbour = await makePerson(t.db, { roles: ['resident'] });
  const url = await pageJourney(organiser.cookie);
  await send(organiser.cookie, url, 'document-insurance', 'Cover: 2027 (final).pdf', PDF);
  const download = `${url}/documents/insurance`;
  for (const who of [organiser, officer]) {
    const res = await t.app.inject({ url: download, headers: { cookie: who.cookie } });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.rawPayload, PDF);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(
      res.headers['content-disposition'],
      `attachment; filename="Cover 2027 (final).pdf"; filename*=UTF-8''Cover%202027%20%28final%29.pdf`,
    );
  }
  const other = await t.app.inject({ url: download, headers: { cookie: neighbour.cookie } });
  assert.equal(other.statusCode, 404);
  assert.notDeepEqual(other.rawPayload, PDF);
  const visitor = await t.app.inject({ url: download });
  assert.equal(visitor.statusCode, 303);
  assert.match(String(visitor.headers.location), /^\/account\/sign-in/);
  // The officer's view of the notification links to it.
  const page = await t.app.inject({ url, headers: { cookie: officer.cookie } });
  assert.match(page.body, new RegExp(`href="${download}" download>Cover 2027 \\(final\\)\\.pdf, 1 KB`));
  // And the files folder is not a public path.
  const name = (
    await t.db.query<{ stored_name: string }>('select stored_name from street_notice_documents')
  )[0]?.stored_name;
  for (const guess of [`/files/${name}`, `/${name}`, `/trafford/${name}`])
    assert.equal((await t.app.inject({ url: guess })).statusCode, 404, guess);
});

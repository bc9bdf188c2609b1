import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { useTestApp } from '../../../../test/helpers/app.js';
import { openForm, submitForm, uploadFile } from '../../../../test/helpers/form-client.js';
import { pbPerson, processFields } from '../../../../test/helpers/pb-process.js';
import { pdfTextRuns } from '../../../../test/helpers/pdf-text.js';
import { createProcess } from '../processes/process-service.js';
import { formatCode } from './codes.js';
import { GUESSES_PER_ACCOUNT } from './verification-common.js';

const t = useTestApp();
let n = 0;

async function newProcess(methods = 'email,letter,register,in-person') {
  const officer = await pbPerson(t.db, ['officer']);
  const slug = await createProcess(
    officer.ctx,
    processFields({ title: `Route fund ${++n}`, verificationMethods: methods }),
  );
  return { officer, slug, base: `/trafford/budgets/${slug}` };
}

const ADDRESSES =
  'address,postcode,ward\n1 Church Road,M33 7ZP,Altrincham\n2 Church Road,M33 7ZP,\n3 Church Road,M33 7ZP,\n';

async function uploadLetters(officer: { cookie: string }, base: string, content = ADDRESSES) {
  return uploadFile(t.app, {
    cookie: officer.cookie,
    formUrl: `${base}/voters/letters`,
    field: 'file',
    filename: 'addresses.csv',
    content,
  });
}

test('"Check you can vote" shows only the ways the process uses, and asks visitors to sign in', async () => {
  const { base } = await newProcess('letter,in-person');
  const res = await t.app.inject(`${base}/vote/check`);
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /Use the code from your letter/);
  assert.match(res.body, /Use a code you were given in person/);
  assert.doesNotMatch(res.body, /electoral register/);
  assert.match(res.body, /You need to sign in/);
  assert.equal((await t.app.inject(`${base}/vote/check/register`)).statusCode, 303);
  const resident = await pbPerson(t.db);
  const off = await t.app.inject({
    url: `${base}/vote/check/register`,
    headers: { cookie: resident.cookie },
  });
  assert.equal(off.statusCode, 404);
});

test('an officer uploads addresses, downloads the mail merge, and a resident uses a code from it', async () => {
  const { officer, base } = await newProcess();
  const up = await uploadLetters(officer, base);
  assert.equal(up.statusCode, 303);
  assert.equal(up.headers.location, `${base}/voters/letters?made=1`);
  const page = await t.app.inject({
    url: `${base}/voters/letters?made=1`,
    headers: { cookie: officer.cookie },
  });
  assert.match(page.body, /Batch 1 is ready to download/);

  const csv = await t.app.inject({
    url: `${base}/voters/letters/1/mail-merge.csv`,
    headers: { cookie: officer.cookie },
  });
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  assert.equal(csv.headers['access-control-allow-origin'], undefined);
  const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 3);
  assert.deepEqual(
    rows.map((r) => [r.address, r.postcode, r.ward]),
    [
      ['1 Church Road', 'M33 7ZP', 'Altrincham'],
      ['2 Church Road', 'M33 7ZP', ''],
      ['3 Church Road', 'M33 7ZP', ''],
    ],
  );
  const code = rows[0]?.code as string;
  assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  assert.ok(rows[0]?.url?.endsWith(`${base}/vote/check/letter?code=${code}`), rows[0]?.url);

  // The QR code's link opens the form with the code filled in.
  const resident = await pbPerson(t.db);
  const form = await t.app.inject({
    url: `${base}/vote/check/letter?code=${code}`,
    headers: { cookie: resident.cookie },
  });
  assert.match(form.body, new RegExp(`value="${code}"`));
  const done = await submitForm(t.app, {
    cookie: resident.cookie,
    formUrl: `${base}/vote/check/letter`,
    fields: { code: code.toLowerCase().replace(/-/g, ' ') },
  });
  assert.equal(done.statusCode, 303);
  assert.equal(done.headers.location, `${base}/vote/check/done`);
  const doneBody = await t.app.inject({
    url: `${base}/vote/check/done`,
    headers: { cookie: resident.cookie },
  });
  assert.match(doneBody.body, /You can vote/);
  assert.match(doneBody.body, new RegExp(`href="${base}/vote"`));

  // The same code again, by someone else: a clear message on the form.
  const other = await pbPerson(t.db);
  const again = await submitForm(t.app, {
    cookie: other.cookie,
    formUrl: `${base}/vote/check/letter`,
    fields: { code },
  });
  assert.equal(again.statusCode, 422);
  assert.match(again.body, /That code has already been used/);
  assert.match(again.body, /href="#code"/);

  // The summary counts the resident once, by letter.
  const summary = await t.app.inject({
    url: `/trafford/api/budgets/${base.split('/').pop()}/voters`,
    headers: { cookie: officer.cookie },
  });
  const letter = (JSON.parse(summary.body).methods as { method: string; verified: number }[]).find(
    (m) => m.method === 'letter',
  );
  assert.equal(letter?.verified, 1);
});

test('the letters PDF has one page per address, each with its code', async () => {
  const { officer, base } = await newProcess();
  await uploadLetters(officer, base);
  const csv = await t.app.inject({
    url: `${base}/voters/letters/1/mail-merge.csv`,
    headers: { cookie: officer.cookie },
  });
  const codes = (parse(csv.body, { columns: true }) as Record<string, string>[]).map((r) => r.code as string);
  const res = await t.app.inject({
    url: `${base}/voters/letters/1/letters.pdf?compress=no`,
    headers: { cookie: officer.cookie },
  });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/pdf');
  const pdf = res.rawPayload;
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const pages = pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? [];
  assert.equal(pages.length, 3);
  const text = pdfTextRuns(pdf).join('');
  for (const code of codes) assert.ok(text.includes(code), code);
  assert.ok(text.includes('1 Church Road'));
  assert.equal(
    (await t.app.inject({ url: `${base}/voters/letters/9/letters.pdf`, headers: { cookie: officer.cookie } }))
      .statusCode,
    404,
  );
});

test('a bad address file shows each problem by line, and nothing is made', async () => {
  const { officer, base } = await newProcess();
  const res = await uploadLetters(
    officer,
    base,
    'address,postcode\n1 Good Road,M33 7ZP\n,M33 7ZP\n3 Road,XX\n',
  );
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /The file has problems in some rows/);
  assert.match(
    res.body,
    /<td class="govuk-table__cell govuk-table__cell--numeric">3<\/td>\s*<td class="govuk-table__cell"><code>address<\/code>/,
  );
  assert.match(
    res.body,
    /<td class="govuk-table__cell govuk-table__cell--numeric">4<\/td>\s*<td class="govuk-table__cell"><code>postcode<\/code>/,
  );
  assert.match(res.body, /No batches yet/);
  const none = await uploadFile(t.app, {
    cookie: officer.cookie,
    formUrl: `${base}/voters/letters`,
    field: 'file',
    content: '',
  });
  assert.equal(none.statusCode, 422);
  assert.match(none.body, /Choose a CSV file to upload/);
});

test('officers’ pages are for officers, and every form needs its CSRF token', async () => {
  const { officer, base } = await newProcess();
  const resident = await pbPerson(t.db);
  for (const path of ['/voters', '/voters/letters', '/voters/register', '/voters/in-person']) {
    const res = await t.app.inject({ url: `${base}${path}`, headers: { cookie: resident.cookie } });
    assert.equal(res.statusCode, 403, path);
    const visitor = await t.app.inject(`${base}${path}`);
    assert.equal(visitor.statusCode, 303, path);
  }
  const slug = base.split('/').pop();
  assert.equal(
    (
      await t.app.inject({
        url: `/trafford/api/budgets/${slug}/voters.csv`,
        headers: { cookie: resident.cookie },
      })
    ).statusCode,
    403,
  );
  const sneaky = await uploadFile(t.app, {
    cookie: resident.cookie,
    formUrl: `${base}/vote/check`,
    postUrl: `${base}/voters/letters`,
    field: 'file',
    filename: 'a.csv',
    content: ADDRESSES,
  });
  assert.equal(sneaky.statusCode, 403);
  const noToken = await uploadFile(t.app, {
    cookie: officer.cookie,
    formUrl: `${base}/voters/letters`,
    field: 'file',
    filename: 'a.csv',
    content: ADDRESSES,
    csrf: 'forged',
  });
  assert.equal(noToken.statusCode, 403);
  const post = await t.app.inject({
    method: 'POST',
    url: `${base}/vote/check/email`,
    headers: { cookie: resident.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'livesInArea=yes&oldEnough=yes',
  });
  assert.equal(post.statusCode, 403);
  const issue = await t.app.inject({
    method: 'POST',
    url: `${base}/voters/in-person`,
    headers: { cookie: officer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'venue=Library',
  });
  assert.equal(issue.statusCode, 403);
});

test('an officer issues a code in person; the resident enters it; wrong guesses are rate limited', async () => {
  const { officer, base } = await newProcess();
  const issued = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${base}/voters/in-person`,
    fields: { venue: 'Sale Library', ward: '', ageBand: '25-34' },
  });
  assert.equal(issued.statusCode, 303);
  const page = await t.app.inject({
    url: String(issued.headers.location),
    headers: { cookie: officer.cookie },
  });
  const code = /([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/.exec(page.body)?.[1] as string;
  assert.ok(code);
  assert.equal(page.headers['cache-control'], 'private, no-store');

  const resident = await pbPerson(t.db);
  const post = await openForm(t.app, { cookie: resident.cookie, formUrl: `${base}/vote/check/in-person` });
  for (let i = 0; i < GUESSES_PER_ACCOUNT - 1; i++) {
    const wrong = await post({ code: '7KXM-3FRA-9HCT' });
    assert.equal(wrong.statusCode, 422);
    assert.match(wrong.body, /That code is not right/);
  }
  const right = await post({ code });
  assert.equal(right.statusCode, 303);
  // Another resident who keeps guessing is stopped.
  const guesser = await pbPerson(t.db);
  const guess = await openForm(t.app, { cookie: guesser.cookie, formUrl: `${base}/vote/check/in-person` });
  for (let i = 0; i < GUESSES_PER_ACCOUNT; i++) await guess({ code: formatCode('34679ACEFGHJ') });
  const blocked = await guess({ code: formatCode('34679ACEFGHJ') });
  assert.equal(blocked.statusCode, 429);
});

test('the register form asks for a real date of birth and says plainly when there is no match', async () => {
  const { officer, base } = await newProcess();
  const up = await uploadFile(t.app, {
    cookie: officer.cookie,
    formUrl: `${base}/voters/register`,
    field: 'file',
    filename: 'register.csv',
    content: 'name,postcode,date_of_birth\nAnn Jones,WA14 1EP,25/12/1950\nKid,M33 7ZP,01/01/2020\n',
  });
  assert.equal(up.statusCode, 303);
  const report = await t.app.inject({
    url: String(up.headers.location),
    headers: { cookie: officer.cookie },
  });
  assert.match(report.body, /Left out: under the minimum age/);
  const resident = await pbPerson(t.db);
  const post = await openForm(t.app, { cookie: resident.cookie, formUrl: `${base}/vote/check/register` });
  const bad = await post({
    name: 'Ann Jones',
    postcode: 'WA14 1EP',
    'dateOfBirth-day': '31',
    'dateOfBirth-month': '2',
    'dateOfBirth-year': '1950',
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /Date of birth must be a real date/);
  assert.match(bad.body, /href="#dateOfBirth-day"/);
  const miss = await post({
    name: 'Ann Jones',
    postcode: 'WA14 1EP',
    'dateOfBirth-day': '24',
    'dateOfBirth-month': '12',
    'dateOfBirth-year': '1950',
  });
  assert.equal(miss.statusCode, 422);
  assert.match(miss.body, /We could not find you on the register/);
  const ok = await post({
    name: 'ann  jones',
    postcode: 'wa141ep',
    'dateOfBirth-day': '25',
    'dateOfBirth-month': '12',
    'dateOfBirth-year': '1950',
  });
  assert.equal(ok.statusCode, 303);
});

test('email only: the declaration is needed, the ward and age group are optional', async () => {
  const { base } = await newProcess('email');
  const resident = await pbPerson(t.db);
  const post = await openForm(t.app, { cookie: resident.cookie, formUrl: `${base}/vote/check/email` });
  const missing = await post({ livesInArea: 'yes' });
  assert.equal(missing.statusCode, 422);
  assert.match(missing.body, /Confirm you are old enough to vote/);
  const ok = await post({ livesInArea: 'yes', oldEnough: 'yes', ward: '', ageBand: '' });
  assert.equal(ok.statusCode, 303);
  const again = await t.app.inject({ url: `${base}/vote/check/email`, headers: { cookie: resident.cookie } });
  assert.equal(again.statusCode, 303);
  assert.equal(again.headers.location, `${base}/vote/check/done`);
});

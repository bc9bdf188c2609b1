import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { useTestApp } from '../../../../test/helpers/app.js';
import { openForm, submitForm, uploadFile } from '../../../../test/helpers/form-client.js';
import { pdfTextRuns } from '../../../../test/helpers/pdf-text.js';
import { setStatus } from '../setup/assembly-service.js';
import { addressCsv, newAssembly, person, registrationFields } from './recruitment-test-support.js';

const t = useTestApp();

async function officerWithAssembly(status: 'setup' | 'recruiting' = 'recruiting') {
  const officer = await person(t.db);
  const slug = await newAssembly(officer, status);
  return { officer, slug, base: `/trafford/assemblies/${slug}` };
}

const upload = (cookie: string, base: string, content: string) =>
  uploadFile(t.app, {
    cookie,
    formUrl: `${base}/invitations`,
    postUrl: `${base}/invitations/addresses`,
    field: 'file',
    filename: 'addresses.csv',
    content,
  });

const get = (url: string, cookie?: string) => t.app.inject({ url, headers: cookie ? { cookie } : {} });

/** Uploads `count` addresses and draws `letters`, through the pages; returns the mail merge rows. */
async function drawThroughPages(cookie: string, base: string, content = addressCsv(40), letters = '15') {
  assert.equal((await upload(cookie, base, content)).statusCode, 303);
  const draw = await submitForm(t.app, {
    cookie,
    formUrl: `${base}/invitations`,
    postUrl: `${base}/invitations/draw`,
    fields: { count: letters, seed: '3 1 4 1 5 9' },
  });
  assert.equal(draw.statusCode, 303);
  assert.equal(draw.headers.location, `${base}/invitations?done=drawn`);
  const csv = await get(`${base}/invitations/mail-merge.csv`, cookie);
  assert.equal(csv.statusCode, 200);
  assert.equal(csv.headers['cache-control'], 'private, no-store');
  return parse(csv.body, { columns: true }) as Record<string, string>[];
}

test('without an address list the page says there is no draw; a bad file shows an error summary and each bad row', async () => {
  const { officer, base } = await officerWithAssembly('setup');
  const page = await get(`${base}/invitations`, officer.cookie);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /No address list has been uploaded yet/);
  assert.match(page.body, /There is no draw yet, because there is no address list to draw from/);
  assert.doesNotMatch(page.body, /Draw the invitations/);

  const bad = await upload(
    officer.cookie,
    base,
    'address,postcode\n1 Church Road,M33 7ZP\n,M33 7ZP\n2 Church Road,XYZ\n',
  );
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /govuk-error-summary/);
  assert.match(bad.body, /Some rows of the file have problems/);
  assert.match(bad.body, /The address is blank/);
  assert.match(bad.body, /This is not a UK postcode/);
  const none = await uploadFile(t.app, {
    cookie: officer.cookie,
    formUrl: `${base}/invitations`,
    postUrl: `${base}/invitations/addresses`,
    field: 'file',
    content: '',
  });
  assert.equal(none.statusCode, 422);
  assert.match(none.body, /Choose a CSV file to upload/);
  const huge = await upload(
    officer.cookie,
    base,
    `address,postcode\n${'1 Church Road,M33 7ZP\n'.repeat(500_000)}`,
  );
  assert.equal(huge.statusCode, 422);
  assert.match(huge.body, /The file must be smaller than 10 MB/);
  const binary = await upload(officer.cookie, base, '\u0000\u0001PK\u0003\u0004"unclosed');
  assert.equal(binary.statusCode, 422);
});

test('an officer uploads addresses and draws; the draw is published; the mail merge and letters carry the codes', async () => {
  const { officer, base, slug } = await officerWithAssembly('setup');
  const content = `${addressCsv(30)}"=HYPERLINK(""http://evil.example"")",M33 7ZP,,\n`;
  assert.equal((await upload(officer.cookie, base, content)).statusCode, 303);
  const page = await get(`${base}/invitations?done=uploaded`, officer.cookie);
  assert.match(page.body, /The address list has been uploaded/);
  assert.match(page.body, /Draw the invitations/);

  const tooMany = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${base}/invitations`,
    postUrl: `${base}/invitations/draw`,
    fields: { count: 'lots', seed: '' },
  });
  assert.equal(tooMany.statusCode, 422);
  assert.match(tooMany.body, /Enter how many letters to send/);
  assert.match(tooMany.body, /Enter a seed for the draw/);

  const rows = await drawThroughPages(officer.cookie, base, content, '31');
  assert.equal(rows.length, 31);
  const evil = rows.find((r) => r.address?.includes('HYPERLINK'));
  assert.ok(
    evil?.address?.startsWith("'="),
    'a formula in the address list is not a formula in the mail merge',
  );
  const first = rows[0] as Record<string, string>;
  assert.match(first.code as string, /^[34679ACEFGHJKMNPRTWXY]{4}-[34679ACEFGHJKMNPRTWXY]{4}$/);
  assert.equal(first.register_page, `http://localhost:3000${base}/register`);
  assert.equal(first.url, `http://localhost:3000${base}/register?code=${first.code}`);

  // Published: the seed, how many addresses and how many drawn, on the page and as JSON.
  const published = await get(`${base}/invitation-draw`);
  assert.equal(published.statusCode, 200);
  assert.match(published.body, /3 1 4 1 5 9/);
  const json = JSON.parse((await get(`/trafford/api/assemblies/${slug}/invitation-draw`)).body);
  assert.equal(json.draw.seed, '3 1 4 1 5 9');
  assert.equal(json.draw.addresses, 31);
  assert.equal(json.draw.drawn, 31);
  assert.equal(json.draw.rule, 'sha256-rank-v1');

  const pdf = await get(`${base}/invitations/letters.pdf?compress=no`, officer.cookie);
  assert.equal(pdf.statusCode, 200);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  const text = pdfTextRuns(pdf.rawPayload).join('\n');
  assert.ok(text.includes(first.code as string), 'the first letter has its code');
  assert.ok(text.includes(`http://localhost:3000${base}/register`), 'and the registration page');
  assert.ok(text.includes('How should we make our high streets thrive?'), 'and the question');
  assert.match(text, /We pay your expenses/);
  assert.match(text, /Your registration code/);

  const posted = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${base}/invitations`,
    postUrl: `${base}/invitations/posted`,
    fields: {},
  });
  assert.equal(posted.statusCode, 303);
  assert.match(
    (await get(`${base}/invitations`, officer.cookie)).body,
    /31 of 31 letters recorded as posted/,
  );
});

test('a resident registers with a code from the mail merge: errors first, then a reference', async () => {
  const { officer, base, slug } = await officerWithAssembly();
  const rows = await drawThroughPages(officer.cookie, base);
  const code = rows[0]?.code as string;
  const page = await get(`${base}/register?code=${encodeURIComponent(code)}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, new RegExp(`value="${code}"`));
  assert.match(page.body, /Only the council officers assigned to this assembly can see them/);
  assert.match(page.body, /16 to 29/);

  const post = await openForm(t.app, { formUrl: `${base}/register` });
  const empty = await post({ code: '' });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /govuk-error-summary/);
  assert.match(empty.body, /Enter the registration code from your letter/);
  assert.match(empty.body, /Enter your full name/);
  assert.match(empty.body, /Enter an email address or a phone number/);
  assert.match(empty.body, /href="#feature-gender"/);
  assert.match(empty.body, /Tick the box to agree/);

  const done = await post(registrationFields(code));
  assert.equal(done.statusCode, 303);
  assert.equal(done.headers.location, `${base}/register/done?reference=R0001`);
  const confirmation = await get(done.headers.location as string);
  assert.match(confirmation.body, /You have registered/);
  assert.match(confirmation.body, /R0001/);

  const again = await post(registrationFields(code, { name: 'Someone Else' }));
  assert.equal(again.statusCode, 422);
  assert.match(again.body, /Someone has already registered with this code/);

  // No CSRF token: refused.
  const forged = await t.app.inject({
    method: 'POST',
    url: `${base}/register`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(registrationFields(rows[1]?.code as string)).toString(),
  });
  assert.equal(forged.statusCode, 403);

  // The officer's dashboard and people file; the public counts (fewer than 5 are hidden).
  const dashboard = await get(`${base}/respondents`, officer.cookie);
  assert.equal(dashboard.statusCode, 200);
  assert.match(dashboard.body, /Ada Lovelace/);
  assert.match(dashboard.body, /too few/);
  const csv = await get(`${base}/respondents.csv`, officer.cookie);
  assert.equal(csv.statusCode, 200);
  const people = parse(csv.body, { columns: true }) as Record<string, string>[];
  assert.deepEqual(Object.keys(people[0] ?? {}), [
    'id',
    'Gender',
    'Age',
    'name',
    'email',
    'phone',
    'address',
    'postcode',
    'status',
  ]);
  assert.deepEqual(
    [people[0]?.id, people[0]?.Gender, people[0]?.Age, people[0]?.name],
    ['R0001', 'female', '30-59', 'Ada Lovelace'],
  );
  const counts = await get(`/trafford/api/assemblies/${slug}/respondents`);
  assert.equal(counts.statusCode, 200);
  assert.doesNotMatch(counts.body, /Ada|Lovelace|Church Road/);
  const body = JSON.parse(counts.body);
  assert.equal(body.respondents, 1);
  assert.deepEqual(body.features[0].values[0], {
    value: 'female',
    label: 'Woman',
    count: null,
    fewer_than: 5,
  });
});

test('an officer registers a caller by phone; the page is refused to officers not assigned to the assembly', async () => {
  const { officer, base } = await officerWithAssembly();
  const rows = await drawThroughPages(officer.cookie, base);
  const byPhone = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `${base}/respondents/new`,
    fields: registrationFields(rows[2]?.code as string, {
      email: '',
      phone: '0161 912 1212',
      consent: 'yes',
    }),
  });
  assert.equal(byPhone.statusCode, 303);
  assert.match((await get(`${base}/respondents`, officer.cookie)).body, /By phone/);

  const other = await person(t.db);
  for (const path of [
    '/invitations',
    '/invitations/mail-merge.csv',
    '/invitations/letters.pdf',
    '/respondents',
    '/respondents.csv',
    '/respondents/new',
  ]) {
    const res = await get(`${base}${path}`, other.cookie);
    assert.equal(res.statusCode, 403, path);
  }
  const resident = await person(t.db, ['resident']);
  assert.equal((await get(`${base}/respondents`, resident.cookie)).statusCode, 403);
  const sneaky = await submitForm(t.app, {
    cookie: other.cookie,
    formUrl: `${base}/register`,
    postUrl: `${base}/respondents/new`,
    fields: registrationFields(rows[3]?.code as string),
  });
  assert.equal(sneaky.statusCode, 403);
});

test('registration is closed unless the assembly is recruiting', async () => {
  const { officer, base, slug } = await officerWithAssembly('setup');
  const closed = await get(`${base}/register`);
  assert.equal(closed.statusCode, 200);
  assert.match(closed.body, /Registration is closed/);
  assert.match(closed.body, /Registration has not opened yet/);
  assert.doesNotMatch(closed.body, /name="code"/);
  await setStatus(officer.ctx, slug, 'recruiting');
  const post = await openForm(t.app, { formUrl: `${base}/register` });
  await setStatus(officer.ctx, slug, 'selecting');
  const late = await post(registrationFields('3333-3333'));
  assert.equal(late.statusCode, 409);
  assert.match(late.body, /the members are being chosen/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { saveStep, startNotice } from '../../src/modules/streets/notices/notice-service.js';
import { findPlaceBySlug, type Place } from '../../src/platform/places/place-service.js';
import { makePerson } from '../helpers/people.js';
import { expectAccessible, expectAccessibleAsPosted, useServedApp } from '../helpers/served-app.js';
import { contentMatching, titleMatching } from './page-text.js';

const server = useServedApp();

const STREETS = '/trafford/streets';

const banner = async (page: Page) => (await page.locator('.govuk-notification-banner').textContent()) ?? '';
const status = async (page: Page) =>
  ((await page.locator('main .govuk-tag').first().textContent()) ?? '').trim();
const radio = (page: Page, legend: string, option: string) =>
  page.getByRole('group', { name: legend }).getByLabel(option, { exact: true }).check();

/** A resident answers every question page of a street party and reaches check answers. */
async function answerStreetParty(page: Page, title: string, from: 'landing' | 'start page') {
  if (from === 'start page') {
    await page.goto(`${server.baseUrl}${STREETS}/new/street-party`);
    await contentMatching(page, /If you start today, the earliest date you can give is/);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Start now' }).click();
  } else await page.getByRole('button', { name: 'Start: street party' }).click();
  await titleMatching(page, /^Where is it\?/);
  await expectAccessible(page);
  // Continuing with nothing: told what is missing, in an error summary.
  await page.getByRole('button', { name: 'Continue' }).click();
  await titleMatching(page, /^Error: /);
  assert.match(
    (await page.locator('.govuk-error-summary').textContent()) ?? '',
    /Enter the street, or describe where it is/,
  );
  await expectAccessibleAsPosted(page);
  await page.getByLabel('Ward', { exact: true }).selectOption({ label: 'Altrincham' });
  await page.getByLabel('Street or road').fill('Cranbrook Road');
  await page.getByLabel('From', { exact: true }).fill('number 1');
  await page.getByLabel('To', { exact: true }).fill('number 41');
  await page.getByRole('button', { name: 'Continue' }).click();

  await titleMatching(page, /^When is it\?/);
  await contentMatching(page, /The earliest date you can give for this is/);
  await expectAccessible(page);
  await page.locator('#start-day').fill('26');
  await page.locator('#start-month').fill('6');
  await page.locator('#start-year').fill('2027');
  await page.getByLabel('Start time').fill('12:00');
  await page.getByLabel('End time').fill('18:00');
  await page.getByRole('button', { name: 'Continue' }).click();

  await titleMatching(page, /^What is happening\?/);
  await expectAccessible(page);
  await page.getByLabel('Name of the event').fill(title);
  await page.getByLabel('How many people do you expect?').fill('60');
  await radio(page, 'Does the road need to be closed to traffic?', 'Yes');
  await page.getByRole('button', { name: 'Continue' }).click();

  await titleMatching(page, /^A few questions about your street party/);
  await expectAccessible(page);
  await radio(page, 'What kind of road is it?', 'A quiet residential road');
  await radio(page, 'Will you play amplified music?', 'No');
  await radio(page, 'Will there be a barbecue or other cooking on the street?', 'Yes');
  await page.getByRole('button', { name: 'Continue' }).click();

  await titleMatching(page, /^How can we contact you\?/);
  await expectAccessible(page);
  assert.equal(await page.getByLabel('Your name').inputValue(), 'Test Person');
  await radio(page, 'Can we show your name on the public page about the event?', 'No');
  await page.getByRole('button', { name: 'Continue' }).click();

  await titleMatching(page, /^Check your answers before sending/);
  await contentMatching(page, /Saturday 26 June 2027, 12:00 to 18:00/);
  await expectAccessible(page);
}

/** An officer takes an act on a notification from its page, giving a reason. */
async function officerActs(officer: Page, url: string, link: string, button: string, reason: string) {
  await officer.goto(url);
  await officer.getByRole('button', { name: link }).click();
  await expectAccessible(officer);
  if (reason) await officer.getByLabel('Reason').fill(reason);
  await officer.getByRole('button', { name: button, exact: true }).click();
  assert.equal(officer.url().split('?')[0], url);
}

/** The organiser changes where the closure starts from the notification's page. */
async function organiserAmends(page: Page, url: string) {
  await page.goto(url);
  await page.getByRole('link', { name: 'Change from' }).click();
  await expectAccessible(page);
  await page.getByLabel('From', { exact: true }).fill('number 20');
  await page.getByRole('button', { name: 'Save changes' }).click();
  assert.match(await banner(page), /Your change has been saved/);
}

test('notify and go: a street party goes ahead, an officer objects, the resident amends and it goes ahead again', async () => {
  const [resident, officerPerson] = await Promise.all([
    makePerson(server.db),
    makePerson(server.db, { roles: ['officer'] }),
  ]);
  const page = await server.signedIn(resident.email, STREETS);
  await contentMatching(page, /You do not need permission/);
  await expectAccessible(page);
  await answerStreetParty(page, 'Cranbrook Road street party', 'start page');
  await page.getByRole('button', { name: 'Send notification' }).click();

  await titleMatching(page, /^Notification sent/);
  const reference = ((await page.locator('.govuk-panel strong').textContent()) ?? '').trim();
  assert.match(reference, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await contentMatching(page, /until the end of Monday 14 June 2027/);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'See your notification' }).click();
  const url = page.url();
  assert.equal(await status(page), 'Going ahead');
  await expectAccessible(page);

  const officer = await server.signedIn(officerPerson.email, new URL(url).pathname);
  await expectAccessible(officer);
  // Without a reason, the objection is not made.
  await officer.getByRole('button', { name: 'Object to this event' }).click();
  await officer.getByRole('button', { name: 'Object', exact: true }).click();
  await titleMatching(officer, /^Error: /);
  await expectAccessibleAsPosted(officer);
  await officerActs(
    officer,
    url,
    'Object to this event',
    'Object',
    'The 245 bus diverts down Cranbrook Road',
  );
  assert.match(await banner(officer), /objection has been recorded/);
  assert.equal(await status(officer), 'Objection raised');

  await page.goto(url);
  assert.equal(await status(page), 'Objection raised');
  await contentMatching(page, /The 245 bus diverts down Cranbrook Road/);
  await organiserAmends(page, url);
  assert.equal(await status(page), 'Going ahead');
  await contentMatching(page, /Changed by the organiser/);
  await expectAccessible(page);

  await page.goto(`${server.baseUrl}${STREETS}/mine`);
  await contentMatching(page, new RegExp(reference));
  await expectAccessible(page);
});

test('approval mode: apply, the officer refuses, the resident amends, the officer approves', async () => {
  await server.db.query(
    "update street_settings set power_of_competence = false where place_id = (select id from places where slug = 'trafford')",
  );
  try {
    const [resident, officerPerson] = await Promise.all([
      makePerson(server.db),
      makePerson(server.db, { roles: ['officer'] }),
    ]);
    const page = await server.signedIn(resident.email, STREETS);
    await contentMatching(page, /Apply and we decide/);
    await expectAccessible(page);
    await answerStreetParty(page, 'Cranbrook Road jubilee party', 'landing');
    await page.getByRole('button', { name: 'Send application' }).click();
    await titleMatching(page, /^Application sent/);
    await contentMatching(page, /The council will decide by/);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'See your notification' }).click();
    const url = page.url();
    assert.equal(await status(page), 'Waiting for a decision');

    const officer = await server.signedIn(officerPerson.email, new URL(url).pathname);
    await officerActs(
      officer,
      url,
      'Refuse this application',
      'Refuse',
      'Please start the closure at number 20',
    );
    assert.equal(await status(officer), 'Refused');

    await page.goto(url);
    await contentMatching(page, /Please start the closure at number 20/);
    await organiserAmends(page, url);
    assert.equal(await status(page), 'Waiting for a decision');

    await officerActs(officer, url, 'Approve this application', 'Approve', '');
    assert.equal(await status(officer), 'Approved');
    await page.goto(url);
    assert.equal(await status(page), 'Approved');
    await expectAccessible(page);
  } finally {
    await server.db.query(
      "update street_settings set power_of_competence = true where place_id = (select id from places where slug = 'trafford')",
    );
  }
});

test('documents: a road closure asks for an insurance certificate; a wrong file is refused, the right one sent and the officer downloads it', async () => {
  const [resident, officerPerson] = await Promise.all([
    makePerson(server.db),
    makePerson(server.db, { roles: ['officer'] }),
  ]);
  // The steps before the documents are the street party's, walked above; start from them answered.
  const place = (await findPlaceBySlug(server.db, 'trafford')) as Place;
  const ctx = {
    db: server.db,
    place,
    actor: { userId: resident.userId, roles: ['resident' as const], platformAdmin: false },
  };
  const id = await startNotice(ctx, 'road-closure');
  const site = { publicUrl: server.baseUrl };
  await saveStep(ctx, site, id, 'where', {
    street: 'Washway Road',
    fromPoint: 'Marsland Road',
    toPoint: 'Temple Road',
  });
  await saveStep(ctx, site, id, 'when', {
    'start-day': '26',
    'start-month': '6',
    'start-year': '2027',
    startTime: '10:00',
    endTime: '13:00',
  });
  await saveStep(ctx, site, id, 'what', { title: 'Sale fun run', expectedPeople: '300', roadClosure: 'yes' });
  await saveStep(ctx, site, id, 'questions', { 'q-route': 'Up Washway Road and back', 'q-diversion': 'no' });
  const url = `${STREETS}/notices/${id}`;
  const page = await server.signedIn(resident.email, `${url}/documents`);
  await titleMatching(page, /^Documents to provide/);
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Continue' }).click();
  assert.match(
    (await page.locator('.govuk-error-summary').textContent()) ?? '',
    /Upload the public liability insurance certificate/,
  );
  await expectAccessibleAsPosted(page);
  const certificate = page.getByLabel('Public liability insurance certificate', { exact: true });
  await certificate.setInputFiles({
    name: 'cover.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('<html>not a pdf</html>'),
  });
  await page.getByRole('button', { name: 'Continue' }).click();
  assert.match(
    (await page.locator('.govuk-error-summary').textContent()) ?? '',
    /The selected file must be a PDF, JPG or PNG/,
  );
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
  await certificate.setInputFiles({ name: 'cover.pdf', mimeType: 'application/pdf', buffer: pdf });
  await page.getByRole('button', { name: 'Continue' }).click();
  await titleMatching(page, /^How can we contact you\?/);
  await page.getByRole('link', { name: 'Back' }).click();
  await contentMatching(page, /cover\.pdf, 1 KB/);
  assert.ok(
    await page.getByRole('button', { name: 'Remove Public liability insurance certificate' }).isVisible(),
  );
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Continue' }).click();
  await radio(page, 'Can we show your name on the public page about the event?', 'No');
  await page.getByRole('button', { name: 'Continue' }).click();
  await titleMatching(page, /^Check your answers before sending/);
  await contentMatching(page, /cover\.pdf, 1 KB/);
  await page.getByRole('button', { name: 'Send notification' }).click();
  await titleMatching(page, /^Notification sent/);

  const officer = await server.signedIn(officerPerson.email, url);
  const link = officer.getByRole('link', { name: /cover\.pdf, 1 KB/ });
  const download = await officer.request.get(`${server.baseUrl}${await link.getAttribute('href')}`);
  assert.equal(download.status(), 200);
  assert.match(download.headers()['content-disposition'] ?? '', /^attachment; filename="cover\.pdf"/);
  assert.deepEqual(await download.body(), pdf);
  await expectAccessible(officer);
  const stored = await server.db.query<{ stored_name: string }>(
    'select stored_name from street_notice_documents where notice_id = $1',
    [id],
  );
  await server.app.files.remove(...stored.map((r) => r.stored_name));
});

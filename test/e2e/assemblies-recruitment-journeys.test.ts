import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import {
  addressCsv,
  newAssembly,
  person,
} from '../../src/modules/assemblies/recruitment/recruitment-test-support.js';
import { expectAccessible, expectAccessibleAsPosted, useServedApp } from '../helpers/served-app.js';
import { contentMatching, titleMatching } from './page-text.js';

// One journey on one demo database: an officer uploads the council's address list and draws
// the invitations; a resident registers with a code from the mail merge; the officer sees them.
const server = useServedApp();

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();
const path = (page: Page) => new URL(page.url()).pathname;

test('an officer draws invitations from an address list; a resident registers with a code from the mail merge', async () => {
  const officer = await person(server.db);
  const slug = await newAssembly(officer);
  const base = `/trafford/assemblies/${slug}`;

  // The officer: no list yet, so no draw; upload the list.
  const page = await server.signedIn(officer.email, `${base}/invitations`);
  await titleMatching(page, /^Invitations/);
  await contentMatching(page, /There is no draw yet, because there is no address list to draw from/);
  await expectAccessible(page);
  await page.getByLabel('The address list, as a CSV file').setInputFiles({
    name: 'addresses.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(addressCsv(40)),
  });
  await page.getByRole('button', { name: 'Upload the address list' }).click();
  assert.match(await text(page, '.govuk-notification-banner'), /The address list has been uploaded/);
  await expectAccessible(page);

  // Drawing with a bad number is an error summary; then the draw, with the seed published.
  await page.getByLabel('How many letters to send').fill('500');
  await page.getByLabel('Seed for the draw').fill('6 6 2 1 4 3');
  await page.getByRole('button', { name: 'Draw the invitations' }).click();
  assert.match(await text(page, '.govuk-error-summary'), /more letters than there are addresses/);
  await expectAccessibleAsPosted(page);
  await page.getByLabel('How many letters to send').fill('12');
  await page.getByRole('button', { name: 'Draw the invitations' }).click();
  assert.match(await text(page, '.govuk-notification-banner'), /The invitations have been drawn/);
  await contentMatching(page, /6 6 2 1 4 3/);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'See the published draw' }).click();
  assert.equal(path(page), `${base}/invitation-draw`);
  await contentMatching(page, /The 12 addresses with the lowest scores receive a letter/);
  await expectAccessible(page);

  // The mail merge file has one row per letter with its code and address.
  const csv = await page.request.get(`${server.baseUrl}${base}/invitations/mail-merge.csv`);
  assert.equal(csv.status(), 200);
  const rows = parse(await csv.text(), { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 12);
  const letter = rows[0] as Record<string, string>;
  const pdf = await page.request.get(`${server.baseUrl}${base}/invitations/letters.pdf`);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');

  // A resident, not signed in, follows the QR code's address from their letter.
  const context = await server.browser.newContext({ javaScriptEnabled: false });
  const resident = await context.newPage();
  await resident.goto((letter.url as string).replace(/^https?:\/\/[^/]+/, server.baseUrl));
  await titleMatching(resident, /^Register for the citizens' assembly/);
  assert.equal(await resident.getByLabel('Your registration code').inputValue(), letter.code);
  await expectAccessible(resident);
  await resident.getByRole('button', { name: 'Register' }).click();
  const summary = await text(resident, '.govuk-error-summary');
  assert.match(summary, /Enter your full name/);
  assert.match(summary, /Tick the box to agree/);
  await expectAccessibleAsPosted(resident);
  await resident.getByLabel('Full name').fill('Grace Hopper');
  await resident.getByLabel('Email address').fill('grace@example.org');
  await resident.getByRole('group', { name: 'Gender' }).getByLabel('Woman').check();
  await resident.getByRole('group', { name: 'Age' }).getByLabel('60 or over').check();
  await resident.getByLabel('Do you have any access needs? (optional)').fill('Step-free access, please');
  await resident.getByLabel('I agree to my information being used in this way').check();
  await resident.getByRole('button', { name: 'Register' }).click();
  await titleMatching(resident, /^You have registered/);
  assert.equal(await text(resident, '[data-qa="reference"]'), 'R0001');
  await expectAccessible(resident);
  await context.close();

  // The officer sees them against the quotas.
  await page.goto(`${server.baseUrl}${base}/respondents`);
  await titleMatching(page, /^Respondents/);
  const content = await contentMatching(page, /Grace Hopper/);
  assert.match(content, /R0001/);
  await expectAccessible(page);
});

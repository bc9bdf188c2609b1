import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { assemblyWithPool, mixedPool } from '../../src/modules/assemblies/selection/selection-fixtures.js';
import { pbPerson } from '../helpers/pb-process.js';
import { expectAccessible, expectAccessibleAsPosted, useServedApp } from '../helpers/served-app.js';
import { contentMatching, titleMatching } from './page-text.js';

// An officer runs the selection for an assembly with 24 registered respondents, draws the panel
// with a number rolled on camera, and the public page shows how the chances were spread; then a
// member drops out and their seat is drawn again. Axe checks every page on the way.
const server = useServedApp();

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();
const banner = (page: Page) => text(page, '.govuk-notification-banner');
const path = (page: Page) => new URL(page.url()).pathname;

test('an officer runs the selection and draws the panel in public; everyone can see how it was chosen', async () => {
  const officer = await pbPerson(server.db, ['officer']);
  const a = await assemblyWithPool(officer.ctx, 'Future of Trafford Park', mixedPool(24));
  const b = `/trafford/assemblies/${a.slug}`;

  const page = await server.signedIn(officer.email, `${b}/selection/run`);
  await titleMatching(page, /^Choose the panel/);
  await contentMatching(page, /24 registered respondents; 24 can be in the pool/);
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Run the selection' }).click();
  assert.equal(path(page), `${b}/selection/run`);
  assert.match(await banner(page), /The lottery has been made and published/);
  await expectAccessible(page);

  // Drawing with no number is refused with an error summary that points at the field.
  await page.getByRole('button', { name: 'Draw and publish the panel' }).click();
  assert.match(await text(page, '.govuk-error-summary'), /Select how the number was chosen/);
  await expectAccessibleAsPosted(page);

  await page.getByLabel('A number from 000 to 999').check();
  await page.getByLabel('The number').fill('417');
  await page.getByRole('button', { name: 'Draw and publish the panel' }).click();
  assert.match(await banner(page), /The panel has been drawn and published/);
  await contentMatching(page, /panel 417/);
  await expectAccessible(page);

  await page.getByRole('link', { name: 'See the public record' }).click();
  assert.equal(path(page), `${b}/selection`);
  const body = await contentMatching(page, /the number 417, so panel 417/);
  await titleMatching(page, /^How the panel was chosen/);
  // The distribution: a chart described in words, and the same figures in a table.
  const chart = page.getByRole('img', { name: /Chances of being chosen/ });
  assert.equal(await chart.count(), 1);
  const rows = page.locator('#chances-caption').locator('xpath=..').locator('tbody tr');
  assert.ok((await rows.count()) >= 1);
  const people = (await rows.locator('td').allTextContents()).reduce((s, n) => s + Number(n), 0);
  assert.equal(people, 24);
  assert.doesNotMatch(body, /Resident Number|@example\.org|07700/);
  await expectAccessible(page);

  // A member drops out: their seat is drawn again from the rest of the pool.
  await page.goto(`${server.baseUrl}${b}/members/manage`);
  await titleMatching(page, /^Members/);
  await expectAccessible(page);
  const member = await page.getByLabel('Which member?').locator('option').nth(1).getAttribute('value');
  await page.getByLabel('Which member?').selectOption(member as string);
  await page.getByLabel('Why they dropped out').fill('Moved to Leeds for work');
  await page.getByRole('button', { name: 'Record the drop-out' }).click();
  assert.match(await banner(page), /The drop-out has been recorded/);
  await expectAccessible(page);
  await page.getByLabel('A number from 000 to 999').check();
  await page.getByLabel('The number').fill('031');
  await page.getByRole('button', { name: 'Draw the replacement' }).click();
  assert.match(await banner(page), /The replacement has been drawn/);
  await contentMatching(page, new RegExp(`${member} dropped out on .*Replaced by R\\d{4}`, 's'));
  await expectAccessible(page);

  await page.goto(`${server.baseUrl}${b}/selection`);
  await contentMatching(page, /1 seat filled by drawing panel 31 of 1,000/);
  assert.doesNotMatch(await page.content(), /Moved to Leeds/);
});

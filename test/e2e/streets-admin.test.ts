import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { makePerson } from '../helpers/people.js';
import { expectAccessible, expectAccessibleAsPosted, useServedApp } from '../helpers/served-app.js';
import { contentMatching, titleMatching } from './page-text.js';

const server = useServedApp();

const banner = async (page: Page) => (await page.locator('.govuk-notification-banner').textContent()) ?? '';

test('a place admin sets up a kind of notification and its questions without JavaScript', async () => {
  const admin = await makePerson(server.db, { roles: ['place-admin'] });
  const page = await server.signedIn(admin.email, '/trafford/streets/manage');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Kinds of notification' }).click();
  await expectAccessible(page);
  await page.getByRole('link', { name: /Play street/ }).click();
  await expectAccessible(page);

  // A fee with a third decimal place and an objection window the notice cannot hold.
  await page.getByLabel('Fee').fill('12.505');
  await page.getByLabel('Objection window (notify and go)').fill('40');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await titleMatching(page, /^Error: /);
  const summary = (await page.locator('.govuk-error-summary').textContent()) ?? '';
  assert.match(summary, /Enter the fee in pounds and pence/);
  assert.match(summary, /with 42 calendar days of notice, enter 29 working days or fewer/);
  await expectAccessibleAsPosted(page);
  await page.getByLabel('Fee').fill('£5');
  await page.getByLabel('Objection window (notify and go)').fill('15');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  assert.match(await banner(page), /Saved/);

  await page.getByLabel('Question', { exact: true }).fill('Which days of the week?');
  await page.getByLabel('Choose one from a list').check();
  await page.getByLabel('Options').fill('Saturdays\nSundays');
  await page.getByLabel('Residents must answer it').check();
  await page.getByRole('button', { name: 'Add question' }).click();
  assert.match(await banner(page), /Question added/);
  const questions = page.locator('#questions + p + ol > li');
  assert.equal(await questions.count(), 3);
  assert.match((await questions.nth(2).textContent()) ?? '', /Which days of the week\?/);
  await page.getByRole('button', { name: 'Move up: Which days of the week?' }).click();
  assert.match((await page.locator('#questions + p + ol > li').nth(1).textContent()) ?? '', /Which days/);
  await expectAccessible(page);

  await page.goto(`${server.baseUrl}/trafford/streets/settings`);
  await expectAccessible(page);
  await page.getByLabel('Apply and wait for approval').check();
  await page.getByRole('button', { name: 'Save' }).click();
  assert.match(await banner(page), /New notifications follow this setting/);
  await contentMatching(page, /Now: Apply and wait for approval/);
  await page.getByLabel('Community Power of Competence: notify and go').check();
  await page.getByRole('button', { name: 'Save' }).click();
});

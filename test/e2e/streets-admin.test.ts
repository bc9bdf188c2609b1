import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, serveTestApp } from '../helpers/browser.js';
import { makePerson, TEST_PASSWORD } from '../helpers/people.js';

let server: Awaited<ReturnType<typeof serveTestApp>>;
let browser: Browser;

before(async () => {
  server = await serveTestApp();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** A person's own browser, without JavaScript, signed in through the sign-in page. */
async function signedIn(email: string, start: string): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/account/sign-in?return=${encodeURIComponent(start)}`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  assert.equal(new URL(page.url()).pathname, start.split('?')[0]);
  return page;
}

/** Axe needs script in the page, so it checks the same address in a scripted copy of the session. */
async function noAxeViolations(page: Page) {
  const context = await browser.newContext();
  await context.addCookies(await page.context().cookies());
  const copy = await context.newPage();
  await copy.goto(page.url());
  const result = await new AxeBuilder({ page: copy })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  await context.close();
  assert.deepEqual(
    result.violations.map((v) => `${page.url()}: ${v.id} ${v.help}`),
    [],
  );
}

/** Axe on the page as it stands (an error page after a POST cannot be fetched again). */
async function noAxeViolationsHere(page: Page) {
  const context = await browser.newContext();
  await context.addCookies(await page.context().cookies());
  const copy = await context.newPage();
  // The same address first, so the page's styles load as they would; then the page as posted.
  await copy.goto(page.url());
  await copy.setContent(await page.content(), { waitUntil: 'load' });
  const result = await new AxeBuilder({ page: copy })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  await context.close();
  assert.deepEqual(
    result.violations.map((v) => `${page.url()} (after posting): ${v.id} ${v.help}`),
    [],
  );
}

const banner = async (page: Page) => (await page.locator('.govuk-notification-banner').textContent()) ?? '';

test('a place admin sets up a kind of notification and its questions without JavaScript', async () => {
  const admin = await makePerson(server.db, { roles: ['place-admin'] });
  const page = await signedIn(admin.email, '/trafford/streets/manage');
  await noAxeViolations(page);
  await page.getByRole('link', { name: 'Kinds of notification' }).click();
  await noAxeViolations(page);
  await page.getByRole('link', { name: /Play street/ }).click();
  await noAxeViolations(page);

  // A fee with a third decimal place and an objection window the notice cannot hold.
  await page.getByLabel('Fee').fill('12.505');
  await page.getByLabel('Objection window (notify and go)').fill('40');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  assert.match(await page.title(), /^Error: /);
  const summary = (await page.locator('.govuk-error-summary').textContent()) ?? '';
  assert.match(summary, /Enter the fee in pounds and pence/);
  assert.match(summary, /with 42 calendar days of notice, enter 29 working days or fewer/);
  await noAxeViolationsHere(page);
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
  await noAxeViolations(page);

  await page.goto(`${server.baseUrl}/trafford/streets/settings`);
  await noAxeViolations(page);
  await page.getByLabel('Apply and wait for approval').check();
  await page.getByRole('button', { name: 'Save' }).click();
  assert.match(await banner(page), /New notifications follow this setting/);
  assert.match(await page.content(), /Now: Apply and wait for approval/);
  await page.getByLabel('Community Power of Competence: notify and go').check();
  await page.getByRole('button', { name: 'Save' }).click();
});

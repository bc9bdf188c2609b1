import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
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

async function signIn(page: Page, email: string) {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('an organiser without JavaScript adds their group, fixes a mistake, and a moderator publishes it', async () => {
  const organiser = await makePerson(server.db);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/trafford/groups`);
  await page.getByRole('link', { name: 'Sign in to add it' }).click();
  await signIn(page, organiser.email);
  assert.equal(new URL(page.url()).pathname, '/trafford/groups/new');

  await page.getByLabel('Group name').fill('Lostock Lunch Club');
  await page.getByLabel('What is it mainly about?').selectOption('older-people');
  await page.getByLabel('Ward', { exact: true }).selectOption({ label: 'Lostock & Barton' });
  await page.getByLabel('Wednesday').check();
  await page.getByLabel('Afternoons').check();
  await page.getByLabel('Postcode (optional)').fill('M32 9ZZZ');
  await page.getByRole('button', { name: 'Add the group' }).click();

  // Two problems at once, each linked to its field, and nothing typed is lost.
  const summary = page.locator('.govuk-error-summary');
  assert.ok(await summary.isVisible());
  assert.match(await page.title(), /^Error: /);
  await summary.getByRole('link', { name: 'Enter what the group does, in one sentence' }).click();
  assert.equal(await page.evaluate(() => location.hash), '#summary');
  assert.ok(await summary.getByRole('link', { name: /Enter a real postcode/ }).isVisible());
  assert.equal(await page.getByLabel('Group name').inputValue(), 'Lostock Lunch Club');
  assert.ok(await page.getByLabel('Wednesday').isChecked());

  await page
    .getByLabel('What the group does, in one sentence')
    .fill('A hot two-course lunch and company, every Wednesday.');
  await page.getByLabel('Postcode (optional)').fill('M32 9ZZ');
  await page.getByRole('button', { name: 'Add the group' }).click();
  assert.equal(new URL(page.url()).pathname, '/trafford/groups/lostock-lunch-club');
  assert.match(
    (await page.locator('.govuk-notification-banner').textContent()) ?? '',
    /a moderator will check it/,
  );
  await context.close();

  // A moderator publishes it from the queue; then anyone can find it in the ward's list.
  const officer = await makePerson(server.db, { roles: ['officer'] });
  const staff = await browser.newContext({ javaScriptEnabled: false });
  const queue = await staff.newPage();
  await queue.goto(`${server.baseUrl}/account/sign-in?return=/trafford/admin/moderation`);
  await signIn(queue, officer.email);
  await queue.locator('button[value="publish"]', { hasText: 'Lostock Lunch Club' }).click();
  assert.match((await queue.locator('main').textContent()) ?? '', /Posts to check \(0\)/);
  await staff.close();

  const visitor = await browser.newContext({ javaScriptEnabled: false });
  const list = await visitor.newPage();
  await list.goto(`${server.baseUrl}/trafford/groups`);
  await list.getByLabel('Ward').selectOption({ label: 'Lostock & Barton' });
  await list.getByRole('button', { name: 'Show groups' }).click();
  await list.getByRole('link', { name: 'Lostock Lunch Club' }).click();
  assert.equal((await list.locator('h1').textContent())?.trim(), 'Lostock Lunch Club');
  assert.match((await list.locator('main').textContent()) ?? '', /Wednesday/);
  await visitor.close();
});

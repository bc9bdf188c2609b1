import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { currentTotp } from '../../src/platform/auth/totp.js';
import { makePerson, TEST_PASSWORD } from '../helpers/people.js';
import { signIn, useServedApp } from '../helpers/served-app.js';

const server = useServedApp();

/** The newest email to an address, from the development outbox page, and the link in it. */
async function linkFromOutbox(page: Page, to: string): Promise<string> {
  await page.goto(`${server.baseUrl}/dev/outbox`);
  const message = page.locator('section', { hasText: `To ${to}` }).first();
  return (await message.locator('a[href*="/account/"]').first().getAttribute('href')) ?? '';
}

/** Signs in from the sign-in page itself. */
async function signInFromStart(page: Page, email: string, password: string) {
  await page.goto(`${server.baseUrl}/account/sign-in`);
  await signIn(page, email, password);
}

test('sign up, confirm from the email, sign in, turn on two-step sign-in, sign out and back in with a code', async () => {
  const context = await server.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/trafford/`);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Your name').fill('Priya');
  await page.getByLabel('Email address').fill('priya@example.org');
  await page.getByLabel('Create a password').fill('sunflower ladder tide');
  await page.getByRole('button', { name: 'Create account' }).click();
  assert.equal(await page.locator('h1').textContent(), 'Check your email');

  await page.goto(await linkFromOutbox(page, 'priya@example.org'));
  assert.match((await page.locator('.govuk-panel').textContent()) ?? '', /Email address confirmed/);

  await signInFromStart(page, 'priya@example.org', 'sunflower ladder tide');
  assert.equal(new URL(page.url()).pathname, '/account');
  await page.getByRole('link', { name: 'Turn on two-step sign-in' }).click();
  const key = ((await page.locator('.kith-secret').textContent()) ?? '').replace(/\s/g, '');
  await page.getByLabel('Security code').fill(currentTotp(key));
  await page.getByRole('button', { name: 'Continue' }).click();
  assert.match((await page.locator('main').textContent()) ?? '', /Two-step sign-in\s+On/);

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  assert.equal(await page.locator('h1').textContent(), 'You have signed out');

  await signInFromStart(page, 'priya@example.org', 'sunflower ladder tide');
  assert.equal(new URL(page.url()).pathname, '/account/two-factor');
  await page.getByLabel('Security code').fill(currentTotp(key));
  await page.getByRole('button', { name: 'Continue' }).click();
  assert.equal(new URL(page.url()).pathname, '/account');
  assert.equal((await page.locator('h1').textContent())?.trim(), 'Your account');
  await context.close();
});

test('reset a forgotten password from the emailed link', async () => {
  const person = await makePerson(server.db);
  const context = await server.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/account/sign-in`);
  await page.getByRole('link', { name: 'I have forgotten my password' }).click();
  await page.getByLabel('Email address').fill(person.email);
  await page.getByRole('button', { name: 'Send link' }).click();
  await page.goto(await linkFromOutbox(page, person.email));
  await page.getByLabel('Create a password').fill('short');
  await page.getByRole('button', { name: 'Save password' }).click();
  assert.ok(await page.locator('.govuk-error-summary').isVisible());
  await page.getByLabel('Create a password').fill('meadow copper violin');
  await page.getByRole('button', { name: 'Save password' }).click();
  assert.match((await page.locator('.govuk-panel').textContent()) ?? '', /Password changed/);
  await signInFromStart(page, person.email, 'meadow copper violin');
  assert.equal(new URL(page.url()).pathname, '/account');
  await context.close();
});

test('a place admin invites an officer, who accepts', async () => {
  const admin = await makePerson(server.db, { roles: ['place-admin'] });
  const context = await server.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signInFromStart(page, admin.email, TEST_PASSWORD);
  await page.goto(`${server.baseUrl}/trafford/admin/people`);
  await page.getByLabel('Email address').fill('officer.jo@example.org');
  await page.getByLabel('Officer', { exact: true }).check();
  await page.getByRole('button', { name: 'Send invitation' }).click();
  assert.match(
    (await page.locator('.govuk-notification-banner').textContent()) ?? '',
    /Invitation sent to officer.jo@example.org/,
  );
  const link = await linkFromOutbox(page, 'officer.jo@example.org');
  await context.close();

  await makePerson(server.db, { email: 'officer.jo@example.org' });
  const jo = await server.browser.newContext({ javaScriptEnabled: false });
  const joPage = await jo.newPage();
  await signInFromStart(joPage, 'officer.jo@example.org', TEST_PASSWORD);
  await joPage.goto(link);
  await joPage.getByRole('button', { name: 'Accept invitation' }).click();
  assert.match((await joPage.locator('.govuk-panel').textContent()) ?? '', /Invitation accepted/);
  await jo.close();
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useServedApp } from '../helpers/served-app.js';
import { titleMatching } from './page-text.js';

const server = useServedApp();

test('a resident without JavaScript contacts the team, fixes a mistake and gets a reference', async () => {
  const context = await server.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/trafford/`);
  await page.getByRole('link', { name: 'Contact', exact: true }).click();
  await page
    .getByLabel('Your message', { exact: true })
    .fill('The Urmston ward page could list the library.');
  await page.getByRole('button', { name: 'Send message' }).click();

  const summary = page.locator('.govuk-error-summary');
  assert.ok(await summary.isVisible());
  await titleMatching(page, /^Error: Contact us/);
  await summary.getByRole('link', { name: 'Enter what your message is about' }).click();
  assert.equal(await page.evaluate(() => location.hash), '#subject');
  assert.equal(
    await page.getByLabel('Your message', { exact: true }).inputValue(),
    'The Urmston ward page could list the library.',
  );

  await page.getByLabel('What is your message about?').fill('Ward pages');
  await page.getByRole('button', { name: 'Send message' }).click();
  const panel = page.locator('.govuk-panel');
  assert.match((await panel.textContent()) ?? '', /Message sent[\s\S]*KC-[A-Z0-9]{4}-[A-Z0-9]{4}/);
  await context.close();
});

test('a resident finds their ward from the map and switches to Welsh', async () => {
  const context = await server.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/trafford/wards`);
  await page.locator('svg.kith-map').getByRole('link', { name: 'Stretford & Humphrey Park' }).click();
  assert.equal(new URL(page.url()).pathname, '/trafford/wards/stretford-humphrey-park');
  assert.equal((await page.locator('h1').textContent())?.trim(), 'Stretford & Humphrey Park');

  await page.getByRole('link', { name: 'Cymraeg' }).click();
  assert.equal(new URL(page.url()).pathname, '/trafford/wards/stretford-humphrey-park');
  assert.equal(await page.getAttribute('html', 'lang'), 'cy');
  assert.ok(await page.getByRole('link', { name: 'Hafan' }).isVisible());
  await page.getByRole('link', { name: 'English' }).click();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await context.close();
});

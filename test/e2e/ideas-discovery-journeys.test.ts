import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { makePerson } from '../helpers/people.js';
import { expectAccessible, expectAccessibleAsPosted, useServedApp } from '../helpers/served-app.js';
import { titleMatching } from './page-text.js';

const server = useServedApp();

const IDEAS = '/trafford/ideas';
const CALLS = '/trafford/ideas/calls';

const path = (page: Page) => new URL(page.url()).pathname;
const results = async (page: Page) =>
  (await page.locator('.kith-result h2').allTextContents()).map((s) => s.trim());

test('a resident filters the ideas by stage and ward, sorts them, and finds a ward’s ideas from the map', async () => {
  const resident = await makePerson(server.db);
  const page = await server.signedIn(resident.email, IDEAS);
  await titleMatching(page, /^Ideas/);
  assert.ok((await results(page)).includes('Pop-up play street on Sunday afternoons'));
  await expectAccessible(page);

  // Proposed ideas in Altrincham, through the filter panel (no JavaScript in this browser).
  await page.getByLabel('Proposed', { exact: true }).check();
  await page.getByLabel('Being tested', { exact: true }).check();
  await page.getByLabel('Ward', { exact: true }).selectOption({ label: 'Altrincham' });
  await page.getByRole('button', { name: 'Show ideas' }).click();
  assert.equal(path(page), IDEAS);
  assert.deepEqual(
    new Set(await results(page)),
    new Set([
      'Benches and planters along Stamford New Road',
      'Pay-as-you-feel café in the empty unit on the high street',
    ]),
  );
  assert.match((await page.locator('#idea-count').textContent()) ?? '', /^2 ideas/);
  await expectAccessible(page);

  // Most active first, keeping the filters; then one filter removed.
  await page.getByRole('link', { name: 'Most active' }).click();
  assert.match(page.url(), /sort=active/);
  assert.match(page.url(), /stage=proposed/);
  assert.equal((await results(page)).length, 2);
  await page.getByRole('link', { name: 'Remove the filter Stage: Being tested' }).click();
  assert.deepEqual(await results(page), ['Benches and planters along Stamford New Road']);
  assert.match(page.url(), /sort=active/);
  await expectAccessible(page);

  // The map: the table is the same as the map, and a ward's link opens that ward's ideas.
  await page.goto(`${server.baseUrl}${IDEAS}`);
  await page.getByRole('link', { name: 'See ideas on a map of wards' }).click();
  assert.equal(path(page), `${IDEAS}/map`);
  const row = page.locator('tr', { has: page.getByRole('link', { name: 'Urmston', exact: true }) });
  assert.match((await row.locator('td').first().textContent()) ?? '', /^1$/);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Ideas in Urmston' }).click();
  assert.equal(path(page), IDEAS);
  assert.deepEqual(await results(page), ['Pop-up play street on Sunday afternoons']);
  await page.getByRole('link', { name: 'Pop-up play street on Sunday afternoons' }).waitFor();
});

test('an officer starts an open call and sees it listed, and the list can be filtered by it', async () => {
  const officer = await makePerson(server.db, { roles: ['officer'] });
  const page = await server.signedIn(officer.email, CALLS);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Start an open call' }).click();
  assert.equal(path(page), `${CALLS}/new`);
  await expectAccessible(page);

  // Sent with mistakes first.
  await page.getByRole('button', { name: 'Start the call' }).click();
  const summary = (await page.locator('.govuk-error-summary').textContent()) ?? '';
  assert.match(summary, /Enter the question/);
  assert.match(summary, /Enter the day the call opens/);
  await expectAccessibleAsPosted(page);

  const year = new Date().getUTCFullYear();
  await page.getByLabel('Question').fill('How might we make our parks places to play after school?');
  await page
    .getByLabel('More about the call (optional)')
    .fill('Tell us what would get children out to play.');
  const opens = page.getByRole('group', { name: 'Opens on' });
  await opens.getByLabel('Day').fill('1');
  await opens.getByLabel('Month').fill('1');
  await opens.getByLabel('Year').fill(String(year));
  await page
    .getByLabel('Part of a council challenge (optional)')
    .selectOption({ label: 'Older people on their own in Longford' });
  await page.getByRole('button', { name: 'Start the call' }).click();
  assert.match(path(page), /^\/trafford\/ideas\/calls\/[0-9a-f-]{36}$/);
  assert.match(
    (await page.locator('.govuk-notification-banner').textContent()) ?? '',
    /open call has been created/,
  );
  assert.equal(await page.getByRole('button', { name: 'Post an idea for this call' }).count(), 1);
  await expectAccessible(page);
  const callPath = path(page);

  await page.goto(`${server.baseUrl}${CALLS}`);
  const listed = page.getByRole('link', { name: 'How might we make our parks places to play after school?' });
  assert.equal(await listed.count(), 1);

  // In the list's filter, residents can find the ideas answering it.
  await page.goto(`${server.baseUrl}${IDEAS}`);
  await page
    .getByLabel('Answering an open call')
    .selectOption({ label: 'How might we make our parks places to play after school?' });
  await page.getByRole('button', { name: 'Show ideas' }).click();
  assert.match((await page.locator('#idea-count').textContent()) ?? '', /^0 ideas/);
  assert.match(page.url(), new RegExp(`call=${callPath.split('/').at(-1)}`));
  await expectAccessible(page);
});

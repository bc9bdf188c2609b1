import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { makePerson } from '../helpers/people.js';
import { expectAccessible, expectAccessibleAsPosted, useServedApp } from '../helpers/served-app.js';
import { titleMatching } from './page-text.js';

const server = useServedApp();

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();
const path = (page: Page) => new URL(page.url()).pathname;
const REASON = 'The list of calls names a landowner while a sale is agreed; it returns in January.';

test('a place admin withholds a dataset with a reason; a visitor sees it listed with the reason and its download refused', async () => {
  const admin = await makePerson(server.db, { roles: ['place-admin'] });

  const page = await server.signedIn(admin.email, '/trafford/admin/data');
  await titleMatching(page, /^Open data: publish or withhold/);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Change Open calls for ideas' }).click();
  assert.equal(path(page), '/trafford/admin/data/idea-calls');
  await expectAccessible(page);

  // Sent empty: both questions are listed.
  await page.getByRole('button', { name: 'Withhold this dataset' }).click();
  const summary = await text(page, '.govuk-error-summary');
  assert.match(summary, /Choose why the dataset is withheld/);
  assert.match(summary, /Enter the reason the public will read/);
  await expectAccessibleAsPosted(page);

  await page.getByLabel('It is commercially confidential').check();
  await page.getByLabel('Reason, as the public will read it').fill(REASON);
  await page.getByRole('button', { name: 'Withhold this dataset' }).click();
  assert.equal(path(page), '/trafford/data/idea-calls');
  assert.match(await text(page, '.govuk-inset-text'), /a landowner while a sale is agreed/);
  await expectAccessible(page);

  // A visitor: still listed, with the reason; the download is refused with the reason.
  const visitor = await server.browser.newPage();
  await visitor.goto(`${server.baseUrl}/trafford/data`);
  const section = visitor.locator('section', { hasText: 'Open calls for ideas' });
  assert.match((await section.textContent()) ?? '', /Withheld[\s\S]*a landowner while a sale is agreed/);
  await expectAccessible(visitor);
  const refused = await visitor.goto(`${server.baseUrl}/trafford/ideas/calls.csv`);
  assert.equal(refused?.status(), 403);
  assert.match(await text(visitor, 'main'), /a landowner while a sale is agreed/);
  await expectAccessible(visitor);
  const api = await visitor.request.get(`${server.baseUrl}/trafford/api/ideas/calls`);
  assert.equal(api.status(), 403);
  assert.equal((await api.json()).detail, REASON);
  await visitor.close();

  // Released: the download works again and the history keeps both steps.
  await page.goto(`${server.baseUrl}/trafford/admin/data/idea-calls`);
  await page.getByRole('button', { name: 'Publish this dataset again' }).click();
  assert.match(await text(page, 'main'), /published again/);
  const again = await page.request.get(`${server.baseUrl}/trafford/ideas/calls.csv`);
  assert.equal(again.status(), 200);
  await page.close();
});

test('the API docs page lists the operations and links the OpenAPI document', async () => {
  const page = await server.browser.newPage();
  await page.goto(`${server.baseUrl}/api/docs`);
  await titleMatching(page, /Kith API/);
  await expectAccessible(page);
  await page.getByRole('link', { name: '/trafford/api/wards', exact: true }).first().click();
  assert.equal(path(page), '/trafford/api/wards');
  await page.goto(`${server.baseUrl}/trafford/data/wards`);
  assert.match(await text(page, 'h1'), /Wards/);
  await expectAccessible(page);
  await page.close();
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { addMonths } from '../../src/lib/standards/performance.js';
import { latestReportableMonth } from '../../src/modules/standards/standards-service.js';
import { makePerson } from '../helpers/people.js';
import { expectAccessible, expectAccessibleAsPosted, useServedApp } from '../helpers/served-app.js';
import { contentMatching, titleMatching } from './page-text.js';

// One journey on one demo database: an officer enters a month that missed its standard and
// says what is being done, then imports a CSV of figures; a visitor sees the standard's page
// with the miss in the chart and the table, without JavaScript.
const server = useServedApp();

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();
const ROOT = '/trafford/standards';
const LIGHTS = `${ROOT}/highways/street-lights`;
const LAST = latestReportableMonth();
const [YEAR, MONTH] = LAST.split('-').map(Number) as [number, number];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const monthName = (m: string) => `${MONTHS[Number(m.slice(5)) - 1]} ${m.slice(0, 4)}`;

test('an officer enters a missed month and imports figures; a visitor sees the miss and what is being done', async () => {
  const officer = await makePerson(server.db, { roles: ['officer'] });
  const page = await server.signedIn(officer.email, ROOT);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'We fix a street light fault within 7 days' }).click();
  assert.equal(new URL(page.url()).pathname, LIGHTS);
  await expectAccessible(page);

  // Entering a miss without saying what is being done is refused, with the error summary.
  await page.getByRole('button', { name: "Enter a month's figure" }).click();
  await expectAccessible(page);
  await page.getByLabel('Month', { exact: true }).fill(String(MONTH));
  await page.getByLabel('Year', { exact: true }).fill(String(YEAR));
  await page.getByLabel('Figure', { exact: true }).fill('81.75');
  await page.getByRole('button', { name: 'Publish the figure' }).click();
  await titleMatching(page, /^Error: /);
  assert.match(
    await text(page, '.govuk-error-summary'),
    /This month missed its target: say what is being done about it/,
  );
  await expectAccessibleAsPosted(page);
  await page
    .getByLabel('What we are doing about it')
    .fill('A second repair team is working through the faults that wait on the electricity network.');
  await page.getByRole('button', { name: 'Publish the figure' }).click();
  assert.match(
    await text(page, '.govuk-notification-banner'),
    new RegExp(`The figure for ${monthName(LAST)} has been changed`),
  );
  await expectAccessible(page);

  // A CSV of figures: previewed with its problems, nothing published until confirmed.
  await page.goto(`${server.baseUrl}${ROOT}`);
  await page.getByRole('button', { name: 'Import monthly figures' }).click();
  await expectAccessible(page);
  const month = addMonths(LAST, -1);
  await page.getByLabel('CSV file').setInputFiles({
    name: 'figures.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      [
        'standard,month,value,numerator,denominator,note,action',
        `highways/street-lights,${month},,171,200,,Faults on the electricity network took longer to repair.`,
        `highways/dangerous-potholes,${month},30,,,,`,
      ].join('\n'),
    ),
  });
  await page.getByRole('button', { name: 'Check the file' }).click();
  await titleMatching(page, /^Check the figures before you import them/);
  await contentMatching(page, /2 rows: 1 ready to import, 1 with problems\./);
  await contentMatching(page, /This month missed its target: say what is being done about it/);
  await expectAccessible(page);
  await page.getByLabel('Import the 1 rows without problems, and leave out the rest').check();
  await page.getByRole('button', { name: 'Import the figures' }).click();
  assert.match(await text(page, '.govuk-panel'), /Figures imported/);
  await expectAccessibleAsPosted(page);

  // A visitor, without signing in: the chart marks the misses, the table says what is being done.
  const visitor = await (await server.browser.newContext({ javaScriptEnabled: false })).newPage();
  await visitor.goto(`${server.baseUrl}${LIGHTS}`);
  const chart = visitor.getByRole('img', {
    name: 'Monthly figures for: We fix a street light fault within 7 days',
  });
  assert.equal(await chart.count(), 1);
  assert.match((await chart.textContent()) ?? '', /✗ 81\.75/);
  assert.match((await chart.textContent()) ?? '', /✗ 85\.5/);
  const row = visitor.locator(`#month-${LAST}`);
  assert.match((await row.textContent()) ?? '', /81\.75%/);
  assert.match((await row.textContent()) ?? '', /Missed/);
  assert.match((await row.textContent()) ?? '', /A second repair team is working through the faults/);
  const imported = visitor.locator(`#month-${month}`);
  assert.match((await imported.textContent()) ?? '', /85\.5%\s*171 of 200/);
  assert.match(
    (await imported.textContent()) ?? '',
    /Faults on the electricity network took longer to repair\./,
  );
  assert.doesNotMatch(await visitor.content(), /Enter a month's figure|Change this standard/);
  await expectAccessible(visitor);
  await visitor.goto(`${server.baseUrl}${ROOT}/highways`);
  await contentMatching(visitor, /Missed/);
  await expectAccessible(visitor);
});

test("officers' forms for services and standards pass axe, and their mistakes come back accessibly", async () => {
  const admin = await makePerson(server.db, { roles: ['place-admin'] });
  const page = await server.signedIn(admin.email, `${ROOT}/new-service`);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Save' }).click();
  assert.match(await text(page, '.govuk-error-summary'), /Enter the name of the service/);
  await expectAccessibleAsPosted(page);
  for (const url of [
    `${ROOT}/libraries/edit`,
    `${ROOT}/libraries/new-standard`,
    `${ROOT}/libraries/reservations/edit`,
  ]) {
    await page.goto(`${server.baseUrl}${url}`);
    await expectAccessible(page);
  }
  await page.getByLabel('Target', { exact: true }).fill('101');
  await page.getByRole('button', { name: 'Save' }).click();
  assert.match(await text(page, '.govuk-error-summary'), /a percentage can be at most 100/);
  await expectAccessibleAsPosted(page);
});

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

const CENTRE = '/trafford/spaces/partington-community-centre';
const HALL = '/trafford/spaces/urmston-methodist-hall';
// A week well in the future, so the journeys never meet the past.
const WEEK = '2030-02-04';

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

const banner = async (page: Page) => (await page.locator('.govuk-notification-banner').textContent()) ?? '';

test('a resident finds a free hour and books it once', async () => {
  const me = await makePerson(server.db);
  const page = await signedIn(me.email, `${CENTRE}/availability?week=${WEEK}`);
  await noAxeViolations(page);
  await page.getByRole('link', { name: 'Book 10:00 to 11:00 Wednesday 6 February 2030' }).click();
  assert.equal(await page.getByLabel('Date', { exact: true }).inputValue(), '2030-02-06');
  assert.equal(await page.getByLabel('Start time').inputValue(), '10:00');
  await noAxeViolations(page);
  // Forgetting what it is for: told so, and the time chosen is kept.
  await page.getByLabel('Resident').check();
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  assert.match(await page.title(), /^Error: /);
  assert.equal(await page.getByLabel('Start time').inputValue(), '10:00');
  await page.getByLabel('What is the booking for?').fill('Knitting circle');
  await page.getByLabel('End time').fill('12:00');
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  assert.match(await banner(page), /Booked\. Bookings made: 1/);
  assert.match(await page.content(), /Wednesday 6 February 2030, 10:00–12:00/);
  assert.match(await page.content(), /£30/);
  await noAxeViolations(page);
  await page.goto(`${server.baseUrl}${CENTRE}/availability?week=${WEEK}`);
  assert.match(await page.content(), /11:00 to 12:00: booked/);
});

test('a resident books the same evening every week for six weeks', async () => {
  const me = await makePerson(server.db);
  const page = await signedIn(me.email, `${CENTRE}/book?date=2030-02-07&start=19:00&end=20:00`);
  await page.getByLabel('What is the booking for?').fill('Youth drama');
  await page.getByLabel('Community group').check();
  await page.getByLabel('Every week, for a number of weeks').check();
  await page.getByLabel('How many weeks').fill('6');
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  assert.match(await banner(page), /Bookings made: 6/);
  assert.match(await page.content(), /Free/);
  await page.getByRole('link', { name: 'Your bookings' }).last().click();
  assert.equal(await page.getByRole('link', { name: 'Youth drama' }).count(), 6);
  await noAxeViolations(page);
});

test('a space that needs approval: the resident asks, an officer approves, the resident cancels', async () => {
  const [resident, officerPerson] = await Promise.all([
    makePerson(server.db),
    makePerson(server.db, { roles: ['officer'] }),
  ]);
  const page = await signedIn(resident.email, `${HALL}/book?date=2030-02-05&start=14:00&end=16:00`);
  await page.getByLabel('What is the booking for?').fill('Tea dance');
  await page.getByLabel('Charity').check();
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  assert.match(await banner(page), /Requested/);
  assert.match(await page.content(), /Waiting for approval/);
  const bookingUrl = page.url().replace(/\?.*/, '');

  const officer = await signedIn(officerPerson.email, '/trafford/spaces/approvals');
  await noAxeViolations(officer);
  await officer.getByRole('link', { name: 'Tea dance' }).click();
  await officer.getByRole('button', { name: 'Approve booking' }).click();
  assert.match(await banner(officer), /approved/);

  await page.goto(bookingUrl);
  assert.match(await page.content(), /Confirmed/);
  await page.getByLabel('Reason (optional)').fill('The group has closed for the winter');
  await page.getByRole('button', { name: 'Cancel booking' }).click();
  assert.match(await banner(page), /The booking has been cancelled/);
  assert.match(await page.content(), /Cancelled/);
  await noAxeViolations(page);
  const mail = await server.db.query<{ template: string }>(
    'select template from outbox where to_email = $1 order by created_at',
    [resident.email],
  );
  assert.deepEqual(
    mail.map((m) => m.template),
    ['spaceBookingRequested', 'spaceBookingApproved', 'spaceBookingCancelled'],
  );
  // The time is free again.
  await page.goto(`${server.baseUrl}${HALL}/availability?week=${WEEK}`);
  assert.match(await page.content(), /Book 14:00 to 15:00/);
});

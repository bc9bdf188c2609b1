import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { makePerson } from '../helpers/people.js';
import { expectAccessible, useServedApp } from '../helpers/served-app.js';
import { contentMatching, titleMatching } from './page-text.js';

const server = useServedApp();

const CENTRE = '/trafford/spaces/partington-community-centre';
const HALL = '/trafford/spaces/urmston-methodist-hall';
// A week well in the future, so the journeys never meet the past.
const WEEK = '2030-02-04';

const banner = async (page: Page) => (await page.locator('.govuk-notification-banner').textContent()) ?? '';

test('a resident finds a free hour and books it once', async () => {
  const me = await makePerson(server.db);
  const page = await server.signedIn(me.email, `${CENTRE}/availability?week=${WEEK}`);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Book 10:00 to 11:00 Wednesday 6 February 2030' }).click();
  assert.equal(await page.getByLabel('Date', { exact: true }).inputValue(), '2030-02-06');
  assert.equal(await page.getByLabel('Start time').inputValue(), '10:00');
  await expectAccessible(page);
  // Forgetting what it is for: told so, and the time chosen is kept.
  await page.getByLabel('Resident').check();
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  await titleMatching(page, /^Error: /);
  assert.equal(await page.getByLabel('Start time').inputValue(), '10:00');
  await page.getByLabel('What is the booking for?').fill('Knitting circle');
  await page.getByLabel('End time').fill('12:00');
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  assert.match(await banner(page), /Booked\. Bookings made: 1/);
  await contentMatching(page, /Wednesday 6 February 2030, 10:00–12:00/);
  await contentMatching(page, /£30/);
  await expectAccessible(page);
  await page.goto(`${server.baseUrl}${CENTRE}/availability?week=${WEEK}`);
  await contentMatching(page, /11:00 to 12:00: booked/);
});

test('a resident books the same evening every week for six weeks', async () => {
  const me = await makePerson(server.db);
  const page = await server.signedIn(me.email, `${CENTRE}/book?date=2030-02-07&start=19:00&end=20:00`);
  await page.getByLabel('What is the booking for?').fill('Youth drama');
  await page.getByLabel('Community group').check();
  await page.getByLabel('Every week, for a number of weeks').check();
  await page.getByLabel('How many weeks').fill('6');
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  assert.match(await banner(page), /Bookings made: 6/);
  await contentMatching(page, /Free/);
  await page.getByRole('link', { name: 'Your bookings' }).last().click();
  assert.equal(await page.getByRole('link', { name: 'Youth drama' }).count(), 6);
  await expectAccessible(page);
});

test('a space that needs approval: the resident asks, an officer approves, the resident cancels', async () => {
  const [resident, officerPerson] = await Promise.all([
    makePerson(server.db),
    makePerson(server.db, { roles: ['officer'] }),
  ]);
  const page = await server.signedIn(resident.email, `${HALL}/book?date=2030-02-05&start=14:00&end=16:00`);
  await page.getByLabel('What is the booking for?').fill('Tea dance');
  await page.getByLabel('Charity').check();
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  assert.match(await banner(page), /Requested/);
  await contentMatching(page, /Waiting for approval/);
  const bookingUrl = page.url().replace(/\?.*/, '');

  const officer = await server.signedIn(officerPerson.email, '/trafford/spaces/approvals');
  await expectAccessible(officer);
  await officer.getByRole('link', { name: 'Tea dance' }).click();
  await officer.getByRole('button', { name: 'Approve booking' }).click();
  assert.match(await banner(officer), /approved/);

  await page.goto(bookingUrl);
  await contentMatching(page, /Confirmed/);
  await page.getByLabel('Reason (optional)').fill('The group has closed for the winter');
  await page.getByRole('button', { name: 'Cancel booking' }).click();
  assert.match(await banner(page), /The booking has been cancelled/);
  await contentMatching(page, /Cancelled/);
  await expectAccessible(page);
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
  await contentMatching(page, /Book 14:00 to 15:00/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { makePerson } from '../helpers/people.js';
import { expectAccessible, expectAccessibleAsPosted, useServedApp } from '../helpers/served-app.js';
import { contentMatching } from './page-text.js';

const server = useServedApp();

const OPEN = '/trafford/consultations/c0c50000-0000-4000-8000-000000000001';
const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();
const path = (page: Page) => new URL(page.url()).pathname;

test('a resident comments and answers a consultation with a map pin', async () => {
  const resident = await makePerson(server.db);

  const page = await server.signedIn(resident.email, '/trafford/consultations');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Redesigning Walton Park’s play area' }).click();
  assert.equal(path(page), OPEN);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Start now' }).click();
  assert.equal(path(page), `${OPEN}/respond`);
  await expectAccessible(page);

  // Sent with a ranking that uses one option twice: the mistake is shown, with the answers kept.
  await page.getByLabel('Every week').check();
  await page.getByLabel('Swings').check();
  await page.getByLabel('Seating for carers').check();
  await page.getByLabel('4', { exact: true }).check();
  const ranking = page.getByRole('group', { name: /Put these in order/ });
  await ranking.getByLabel('Position 1').selectOption('Lighting');
  await ranking.getByLabel('Position 2').selectOption('Lighting');
  await ranking.getByLabel('Position 3').selectOption('Toilets nearby');
  await ranking.getByLabel('Position 4').selectOption('Fencing from the road');
  await page.getByRole('button', { name: 'Continue' }).click();
  assert.match(await text(page, '.govuk-error-summary'), /Choose each option once only/);
  await expectAccessibleAsPosted(page);
  await page
    .getByRole('group', { name: /Put these in order/ })
    .getByLabel('Position 2')
    .selectOption('Shade and trees');
  await page.getByLabel(/Anything else we should know/).fill('More shade for hot days');
  await page.getByRole('button', { name: 'Continue' }).click();
  assert.equal(path(page), `${OPEN}/respond/where`);
  await expectAccessible(page);

  // A comment with a pin: write it, then click on the plan where it applies (no JavaScript needed).
  await page.getByLabel('Your comment').fill('Put the new swings here, away from the road');
  const map = page.locator('input[type="image"][name="pin"]');
  await map.click({ position: { x: 160, y: 110 } });
  assert.equal(path(page), `${OPEN}/respond/where`);
  await contentMatching(page, /Put the new swings here/);
  await expectAccessible(page);

  // And one without the map: a named area and words.
  await page.getByLabel('Your comment').fill('The pond needs a fence for toddlers');
  await page.getByLabel('Area', { exact: true }).selectOption('The pond');
  await page.getByLabel('Describe the place (optional)').fill('by the bench on the east side');
  await page.getByRole('button', { name: 'Add comment' }).click();
  await contentMatching(page, /The pond needs a fence for toddlers/);
  await expectAccessible(page);

  const rows = await server.db.query<{ x: string | null; y: string | null; area: string | null }>(
    `select m.x::text, m.y::text, m.area from consultation_map_comments m join consultation_responses r on r.id = m.response_id
     join users u on u.id = r.user_id where u.email = $1 order by m.created_at`,
    [resident.email],
  );
  assert.equal(rows.length, 2);
  assert.ok(
    Math.abs(Number(rows[0]?.x) - 0.25) < 0.01 && Math.abs(Number(rows[0]?.y) - 0.25) < 0.01,
    'the pin is where I clicked',
  );
  assert.equal(rows[1]?.area, 'The pond');

  await page.getByRole('link', { name: 'Continue' }).first().click();
  assert.equal(path(page), `${OPEN}/respond/check`);
  const check = await text(page, 'main');
  assert.match(check, /1\. Lighting/);
  assert.match(check, /Swings/);
  assert.match(check, /The pond needs a fence/);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Send response' }).click();
  assert.equal(path(page), OPEN);
  assert.match(await text(page, '.govuk-panel'), /Response sent/);
  await expectAccessible(page);
});

test('an officer starts a consultation, builds its survey and map, and reads published results', async () => {
  const officer = await makePerson(server.db, { roles: ['officer'] });
  const page = await server.signedIn(officer.email, '/trafford/consultations/new');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  assert.match(await text(page, '.govuk-error-summary'), /Enter a title/);
  await expectAccessibleAsPosted(page);
  await page.getByLabel('Title').fill('Trees on Moss Lane');
  await page.getByLabel('What it is about').fill('Where should the new street trees go?');
  await page.getByLabel('Who is running it').fill('Trafford Council highways');
  const opens = page.getByRole('group', { name: 'Opens on' });
  await opens.getByLabel('Day').fill('1');
  await opens.getByLabel('Month').fill('1');
  await opens.getByLabel('Year').fill('2026');
  const closes = page.getByRole('group', { name: 'Closes on' });
  await closes.getByLabel('Day').fill('31');
  await closes.getByLabel('Month').fill('12');
  await closes.getByLabel('Year').fill('2099');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  assert.match(path(page), /\/questions$/);
  await expectAccessible(page);

  await page.getByLabel('Question', { exact: true }).fill('Which kind of tree?');
  await page.getByLabel('Choose one option').check();
  await page.getByLabel('Options', { exact: true }).first().fill('Cherry\nRowan\nBirch');
  await page.getByRole('button', { name: 'Add question' }).click();
  assert.match(await text(page, 'main'), /Which kind of tree\?/);
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Set up the “Where?” map' }).click();
  await expectAccessible(page);
  await page.getByLabel('The ward map').check();
  await page.getByLabel('Named areas').fill('North end\nSouth end');
  await page.getByRole('button', { name: 'Save the map' }).click();
  assert.match(path(page), /\/questions$/);
  await page.getByRole('link', { name: 'Back' }).click();
  await page.getByRole('button', { name: 'Open the consultation' }).click();
  assert.match(await text(page, '.govuk-notification-banner'), /status has changed/);
  await expectAccessible(page);

  await page.goto(`${server.baseUrl}/trafford/consultations/c0c50000-0000-4000-8000-000000000002/results`);
  assert.match(await text(page, 'h1'), /Results/);
  await expectAccessible(page);
});

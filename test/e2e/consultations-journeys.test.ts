import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { makePerson } from '../helpers/people.js';
import { expectAccessible, expectAccessibleAsPosted, useServedApp } from '../helpers/served-app.js';

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
  assert.match(await page.content(), /Put the new swings here/);
  await expectAccessible(page);

  // And one without the map: a named area and words.
  await page.getByLabel('Your comment').fill('The pond needs a fence for toddlers');
  await page.getByLabel('Area', { exact: true }).selectOption('The pond');
  await page.getByLabel('Describe the place (optional)').fill('by the bench on the east side');
  await page.getByRole('button', { name: 'Add comment' }).click();
  assert.match(await page.content(), /The pond needs a fence for toddlers/);
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

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { makePerson } from '../helpers/people.js';
import { expectAccessible, useServedApp } from '../helpers/served-app.js';
import { contentMatching } from './page-text.js';

/**
 * Issue 14's journey from end to end, across two modules: an officer opens a decision for input
 * and links the consultation that informs it; a resident comments on the decision and answers the
 * consultation with a pin on the plan; the officer records the decision with "you said, we did".
 */
const server = useServedApp();

const CONSULTATION = '/trafford/consultations/c0c50000-0000-4000-8000-000000000001';
const QUESTION = 'What should the new play area in Walton Park have?';

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();
const path = (page: Page) => new URL(page.url()).pathname;

test('a decision open for input, its consultation answered with a map pin, and the decision recorded with "you said, we did"', async () => {
  const [officerPerson, residentPerson] = await Promise.all([
    makePerson(server.db, { roles: ['officer'] }),
    makePerson(server.db),
  ]);

  // The officer starts the decision, with two options, and opens it for input.
  const officer = await server.signedIn(officerPerson.email, '/trafford/decisions/new');
  await officer.getByLabel('What is the question?').fill(QUESTION);
  await officer.getByLabel('Background').fill('The play area is 30 years old and two swings are broken.');
  await officer.getByLabel('Decision', { exact: true }).check();
  await officer.getByLabel('Cabinet').check();
  await officer.getByRole('button', { name: 'Save and continue' }).click();
  const decisionUrl = path(officer).replace(/\/manage$/, '');
  assert.match(decisionUrl, /^\/trafford\/decisions\/[0-9a-f-]{36}$/);
  for (const [title, cost] of [
    ['Swings and seating for carers', '60000'],
    ['Repair the old equipment only', '15000'],
  ] as const) {
    await officer.getByLabel('Option', { exact: true }).fill(title);
    await officer.getByLabel('Estimated cost in pounds').fill(cost);
    await officer.getByRole('button', { name: 'Add option' }).click();
    assert.match(await text(officer, '.govuk-notification-banner'), /Added/);
  }

  // It links the consultation as where residents have their say …
  const links = officer.locator('form[action$="/links"]');
  await links.getByLabel('Consultation', { exact: true }).check();
  await links.getByLabel('Title', { exact: true }).fill('Redesigning Walton Park’s play area');
  await links.getByLabel('Address', { exact: true }).fill(CONSULTATION);
  await links.getByRole('button', { name: 'Add link' }).click();
  assert.match(await text(officer, '.govuk-notification-banner'), /Added/);
  await expectAccessible(officer);
  // … and the consultation names the decision it informs.
  await officer.goto(`${server.baseUrl}${CONSULTATION}/edit`);
  await officer.getByLabel('The decision it informs (optional)').fill(decisionUrl);
  await officer.getByRole('button', { name: 'Save and continue' }).click();
  await officer.goto(`${server.baseUrl}${decisionUrl}/manage`);
  await officer.getByRole('link', { name: 'Open for input' }).click();
  await officer.getByLabel('Day').fill('31');
  await officer.getByLabel('Month').fill('12');
  await officer.getByLabel('Year').fill('2099');
  await officer.getByRole('button', { name: 'Open for input' }).click();
  assert.equal(path(officer), decisionUrl);

  // A resident finds the decision open for input, comments, and follows the link to have a say.
  const resident = await server.signedIn(residentPerson.email, '/trafford/decisions?status=open');
  await resident.getByRole('link', { name: QUESTION }).click();
  assert.equal(path(resident), decisionUrl);
  await resident
    .getByLabel('Add a comment')
    .fill('Please keep the old climbing frame: the older children love it.');
  await resident.getByRole('button', { name: 'Post comment' }).click();
  assert.match(await text(resident, '.govuk-notification-banner'), /once a moderator has checked it/);
  await resident.getByRole('link', { name: 'Redesigning Walton Park’s play area' }).click();
  assert.equal(path(resident), CONSULTATION);
  assert.equal(
    await resident.getByRole('link', { name: 'see the decision' }).getAttribute('href'),
    decisionUrl,
    'the consultation says which decision it informs',
  );

  // The survey, then a comment pinned on the plan of the park.
  await resident.getByRole('button', { name: 'Start now' }).click();
  await resident.getByLabel('Every week').check();
  await resident.getByLabel('Swings').check();
  await resident.getByLabel('Seating for carers').check();
  await resident.getByLabel('4', { exact: true }).check();
  const ranking = resident.getByRole('group', { name: /Put these in order/ });
  for (const [position, option] of [
    ['Position 1', 'Shade and trees'],
    ['Position 2', 'Lighting'],
    ['Position 3', 'Toilets nearby'],
    ['Position 4', 'Fencing from the road'],
  ] as const)
    await ranking.getByLabel(position).selectOption(option);
  await resident.getByRole('button', { name: 'Continue' }).click();
  assert.equal(path(resident), `${CONSULTATION}/respond/where`);
  await resident.getByLabel('Your comment').fill('Shade here, where carers sit in the afternoon sun');
  await resident.locator('input[type="image"][name="pin"]').click({ position: { x: 480, y: 330 } });
  await contentMatching(resident, /where carers sit in the afternoon sun/);
  await expectAccessible(resident);
  await resident.getByRole('link', { name: 'Continue' }).first().click();
  assert.match(await text(resident, 'main'), /1\. Shade and trees/);
  await resident.getByRole('button', { name: 'Send response' }).click();
  assert.match(await text(resident, '.govuk-panel'), /Response sent/);
  const [pin] = await server.db.query<{ x: string; y: string }>(
    `select m.x::text, m.y::text from consultation_map_comments m
     join consultation_responses r on r.id = m.response_id join users u on u.id = r.user_id
     where u.email = $1`,
    [residentPerson.email],
  );
  assert.ok(pin && Math.abs(Number(pin.x) - 0.75) < 0.01 && Math.abs(Number(pin.y) - 0.75) < 0.01, 'pinned');

  // The officer publishes the comment, writes "you said, we did" and records the decision.
  await officer.goto(`${server.baseUrl}/trafford/admin/moderation`);
  await officer
    .locator('section', { hasText: 'old climbing frame' })
    .getByRole('button', { name: /^Publish/ })
    .click();
  await officer.goto(`${server.baseUrl}${decisionUrl}/manage`);
  await officer
    .getByLabel('You said', { exact: true })
    .fill('Shade for carers, and keep the climbing frame.');
  await officer
    .getByLabel('We did', { exact: true })
    .fill('Six trees go by the new seating, and the climbing frame is repaired, not replaced.');
  await officer.getByRole('button', { name: 'Add “you said, we did”' }).click();
  await officer.getByRole('link', { name: 'Record the decision' }).click();
  await officer.getByLabel('Swings and seating for carers').check();
  await officer.getByLabel('Reasons').fill('The consultation asked for shade and seating most of all.');
  await officer.getByRole('button', { name: 'Record decision' }).click();
  assert.equal(path(officer), decisionUrl);

  // The resident sees the decision with its reasons, "you said, we did", their published
  // comment and the consultation it drew on.
  await resident.goto(`${server.baseUrl}${decisionUrl}`);
  const page = await text(resident, 'main');
  assert.match(page, /Decision made/);
  assert.match(page, /asked for shade and seating most of all/);
  assert.match(page, /Six trees go by the new seating/);
  assert.match(page, /old climbing frame/);
  assert.match(page, /Redesigning Walton Park’s play area/);
  await expectAccessible(resident);
});

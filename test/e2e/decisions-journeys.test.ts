import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { makePerson } from '../helpers/people.js';
import { expectAccessible, expectAccessibleAsPosted, useServedApp } from '../helpers/served-app.js';
import { contentMatching } from './page-text.js';

const server = useServedApp();

const QUESTION = 'Should the council turn the Stretford car park into a pocket park?';
const COMMENT = 'A park would be lovely, but please keep the two blue badge bays by the chemist.';

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();
const path = (page: Page) => new URL(page.url()).pathname;

test('an officer opens a decision for input, a resident comments, and the officer records it with "you said, we did"', async () => {
  const [officerPerson, residentPerson] = await Promise.all([
    makePerson(server.db, { roles: ['officer'] }),
    makePerson(server.db),
  ]);

  // The officer starts a decision from the log.
  const officer = await server.signedIn(officerPerson.email, '/trafford/decisions');
  await expectAccessible(officer);
  await officer.getByRole('link', { name: 'Start a decision' }).click();
  assert.equal(path(officer), '/trafford/decisions/new');
  await expectAccessible(officer);
  await officer.getByRole('button', { name: 'Save and continue' }).click();
  assert.match(await text(officer, '.govuk-error-summary'), /Enter the question/);
  await expectAccessibleAsPosted(officer);
  await officer.getByLabel('What is the question?').fill(QUESTION);
  await officer.getByLabel('Background').fill('The car park is half empty on most days.');
  await officer.getByLabel('Decision', { exact: true }).check();
  await officer.getByLabel('Cabinet').check();
  await officer.getByRole('button', { name: 'Save and continue' }).click();
  assert.match(path(officer), /^\/trafford\/decisions\/[0-9a-f-]{36}\/manage$/);
  const decisionUrl = path(officer).replace(/\/manage$/, '');
  await expectAccessible(officer);

  // Two options with their trade-offs, and a constraint.
  const addOption = async (title: string, cost: string, pros: string, cons: string) => {
    await officer.getByLabel('Option', { exact: true }).fill(title);
    await officer.getByLabel('Estimated cost in pounds').fill(cost);
    await officer.getByLabel('For (what it does well)').fill(pros);
    await officer.getByLabel('Against (what it costs or risks)').fill(cons);
    await officer.getByRole('button', { name: 'Add option' }).click();
    assert.match(await text(officer, '.govuk-notification-banner'), /Added/);
  };
  await addOption('Make it a pocket park', '85000', 'Green space and shade', 'Fewer parking spaces');
  await addOption('Keep the car park', '0', 'No change for drivers', 'No new green space');
  await officer.getByLabel('Money', { exact: true }).check();
  await officer.getByLabel('The constraint').fill('The parks budget has £90,000 left this year.');
  await officer.getByRole('button', { name: 'Add constraint' }).click();
  await expectAccessible(officer);

  // Open for input with a closing date.
  await officer.getByRole('link', { name: 'Open for input' }).click();
  await expectAccessible(officer);
  await officer.getByLabel('Day').fill('31');
  await officer.getByLabel('Month').fill('12');
  await officer.getByLabel('Year').fill('2099');
  await officer.getByRole('button', { name: 'Open for input' }).click();
  assert.equal(path(officer), decisionUrl);
  await expectAccessible(officer);

  // A resident finds it, follows it and comments.
  const resident = await server.signedIn(residentPerson.email, '/trafford/decisions?status=open');
  await resident.getByRole('link', { name: QUESTION }).click();
  assert.equal(path(resident), decisionUrl);
  assert.equal(await resident.getByRole('table').first().getByText('£85,000').count(), 1);
  await expectAccessible(resident);
  await resident.getByRole('button', { name: 'Follow this decision' }).click();
  assert.match(await text(resident, '.govuk-notification-banner'), /You are following/);
  await resident.getByLabel('Add a comment').fill(COMMENT);
  await resident.getByRole('button', { name: 'Post comment' }).click();
  assert.match(await text(resident, '.govuk-notification-banner'), /once a moderator has checked it/);
  await expectAccessible(resident);

  // A moderator (the officer) publishes it.
  await officer.goto(`${server.baseUrl}/trafford/admin/moderation`);
  const item = officer.locator('section', { hasText: 'blue badge bays' });
  await item.getByRole('button', { name: /^Publish/ }).click();
  await officer.goto(`${server.baseUrl}${decisionUrl}`);
  await contentMatching(officer, /blue badge bays/);

  // The officer adds "you said, we did" and records the decision with reasons.
  await officer.getByRole('link', { name: 'Manage this decision' }).click();
  await officer.getByLabel('You said', { exact: true }).fill('Keep the blue badge bays.');
  await officer.getByLabel('We did', { exact: true }).fill('Two blue badge bays stay by the chemist.');
  await officer.getByRole('button', { name: 'Add “you said, we did”' }).click();
  await officer.getByRole('link', { name: 'Record the decision' }).click();
  await expectAccessible(officer);
  await officer.getByLabel('Make it a pocket park').check();
  await officer.getByLabel('Reasons').fill('Residents asked for green space; the budget allows it.');
  await officer.getByRole('button', { name: 'Record decision' }).click();
  assert.equal(path(officer), decisionUrl);

  // The resident sees the decision, the reasons and "you said, we did"; comments are closed.
  await resident.goto(`${server.baseUrl}${decisionUrl}`);
  const body = await contentMatching(resident, /Decision made/);
  assert.match(body, /Residents asked for green space/);
  assert.match(body, /Two blue badge bays stay by the chemist/);
  assert.match(body, /blue badge bays by the chemist/);
  assert.match(body, /Comments are closed/);
  await expectAccessible(resident);

  // The follower was emailed at the move.
  const mail = await server.db.query<{ subject: string }>(
    "select subject from outbox where to_email = $1 and template = 'decisionStatusChanged'",
    [residentPerson.email],
  );
  assert.equal(mail.length, 1);
  assert.match(mail[0]?.subject ?? '', /Decision made/);
});

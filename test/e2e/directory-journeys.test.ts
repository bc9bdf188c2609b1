import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makePerson } from '../helpers/people.js';
import { signIn, useServedApp } from '../helpers/served-app.js';
import { titleMatching } from './page-text.js';

const server = useServedApp();

test('an organiser without JavaScript adds their group, fixes a mistake, and a moderator publishes it', async () => {
  const organiser = await makePerson(server.db);
  const context = await server.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/trafford/groups`);
  await page.getByRole('link', { name: 'Sign in to add it' }).click();
  await signIn(page, organiser.email);
  assert.equal(new URL(page.url()).pathname, '/trafford/groups/new');

  await page.getByLabel('Group name').fill('Lostock Lunch Club');
  await page.getByLabel('What is it mainly about?').selectOption('older-people');
  await page.getByLabel('Ward', { exact: true }).selectOption({ label: 'Lostock & Barton' });
  await page.getByLabel('Wednesday').check();
  await page.getByLabel('Afternoons').check();
  await page.getByLabel('Postcode (optional)').fill('M32 9ZZZ');
  await page.getByRole('button', { name: 'Add the group' }).click();

  // Two problems at once, each linked to its field, and nothing typed is lost.
  const summary = page.locator('.govuk-error-summary');
  assert.ok(await summary.isVisible());
  await titleMatching(page, /^Error: /);
  await summary.getByRole('link', { name: 'Enter what the group does, in one sentence' }).click();
  assert.equal(await page.evaluate(() => location.hash), '#summary');
  assert.ok(await summary.getByRole('link', { name: /Enter a real postcode/ }).isVisible());
  assert.equal(await page.getByLabel('Group name').inputValue(), 'Lostock Lunch Club');
  assert.ok(await page.getByLabel('Wednesday').isChecked());

  await page
    .getByLabel('What the group does, in one sentence')
    .fill('A hot two-course lunch and company, every Wednesday.');
  await page.getByLabel('Postcode (optional)').fill('M32 9ZZ');
  await page.getByRole('button', { name: 'Add the group' }).click();
  assert.equal(new URL(page.url()).pathname, '/trafford/groups/lostock-lunch-club');
  assert.match(
    (await page.locator('.govuk-notification-banner').textContent()) ?? '',
    /a moderator will check it/,
  );
  await context.close();

  // A moderator publishes it from the queue; then anyone can find it in the ward's list.
  const officer = await makePerson(server.db, { roles: ['officer'] });
  const staff = await server.browser.newContext({ javaScriptEnabled: false });
  const queue = await staff.newPage();
  await queue.goto(`${server.baseUrl}/account/sign-in?return=/trafford/admin/moderation`);
  await signIn(queue, officer.email);
  await queue.locator('button[value="publish"]', { hasText: 'Lostock Lunch Club' }).click();
  // Gone from the queue (other demo posts may still be waiting there).
  assert.equal(await queue.locator('button[value="publish"]', { hasText: 'Lostock Lunch Club' }).count(), 0);
  await staff.close();

  const visitor = await server.browser.newContext({ javaScriptEnabled: false });
  const list = await visitor.newPage();
  await list.goto(`${server.baseUrl}/trafford/groups`);
  await list.getByLabel('Ward').selectOption({ label: 'Lostock & Barton' });
  await list.getByRole('button', { name: 'Show groups' }).click();
  await list.getByRole('link', { name: 'Lostock Lunch Club' }).click();
  assert.equal((await list.locator('h1').textContent())?.trim(), 'Lostock Lunch Club');
  assert.match((await list.locator('main').textContent()) ?? '', /Wednesday/);
  await visitor.close();
});

test('a connector without JavaScript signposts someone to a group near them, and no personal detail gets recorded', async () => {
  const connector = await makePerson(server.db, { roles: ['connector'] });
  const context = await server.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/account/sign-in?return=/trafford/connectors`);
  await signIn(page, connector.email);
  assert.equal((await page.locator('h1').textContent())?.trim(), 'Connector toolkit');

  // What's near: the ward's listings, including a showcase group there.
  await page.getByLabel('Ward').selectOption({ label: 'Longford' });
  await page.getByRole('button', { name: 'Show what’s near' }).click();
  assert.match((await page.locator('main').textContent()) ?? '', /Stretford Walking Group/);

  await page.goto(`${server.baseUrl}/trafford/connectors`);
  await page.getByRole('button', { name: 'Record a signposting' }).click();
  await page.getByLabel('What they needed help with').selectOption({ label: 'Health and wellbeing' });
  await page.getByLabel('Ward').selectOption({ label: 'Longford' });
  await page.getByRole('button', { name: 'Continue' }).click();

  // Saving without choosing where is refused with a linked message.
  await page.getByRole('button', { name: 'Save' }).click();
  assert.ok(
    await page.locator('.govuk-error-summary').getByText('Select where you pointed them').isVisible(),
  );
  await page.getByLabel('Stretford Walking Group').check();
  await page.getByLabel('Note (optional)').fill('Call me on 07700 900123');
  await page.getByRole('button', { name: 'Save' }).click();
  assert.ok(
    await page
      .locator('.govuk-error-summary')
      .getByText(/Remove the phone number from the note/)
      .isVisible(),
  );
  await page.getByLabel('Note (optional)').fill('Wanted something gentle and outdoors');
  await page.getByRole('button', { name: 'Save' }).click();
  assert.match((await page.locator('.govuk-panel').textContent()) ?? '', /Signposting recorded/);

  const [row] = await server.db.query<{ destination_kind: string; note: string }>(
    `select destination_kind, note from directory_signpostings s join users u on u.id = s.created_by where u.email = $1`,
    [connector.email],
  );
  assert.equal(row?.destination_kind, 'group');
  assert.equal(row?.note, 'Wanted something gentle and outdoors');
  await context.close();
});

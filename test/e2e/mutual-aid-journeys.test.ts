import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { makePerson } from '../helpers/people.js';
import { expectAccessible, useServedApp } from '../helpers/served-app.js';
import { contentMatching, titleMatching } from './page-text.js';

const server = useServedApp(async ({ db }) => {
  // The place has chosen not to hold back first posts for a moderator (a place setting).
  await db.query(`update places set premoderate_first_posts = 0 where slug = 'trafford'`);
});

async function offerHelp(page: Page, title: string) {
  await page.getByLabel('What could you do?').fill(title);
  await page.getByLabel('Shopping', { exact: true }).check();
  await page.getByLabel('Ward', { exact: true }).selectOption({ label: 'Flixton' });
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'])
    await page.getByLabel(day).check();
  for (const time of ['Mornings', 'Afternoons', 'Evenings']) await page.getByLabel(time).check();
  await page.getByLabel('Up to 2 kilometres').check();
  await page.getByLabel('For a month').check();
  await page.getByLabel('Phone number (optional)').fill('0161 496 0123');
  await page.getByRole('button', { name: 'Offer help' }).click();
}

test('a resident asks for help, a neighbour’s offer is suggested, they match, talk and complete it', async () => {
  const [resident, neighbour] = await Promise.all([makePerson(server.db), makePerson(server.db)]);
  const helper = await server.signedIn(neighbour.email, '/trafford/help/offers/new', { redirected: true });
  await offerHelp(helper, 'Big shop or top-up shop, Flixton');
  assert.match(new URL(helper.url()).pathname, /^\/trafford\/help\/offers\//);

  const asker = await server.signedIn(resident.email, '/trafford/help/needs/new', { redirected: true });
  await asker.getByLabel('What do you need help with?').fill('Carrying a weekly shop home from Flixton');
  await asker.getByLabel('Shopping', { exact: true }).check();
  await asker.getByLabel('Ward', { exact: true }).selectOption({ label: 'Flixton' });
  await asker.getByLabel('In the next week').check();
  await asker.getByLabel('Address, if they need to come to you (optional)').fill('9 Hidden Road, Flixton');
  await asker.getByRole('button', { name: 'Ask for help' }).click();
  assert.ok(await asker.getByRole('heading', { name: 'Neighbours who might help' }).isVisible());
  await asker.locator('a[href*="/ask/"]', { hasText: 'Ask them' }).first().click();

  // Asking: choose what the helper will see if they say yes.
  assert.ok(await asker.getByRole('heading', { name: 'Ask this neighbour to help' }).isVisible());
  await expectAccessible(asker);
  await asker.getByLabel('Address', { exact: true }).check();
  await asker.getByLabel('Message to the helper (optional)').fill('Saturday morning would be ideal.');
  await asker.getByRole('button', { name: 'Ask them to help' }).click();
  assert.ok(await asker.getByRole('heading', { name: 'Waiting for an answer' }).isVisible());
  const matchPath = new URL(asker.url()).pathname;

  // The helper finds the request on their page, sees nothing private yet, and says yes.
  await helper.goto(`${server.baseUrl}/trafford/help/mine`);
  await helper.getByRole('link', { name: 'Carrying a weekly shop home from Flixton' }).click();
  assert.equal(new URL(helper.url()).pathname, matchPath);
  const request = await contentMatching(helper, /Saturday morning would be ideal\./);
  assert.doesNotMatch(request, /9 Hidden Road/);
  await expectAccessible(helper);
  await helper.getByLabel('Phone number', { exact: true }).check();
  await helper.getByRole('button', { name: 'Yes, I can help' }).click();
  await contentMatching(helper, /9 Hidden Road, Flixton/);
  await helper.getByLabel('Write a message').fill('See you Saturday at 10.');
  await helper.getByRole('button', { name: 'Send message' }).click();
  assert.match((await helper.locator('.govuk-notification-banner').textContent()) ?? '', /Message sent/);

  // The resident sees the helper's phone number and message, and marks it done.
  await asker.goto(`${server.baseUrl}${matchPath}`);
  await contentMatching(asker, /0161 496 0123/);
  await contentMatching(asker, /See you Saturday at 10\./);
  await asker.getByRole('button', { name: 'Mark as done' }).click();
  assert.ok(await asker.getByRole('heading', { name: 'Help done' }).isVisible());
  await asker.getByLabel('It went well').check();
  await asker.getByRole('button', { name: 'Send', exact: true }).click();
  await contentMatching(asker, /You said it went well/);
  await expectAccessible(asker);

  const [mail] = await server.db.query<{ subject: string }>(
    `select subject from outbox where to_email = $1 and subject like 'Good news%'`,
    [resident.email],
  );
  assert.ok(mail, 'the resident was emailed when the helper said yes');
});

test('a connector posts a need on someone’s behalf, with their consent, and chooses a helper for them', async () => {
  const [connectorPerson, neighbour] = await Promise.all([
    makePerson(server.db, { roles: ['connector'] }),
    makePerson(server.db),
  ]);
  const helper = await server.signedIn(neighbour.email, '/trafford/help/offers/new', { redirected: true });
  await offerHelp(helper, 'Shopping for anyone in Flixton');

  const connector = await server.signedIn(connectorPerson.email, '/trafford/help/needs/new', {
    redirected: true,
  });
  await connector
    .getByLabel('What do you need help with?')
    .fill('A weekly shop for a neighbour who cannot get out');
  await connector.getByLabel('Shopping', { exact: true }).check();
  await connector.getByLabel('Ward', { exact: true }).selectOption({ label: 'Flixton' });
  await connector.getByLabel('Regularly, from now on').check();
  await connector.getByLabel('Name to give them (optional)').fill('Mrs Example');
  await connector.getByLabel('I am posting this for someone else').check();
  await connector.getByRole('button', { name: 'Ask for help' }).click();
  // Without saying how the person agreed, nothing is posted, and nothing typed is lost.
  await titleMatching(connector, /^Error: /);
  assert.equal(await connector.getByLabel('Name to give them (optional)').inputValue(), 'Mrs Example');
  await connector.getByLabel('They told me on the phone').check();
  await connector.getByLabel(/They agreed to this post/).check();
  await connector.getByRole('button', { name: 'Ask for help' }).click();
  assert.match(new URL(connector.url()).pathname, /^\/trafford\/help\/needs\//);
  const needId = new URL(connector.url()).pathname.split('/').pop() as string;
  const [consent] = await server.db.query<{ how_given: string; recorded_by: string }>(
    'select c.how_given, c.recorded_by from aid_posts p join aid_consents c on c.id = p.consent_id where p.id = $1',
    [needId],
  );
  assert.deepEqual(consent, { how_given: 'phone', recorded_by: connectorPerson.userId });

  await connector.locator('a[href*="/ask/"]', { hasText: 'Ask them' }).first().click();
  await contentMatching(connector, /on behalf of the person who needs help/);
  await connector.getByLabel('Name', { exact: true }).check();
  await connector.getByRole('button', { name: 'Ask them to help' }).click();
  assert.ok(await connector.getByRole('heading', { name: 'Waiting for an answer' }).isVisible());
  // The public page of the need shows none of the person's details.
  const anonymous = await (await server.browser.newContext()).newPage();
  await anonymous.goto(`${server.baseUrl}/trafford/help/needs/${needId}`);
  const publicNeed = await contentMatching(anonymous, /A weekly shop for a neighbour who cannot get out/);
  assert.doesNotMatch(publicNeed, /Mrs Example/);
});

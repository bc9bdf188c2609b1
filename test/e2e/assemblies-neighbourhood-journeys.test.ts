import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { makePerson } from '../helpers/people.js';
import { expectAccessible, expectAccessibleAsPosted, useServedApp } from '../helpers/served-app.js';
import { contentMatching, titleMatching } from './page-text.js';

const server = useServedApp();

const ALTRINCHAM = '/trafford/assemblies/neighbourhood/altrincham';
const STORY = 'The lollipop lady on Oakfield Road knew every child by name and waved at the parents too.';

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();
const path = (page: Page) => new URL(page.url()).pathname;

test('a resident adds a story to a neighbourhood assembly; a facilitator publishes it and it appears on the ward page', async () => {
  const [resident, connector] = await Promise.all([
    makePerson(server.db),
    makePerson(server.db, { roles: ['connector'] }),
  ]);

  // The ward's page: the invitation, the story book and the way in.
  const page = await server.signedIn(resident.email, ALTRINCHAM);
  await titleMatching(page, /^Altrincham neighbourhood assembly/);
  await contentMatching(page, /Saturday homework club/);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Add your story' }).click();
  assert.equal(path(page), `${ALTRINCHAM}/stories/new`);
  await expectAccessible(page);

  // Sent empty, with a file that is not a picture: every mistake is listed.
  await page.getByLabel('Photo', { exact: true }).setInputFiles({
    name: 'holiday.jpg',
    mimeType: 'image/jpeg',
    buffer: Buffer.from('this is not a photo'),
  });
  await page.getByRole('button', { name: 'Send your story' }).click();
  const summary = await text(page, '.govuk-error-summary');
  assert.match(summary, /Tell us what mattered to you/);
  assert.match(summary, /Choose how we should show your name/);
  assert.match(summary, /The photo must be a JPEG, PNG or WebP picture/);
  await expectAccessibleAsPosted(page);

  // Now properly: words, a name to show and a real photo (no JavaScript in this browser).
  await page.getByLabel('What mattered to you?').fill(STORY);
  await page
    .getByLabel('What would you like to keep? (optional)')
    .fill('A crossing patrol outside every primary school.');
  await page.getByLabel('Show a name I choose').check();
  await page.getByLabel('Name to show').fill('Grandad Bill');
  const photo = await sharp({ create: { width: 120, height: 90, channels: 3, background: '#f0c000' } })
    .jpeg()
    .toBuffer();
  await page
    .getByLabel('Photo', { exact: true })
    .setInputFiles({ name: 'crossing.jpg', mimeType: 'image/jpeg', buffer: photo });
  await page.getByLabel('Describe the photo').fill('A yellow lollipop sign by the school gate');
  await page.getByRole('button', { name: 'Send your story' }).click();
  assert.match(path(page), new RegExp(`^${ALTRINCHAM}/stories/[0-9a-f-]{36}$`));
  assert.match(await text(page, '.govuk-notification-banner'), /waiting for a facilitator to check it/);
  const storyUrl = path(page);
  await expectAccessible(page);

  // Nobody else sees it yet.
  const visitor = await server.browser.newPage();
  await visitor.goto(`${server.baseUrl}${ALTRINCHAM}`);
  const wardPage = await contentMatching(visitor, /Saturday homework club/);
  assert.doesNotMatch(wardPage, /lollipop lady/);

  // A facilitator checks it in the moderation queue, tags it and publishes it.
  const facilitator = await server.signedIn(connector.email, `${ALTRINCHAM}/moderate`);
  await expectAccessible(facilitator);
  const item = facilitator.locator('section', { hasText: 'lollipop lady' });
  await item.getByLabel('Looking out for each other').check();
  await item.getByRole('button', { name: 'Publish' }).click();
  assert.equal(path(facilitator), `${ALTRINCHAM}/moderate`);
  assert.match(await text(facilitator, '.govuk-notification-banner'), /published in the story book/);
  await expectAccessible(facilitator);

  // On the ward's page for everyone, under the name the resident chose, with its theme.
  await visitor.goto(`${server.baseUrl}${ALTRINCHAM}?theme=looking-out-for-each-other`);
  const story = visitor.locator('article', { hasText: 'lollipop lady' });
  assert.equal(await story.count(), 1);
  assert.match((await story.textContent()) ?? '', /Grandad Bill/);
  assert.match((await story.textContent()) ?? '', /Looking out for each other/);
  assert.equal(
    await story.getByRole('img', { name: 'A yellow lollipop sign by the school gate' }).count(),
    1,
  );
  await expectAccessible(visitor);
  await visitor.goto(`${server.baseUrl}${storyUrl}`);
  await titleMatching(visitor, /^A story from Grandad Bill/);
  await expectAccessible(visitor);
  await visitor.close();

  // The facilitator's other pages, as they find them.
  for (const url of [
    `${ALTRINCHAM}/facilitate`,
    `${ALTRINCHAM}/meetings/new`,
    `${ALTRINCHAM}/actions/new`,
    `${storyUrl}/hide`,
  ]) {
    await facilitator.goto(`${server.baseUrl}${url}`);
    assert.equal(path(facilitator), url);
    await expectAccessible(facilitator);
  }
});

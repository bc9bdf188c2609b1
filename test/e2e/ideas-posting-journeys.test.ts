import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { makePerson } from '../helpers/people.js';
import {
  expectAccessible,
  expectAccessibleAsPosted,
  expectNoAxeViolations,
  signIn,
  useServedApp,
} from '../helpers/served-app.js';
import { contentMatching, titleMatching } from './page-text.js';

const server = useServedApp();

const IDEAS = '/trafford/ideas';
const TITLE = 'A tool libary with a repair bench';

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();
const path = (page: Page) => new URL(page.url()).pathname;

/** A moderator publishes the waiting post whose summary starts with `summary`. */
async function publish(moderator: Page, summary: string) {
  await moderator.goto(`${server.baseUrl}/trafford/admin/moderation`);
  await expectAccessible(moderator);
  await moderator
    .locator('section', { hasText: summary })
    .getByRole('button', { name: /^Publish/ })
    .click();
  assert.equal(path(moderator), '/trafford/admin/moderation');
}

test('a resident is shown a similar idea as they type, posts theirs anyway; others support, comment and reply', async () => {
  const [poster, supporter, officer] = await Promise.all([
    makePerson(server.db),
    makePerson(server.db),
    makePerson(server.db, { roles: ['officer'] }),
  ]);

  // The poster's browser runs script, so suggestions come as they type.
  const context = await server.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/account/sign-in?return=${encodeURIComponent(`${IDEAS}/new`)}`);
  await signIn(page, poster.email);
  assert.equal(path(page), `${IDEAS}/new`);
  await titleMatching(page, /^Post an idea/);
  await expectNoAxeViolations(page);

  await page.getByLabel('Give your idea a short title').pressSequentially(TITLE, { delay: 10 });
  const suggestion = page.locator('[data-similar-ideas] a', { hasText: 'A tool library in Stretford' });
  await suggestion.waitFor({ timeout: 5000 });
  assert.match(
    await text(page, '[data-similar-ideas]'),
    /Similar ideas already posted — you could support one of these instead/,
  );
  await expectNoAxeViolations(page);

  // Theirs is different (a repair bench), so they post it anyway.
  await page
    .getByLabel('What is your idea, and why does it matter?')
    .fill(
      'Lend tools from the empty shop on King Street, with a bench where volunteers mend bikes and toasters.',
    );
  await page
    .getByLabel('Who would it help?')
    .fill('People who cannot afford tools, and anyone with something broken.');
  await page.getByLabel('Which ward is it in?').selectOption({ label: 'Stretford & Humphrey Park' });
  await page.getByLabel('Community spaces').check();
  await page.getByRole('button', { name: 'Post my idea' }).click();
  assert.match(path(page), new RegExp(`^${IDEAS}/[0-9a-f-]{36}$`));
  assert.match(await text(page, '.govuk-panel'), /Your idea has been sent/);
  await contentMatching(page, /waiting for a moderator/);
  const ideaUrl = path(page);
  await expectNoAxeViolations(page);

  // Nobody else sees it until a moderator has checked it.
  const visitor = await (await server.browser.newContext({ javaScriptEnabled: false })).newPage();
  assert.equal((await visitor.goto(`${server.baseUrl}${ideaUrl}`))?.status(), 404);

  const moderator = await server.signedIn(officer.email, '/trafford/admin/moderation');
  await publish(moderator, TITLE);
  await visitor.goto(`${server.baseUrl}${ideaUrl}`);
  await titleMatching(visitor, new RegExp(`^${TITLE}`));
  await expectAccessible(visitor);

  // Another resident (no script) supports it and comments.
  const other = await server.signedIn(supporter.email, ideaUrl);
  await other.getByRole('button', { name: 'Support this idea' }).click();
  assert.match(await text(other, '.govuk-notification-banner'), /You support this idea/);
  await contentMatching(other, />1</);
  await expectAccessible(other);
  await other.getByLabel('Add a comment').fill('I have a bike stand I could give to the repair bench.');
  await other.getByRole('button', { name: 'Add comment' }).click();
  assert.match(await text(other, '.govuk-notification-banner'), /waiting for a moderator/);
  await expectAccessible(other);

  // Their first comment is checked, then the poster replies (their posts now go straight up).
  await publish(moderator, 'I have a bike stand');
  await page.goto(`${server.baseUrl}${ideaUrl}`);
  await page
    .getByRole('link', { name: /^Reply/ })
    .first()
    .click();
  assert.match(path(page), /\/comments\/[0-9a-f-]{36}\/reply$/);
  await contentMatching(page, /I have a bike stand/);
  await expectNoAxeViolations(page);
  await page.getByLabel('Your reply').fill('Brilliant, thank you. Could you bring it on Saturday?');
  await page.getByRole('button', { name: 'Send reply' }).click();
  assert.match(await text(page, '.govuk-notification-banner'), /Your comment has been added/);
  await expectNoAxeViolations(page);

  // The supporter sees the reply under their comment and answers it in turn.
  await other.goto(`${server.baseUrl}${ideaUrl}`);
  const thread = other.locator('li.kith-idea-comment', { hasText: 'I have a bike stand' });
  assert.match((await thread.textContent()) ?? '', /Could you bring it on Saturday\?/);
  await thread
    .locator('li.kith-idea-comment')
    .getByRole('link', { name: /^Reply/ })
    .click();
  await expectAccessible(other);
  await other.getByLabel('Your reply').fill('Yes, see you at ten.');
  await other.getByRole('button', { name: 'Send reply' }).click();
  const nested = other.locator('li.kith-idea-comment li.kith-idea-comment li.kith-idea-comment', {
    hasText: 'see you at ten',
  });
  assert.equal(await nested.count(), 1, 'a reply to a reply, three levels deep');
  await expectAccessible(other);

  // The house rules, linked from the idea.
  await other.getByRole('link', { name: 'House rules for ideas', exact: true }).click();
  assert.equal(path(other), `${IDEAS}/house-rules`);
  await expectAccessible(other);
  await context.close();
});

test('without script, a similar title is caught when the form is sent; the demo idea’s thread and reply page pass axe', async () => {
  const resident = await makePerson(server.db);
  const page = await server.signedIn(resident.email, `${IDEAS}/new`);
  await page.getByLabel('Give your idea a short title').fill('Benches and plantres on Stamford New Road');
  await page
    .getByLabel('What is your idea, and why does it matter?')
    .fill('Somewhere to sit on the way into town.');
  await page.getByLabel('Who would it help?').fill('Older people.');
  await page.getByLabel('Which ward is it in?').selectOption({ label: 'Altrincham' });
  await page.getByLabel('High streets and town centres').check();
  await page.getByRole('button', { name: 'Post my idea' }).click();
  assert.match(await text(page, '#similar-ideas-found'), /Benches and planters along Stamford New Road/);
  assert.equal(
    await page.getByLabel('Give your idea a short title').inputValue(),
    'Benches and plantres on Stamford New Road',
  );
  await expectAccessibleAsPosted(page);
  // They choose to support the existing idea instead.
  await page.getByRole('link', { name: 'Benches and planters along Stamford New Road' }).click();
  await contentMatching(page, /replying to/);
  await expectAccessible(page);
  await page
    .getByRole('link', { name: /^Reply/ })
    .first()
    .click();
  assert.match(path(page), /\/comments\/[0-9a-f-]{36}\/reply$/);
  await expectAccessible(page);
});

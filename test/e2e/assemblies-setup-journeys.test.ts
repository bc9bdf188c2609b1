import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations } from '../helpers/axe.js';
import { makePerson } from '../helpers/people.js';
import { expectAccessible, expectAccessibleAsPosted, useServedApp } from '../helpers/served-app.js';
import { contentMatching } from './page-text.js';

const server = useServedApp();

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();
const banner = (page: Page) => text(page, '.govuk-notification-banner');
const errorSummary = (page: Page) => text(page, '.govuk-error-summary');
const path = (page: Page) => new URL(page.url()).pathname;

test('an officer sets up a citizens’ assembly: details, Census quotas with one changed, a session; it is on the public list', async () => {
  const officer = await makePerson(server.db, { roles: ['officer'] });
  const page = await server.signedIn(officer.email, '/trafford/assemblies');
  await expectAccessible(page);

  await page.getByRole('button', { name: "Set up a citizens' assembly" }).click();
  assert.equal(path(page), '/trafford/assemblies/new');
  await expectAccessible(page);

  // Forgetting the question is caught, with what was typed kept.
  await page.getByLabel('Name').fill('Trafford Youth Assembly');
  await page.getByLabel('How many members').fill('30');
  await page.getByRole('button', { name: 'Create assembly' }).click();
  assert.match(await errorSummary(page), /Enter the question the assembly will answer/);
  assert.equal(await page.getByLabel('Name').inputValue(), 'Trafford Youth Assembly');
  await expectAccessibleAsPosted(page);

  await page
    .getByLabel('The question the assembly will answer')
    .fill('What would make Trafford a better place to grow up?');
  await page.getByLabel("Budget for members' expenses (optional)").fill('9,500');
  await page.getByLabel('Maximin').check();
  await page.getByRole('button', { name: 'Create assembly' }).click();
  assert.equal(path(page), '/trafford/assemblies/trafford-youth-assembly');
  assert.match(await banner(page), /Assembly created/);
  await contentMatching(page, /£9,500/);
  await expectAccessible(page);

  // Quotas from the Census, then one changed by hand.
  await page.getByRole('link', { name: 'Quotas', exact: true }).click();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Fill in from the Census' }).click();
  assert.match(await banner(page), /Quotas filled in from the Census/);
  await expectAccessible(page);
  const fewestDisabled = page.getByLabel('Fewest members who are Disabled under the Equality Act', {
    exact: true,
  });
  assert.match(await fewestDisabled.inputValue(), /^\d+$/);
  await fewestDisabled.fill('6');
  await page.getByLabel('Most members who are Disabled under the Equality Act', { exact: true }).fill('9');
  await page.getByRole('button', { name: 'Save quotas' }).click();
  assert.match(await banner(page), /Quotas saved/);
  assert.equal(await fewestDisabled.inputValue(), '6');

  // A session in the timetable (13:00 in London on a summer day).
  await page.goto(`${server.baseUrl}/trafford/assemblies/trafford-youth-assembly/sessions`);
  await expectAccessible(page);
  await page.getByLabel('Title').fill('Getting to know each other');
  await page.getByLabel('Day').fill('4');
  await page.getByLabel('Month').fill('7');
  await page.getByLabel('Year').fill('2027');
  await page.getByLabel('Start time').fill('13:00');
  await page.getByLabel('End time').fill('17:00');
  await page.getByLabel('Where').fill('Stretford Public Hall');
  await page.getByRole('button', { name: 'Add session' }).click();
  assert.match(await banner(page), /Timetable saved/);
  await contentMatching(page, /4 July 2027, 13:00 to 17:00/);
  await expectAccessible(page);

  // Anyone can see it on the public list and its page, with the changed quota.
  const visitor = await (await server.browser.newContext({ javaScriptEnabled: false })).newPage();
  await visitor.goto(`${server.baseUrl}/trafford/assemblies`);
  await visitor.getByRole('link', { name: 'Trafford Youth Assembly' }).click();
  assert.equal(path(visitor), '/trafford/assemblies/trafford-youth-assembly');
  // The quota arithmetic is on the assembly's page only, not on the list.
  const publicPage = await contentMatching(visitor, /% of residents are Female → [\d.]+ of 30 seats/);
  assert.match(publicPage, /What would make Trafford a better place to grow up\?/);
  assert.match(publicPage, /Getting to know each other/);
  assert.match(publicPage, /6 to 9/);
  await expectAccessible(visitor);
});

test('the demo assemblies’ public and set-up pages pass axe wide and narrow, and need no script', async () => {
  const admin = await makePerson(server.db, { roles: ['place-admin'] });
  const signedIn = await server.signedIn(admin.email, '/trafford/assemblies/climate');
  const context = await server.browser.newContext();
  await context.addCookies(await signedIn.context().cookies());
  const page = await context.newPage();
  const failures: string[] = [];
  for (const url of [
    '/trafford/assemblies',
    '/trafford/assemblies/climate',
    '/trafford/assemblies/high-streets',
    '/trafford/assemblies/climate/edit',
    '/trafford/assemblies/climate/quotas',
    '/trafford/assemblies/climate/sessions',
    '/trafford/assemblies/climate/sessions/1/edit',
    '/trafford/assemblies/climate/officers',
  ]) {
    const res = await page.goto(server.baseUrl + url);
    assert.equal(res?.status(), 200, url);
    assert.equal(await page.locator('h1').count(), 1, `${url} has one h1`);
    assert.equal(await page.locator('script').count(), 0, `${url} has no script`);
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 360, height: 740 },
    ]) {
      await page.setViewportSize(viewport);
      for (const v of await axeViolations(page))
        failures.push(`${url} @${viewport.width}px: ${v.id} ${v.help}\n  ${v.targets.join('\n  ')}`);
    }
  }
  assert.deepEqual(failures, []);
});

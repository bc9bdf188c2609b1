import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makePerson } from '../helpers/people.js';
import { signIn, useServedApp } from '../helpers/served-app.js';
import { titleMatching } from './page-text.js';

const server = useServedApp();

test('an officer without JavaScript publishes a challenge, and a resident pledges', async () => {
  const officer = await makePerson(server.db, { roles: ['officer'] });
  const staff = await server.browser.newContext({ javaScriptEnabled: false });
  const page = await staff.newPage();
  await page.goto(`${server.baseUrl}/account/sign-in?return=/trafford/help/challenges`);
  await signIn(page, officer.email);
  await page.getByRole('button', { name: 'Create a challenge' }).click();

  await page.getByLabel('Title').fill('Fly-tipping behind the shops in Urmston');
  await page.getByLabel('What the problem is').fill('Rubbish is dumped in the alley most weekends.');
  await page.getByLabel('Ward', { exact: true }).selectOption({ label: 'Urmston' });
  await page.getByLabel('How people can help').fill('Report it, join a litter pick, or adopt the alley.');
  const figure1 = page.getByRole('group', { name: 'Figure 1' });
  await figure1.getByLabel('What is counted').fill('Fly-tipping reports in the alley last year');
  await figure1.getByLabel('Number').fill('64');
  await figure1.getByLabel('Source', { exact: true }).fill('Trafford street cleansing reports');
  await figure1.getByLabel('Web address of the source').fill('www.trafford.gov.uk');
  await figure1.getByLabel('Day').fill('31');
  await figure1.getByLabel('Month').fill('12');
  await figure1.getByLabel('Year').fill('2025');
  const figure2 = page.getByRole('group', { name: 'Figure 2' });
  await figure2.getByLabel('What is counted').fill('Fines issued');
  await figure2.getByLabel('Number').fill('3');
  await figure2.getByLabel('Source', { exact: true }).fill('Trafford enforcement team');
  await figure2.getByLabel('Web address of the source').fill('https://www.trafford.gov.uk/');
  await figure2.getByLabel('Day').fill('31');
  await figure2.getByLabel('Month').fill('12');
  await figure2.getByLabel('Year').fill('2025');
  await page.getByRole('group', { name: 'Step 1' }).getByLabel('What happens').fill('A cleaner alley');
  await page
    .getByRole('group', { name: 'Step 2' })
    .getByLabel('What happens')
    .fill('Less money spent clearing it');
  await page.getByLabel('What is counted', { exact: true }).last().fill('Litter picks held');
  await page.getByRole('button', { name: 'Save as a draft' }).click();

  // The source needs http(s); the error is linked to its field and nothing typed is lost.
  const summary = page.locator('.govuk-error-summary');
  await titleMatching(page, /^Error: /);
  await summary.getByRole('link', { name: /Enter a web address starting with http/ }).click();
  assert.equal(await page.evaluate(() => location.hash), '#figure1SourceUrl');
  assert.equal(await page.getByLabel('Title').inputValue(), 'Fly-tipping behind the shops in Urmston');
  await page
    .getByRole('group', { name: 'Figure 1' })
    .getByLabel('Web address of the source')
    .fill('https://www.trafford.gov.uk/');
  await page.getByRole('button', { name: 'Save as a draft' }).click();
  assert.match((await page.locator('main').textContent()) ?? '', /Draft: not public/);
  await page.getByRole('button', { name: 'Publish the challenge' }).click();
  assert.match(
    (await page.locator('.govuk-notification-banner').textContent()) ?? '',
    /The challenge is published/,
  );
  const challengeUrl = new URL(page.url()).pathname;
  // The 3 fines are a small number: it is never shown.
  const fines = page.getByRole('row', { name: /Fines issued/ });
  assert.match((await fines.textContent()) ?? '', /fewer than 10/);
  assert.doesNotMatch((await fines.textContent()) ?? '', /\b3\b/);
  await staff.close();

  const resident = await makePerson(server.db);
  const visitor = await server.browser.newContext({ javaScriptEnabled: false });
  const list = await visitor.newPage();
  await list.goto(`${server.baseUrl}/trafford/help`);
  await list.getByRole('link', { name: /Council challenges/ }).click();
  await list.getByRole('link', { name: 'Fly-tipping behind the shops in Urmston' }).click();
  assert.equal(new URL(list.url()).pathname, challengeUrl);
  assert.match((await list.locator('#answer-counts').textContent()) ?? '', /Pledges: 0/);
  await list.getByRole('link', { name: /Sign in to pledge/ }).click();
  await signIn(list, resident.email);
  assert.equal(new URL(list.url()).pathname, `${challengeUrl}/respond`);
  await list.getByRole('button', { name: 'Send your answer' }).click();
  assert.ok(
    await list.locator('.govuk-error-summary').getByText('Choose pledge, start a group or idea').isVisible(),
  );
  await list.getByLabel('Pledge').check();
  await list.getByLabel('In a sentence or two').fill('I will join the litter pick on the first Saturday.');
  await list.getByRole('button', { name: 'Send your answer' }).click();
  assert.equal(new URL(list.url()).pathname, challengeUrl);
  assert.match((await list.locator('#answer-counts').textContent()) ?? '', /Pledges: 1/);
  assert.match((await list.locator('main').textContent()) ?? '', /I will join the litter pick/);
  await list.screenshot({ path: '/tmp/challenge-after-pledge.png', fullPage: true });
  await visitor.close();
});

test('the demo challenge shows its figures, impact chain, progress and pledges to anyone', async () => {
  const context = await server.browser.newContext({ viewport: { width: 1024, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/trafford/help/challenges`);
  await page.getByRole('link', { name: 'Older people on their own in Longford' }).click();
  const main = (await page.locator('main').textContent()) ?? '';
  assert.match(main, /2,140/);
  assert.match(main, /fewer than 10/);
  assert.match(main, /NICE guideline NG32/);
  assert.match(main, /Pledges: 2/);
  assert.match(main, /Two new lunch clubs/);
  await page.screenshot({ path: '/tmp/challenge-demo.png', fullPage: true });
  await context.close();
});

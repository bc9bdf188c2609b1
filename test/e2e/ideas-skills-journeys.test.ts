import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO_IDEA_ID } from '../../src/modules/ideas/seed/demo-ideas.js';
import { makePerson } from '../helpers/people.js';
import { expectAccessible, expectAccessibleAsPosted, useServedApp } from '../helpers/served-app.js';
import { contentMatching, titleMatching } from './page-text.js';

const server = useServedApp();

const SKILLS = '/trafford/ideas/skills';

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();
const path = (page: Page) => new URL(page.url()).pathname;

test('a resident lists their skills privately; an idea team member finds them and asks; they accept and each sees the other', async () => {
  const [resident, member] = await Promise.all([makePerson(server.db), makePerson(server.db)]);
  await server.db.query('update users set display_name = $2 where id = $1', [
    resident.userId,
    'Rosa Greenfinger',
  ]);
  await server.db.query('update users set display_name = $2 where id = $1', [
    member.userId,
    'Tariq Benchley',
  ]);
  await server.db.query(
    `insert into idea_team_members (idea_id, user_id, is_lead, role) values ($1, $2, false, 'Finding helpers')`,
    [DEMO_IDEA_ID, member.userId],
  );

  // The resident lists their skills: sent empty first, every mistake is listed.
  const page = await server.signedIn(resident.email, `${SKILLS}/mine`);
  await titleMatching(page, /^List your skills/);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Save your skills' }).click();
  const summary = await text(page, '.govuk-error-summary');
  assert.match(summary, /Choose at least one skill/);
  assert.match(summary, /Choose how much time you could give/);
  assert.match(summary, /Choose the ward where you can help/);
  await expectAccessibleAsPosted(page);

  await page.getByLabel('Gardening').check();
  await page.getByLabel('DIY and repairs').check();
  await page.getByLabel('Polish').check();
  await page.getByLabel('2 to 5 hours a month').check();
  await page.getByLabel('In person', { exact: true }).check();
  await page.getByLabel('Where can you help?').selectOption({ label: 'Flixton' });
  // Private is already chosen: only people whose request they accept will know who they are.
  assert.ok(await page.getByLabel('Only people I accept a request from see my name').isChecked());
  await page.getByRole('button', { name: 'Save your skills' }).click();
  assert.equal(path(page), `${SKILLS}/mine`);
  assert.match(await text(page, '.govuk-notification-banner'), /Your skills are saved/);
  assert.match(await text(page, '.govuk-summary-list'), /Gardening, DIY and repairs/);
  await expectAccessible(page);

  // A member of an idea's team searches for gardening in Flixton.
  const team = await server.signedIn(member.email, SKILLS);
  await titleMatching(team, /^Skills and talents/);
  await expectAccessible(team);
  await team.getByLabel('Skill', { exact: true }).selectOption({ label: 'Gardening' });
  await team.getByLabel('Ward', { exact: true }).selectOption({ label: 'Flixton' });
  await team.getByRole('button', { name: 'Search' }).click();
  assert.match(await text(team, '#results'), /People found: 1/);
  const found = await contentMatching(team, /A resident in Flixton/);
  assert.doesNotMatch(found, /Rosa|Greenfinger/, 'a private offer is not named');
  await expectAccessible(team);
  await team.getByRole('link', { name: /Ask for help/ }).click();
  assert.match(path(team), new RegExp(`^${SKILLS}/[0-9a-f-]{36}/request$`));
  await expectAccessible(team);
  assert.ok(await team.getByLabel(/The team for the idea “Benches and planters/).isChecked());
  await team
    .getByLabel('Your message')
    .fill('Could you help us plant up six planters on Stamford New Road one Saturday?');
  await team.getByRole('button', { name: 'Send request' }).click();
  assert.match(path(team), new RegExp(`^${SKILLS}/requests/[0-9a-f-]{36}$`));
  assert.match(await text(team, '.govuk-notification-banner'), /Your request has been sent/);
  assert.doesNotMatch(await team.content(), /Rosa|Greenfinger/);
  const requestPath = path(team);
  await expectAccessible(team);

  // The resident sees the request (not who sent it) and says yes.
  await page.goto(`${server.baseUrl}${SKILLS}/requests`);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Benches and planters along Stamford New Road' }).click();
  assert.equal(path(page), requestPath);
  const request = await contentMatching(page, /Could you help us plant up six planters/);
  assert.doesNotMatch(request, /Tariq|Benchley|@example\.org/);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Yes, I can help' }).click();
  assert.match(await text(page, '.govuk-notification-banner'), /You said yes/);
  const accepted = await contentMatching(page, /Tariq Benchley/);
  assert.ok(accepted.includes(member.email), 'the sender’s email, for the resident');
  await expectAccessible(page);

  // And the team member now sees the resident's name and email.
  await team.goto(`${server.baseUrl}${requestPath}`);
  const theirs = await contentMatching(team, /Rosa Greenfinger/);
  assert.ok(theirs.includes(resident.email));
  await expectAccessible(team);

  // The resident can take their skills down again (asked to confirm first).
  await page.goto(`${server.baseUrl}${SKILLS}/mine`);
  await page.getByRole('link', { name: 'Remove your skills' }).click();
  assert.equal(path(page), `${SKILLS}/mine/delete`);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Remove my skills' }).click();
  assert.equal(path(page), SKILLS);
  assert.match(await text(page, '.govuk-notification-banner'), /Your skills have been removed/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  addMember,
  assemblyWithMembers,
} from '../../src/modules/assemblies/deliberation/deliberation-fixtures.js';
import { addSpeaker } from '../../src/modules/assemblies/deliberation/evidence-service.js';
import {
  castSupport,
  createRecommendation,
  publishRecommendation,
} from '../../src/modules/assemblies/deliberation/recommendation-service.js';
import { expectAccessible, expectAccessibleAsPosted, useServedApp } from '../helpers/served-app.js';
import { titleMatching } from './page-text.js';

// An assembly of its own (the demo's climate assembly comes from another part's seed): four
// members, two sessions with a speaker, one recommendation published with three members' answers and
// one still a draft for members to answer.
let assembly = { slug: '', officerEmail: '', memberEmail: '' };
const server = useServedApp(async (s) => {
  const a = await assemblyWithMembers(s.db, 'Trafford climate journeys', 3);
  await addMember(s.db, a.assembly.id);
  await addSpeaker(a.officer.ctx, a.slug, 1, {
    name: 'Dr Helen Okafor',
    role: 'Climate scientist, University of Manchester',
    topic: 'The local climate',
  });
  await createRecommendation(a.officer.ctx, a.slug, {
    title: 'Make buses cheaper and more frequent',
    body: 'Buses every 12 minutes on main routes.\n\nFares capped at £5 a day.',
  });
  for (const [i, m] of a.members.entries())
    await castSupport(m.ctx, a.slug, 1, { choice: i < 2 ? 'support' : 'oppose' });
  await publishRecommendation(a.officer.ctx, a.slug, 1);
  await createRecommendation(a.officer.ctx, a.slug, {
    title: 'Plant more trees',
    body: 'A tree for every resident.',
  });
  assembly = {
    slug: a.slug,
    officerEmail: a.officer.email,
    memberEmail: (a.members[0] as (typeof a.members)[0]).email,
  };
});

const base = () => `/trafford/assemblies/${assembly.slug}`;
const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();
const path = (page: Page) => new URL(page.url()).pathname;

test('an officer records the council’s response to a recommendation, and the public sees it', async () => {
  const page = await server.signedIn(assembly.officerEmail, `${base()}/deliberation`);
  await titleMatching(page, /^Evidence and recommendations/);
  await expectAccessible(page);

  await page.getByRole('link', { name: /Record the council.s response 1\. Make buses cheaper/ }).click();
  assert.equal(path(page), `${base()}/recommendations/1/response`);
  assert.match(await text(page, '.govuk-inset-text'), /2 of 4 members supported it\./);
  await expectAccessible(page);

  // Nothing chosen: the error summary says what to fix.
  await page.getByRole('button', { name: 'Record and publish' }).click();
  const summary = await text(page, '.govuk-error-summary');
  assert.match(summary, /Select the council's response/);
  assert.match(summary, /Enter the reasons for the council's response/);
  await expectAccessibleAsPosted(page);

  await page.getByLabel('Partly accepted', { exact: true }).check();
  await page
    .getByLabel('Reasons')
    .fill('The council does not run the buses: the Mayor does. We will improve 40 bus stops a year.');
  await page.getByRole('button', { name: 'Record and publish' }).click();
  assert.equal(path(page), `${base()}/recommendations/1`);
  assert.match(await text(page, '.govuk-notification-banner'), /response has been recorded and published/);
  assert.match(await text(page, 'main .govuk-tag'), /Partly accepted/);
  await expectAccessible(page);

  // Anyone can read it, with the summary of all the council's answers.
  const visitor = await (await server.browser.newContext({ javaScriptEnabled: false })).newPage();
  await visitor.goto(`${server.baseUrl}${base()}/recommendations`);
  assert.match(
    await text(visitor, '#summary'),
    /The council accepted 0, partly accepted 1 and did not accept 0\./,
  );
  const body = (await visitor.locator('main').textContent()) ?? '';
  assert.match(body, /We will improve 40 bus stops a year\./);
  assert.doesNotMatch(body, /Plant more trees/);
  assert.doesNotMatch(body, /Member Name/);
  await expectAccessible(visitor);
  await visitor.goto(`${server.baseUrl}${base()}/sessions/1`);
  assert.match((await visitor.locator('main').textContent()) ?? '', /Dr Helen Okafor/);
  await expectAccessible(visitor);
  await visitor.context().close();

  // The officer's other forms, and a session page with its Remove buttons, pass axe too.
  for (const [url, heading] of [
    [`${base()}/sessions/1`, 'Session 1: Learning'],
    [`${base()}/sessions/1/speakers/new`, 'Add a speaker'],
    [`${base()}/sessions/1/documents/new`, 'Add a document'],
    [`${base()}/recommendations/new`, 'Write a recommendation'],
    [`${base()}/recommendations/2/edit`, 'Edit recommendation 2'],
    [`${base()}/recommendations/2/publish`, 'Publish recommendation 2: Plant more trees'],
    [
      `${base()}/recommendations/1/updates/new`,
      'Delivery update on recommendation 1: Make buses cheaper and more frequent',
    ],
  ] as const) {
    await page.goto(`${server.baseUrl}${url}`);
    assert.equal(await text(page, 'h1'), heading);
    await expectAccessible(page);
  }
  await page.context().close();
});

test('a member supports a draft recommendation in the members’ area', async () => {
  const page = await server.signedIn(assembly.memberEmail, `${base()}/members`);
  await titleMatching(page, /^Members' area/);
  await expectAccessible(page);
  const question = page.getByRole('group', { name: 'Do you support recommendation 2?' });
  await page.locator('#recommendation-2').getByRole('button', { name: 'Save your answer' }).click();
  assert.match(await text(page, '.govuk-error-summary'), /Select whether you support this recommendation/);
  await expectAccessibleAsPosted(page);

  await page
    .getByRole('group', { name: 'Do you support recommendation 2?' })
    .getByLabel('I support this recommendation', { exact: true })
    .check();
  await page.locator('#recommendation-2').getByRole('button', { name: 'Save your answer' }).click();
  assert.equal(path(page), `${base()}/members`);
  assert.match(await text(page, '.govuk-notification-banner'), /Your answer has been saved/);
  assert.match(await text(page, '#recommendation-2'), /Your answer: I support this recommendation/);
  assert.ok(await question.count());
  await expectAccessible(page);
  await page.context().close();
});

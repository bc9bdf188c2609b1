import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { makePerson } from '../helpers/people.js';
import {
  expectAccessible,
  expectAccessibleAsPosted,
  expectNoAxeViolations,
  useServedApp,
} from '../helpers/served-app.js';
import { contentMatching, titleMatching } from './page-text.js';

// The journeys run in order on one demo database: the Sale Moor Play Fund takes a proposal
// (1), then opens for an approval vote (2); the Stretford ward budget takes a knapsack vote
// with JavaScript on (3) and paper ballots (4), and is then closed and counted (5). Each also
// passes alone (--test-name-pattern); run together, the count includes the earlier ballots and
// the knapsack voter's receipt is checked against the published file.
const server = useServedApp();

const BUDGETS = '/trafford/budgets';
const SALE_MOOR = `${BUDGETS}/sale-moor-play-fund`;
const STRETFORD = `${BUDGETS}/stretford-ward-budget-2027`;
const STRETFORD_WARD = 'Stretford & Humphrey Park';

/** The receipt the knapsack voter was given, checked again once the votes are counted. */
let knapsackReceipt = '';

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();
const banner = (page: Page) => text(page, '.govuk-notification-banner');
const errorSummary = (page: Page) => text(page, '.govuk-error-summary');
const tag = (page: Page) => text(page, 'main .govuk-tag');
/** A number in a summary list, by its key. */
const figure = async (page: Page, key: string) =>
  Number(
    (
      (await page
        .locator('.govuk-summary-list__row', { has: page.getByRole('term').getByText(key, { exact: true }) })
        .locator('dd')
        .textContent()) ?? ''
    ).replace(/,/g, ''),
  );
const path = (page: Page) => new URL(page.url()).pathname;
const officer = () => makePerson(server.db, { roles: ['officer'] });

/** A checkbox on a ballot, by the project's number and title as the voter sees it. */
const project = (page: Page, number: number, title: string) =>
  page.getByLabel(`${number}. ${title}`, { exact: true });

/** The same session in a browser with JavaScript on. */
async function withScript(page: Page): Promise<Page> {
  const context = await server.browser.newContext();
  await context.addCookies(await page.context().cookies());
  return context.newPage();
}

/** An officer records a proposal's feasibility check through its form. */
async function recordFeasibility(page: Page, url: string, feasible: 'Yes' | 'No', reason: string) {
  await page.goto(`${server.baseUrl}${url}/feasibility`);
  await page.getByLabel(feasible === 'Yes' ? 'Yes, it is feasible' : 'No, it is not feasible').check();
  await page.getByLabel('Reason').fill(reason);
  await page.getByRole('button', { name: 'Record and publish' }).click();
  assert.equal(path(page), url);
  assert.match(await banner(page), /The feasibility check has been recorded and published/);
}

/** A resident confirms by declaration that they can vote, from the budget's page, and lands on the ballot. */
async function checkByEmail(page: Page, budget: string, ward: string, axe: boolean) {
  await page.goto(`${server.baseUrl}${budget}`);
  await page.getByRole('link', { name: 'Vote', exact: true }).click();
  // Not checked yet: told so, and where to go.
  await titleMatching(page, /^Check you can vote/);
  if (axe) await expectAccessible(page);
  await page.getByRole('link', { name: 'Check you can vote' }).click();
  assert.equal(path(page), `${budget}/vote/check`);
  // The list of ways is on the check page only, so it shows the new page has loaded.
  const check = await contentMatching(page, /Ways to check you can vote/);
  assert.doesNotMatch(check, /You need to sign in/);
  if (axe) await expectAccessible(page);
  await page.getByRole('link', { name: 'Confirm you live here' }).click();
  await titleMatching(page, /^Confirm you can vote/);
  if (axe) {
    await expectAccessible(page);
    // Nothing ticked: both declarations are asked for.
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    const summary = await errorSummary(page);
    assert.match(summary, /Confirm you live in the area/);
    assert.match(summary, /Confirm you are old enough to vote/);
    await expectAccessibleAsPosted(page);
  }
  await page.getByLabel('I live in the area this budget is for').check();
  await page.getByLabel('I am 16 or over, or will be by the last day of voting').check();
  await page.getByLabel('Your ward').selectOption({ label: ward });
  await page.getByLabel('35-44').check();
  await page.getByRole('button', { name: 'Confirm and continue' }).click();
  await titleMatching(page, /^You can vote/);
  if (axe) await expectAccessible(page);
  await page.getByRole('button', { name: 'Go to the ballot' }).click();
  assert.equal(path(page), `${budget}/vote`);
}

/** The receipt code on the "vote cast" page. */
async function receiptOn(page: Page): Promise<string> {
  await titleMatching(page, /^Your vote has been cast/);
  const receipt = await text(page, '[data-qa="receipt"]');
  assert.match(receipt, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  return receipt;
}

/** Checks a receipt code on the budget's receipt page and returns what the banner says. */
async function checkReceipt(page: Page, budget: string, receipt: string): Promise<string> {
  await page.goto(`${server.baseUrl}${budget}/receipt`);
  await page.getByLabel('Your receipt code').fill(receipt);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  return banner(page);
}

test('a resident puts forward a proposal with two cost lines; an officer finds it feasible and the reason is published', async () => {
  const [resident, officerPerson] = await Promise.all([makePerson(server.db), officer()]);
  const page = await server.signedIn(resident.email, SALE_MOOR);
  assert.equal(await tag(page), 'Proposals');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Put forward a proposal' }).click();
  await titleMatching(page, /^Put forward a proposal/);
  await contentMatching(page, /This budget is for Sale Moor only/);
  await expectAccessible(page);

  await page
    .getByLabel('Name of the project', { exact: true })
    .fill('Accessible swings for Worthington Park');
  await page
    .getByLabel('Summary', { exact: true })
    .fill('Two swings that wheelchair users can use, by the park gate.');
  await page.getByLabel('Play and sport', { exact: true }).check();
  await page.getByLabel('Item 1', { exact: true }).fill('Wheelchair swing');
  await page.getByLabel('Cost of item 1, in pounds').fill('6,500');
  // Without script, "add another cost line" sends the form and shows it again one line longer.
  const lines = page.locator('input[name^="costAmount"]');
  const shown = await lines.count();
  await page.getByRole('button', { name: 'Add another cost line' }).click();
  assert.equal(await lines.count(), shown + 1);
  assert.equal(await page.getByLabel('Item 1', { exact: true }).inputValue(), 'Wheelchair swing');
  assert.equal(await page.getByLabel('Cost of item 1, in pounds').inputValue(), '6,500');
  assert.equal(await page.locator('.govuk-error-summary').count(), 0);
  await expectAccessibleAsPosted(page);
  await page.getByLabel('Item 2', { exact: true }).fill('Safety surfacing');
  await page.getByLabel('Cost of item 2, in pounds').fill('1500');
  await page.getByRole('button', { name: 'Put forward proposal' }).click();

  assert.match(await banner(page), /Your proposal has been put forward as proposal \d+/);
  const url = path(page);
  const number = Number(url.split('/').pop());
  assert.equal(await tag(page), 'Waiting for its check');
  const breakdown = await text(page, 'table.govuk-table');
  assert.match(breakdown, /Wheelchair swing\s*£6,500/);
  assert.match(breakdown, /Safety surfacing\s*£1,500/);
  assert.match(breakdown, /Total as proposed\s*£8,000/);
  await contentMatching(page, /Officers have not checked this proposal yet/);
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Back to all proposals' }).click();
  const listed = page.getByRole('link', {
    name: `Proposal ${number}: ${number}. Accessible swings for Worthington Park`,
  });
  assert.ok(await listed.isVisible());
  await expectAccessible(page);

  const officerPage = await server.signedIn(officerPerson.email, url);
  await officerPage.getByRole('link', { name: 'Record the feasibility check' }).click();
  await titleMatching(officerPage, new RegExp(`^Feasibility check for proposal ${number}`));
  await expectAccessible(officerPage);
  // A decision needs a published reason.
  await officerPage.getByLabel('Yes, it is feasible').check();
  await officerPage.getByRole('button', { name: 'Record and publish' }).click();
  assert.match(await errorSummary(officerPage), /Enter the reason for the decision/);
  await expectAccessibleAsPosted(officerPage);
  const reason = 'The park is council land and the play team can install both swings this summer.';
  await officerPage.getByLabel('Reason').fill(reason);
  await officerPage.getByRole('button', { name: 'Record and publish' }).click();
  assert.equal(path(officerPage), url);
  assert.match(await banner(officerPage), /The feasibility check has been recorded and published/);

  await page.goto(`${server.baseUrl}${url}`);
  assert.equal(await tag(page), 'Feasible');
  await contentMatching(page, /Checked on \d+ \w+ \d{4}: Feasible\./);
  await contentMatching(page, new RegExp(reason));
});

test('approval vote: the officer opens voting; a resident checks they can vote, votes, changes the vote with the receipt and checks it', async () => {
  const [resident, officerPerson] = await Promise.all([makePerson(server.db), officer()]);
  const desk = await server.signedIn(officerPerson.email, `${SALE_MOOR}/proposals/1`);
  for (const n of [1, 2, 3])
    await recordFeasibility(desk, `${SALE_MOOR}/proposals/${n}`, 'Yes', 'It can be built in Sale Moor park.');
  await desk.goto(`${server.baseUrl}${SALE_MOOR}`);
  await desk.getByRole('button', { name: 'Move to: Voting' }).click();
  assert.match(await banner(desk), /The budget has moved on to its next phase/);
  assert.equal(await tag(desk), 'Voting');
  await expectAccessible(desk);

  const page = await server.signedIn(resident.email, SALE_MOOR);
  await checkByEmail(page, SALE_MOOR, 'Sale Moor', true);
  await titleMatching(page, /^Vote: Sale Moor Play Fund/);
  await contentMatching(page, /Choose from 1 to 2 projects/);
  await expectAccessible(page);

  // Three is one too many.
  await project(page, 1, 'Sale Moor park natural play').check();
  await project(page, 2, 'Skate spot on Northenden Road').check();
  await project(page, 3, 'Pop-up play street kit').check();
  await page.getByRole('button', { name: 'Cast your vote' }).click();
  await titleMatching(page, /^Error: /);
  assert.match(await errorSummary(page), /Choose no more than 2 projects/);
  assert.ok(await project(page, 3, 'Pop-up play street kit').isChecked(), 'the choices are kept');
  await expectAccessibleAsPosted(page);
  await project(page, 2, 'Skate spot on Northenden Road').uncheck();
  await page.getByRole('button', { name: 'Cast your vote' }).click();
  const receipt = await receiptOn(page);
  await expectAccessibleAsPosted(page);

  // Back to the ballot: voted already, with a way to change it.
  await page.goto(`${server.baseUrl}${SALE_MOOR}/vote`);
  await titleMatching(page, /^You have voted/);
  await page.getByRole('link', { name: 'Change your vote' }).click();
  await titleMatching(page, /^Change your vote: Sale Moor Play Fund/);
  await expectAccessible(page);
  await project(page, 3, 'Pop-up play street kit').uncheck();
  await project(page, 2, 'Skate spot on Northenden Road').check();
  await page.getByLabel('Your receipt code').fill('ABCD-EFGH-JKMN-PQRS');
  await page.getByRole('button', { name: 'Change your vote' }).click();
  assert.match(await errorSummary(page), /There is no ballot with this receipt code/);
  await expectAccessibleAsPosted(page);
  await page.getByLabel('Your receipt code').fill(receipt.toLowerCase());
  await page.getByRole('button', { name: 'Change your vote' }).click();
  await titleMatching(page, /^Your vote has been changed/);
  await contentMatching(page, /Your receipt code stays the same/);
  await expectAccessibleAsPosted(page);

  assert.match(
    await checkReceipt(page, SALE_MOOR, receipt),
    /Your ballot is in the ballot box\.\s*The votes have not been counted yet/,
  );
  await expectAccessibleAsPosted(page);
  assert.match(
    await checkReceipt(page, SALE_MOOR, 'ABCD-EFGH-JKMN-PQRS'),
    /There is no ballot with this receipt code/,
  );
});

test('knapsack vote with JavaScript on: the running total follows the boxes, and going over the budget is refused with the numbers', async () => {
  const resident = await makePerson(server.db);
  const signedIn = await server.signedIn(resident.email, STRETFORD);
  const page = await withScript(signedIn);
  try {
    await checkByEmail(page, STRETFORD, STRETFORD_WARD, false);
    await titleMatching(page, /^Vote: Stretford & Humphrey Park Ward Budget 2027/);
    const total = page.locator('[data-pb-total]');
    assert.equal(await total.textContent(), '£0 of £40,000 chosen');
    await expectNoAxeViolations(page);

    await project(page, 3, 'Kings Road speed cushions').check();
    assert.equal(await total.textContent(), '£14,000 of £40,000 chosen');
    await project(page, 8, 'Chester Road murals').check();
    await project(page, 2, 'Stretford library homework club').check();
    assert.equal(await total.textContent(), '£33,500 of £40,000 chosen');
    await project(page, 4, 'Victoria Park table tennis').check();
    assert.equal(await total.textContent(), '£39,500 of £40,000 chosen');
    await project(page, 1, 'Humphrey Park station garden').check();
    assert.equal(await total.textContent(), '£44,500 chosen: that is more than £40,000');
    await project(page, 3, 'Kings Road speed cushions').uncheck();
    assert.equal(await total.textContent(), '£30,500 of £40,000 chosen');
    await project(page, 3, 'Kings Road speed cushions').check();

    // The total is only an aid: the ballot goes, and the server refuses it with the numbers.
    await page.getByRole('button', { name: 'Cast your vote' }).click();
    await titleMatching(page, /^Error: /);
    assert.match(
      await errorSummary(page),
      /You chose projects costing £44,500\. Choose projects costing £40,000 or less/,
    );
    assert.equal(await total.textContent(), '£44,500 chosen: that is more than £40,000');
    await expectNoAxeViolations(page);

    await project(page, 1, 'Humphrey Park station garden').uncheck();
    assert.equal(await total.textContent(), '£39,500 of £40,000 chosen');
    await page.getByRole('button', { name: 'Cast your vote' }).click();
    knapsackReceipt = await receiptOn(page);
    assert.match(await checkReceipt(page, STRETFORD, knapsackReceipt), /Your ballot is in the ballot box/);
  } finally {
    await page.context().close();
  }
});

test('paper ballots: two officers agree on a paper and it is counted; a paper they disagree on is decided by a third', async () => {
  const [first, second, third] = await Promise.all([officer(), officer(), officer()]);
  const a = await server.signedIn(first.email, `${STRETFORD}/paper-ballots`);
  await titleMatching(a, /^Paper ballots: Stretford/);
  const countedBefore = await figure(a, 'Counted');
  await expectAccessible(a);
  await a.getByRole('button', { name: 'Enter a paper ballot' }).click();
  await titleMatching(a, /^Enter a paper ballot/);
  await expectAccessible(a);

  /** One officer types in one paper. */
  const enter = async (page: Page, paper: string, projects: [number, string][]) => {
    await page.goto(`${server.baseUrl}${STRETFORD}/paper-ballots/enter`);
    await page.getByLabel('Paper number').fill(paper);
    for (const [n, title] of projects) await project(page, n, title).check();
    await page.getByLabel('Ward written on the paper (optional)').selectOption({ label: STRETFORD_WARD });
    await page.getByRole('button', { name: 'Save entry' }).click();
  };
  const garden: [number, string] = [1, 'Humphrey Park station garden'];
  const club: [number, string] = [2, 'Stretford library homework club'];
  const kits: [number, string] = [7, 'Street party starter kits'];

  await enter(a, '7001', [club, kits]);
  assert.match(await banner(a), /Paper 7001 entered\. It needs a second entry by another officer/);
  await expectAccessible(a);
  // The second entry must come from someone else.
  await enter(a, '7001', [club, kits]);
  assert.match(await errorSummary(a), /You have already entered this paper/);
  await expectAccessibleAsPosted(a);

  const b = await server.signedIn(second.email, `${STRETFORD}/paper-ballots`);
  await enter(b, '7001', [club, kits]);
  assert.match(await banner(b), /Paper 7001: both entries agree\. The ballot is in the ballot box/);

  await enter(a, '7002', [garden]);
  await enter(b, '7002', [garden, kits]);
  assert.match(await banner(b), /Paper 7002: the two entries differ/);
  await b.goto(`${server.baseUrl}${STRETFORD}/paper-ballots`);
  assert.ok(await b.getByRole('link', { name: 'Check paper 7002' }).isVisible());

  const c = await server.signedIn(third.email, `${STRETFORD}/paper-ballots`);
  await c.getByRole('link', { name: 'Check paper 7002' }).click();
  await titleMatching(c, /^Decide paper 7002/);
  assert.equal(await tag(c), 'Entries differ');
  const entries = c.locator('main ul.govuk-list > li');
  assert.equal(await entries.count(), 2);
  // Each entry: who made it and when, then the projects it recorded.
  const entry = async (i: number) => (await entries.nth(i).textContent()) ?? '';
  assert.match(await entry(0), /Choices: 1\. Humphrey Park station garden(?!;)/);
  assert.match(await entry(1), /Choices: 1\. Humphrey Park station garden; 7\. Street party starter kits/);
  assert.equal(await c.getByLabel('Paper number').inputValue(), '7002');
  await expectAccessible(c);
  await project(c, 1, garden[1]).check();
  await c.getByLabel('Ward written on the paper (optional)').selectOption({ label: STRETFORD_WARD });
  await c.getByRole('button', { name: 'Save entry' }).click();
  assert.match(await banner(c), /Paper 7002/);

  await c.goto(`${server.baseUrl}${STRETFORD}/paper-ballots/7002`);
  assert.equal(await tag(c), 'Counted');
  assert.match(
    (await c.locator('main ul.govuk-list > li').nth(2).textContent()) ?? '',
    /\(Deciding entry\)\s*Choices: 1\. Humphrey Park station garden(?!;)/,
  );
  await c.goto(`${server.baseUrl}${STRETFORD}/paper-ballots`);
  await contentMatching(c, /No papers need a check/);
  assert.equal(await figure(c, 'Counted'), countedBefore + 2);
});

test('the officer closes the vote and counts; the results show the funded projects, why each was or was not funded, the chart and the .pb file', async () => {
  const officerPerson = await officer();
  const page = await server.signedIn(officerPerson.email, STRETFORD);
  await page.getByRole('link', { name: 'Close voting and count the votes' }).click();
  await titleMatching(page, /^Close voting and count: Stretford/);
  // The demo's paper 9001 has one entry: it must be settled first.
  await contentMatching(page, /1 paper ballot still needs a second entry/);
  assert.equal(await page.getByRole('button', { name: 'Close voting and count' }).count(), 0);
  await page.goto(`${server.baseUrl}${STRETFORD}/paper-ballots/enter`);
  await page.getByLabel('Paper number').fill('9001');
  await project(page, 1, 'Humphrey Park station garden').check();
  await page.getByLabel('Ward written on the paper (optional)').selectOption({ label: STRETFORD_WARD });
  await page.getByRole('button', { name: 'Save entry' }).click();
  assert.match(await banner(page), /Paper 9001: both entries agree/);

  await page.goto(`${server.baseUrl}${STRETFORD}/results/close`);
  const ballots = await figure(page, 'Ballots cast');
  assert.ok(ballots > 140, `the demo's ballots and this file's: ${ballots}`);
  await contentMatching(page, /You cannot reopen voting once it is closed/);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Close voting and count' }).click();

  assert.equal(path(page), `${STRETFORD}/results`);
  await titleMatching(page, /^Results: Stretford & Humphrey Park Ward Budget 2027/);
  assert.match(
    await text(page, '.govuk-panel'),
    new RegExp(
      `\\d+ projects? funded, spending £[\\d,]+ of £40,000, chosen by ${ballots.toLocaleString('en-GB')} ballots`,
    ),
  );
  await contentMatching(page, /Counted by the Method of Equal Shares on/);
  const funded = page.getByRole('table', { name: 'Funded projects' });
  const fundedRows = await funded.locator('tbody tr').count();
  assert.ok(fundedRows >= 3, 'some projects, the total spent and what was left over');

  // The chart, described for screen readers, and every figure in the table beside it.
  const chart = page.getByRole('img', { name: /^Votes for each project/ });
  assert.ok(await chart.isVisible());
  assert.equal(await chart.locator('rect').count(), 8);
  const table = page.getByRole('table', { name: 'Support, cost and outcome for every project' });
  assert.equal(await table.locator('tbody tr').count(), 8);
  assert.match(
    (await table.textContent()) ?? '',
    /1\. Humphrey Park station garden\s*\d+\s*£5,000\s*(Funded|Not funded)/,
  );

  // Why each project was or was not funded: one explanation for each, opened one at a time.
  const why = page.locator('details.govuk-details');
  assert.equal(await why.count(), 8);
  for (let i = 0; i < 8; i++) {
    const explanation = ((await why.nth(i).locator('.govuk-details__text').textContent()) ?? '').trim();
    assert.ok(explanation.length > 20, `project ${i + 1} has an explanation: ${explanation}`);
  }
  const first = why.first();
  assert.equal(await first.locator('.govuk-details__text').isVisible(), false);
  await first.locator('summary').click();
  assert.ok(await first.locator('.govuk-details__text').isVisible());
  await expectAccessible(page);

  const link = page.getByRole('link', { name: 'Every ballot, as a pabulib .pb file' });
  const pb = await page.request.get(`${server.baseUrl}${await link.getAttribute('href')}`);
  assert.equal(pb.status(), 200);
  const file = await pb.text();
  assert.ok(file.startsWith('META'), file.slice(0, 80));
  assert.match(file, /\nPROJECTS\n/);
  assert.match(file, /\nVOTES\n/);

  // The knapsack voter's receipt now finds their ballot in the published file.
  if (knapsackReceipt) {
    const found = await checkReceipt(page, STRETFORD, knapsackReceipt);
    assert.match(
      found,
      /Your ballot was counted\.\s*In the published results file your ballot has the id (\S+)\./,
    );
    const id = /has the id (\S+)\./.exec(found)?.[1] ?? '';
    assert.match(file, new RegExp(`\\n${id};`));
  }
});

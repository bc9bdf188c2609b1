import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { REASONS, TASKS } from '../../../lib/dbs-rules/index.js';
import { catalogueKeys } from '../../../platform/i18n/i18n.js';
import { QUESTIONS } from './dbs-questions.js';

const t = useTestApp();
const BASE = '/trafford/help/dbs-check';

/** Follows the 303s a question page answers with, as a browser would. */
async function follow(url: string) {
  let res = await t.app.inject(url);
  let hops = 0;
  while (res.statusCode === 303 && hops++ < 10) {
    url = String(res.headers.location);
    res = await t.app.inject(url);
  }
  return { res, url };
}

test('the start page is public, explains neighbours need no check, and starts the questions', async () => {
  const res = await t.app.inject(BASE);
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<h1 class="govuk-heading-l">Do I need a DBS check\?<\/h1>/);
  assert.match(res.body, /never needs a DBS check/);
  assert.match(res.body, new RegExp(`href="${BASE}/who-organises"[^>]*>\\s*Start now`));
  assert.match(res.body, /href="https:\/\/www\.gov\.uk\/find-out-dbs-check"/);
});

test('a question submitted with no answer shows an error summary linked to the field, keeping other answers', async () => {
  const res = await t.app.inject(`${BASE}/who-you-help?setting=group&asked=who-you-help`);
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /<title>Error:/);
  assert.match(res.body, /govuk-error-summary/);
  assert.match(res.body, /<a href="#helps">Select who you help<\/a>/);
  assert.match(res.body, /id="helps"/);
  assert.match(res.body, /<input type="hidden" name="setting" value="group">/);
  // The back link returns to the previous question with the answers so far.
  assert.match(
    res.body,
    new RegExp(`<a href="${BASE}/who-organises\\?setting=group" class="govuk-back-link">`),
  );
});

test('an answer outside the options is treated as missing, never a 500', async () => {
  const res = await t.app.inject(
    `${BASE}/how-often?setting=group&helps=adults&tasks=shopping&frequency=daily&asked=how-often`,
  );
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /Select how often you do it/);
  const odd = await t.app.inject(
    `${BASE}/what-you-do?setting=group&helps=adults&tasks=none&tasks=shopping&asked=what-you-do`,
  );
  assert.equal(odd.statusCode, 422);
});

test('neighbours: one question, then check answers, then "no DBS check is needed"', async () => {
  const first = await t.app.inject(`${BASE}/who-organises?setting=neighbours&asked=who-organises`);
  assert.equal(first.statusCode, 303);
  assert.equal(first.headers.location, `${BASE}/check-answers?setting=neighbours`);
  const check = await t.app.inject(String(first.headers.location));
  assert.equal(check.statusCode, 200);
  assert.match(check.body, /Nobody – I help neighbours or friends myself/);
  assert.equal(check.body.match(/govuk-summary-list__row/g)?.length, 1);
  const answer = await t.app.inject(`${BASE}/answer?setting=neighbours`);
  assert.equal(answer.statusCode, 200);
  assert.match(answer.body, /<h1[^>]*>No DBS check is needed<\/h1>/);
  assert.match(answer.body, /Nobody needs a DBS check to help a neighbour/);
  assert.match(answer.body, /href="https:\/\/www\.legislation\.gov\.uk\/ukpga\/2006\/47\/section\/58"/);
  assert.match(answer.body, /This is not legal advice/);
});

test('a group doing personal care for adults walks every question and gets enhanced with the adults’ barred list', async () => {
  // Each step as the form would submit it: the hidden answers so far, this answer, and `asked`.
  const steps: [string, string][] = [
    ['who-organises', 'setting=group'],
    ['who-you-help', 'helps=adults'],
    ['what-you-do', 'tasks=personal-care&tasks=shopping'],
    ['how-often', 'frequency=once'],
    ['supervised', 'supervised=no'],
    ['group-policy', 'policy=no-policy'],
  ];
  let query = '';
  for (const [slug, answer] of steps) {
    const page = await t.app.inject(`${BASE}/${slug}${query ? `?${query}` : ''}`);
    assert.equal(page.statusCode, 200, slug);
    query = query ? `${query}&${answer}` : answer;
    const res = await t.app.inject(`${BASE}/${slug}?${query}&asked=${slug}`);
    assert.equal(res.statusCode, 303, slug);
  }
  // No question about schools: that is only for help with children.
  const { res, url } = await follow(`${BASE}/group-policy?${query}&asked=group-policy`);
  assert.match(url, /\/check-answers\?/);
  assert.doesNotMatch(res.body, /school/);
  assert.match(res.body, /Personal care, such as help with washing[^<]*<br>Picking up shopping/);
  const answer = await t.app.inject(url.replace('/check-answers', '/answer'));
  assert.equal(answer.statusCode, 200);
  assert.match(answer.body, /An enhanced DBS check with the adults’ barred list/);
  assert.match(answer.body, /there is no ‘how often’ test: doing it once is enough/);
  assert.match(answer.body, /Schedule 4, Part 2, paragraph 7/);
});

test('the answer shows a group’s stricter policy as the group’s choice, apart from the law', async () => {
  const res = await t.app.inject(
    `${BASE}/answer?setting=group&helps=adults&tasks=dog-walking&frequency=weekly-or-more&supervised=no&policy=basic`,
  );
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<h1[^>]*>A basic DBS check<\/h1>/);
  assert.match(
    res.body,
    /The law asks for: No DBS check is needed\. Your group’s own policy asks for more\. That is the group’s choice, not the law\./,
  );
  assert.match(res.body, /The group’s own policy \(its choice, not the law\)/);
});

test('supervised work with children points to the DBS eligibility tool rather than over-checking', async () => {
  const res = await t.app.inject(
    `${BASE}/answer?setting=organisation&helps=children&tasks=supervising-children&frequency=weekly-or-more&supervised=yes&establishment=no&policy=no-policy`,
  );
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<h1[^>]*>No DBS check is needed<\/h1>/);
  assert.match(res.body, /govuk-warning-text/);
  assert.match(res.body, /Check with the DBS eligibility tool before asking anyone for a check/);
});

test('the answer and check answers pages send unfinished answers to the first missing question', async () => {
  const res = await t.app.inject(`${BASE}/answer?setting=group&helps=children`);
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, `${BASE}/what-you-do?setting=group&helps=children`);
  const check = await t.app.inject(`${BASE}/check-answers`);
  assert.equal(check.headers.location, `${BASE}/who-organises`);
  // A question that no longer applies is skipped rather than asked.
  const skip = await t.app.inject(`${BASE}/where?setting=neighbours`);
  assert.equal(skip.headers.location, `${BASE}/check-answers?setting=neighbours`);
});

test('the question about children’s settings is asked only when the help is for children', async () => {
  const res = await t.app.inject(
    `${BASE}/supervised?setting=group&helps=both&tasks=none&frequency=once&supervised=yes&asked=supervised`,
  );
  assert.equal(
    res.headers.location,
    `${BASE}/where?setting=group&helps=both&tasks=none&frequency=once&supervised=yes`,
  );
  const page = await t.app.inject(String(res.headers.location));
  assert.match(page.body, /Do you help in a school, nursery, children’s home or other childcare setting\?/);
});

test('every question, option and reason has English words', () => {
  const keys = new Set(catalogueKeys('en'));
  const missing: string[] = [];
  for (const q of QUESTIONS) {
    for (const part of ['title', 'short', 'hint', 'error'])
      if (!keys.has(`mutualAid.dbs.questions.${q.slug}.${part}`)) missing.push(`${q.slug}.${part}`);
    for (const o of q.options)
      if (!keys.has(`mutualAid.dbs.questions.${q.slug}.options.${o}`)) missing.push(`${q.slug}.${o}`);
  }
  for (const code of Object.keys(REASONS))
    if (!keys.has(`mutualAid.dbs.reasons.${code}`)) missing.push(`reason ${code}`);
  assert.ok(TASKS.length > 10);
  assert.deepEqual(missing, []);
});

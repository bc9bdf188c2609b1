import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { openForm, submitForm } from '../../../../test/helpers/form-client.js';
import { pbPerson } from '../../../../test/helpers/pb-process.js';
import { openVote, verifiedVoter } from './voting-test-support.js';

const t = useTestApp();

const receiptIn = (html: string) =>
  /data-qa="receipt"><code class="pb-receipt">([^<]+)</.exec(html)?.[1] ?? '';

test('someone not yet verified is sent to check they can vote', async () => {
  const vote = await openVote(t.db, { changes: { title: 'Route check fund' } });
  const person = await pbPerson(t.db);
  const res = await t.app.inject({
    url: `/trafford/budgets/${vote.slug}/vote`,
    headers: { cookie: person.cookie },
  });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, new RegExp(`href="/trafford/budgets/${vote.slug}/vote/check"`));
  const visitor = await t.app.inject({ url: `/trafford/budgets/${vote.slug}/vote` });
  assert.equal(visitor.statusCode, 303);
  assert.match(String(visitor.headers.location), /^\/account\/sign-in/);
});

test('a knapsack ballot without JavaScript: the total is checked with the sums, then the vote is cast', async () => {
  // £50,000 to spend; £20,000 + £42,000 = £62,000 is too much.
  const vote = await openVote(t.db, {
    changes: { title: 'Route knapsack fund', ballotType: 'knapsack' },
    costs: [2_000_000, 4_200_000, 3_000_000],
  });
  const voter = await verifiedVoter(t.db, vote.slug);
  const url = `/trafford/budgets/${vote.slug}/vote`;
  const page = await t.app.inject({ url, headers: { cookie: voter.cookie } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /type="checkbox"[^>]*value="2"[^>]*data-cost="4200000"|data-cost="4200000"/);
  assert.match(page.body, /<script src="\/trafford\/budgets\/ballot\.js\?v=[0-9a-f]{10}" defer><\/script>/);
  assert.match(page.body, /data-pb-total="money" data-limit="5000000"/);

  // Without the CSRF token nothing is cast.
  const forged = await t.app.inject({
    method: 'POST',
    url,
    headers: { cookie: voter.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'projects=1',
  });
  assert.equal(forged.statusCode, 403);

  const post = await openForm(t.app, { cookie: voter.cookie, formUrl: url });
  const over = await post({ projects: ['1', '2'] });
  assert.equal(over.statusCode, 422);
  assert.match(over.body, /You chose projects costing £62,000\. Choose projects costing £50,000 or less/);
  assert.match(over.body, /href="#projects"/);
  // The boxes stay ticked.
  assert.match(over.body, /value="1" checked|value="1"[^>]*checked/);

  const cast = await post({ projects: ['1', '3'] });
  assert.equal(cast.statusCode, 200);
  assert.equal(cast.headers['cache-control'], 'private, no-store');
  const receipt = receiptIn(cast.body);
  assert.match(receipt, /^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  const ballots = await t.db.query<{ projects: string[] }>(
    'select projects from pb_ballots where process_id = $1',
    [vote.process.id],
  );
  assert.deepEqual(
    ballots.map((b) => new Set(b.projects)),
    [new Set([vote.ids[0], vote.ids[2]])],
  );

  // Pressing the button again (the back button) does not cast a second ballot.
  const again = await post({ projects: ['1'] });
  assert.equal(again.statusCode, 303);
  const state = await t.app.inject({ url, headers: { cookie: voter.cookie } });
  assert.match(state.body, /You have voted/);
  assert.equal(
    (await t.db.query('select 1 from pb_ballots where process_id = $1', [vote.process.id])).length,
    1,
  );

  // The receipt check, with a wrong code and the right one (typed in lower case with spaces).
  const check = `/trafford/budgets/${vote.slug}/receipt`;
  const wrong = await submitForm(t.app, { formUrl: check, fields: { receipt: 'ABCD-EFGH-JKMN-PQRS' } });
  assert.match(wrong.body, /There is no ballot with this receipt code/);
  const right = await submitForm(t.app, {
    formUrl: check,
    fields: { receipt: receipt.toLowerCase().replace(/-/g, ' ') },
  });
  assert.equal(right.statusCode, 200);
  assert.match(right.body, /Your ballot is in the ballot box/);
  const badFormat = await submitForm(t.app, { formUrl: check, fields: { receipt: '123' } });
  assert.equal(badFormat.statusCode, 422);
  assert.match(badFormat.body, /govuk-error-summary/);
});

test('changing a vote needs the receipt code; a wrong one is refused and the ballot stays', async () => {
  const vote = await openVote(t.db, {
    changes: { title: 'Route change fund', minSelections: '1', maxSelections: '2' },
  });
  const voter = await verifiedVoter(t.db, vote.slug);
  const url = `/trafford/budgets/${vote.slug}/vote`;
  const cast = await submitForm(t.app, { cookie: voter.cookie, formUrl: url, fields: { projects: '1' } });
  const receipt = receiptIn(cast.body);
  const change = `${url}/change`;
  const page = await t.app.inject({ url: change, headers: { cookie: voter.cookie } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /If you have lost your receipt code, your vote stands as cast/);

  const wrong = await submitForm(t.app, {
    cookie: voter.cookie,
    formUrl: change,
    fields: { receipt: 'ABCD-EFGH-JKMN-PQRS', projects: ['2', '3'] },
  });
  assert.equal(wrong.statusCode, 422);
  assert.match(wrong.body, /There is no ballot with this receipt code/);
  const tooMany = await submitForm(t.app, {
    cookie: voter.cookie,
    formUrl: change,
    fields: { receipt, projects: ['1', '2', '3'] },
  });
  assert.equal(tooMany.statusCode, 422);
  assert.match(tooMany.body, /Choose no more than 2 projects/);
  const stored = () =>
    t.db.query<{ projects: string[] }>('select projects from pb_ballots where process_id = $1', [
      vote.process.id,
    ]);
  assert.deepEqual((await stored())[0]?.projects, [vote.ids[0]]);

  const ok = await submitForm(t.app, {
    cookie: voter.cookie,
    formUrl: change,
    fields: { receipt, projects: ['2', '3'] },
  });
  assert.equal(ok.statusCode, 200);
  assert.match(ok.body, /Your vote has been changed/);
  assert.deepEqual(new Set((await stored())[0]?.projects), new Set([vote.ids[1], vote.ids[2]]));
});

test('cumulative and ranked ballots work as plain forms', async () => {
  const points = await openVote(t.db, {
    changes: { title: 'Route points fund', ballotType: 'cumulative', pointsTotal: '10' },
  });
  const v1 = await verifiedVoter(t.db, points.slug);
  const url1 = `/trafford/budgets/${points.slug}/vote`;
  const page = await t.app.inject({ url: url1, headers: { cookie: v1.cookie } });
  assert.match(page.body, /id="points-1" name="points-1"/);
  const post1 = await openForm(t.app, { cookie: v1.cookie, formUrl: url1 });
  const half = await post1({ 'points-1': '2.5' });
  assert.equal(half.statusCode, 422);
  assert.match(half.body, /Points must be a whole number/);
  const over = await post1({ 'points-1': '6', 'points-2': '5' });
  assert.match(over.body, /You gave 11 points\. Give 10 points or fewer in total/);
  assert.equal((await post1({ 'points-1': '6', 'points-2': '4', 'points-3': '' })).statusCode, 200);

  const ranked = await openVote(t.db, {
    changes: { title: 'Route ranked fund', ballotType: 'ranked', maxSelections: '3' },
  });
  const v2 = await verifiedVoter(t.db, ranked.slug);
  const url2 = `/trafford/budgets/${ranked.slug}/vote`;
  const rankedPage = await t.app.inject({ url: url2, headers: { cookie: v2.cookie } });
  assert.match(rankedPage.body, /<select class="govuk-select" id="rank-3" name="rank-3"/);
  assert.doesNotMatch(rankedPage.body, /id="rank-4"/);
  const post2 = await openForm(t.app, { cookie: v2.cookie, formUrl: url2 });
  const twice = await post2({ 'rank-1': '2', 'rank-2': '2' });
  assert.equal(twice.statusCode, 422);
  assert.match(twice.body, /You chose a project for more than one choice/);
  assert.equal((await post2({ 'rank-1': '3', 'rank-2': '', 'rank-3': '1' })).statusCode, 200);
  const stored = await t.db.query<{ projects: string[] }>(
    'select projects from pb_ballots where process_id = $1',
    [ranked.process.id],
  );
  assert.deepEqual(stored[0]?.projects, [ranked.ids[2], ranked.ids[0]]);
});

test('officers enter paper ballots through the form; a second entry by the same officer is refused', async () => {
  const vote = await openVote(t.db, { changes: { title: 'Route paper fund' } });
  const [first, second] = [await pbPerson(t.db, ['officer']), await pbPerson(t.db, ['officer'])];
  const url = `/trafford/budgets/${vote.slug}/paper-ballots/enter`;
  const fields = { paperNumber: '12', projects: ['1', '2'], wardCode: '', ageBand: '45-54' };
  const one = await submitForm(t.app, { cookie: first.cookie, formUrl: url, fields });
  assert.equal(one.statusCode, 303);
  assert.match(String(one.headers.location), /done=pending&paper=12/);
  const same = await submitForm(t.app, { cookie: first.cookie, formUrl: url, fields });
  assert.equal(same.statusCode, 422);
  assert.match(same.body, /Another officer must make the next entry/);
  const two = await submitForm(t.app, {
    cookie: second.cookie,
    formUrl: url,
    fields: { ...fields, projects: ['1'] },
  });
  assert.match(String(two.headers.location), /done=mismatch/);
  const list = await t.app.inject({
    url: `/trafford/budgets/${vote.slug}/paper-ballots`,
    headers: { cookie: first.cookie },
  });
  assert.equal(list.statusCode, 200);
  assert.match(list.body, new RegExp(`href="/trafford/budgets/${vote.slug}/paper-ballots/12"`));
  const paper = await t.app.inject({
    url: `/trafford/budgets/${vote.slug}/paper-ballots/12`,
    headers: { cookie: first.cookie },
  });
  assert.match(paper.body, /Decide paper 12/);
  const csv = await t.app.inject({
    url: `/trafford/api/budgets/${vote.slug}/paper-ballots.csv`,
    headers: { cookie: first.cookie },
  });
  assert.equal(csv.body.trim(), 'paper_number,status,entries,ward_code,age_band\n12,mismatch,2,,');
  const resident = await pbPerson(t.db);
  const refused = await t.app.inject({ url, headers: { cookie: resident.cookie } });
  assert.equal(refused.statusCode, 403);
});

test('the running-total script and the public ballot and turnout data are served', async () => {
  const vote = await openVote(t.db, { changes: { title: 'Route data fund' } });
  const js = await t.app.inject({ url: '/trafford/budgets/ballot.js' });
  assert.equal(js.statusCode, 200);
  assert.match(String(js.headers['content-type']), /text\/javascript/);
  assert.match(js.body, /data-pb-total/);
  const ballot = await t.app.inject({ url: `/trafford/api/budgets/${vote.slug}/ballot` });
  const data = JSON.parse(ballot.body);
  assert.equal(data.ballot_type, 'approval');
  assert.deepEqual(
    data.projects.map((p: { number: number; cost_pence: string }) => [p.number, p.cost_pence]),
    [
      [1, '1000000'],
      [2, '2000000'],
      [3, '3000000'],
      [4, '4000000'],
    ],
  );
  const turnoutJson = JSON.parse(
    (await t.app.inject({ url: `/trafford/api/budgets/${vote.slug}/turnout` })).body,
  );
  assert.deepEqual(turnoutJson.ballots, { online: 0, paper: 0, total: 0 });
  const csv = await t.app.inject({ url: `/trafford/api/budgets/${vote.slug}/turnout.csv` });
  assert.match(csv.body, /^group,key,ballots,verified,voted,paper_ballots\n/);
});

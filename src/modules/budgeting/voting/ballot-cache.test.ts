import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { openForm } from '../../../../test/helpers/form-client.js';
import { openVote, verifiedVoter } from './voting-test-support.js';

// The ballot page and the cast reuse what they read of a ballot between requests (see
// ballot-cache.ts and castIfUnchanged). These tests change the ballot behind their back, the
// way an officer or plain SQL would, and check nobody ever sees or votes on the old one.

const t = useTestApp();

const ballotsOf = (processId: string) =>
  t.db.query<{ projects: string[] }>('select projects from pb_ballots where process_id = $1', [processId]);

test('the ballot page shows a changed proposal at once, and drops one that is no longer feasible', async () => {
  const vote = await openVote(t.db, { changes: { title: 'Fresh page fund' } });
  const voter = await verifiedVoter(t.db, vote.slug);
  const url = `/trafford/budgets/${vote.slug}/vote`;
  const first = await t.app.inject({ url, headers: { cookie: voter.cookie } });
  assert.match(first.body, /Project 2<\/span>/);
  assert.match(first.body, /Project 4<\/span>/);

  await t.db.query(`update pb_proposals set title = 'Play park lights' where id = $1`, [
    vote.ids[1] as string,
  ]);
  await t.db.query(`update pb_proposals set status = 'withdrawn' where id = $1`, [vote.ids[3] as string]);
  const again = await t.app.inject({ url, headers: { cookie: voter.cookie } });
  assert.match(again.body, /2\. Play park lights<\/span>/);
  assert.doesNotMatch(again.body, /Project 2<\/span>/);
  assert.doesNotMatch(again.body, /Project 4<\/span>/);
  // Each page still has its own CSRF token: only the ballot's fields are reused.
  const token = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(token(first.body));
  assert.notEqual(token(first.body), token(again.body));
});

test('a ballot posted after its projects changed is checked against the projects as they are now', async () => {
  // £50,000 to spend; the page is shown while project 2 costs £20,000.
  const vote = await openVote(t.db, {
    changes: { title: 'Changed costs fund', ballotType: 'knapsack' },
    costs: [2_000_000, 2_000_000, 1_000_000],
  });
  const voter = await verifiedVoter(t.db, vote.slug);
  const url = `/trafford/budgets/${vote.slug}/vote`;
  const post = await openForm(t.app, { cookie: voter.cookie, formUrl: url });
  // Meanwhile the officers correct its cost to £40,000 and withdraw project 3.
  await t.db.query('update pb_proposals set cost_pence = 4000000 where id = $1', [vote.ids[1] as string]);
  await t.db.query(`update pb_proposals set status = 'withdrawn' where id = $1`, [vote.ids[2] as string]);

  const over = await post({ projects: ['1', '2'] });
  assert.equal(over.statusCode, 422);
  assert.match(over.body, /You chose projects costing £60,000\. Choose projects costing £50,000 or less/);
  const gone = await post({ projects: ['3'] });
  assert.equal(gone.statusCode, 422);
  assert.equal((await ballotsOf(vote.process.id)).length, 0);

  const cast = await post({ projects: ['2'] });
  assert.equal(cast.statusCode, 200);
  assert.deepEqual(
    (await ballotsOf(vote.process.id)).map((b) => b.projects),
    [[vote.ids[1]]],
  );
});

test('a vote closed after the ballot was shown takes no ballot, and says so', async () => {
  const vote = await openVote(t.db, { changes: { title: 'Closed meanwhile fund' } });
  const voter = await verifiedVoter(t.db, vote.slug);
  const url = `/trafford/budgets/${vote.slug}/vote`;
  const post = await openForm(t.app, { cookie: voter.cookie, formUrl: url });
  await t.db.query(`update pb_processes set voting_closes_at = now() - interval '1 minute' where id = $1`, [
    vote.process.id,
  ]);
  const late = await post({ projects: ['1'] });
  assert.equal(late.statusCode, 303);
  assert.equal(late.headers.location, url);
  const page = await t.app.inject({ url, headers: { cookie: voter.cookie } });
  assert.match(page.body, /Voting in Closed meanwhile fund is not open at the moment/);
  assert.equal((await ballotsOf(vote.process.id)).length, 0);
  const voted = await t.db.query<{ voted: boolean }>('select voted from pb_voters where process_id = $1', [
    vote.process.id,
  ]);
  assert.deepEqual(voted, [{ voted: false }]);
});

test('each cast ticks the register and writes its audit record with it, and the same voter casts once', async () => {
  const vote = await openVote(t.db, { changes: { title: 'Audited fund' } });
  const [one, two] = [await verifiedVoter(t.db, vote.slug), await verifiedVoter(t.db, vote.slug)];
  const url = `/trafford/budgets/${vote.slug}/vote`;
  const postOne = await openForm(t.app, { cookie: one.cookie, formUrl: url });
  const postTwo = await openForm(t.app, { cookie: two.cookie, formUrl: url });
  assert.equal((await postOne({ projects: ['1'] })).statusCode, 200);
  assert.equal((await postTwo({ projects: ['2', '3'] })).statusCode, 200);
  // The back button and submit again: no second ballot, no second record.
  assert.equal((await postOne({ projects: ['4'] })).statusCode, 303);

  assert.equal((await ballotsOf(vote.process.id)).length, 2);
  const register = await t.db.query<{ user_id: string; voted: boolean; channel: string }>(
    'select user_id, voted, channel from pb_voters where process_id = $1 order by user_id',
    [vote.process.id],
  );
  assert.deepEqual(
    register.map((r) => [r.voted, r.channel]),
    [
      [true, 'online'],
      [true, 'online'],
    ],
  );
  const records = await t.db.query<{ actor_id: string; after: unknown; request_id: string | null }>(
    `select actor_id, after, request_id from audit_log where action = 'budgeting.vote.cast' and target_id = $1`,
    [vote.process.id],
  );
  assert.deepEqual(new Set(records.map((r) => r.actor_id)), new Set([one.userId, two.userId]));
  for (const r of records) {
    assert.deepEqual(r.after, { round: 1 });
    assert.ok(r.request_id);
  }
});

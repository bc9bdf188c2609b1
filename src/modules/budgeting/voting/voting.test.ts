import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { pbPerson } from '../../../../test/helpers/pb-process.js';
import { Conflict, Forbidden, Invalid } from '../../../platform/http/errors.js';
import { stopVote } from '../processes/process-service.js';
import { canonicalReceipt, publicBallotId, receiptHash } from './receipt.js';
import {
  ballotFor,
  castBallot,
  changeBallot,
  checkReceipt,
  InvalidBallot,
  shuffleBallots,
} from './voting-service.js';
import { openVote, verifiedVoter } from './voting-test-support.js';

const t = useTestApp();

const ballotsOf = (processId: string) =>
  t.db.query<{ receipt_hash: string; channel: string; projects: string[]; points: number[] | null }>(
    'select receipt_hash, channel, projects, points from pb_ballots where process_id = $1',
    [processId],
  );

test('a verified resident casts one ballot and gets a receipt code that finds it', async () => {
  const vote = await openVote(t.db, { changes: { title: 'Receipt fund' } });
  const voter = await verifiedVoter(t.db, vote.slug);
  assert.equal((await ballotFor(voter.ctx, vote.slug)).state, 'can-vote');
  const { receipt } = await castBallot(voter.ctx, vote.slug, { projects: [vote.ids[0] as string] });
  assert.match(receipt, /^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}$/);
  const ballots = await ballotsOf(vote.process.id);
  assert.equal(ballots.length, 1);
  assert.deepEqual(ballots[0]?.projects, [vote.ids[0]]);
  assert.equal(ballots[0]?.channel, 'online');
  // Only the hash is stored, never the code.
  assert.equal(ballots[0]?.receipt_hash, receiptHash(canonicalReceipt(receipt) as string));
  const everything = JSON.stringify(await t.db.query('select * from pb_ballots'));
  assert.ok(!everything.includes(receipt.replace(/-/g, '')));
  assert.equal((await ballotFor(voter.ctx, vote.slug)).state, 'voted');

  const anyone = await pbPerson(t.db);
  const check = await checkReceipt(anyone.ctx, vote.slug, receipt.toLowerCase().replace(/-/g, ' '));
  assert.deepEqual(check, { inBallotBox: true, round: 1, counted: false, publicBallotId: null });
  const wrong = await checkReceipt(anyone.ctx, vote.slug, 'ABCD-EFGH-JKMN-PQRS');
  assert.equal(wrong.inBallotBox, false);
  await assert.rejects(checkReceipt(anyone.ctx, vote.slug, 'not a code'), Invalid);

  // Once the round has an official result, the check says it was counted and gives its public id.
  await t.db.query(
    `insert into pb_results (process_id, round, rule, completion, official, result, ballots) values ($1, 1, 'mes-cost', 'add1u', true, '{}', 1)`,
    [vote.process.id],
  );
  const counted = await checkReceipt(anyone.ctx, vote.slug, receipt);
  assert.equal(counted.counted, true);
  assert.equal(counted.publicBallotId, publicBallotId(ballots[0]?.receipt_hash as string));
  assert.match(counted.publicBallotId ?? '', /^[0-9a-f]{12}$/);
});

test('voting twice is refused, and so is voting without being verified', async () => {
  const vote = await openVote(t.db, { changes: { title: 'Twice fund' } });
  const voter = await verifiedVoter(t.db, vote.slug);
  await castBallot(voter.ctx, vote.slug, { projects: [vote.ids[0] as string] });
  await assert.rejects(castBallot(voter.ctx, vote.slug, { projects: [vote.ids[1] as string] }), Conflict);
  const stranger = await pbPerson(t.db);
  assert.equal((await ballotFor(stranger.ctx, vote.slug)).state, 'not-verified');
  await assert.rejects(castBallot(stranger.ctx, vote.slug, { projects: [vote.ids[0] as string] }), Conflict);
  const officer = vote.officer;
  const visitor = { ...officer.ctx, actor: null };
  await assert.rejects(castBallot(visitor, vote.slug, { projects: [vote.ids[0] as string] }), Forbidden);
  assert.equal((await ballotsOf(vote.process.id)).length, 1);
});

test('two casts by one voter at the same moment give exactly one ballot', async () => {
  const vote = await openVote(t.db, { changes: { title: 'Race fund' } });
  const voter = await verifiedVoter(t.db, vote.slug);
  const results = await Promise.allSettled(
    Array.from({ length: 5 }, (_, i) =>
      castBallot(voter.ctx, vote.slug, { projects: [vote.ids[i % 3] as string] }),
    ),
  );
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  for (const r of results)
    if (r.status === 'rejected') assert.ok(r.reason instanceof Conflict, String(r.reason));
  assert.equal((await ballotsOf(vote.process.id)).length, 1);
  const voted = await t.db.query<{ voted: boolean }>('select voted from pb_voters where process_id = $1', [
    vote.process.id,
  ]);
  assert.deepEqual(voted, [{ voted: true }]);
});

test('a knapsack ballot exactly at the budget is accepted; one penny over is refused with both sums', async () => {
  // £50,000 budget: 20,000.00 + 29,999.99 + 0.01 = 50,000.00 exactly.
  const vote = await openVote(t.db, {
    changes: { title: 'Knapsack fund', ballotType: 'knapsack', minSelections: '1' },
    costs: [2_000_000, 2_999_999, 1, 2],
  });
  const [a, b, c, d] = vote.ids as [string, string, string, string];
  const over = await verifiedVoter(t.db, vote.slug);
  await assert.rejects(castBallot(over.ctx, vote.slug, { projects: [a, b, d] }), (e: unknown) => {
    assert.ok(e instanceof InvalidBallot);
    assert.deepEqual(e.problem, { code: 'over-budget', budgetPence: 5_000_000n, totalPence: 5_000_001n });
    return true;
  });
  await castBallot(over.ctx, vote.slug, { projects: [a, b, c] });
  assert.equal((await ballotsOf(vote.process.id)).length, 1);
});

test('approval, cumulative and ranked ballots are checked against their rules', async () => {
  const approval = await openVote(t.db, {
    changes: { title: 'Approval rules', minSelections: '2', maxSelections: '3' },
  });
  const v1 = await verifiedVoter(t.db, approval.slug);
  const [a, b, c, d] = approval.ids as [string, string, string, string];
  const refuse = async (
    ctx: typeof v1.ctx,
    slug: string,
    cast: { projects: string[]; points?: number[] },
    code: string,
  ) =>
    assert.rejects(castBallot(ctx, slug, cast), (e: unknown) => {
      assert.ok(e instanceof InvalidBallot, String(e));
      assert.equal(e.problem.code, code);
      return true;
    });
  await refuse(v1.ctx, approval.slug, { projects: [a] }, 'too-few');
  await refuse(v1.ctx, approval.slug, { projects: [a, b, c, d] }, 'too-many');
  await refuse(v1.ctx, approval.slug, { projects: [a, a] }, 'repeated-project');
  await refuse(
    v1.ctx,
    approval.slug,
    { projects: [a, '00000000-0000-4000-8000-000000000000'] },
    'unknown-project',
  );
  await castBallot(v1.ctx, approval.slug, { projects: [a, b, c] });

  const cumulative = await openVote(t.db, {
    changes: { title: 'Points rules', ballotType: 'cumulative', pointsTotal: '10', minSelections: '1' },
  });
  const v2 = await verifiedVoter(t.db, cumulative.slug);
  const [p, q, r] = cumulative.ids as [string, string, string];
  await refuse(v2.ctx, cumulative.slug, { projects: [p, q], points: [6, 5] }, 'too-many-points');
  await refuse(v2.ctx, cumulative.slug, { projects: [p, q], points: [0, 0] }, 'too-few');
  await castBallot(v2.ctx, cumulative.slug, { projects: [p, q, r], points: [6, 4, 0] });
  const stored = await ballotsOf(cumulative.process.id);
  // A project given no points is left off the ballot.
  assert.deepEqual(stored[0]?.projects, [p, q]);
  assert.deepEqual(stored[0]?.points, [6, 4]);

  const ranked = await openVote(t.db, {
    changes: { title: 'Ranked rules', ballotType: 'ranked', minSelections: '1', maxSelections: '2' },
  });
  const v3 = await verifiedVoter(t.db, ranked.slug);
  const [x, y, z] = ranked.ids as [string, string, string];
  await refuse(v3.ctx, ranked.slug, { projects: [x, y, z] }, 'too-many');
  await castBallot(v3.ctx, ranked.slug, { projects: [y, x] });
  assert.deepEqual((await ballotsOf(ranked.process.id))[0]?.projects, [y, x]);
});

test('a vote is changed only with its receipt code, and the receipt keeps working', async () => {
  const vote = await openVote(t.db, { changes: { title: 'Change fund' } });
  const voter = await verifiedVoter(t.db, vote.slug);
  const other = await verifiedVoter(t.db, vote.slug);
  const [a, b] = vote.ids as [string, string];
  const { receipt } = await castBallot(voter.ctx, vote.slug, { projects: [a] });
  const theirs = await castBallot(other.ctx, vote.slug, { projects: [a] });

  await assert.rejects(
    changeBallot(voter.ctx, vote.slug, 'ABCD-EFGH-JKMN-PQRS', { projects: [b] }),
    (e: unknown) => {
      assert.ok(e instanceof Invalid);
      assert.equal(e.fieldErrors.receipt, 'budgeting.voting.errors.receiptUnknown');
      return true;
    },
  );
  await assert.rejects(changeBallot(voter.ctx, vote.slug, 'short', { projects: [b] }), Invalid);
  // Someone who has not voted has nothing to change.
  const newcomer = await verifiedVoter(t.db, vote.slug);
  await assert.rejects(changeBallot(newcomer.ctx, vote.slug, receipt, { projects: [b] }), Conflict);

  await changeBallot(voter.ctx, vote.slug, receipt, { projects: [b] });
  const ballots = await ballotsOf(vote.process.id);
  assert.equal(ballots.length, 2);
  const mine = ballots.find((x) => x.receipt_hash === receiptHash(canonicalReceipt(receipt) as string));
  assert.deepEqual(mine?.projects, [b]);
  const others = ballots.find(
    (x) => x.receipt_hash === receiptHash(canonicalReceipt(theirs.receipt) as string),
  );
  assert.deepEqual(others?.projects, [a]);
  assert.equal((await checkReceipt(voter.ctx, vote.slug, receipt)).inBallotBox, true);
});

test('after a stopped vote the old receipts find nothing and everyone may vote again', async () => {
  const vote = await openVote(t.db, { changes: { title: 'Stopped receipts' } });
  const voter = await verifiedVoter(t.db, vote.slug);
  const { receipt } = await castBallot(voter.ctx, vote.slug, { projects: [vote.ids[0] as string] });
  await stopVote(vote.officer.ctx, vote.slug, 'A project was missing from the ballot.');
  const check = await checkReceipt(voter.ctx, vote.slug, receipt);
  assert.deepEqual({ inBallotBox: check.inBallotBox, round: check.round }, { inBallotBox: false, round: 2 });
  // Voting is closed while the process is back in feasibility.
  await assert.rejects(castBallot(voter.ctx, vote.slug, { projects: [vote.ids[0] as string] }), Conflict);
  assert.equal((await ballotFor(voter.ctx, vote.slug)).state, 'closed');
});

test('ballots cannot be joined to voters through the schema, the storage order or the audit log', async () => {
  const vote = await openVote(t.db, { changes: { title: 'Secret fund' } });
  // Nothing in pb_ballots refers to a person or a voter, and nothing records a time.
  const columns = await t.db.query<{ column_name: string; data_type: string }>(
    `select column_name, data_type from information_schema.columns where table_name = 'pb_ballots' order by ordinal_position`,
  );
  assert.deepEqual(
    columns.map((c) => c.column_name),
    ['id', 'process_id', 'round', 'receipt_hash', 'channel', 'projects', 'points'],
  );
  for (const c of columns) {
    assert.doesNotMatch(c.data_type, /time|date|interval/, `${c.column_name} is a ${c.data_type}`);
    assert.doesNotMatch(c.column_name, /user|voter|actor|created|updated|_at$|_on$/);
  }
  const references = await t.db.query<{ foreign_table: string }>(
    `select ccu.table_name as foreign_table
     from information_schema.table_constraints tc
     join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name
     where tc.table_name = 'pb_ballots' and tc.constraint_type = 'FOREIGN KEY'`,
  );
  assert.deepEqual(
    references.map((r) => r.foreign_table),
    ['pb_processes'],
  );
  // No other table refers to a ballot either (so no join table can be added quietly).
  const into = await t.db.query(
    `select tc.table_name from information_schema.table_constraints tc
     join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name
     where ccu.table_name = 'pb_ballots' and tc.constraint_type = 'FOREIGN KEY'`,
  );
  assert.deepEqual(into, []);
  // The register holds the day someone was verified, never a time.
  const voterTimes = await t.db.query<{ column_name: string }>(
    `select column_name from information_schema.columns
     where table_name = 'pb_voters' and data_type like 'timestamp%'`,
  );
  assert.deepEqual(voterTimes, []);

  const castOrder: string[] = [];
  for (let i = 0; i < 20; i++) {
    const voter = await verifiedVoter(t.db, vote.slug);
    const { receipt } = await castBallot(voter.ctx, vote.slug, { projects: [vote.ids[i % 4] as string] });
    castOrder.push(receiptHash(canonicalReceipt(receipt) as string));
  }
  const stored = async () =>
    (
      await t.db.query<{ receipt_hash: string }>(
        // No order by: the order rows come back in is the order they are stored in.
        'select receipt_hash from pb_ballots where process_id = $1',
        [vote.process.id],
      )
    ).map((r) => r.receipt_hash);
  // Storage usually follows voting order before the shuffle, but PostgreSQL may reuse free space
  // anywhere in the table, so that is not asserted; what the shuffle guarantees is checked below.
  const idsBefore = await t.db.query<{ id: string }>('select id from pb_ballots where process_id = $1', [
    vote.process.id,
  ]);
  const moved = await t.db.transaction((tx) => shuffleBallots(tx, vote.process.id, 1));
  assert.equal(moved, 20);
  const after = await stored();
  assert.notDeepEqual(after, castOrder);
  assert.deepEqual([...after].sort(), [...castOrder].sort(), 'the same ballots, reordered');
  const idsAfter = await t.db.query<{ id: string }>('select id from pb_ballots where process_id = $1', [
    vote.process.id,
  ]);
  assert.equal(idsAfter.filter((r) => idsBefore.some((b) => b.id === r.id)).length, 0, 'new row ids');
  // Every ballot now carries the shuffle's transaction id, which no voter row shares.
  const xmins = await t.db.query<{ xmin: string }>(
    'select distinct xmin::text as xmin from pb_ballots where process_id = $1',
    [vote.process.id],
  );
  assert.equal(xmins.length, 1);
  const shared = await t.db.query('select 1 from pb_voters where process_id = $1 and xmin::text = $2', [
    vote.process.id,
    xmins[0]?.xmin as string,
  ]);
  assert.equal(shared.length, 0);

  // The audit log records that people voted, never which ballot or what was on it.
  const ballotIds = idsAfter.map((r) => r.id).concat(idsBefore.map((r) => r.id));
  const log = await t.db.query<{ action: string; target_id: string | null; before: unknown; after: unknown }>(
    `select action, target_id, before, after from audit_log where action like 'budgeting.vote.%'`,
  );
  assert.ok(log.length >= 20);
  const text = JSON.stringify(log);
  for (const id of ballotIds) assert.ok(!text.includes(id), 'no ballot id in the audit log');
  for (const hash of castOrder) assert.ok(!text.includes(hash), 'no receipt hash in the audit log');
  for (const id of vote.ids) assert.ok(!text.includes(id), 'no choices in the audit log');
  const processes = new Set(
    (await t.db.query<{ id: string }>('select id from pb_processes')).map((r) => r.id),
  );
  for (const row of log)
    assert.ok(processes.has(row.target_id as string), 'each entry names only the process');
});

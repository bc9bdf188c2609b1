import {
  type BallotProblem,
  type BallotRules,
  type CastBallot,
  checkBallot,
} from '../../../lib/pb-ballot/ballot-rules.js';
import { type AuditEntry, audit, auditInsert } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { Conflict, Forbidden, Invalid } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { ballotRulesOf, getProcess, type PbProcess, votingIsOpen } from '../processes/process-service.js';
import { findVoterForUpdate, VOTE, type Voter } from '../verification/voter-service.js';
import { type BallotSnapshot, ballotSnapshot, PROJECTS_STAMP } from './ballot-cache.js';
import { canonicalReceipt, newReceiptCode, publicBallotId, receiptHash } from './receipt.js';

/**
 * Secret ballots. The register (pb_voters) says who has voted, never how; the ballot box
 * (pb_ballots) says how, never who nor when. A cast writes both in one transaction, but the
 * only thing tying them together afterwards is the receipt code the voter holds. At the close
 * the results service calls shuffleBallots, so even the order rows were stored in says nothing.
 */

/** A feasible proposal as it appears on the ballot. */
export type BallotProject = {
  id: string;
  number: number;
  title: string;
  summary: string;
  costPence: bigint;
  wardCode: string | null;
};

/**
 * The projects on a process's ballot: its feasible proposals, by number. (Read here directly
 * until the proposal service offers it.)
 */
export async function ballotProjects(db: Db | Tx, processId: string): Promise<BallotProject[]> {
  const rows = await db.query<{
    id: string;
    number: number;
    title: string;
    summary: string;
    cost_pence: string;
    ward_code: string | null;
  }>(
    `select id, number, title, summary, cost_pence::text as cost_pence, ward_code
     from pb_proposals where process_id = $1 and status = 'feasible' order by number`,
    [processId],
  );
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    title: r.title,
    summary: r.summary,
    costPence: BigInt(r.cost_pence),
    wardCode: r.ward_code,
  }));
}

/** Where a person stands with a ballot. */
export type VoterState = 'closed' | 'not-verified' | 'can-vote' | 'voted';

export type Ballot = {
  process: PbProcess;
  projects: BallotProject[];
  rules: BallotRules;
  open: boolean;
  voter: Voter | null;
  state: VoterState;
  /** The ballot as held between requests (shared with other requests: read only). */
  snapshot: BallotSnapshot;
};

const votedThisRound = (v: Pick<Voter, 'voted' | 'round'> | null, round: number) =>
  Boolean(v?.voted && v.round === round);

/** The ballot of a process and the signed-in person's state: what the ballot page shows. */
export async function ballotFor(ctx: ServiceContext, slug: string, now = new Date()): Promise<Ballot> {
  const { snapshot, voter } = await ballotSnapshot(ctx, slug, ballotProjects);
  const { process, projects, rules } = snapshot;
  const open = votingIsOpen(process, now);
  const state: VoterState = votedThisRound(voter, process.round)
    ? 'voted'
    : !open
      ? 'closed'
      : voter
        ? 'can-vote'
        : 'not-verified';
  return { process, projects, rules, open, voter, state, snapshot };
}

/** A ballot that breaks the rules: the problem carries the numbers its message needs. */
export class InvalidBallot extends Invalid {
  constructor(
    readonly problem: BallotProblem,
    field = 'projects',
  ) {
    super({ [field]: problemKey(problem) });
  }
}

/** The catalogue key for a problem, without its numbers (the API's and the fallback message). */
export function problemKey(problem: BallotProblem): string {
  const keys: Record<BallotProblem['code'], string> = {
    'unknown-project': 'budgeting.voting.errors.unknownProject',
    'repeated-project': 'budgeting.voting.errors.repeatedProject',
    'too-few': 'budgeting.voting.errors.tooFewAny',
    'too-many': 'budgeting.voting.errors.tooManyAny',
    'over-budget': 'budgeting.voting.errors.overBudgetAny',
    'points-missing': 'budgeting.voting.errors.pointsMissing',
    'points-not-whole': 'budgeting.voting.errors.pointsNotWhole',
    'too-many-points': 'budgeting.voting.errors.tooManyPointsAny',
  };
  return keys[problem.code];
}

/** The ballot checked against the rules and projects, or InvalidBallot. */
export function validBallot(rules: BallotRules, projects: readonly BallotProject[], cast: CastBallot) {
  const checked = checkBallot(rules, projects, cast);
  if (!checked.ok) throw new InvalidBallot(checked.problem);
  return checked.ballot;
}

/**
 * Locks the process row for the length of a ballot's transaction (shared: ballots do not wait
 * for each other, but a close or a stop waits for them) and checks the vote is still open, in
 * the round the caller read.
 */
export async function lockOpenRound(tx: Tx, p: PbProcess, now: Date): Promise<void> {
  const rows = await tx.query<{
    phase: PbProcess['phase'];
    round: number;
    voting_opens_at: Date | null;
    voting_closes_at: Date | null;
  }>('select phase, round, voting_opens_at, voting_closes_at from pb_processes where id = $1 for share', [
    p.id,
  ]);
  const r = rows[0];
  if (!r) throw new Conflict('budgeting.voting.closed');
  checkOpenRound(p, r, now);
}

/** Conflict unless the process row as locked is still open for voting, in the round the caller read. */
function checkOpenRound(
  p: PbProcess,
  r: {
    phase: PbProcess['phase'];
    round: number;
    voting_opens_at: Date | null;
    voting_closes_at: Date | null;
  },
  now: Date,
): void {
  const fresh: PbProcess = {
    ...p,
    phase: r.phase,
    votingOpensAt: r.voting_opens_at ? new Date(r.voting_opens_at) : null,
    votingClosesAt: r.voting_closes_at ? new Date(r.voting_closes_at) : null,
  };
  if (r.round !== p.round || !votingIsOpen(fresh, now)) throw new Conflict('budgeting.voting.closed');
}

/** Puts a checked ballot in the box. Module-internal: online votes and agreed paper entries. */
export async function insertBallot(
  tx: Tx,
  p: Pick<PbProcess, 'id' | 'round'>,
  hash: string,
  channel: 'online' | 'paper',
  ballot: CastBallot,
): Promise<void> {
  await tx.query(
    `insert into pb_ballots (process_id, round, receipt_hash, channel, projects, points)
     values ($1, $2, $3, $4, $5::uuid[], $6::int[])`,
    [p.id, p.round, hash, channel, ballot.projects, ballot.points ?? null],
  );
}

function mustBeAbleToVote(ctx: ServiceContext): string {
  if (!ctx.actor || !can(ctx.actor, VOTE)) throw new Forbidden();
  return ctx.actor.userId;
}

/**
 * Casts the signed-in voter's ballot and returns the receipt code, which exists nowhere else
 * once the caller has shown it. The voter must be on the register and not have voted in this
 * round; the voter's row is locked, so two casts at once give exactly one ballot.
 */
export async function castBallot(
  ctx: ServiceContext,
  slug: string,
  cast: CastBallot,
  now = new Date(),
  /** The ballot as the caller just read it (ballotFor), to save reading it again. */
  read?: Ballot,
): Promise<{ receipt: string }> {
  const userId = mustBeAbleToVote(ctx);
  const snapshot =
    read && read.process.slug === slug ? read.snapshot : (await ballotFor(ctx, slug, now)).snapshot;
  const done = await castIfUnchanged(ctx, snapshot, cast, now);
  if (done) return done;
  // Something differs from the snapshot (or the ballot, the voter or the vote is not right):
  // the checks one by one, each with its own answer. The transaction re-checks phase, round and
  // dates under a lock, so the earlier read is safe.
  const p = snapshot.process;
  const receipt = newReceiptCode();
  const hash = receiptHash(canonicalReceipt(receipt) as string);
  await withTransaction(ctx.db, async (tx) => {
    await lockOpenRound(tx, p, now);
    const voter = await findVoterForUpdate(tx, p.id, userId);
    if (!voter) throw new Conflict('budgeting.voting.notVerified');
    if (votedThisRound(voter, p.round)) throw new Conflict('budgeting.voting.alreadyVoted');
    const ballot = validBallot(ballotRulesOf(p), await ballotProjects(tx, p.id), cast);
    await insertBallot(tx, p, hash, 'online', ballot);
    await tx.query(`update pb_voters set voted = true, channel = 'online', round = $2 where id = $1`, [
      voter.id,
      p.round,
    ]);
    // Who voted is public in the register anyway; which ballot is theirs must never be written.
    await audit(tx, castRecord(ctx, userId, p));
  });
  return { receipt };
}

const castRecord = (ctx: ServiceContext, userId: string, p: PbProcess): AuditEntry => ({
  placeId: ctx.place.id,
  actorId: userId,
  action: 'budgeting.vote.cast',
  targetType: 'pb_process',
  targetId: p.id,
  after: { round: p.round },
  requestId: ctx.requestId ?? null,
});

/**
 * A cast in one statement, when nothing has changed since the snapshot was read: the busy
 * path of a vote (a separate transaction costs three more round trips to the database, and the
 * rush is made of them). In that one statement, which is a transaction of its own, the
 * process row is shared-locked (a close or a stop waits for it) and must be the version the
 * snapshot was made from, with the same feasible proposals; the voter's row is locked (two
 * casts at once give one ballot) and must not have voted in this round; then the ballot goes
 * in the box, the register is ticked and the audit record written, all or none. The ballot is
 * checked against the snapshot's projects, which the statement proves current, and the vote
 * must be open by the snapshot's process, which it proves current too.
 *
 * Returns null, having written nothing, when any of that does not hold: castBallot then takes
 * the step-by-step path, which says what is wrong.
 */
export async function castIfUnchanged(
  ctx: ServiceContext,
  snapshot: BallotSnapshot,
  cast: CastBallot,
  now = new Date(),
): Promise<{ receipt: string } | null> {
  const userId = mustBeAbleToVote(ctx);
  const p = snapshot.process;
  if (!votingIsOpen(p, now)) return null;
  const checked = checkBallot(snapshot.rules, snapshot.projects, cast);
  if (!checked.ok) return null;
  const receipt = newReceiptCode();
  const hash = receiptHash(canonicalReceipt(receipt) as string);
  const record = auditInsert(castRecord(ctx, userId, p), 9, 'ok');
  const rows = await ctx.db.query<{ cast: number }>(
    `with locked as (
       select v.id as voter_id, v.voted, v.round as voter_round, p.round, p.xmin::text as version,
              ${PROJECTS_STAMP} as projects_stamp
       from pb_processes p join pb_voters v on v.process_id = p.id and v.user_id = $2
       where p.id = $1
       for share of p for update of v
     ), ok as (
       select voter_id from locked
       where version = $3 and round = $4 and projects_stamp = $5 and not (voted and voter_round = $4)
     ), ballot as (
       insert into pb_ballots (process_id, round, receipt_hash, channel, projects, points)
       select $1, $4, $6, 'online', $7::uuid[], $8::int[] from ok
     ), voter as (
       update pb_voters set voted = true, channel = 'online', round = $4
       where id = (select voter_id from ok)
     ), record as (
       ${record.sql}
     )
     select count(*)::int as cast from ok`,
    [
      p.id,
      userId,
      snapshot.processVersion,
      p.round,
      snapshot.projectsStamp,
      hash,
      checked.ballot.projects,
      checked.ballot.points ?? null,
      ...record.params,
    ],
  );
  return rows[0]?.cast === 1 ? { receipt } : null;
}

function receiptOrInvalid(typed: string): string {
  const canonical = canonicalReceipt(typed);
  if (!canonical) throw new Invalid({ receipt: 'budgeting.voting.errors.receiptFormat' });
  return canonical;
}

/**
 * Replaces the voter's ballot while voting is open. The receipt code is what finds it (the
 * database cannot: nothing joins a voter to a ballot), so a lost receipt means the vote stands
 * as cast. The receipt stays the same; the ballot gets a new row and id.
 */
export async function changeBallot(
  ctx: ServiceContext,
  slug: string,
  receipt: string,
  cast: CastBallot,
  now = new Date(),
): Promise<void> {
  const userId = mustBeAbleToVote(ctx);
  const hash = receiptHash(receiptOrInvalid(receipt));
  const p = await getProcess(ctx, slug);
  await withTransaction(ctx.db, async (tx) => {
    await lockOpenRound(tx, p, now);
    const voter = await findVoterForUpdate(tx, p.id, userId);
    if (!voter) throw new Conflict('budgeting.voting.notVerified');
    if (!votedThisRound(voter, p.round)) throw new Conflict('budgeting.voting.notVotedYet');
    const ballot = validBallot(ballotRulesOf(p), await ballotProjects(tx, p.id), cast);
    const gone = await tx.query(
      `delete from pb_ballots where process_id = $1 and round = $2 and receipt_hash = $3 and channel = 'online' returning 1`,
      [p.id, p.round, hash],
    );
    if (gone.length === 0) throw new Invalid({ receipt: 'budgeting.voting.errors.receiptUnknown' });
    await insertBallot(tx, p, hash, 'online', ballot);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'budgeting.vote.change',
      targetType: 'pb_process',
      targetId: p.id,
      after: { round: p.round },
      requestId: ctx.requestId ?? null,
    });
  });
}

export type ReceiptCheck = {
  /** Whether a ballot with this receipt is in the current round's ballot box. */
  inBallotBox: boolean;
  round: number;
  /** Whether the round has been counted (an official result exists) with this ballot in it. */
  counted: boolean;
  /** The ballot's voter_id in the published .pb file, once counted. */
  publicBallotId: string | null;
};

/**
 * Checks a receipt code (public: it reveals nothing but whether that ballot is in the box,
 * and after the count its id in the published file, which only the code's holder can work out).
 */
export async function checkReceipt(
  ctx: ServiceContext,
  slug: string,
  receipt: string,
): Promise<ReceiptCheck> {
  const hash = receiptHash(receiptOrInvalid(receipt));
  const p = await getProcess(ctx, slug);
  const found = await ctx.db.query(
    'select 1 from pb_ballots where process_id = $1 and round = $2 and receipt_hash = $3',
    [p.id, p.round, hash],
  );
  const results = await ctx.db.query(
    'select 1 from pb_results where process_id = $1 and round = $2 and official',
    [p.id, p.round],
  );
  const inBallotBox = found.length > 0;
  const counted = inBallotBox && results.length > 0;
  return { inBallotBox, round: p.round, counted, publicBallotId: counted ? publicBallotId(hash) : null };
}

/**
 * Rewrites a round's ballots in a random physical order with new row ids (module-internal: the
 * results service calls it at the close, in its own transaction). Afterwards neither the order
 * rows are stored in nor their transaction ids say anything about when each ballot was cast.
 */
export async function shuffleBallots(tx: Tx, processId: string, round: number): Promise<number> {
  const rows = await tx.query<{ n: number }>(
    `with gone as (
       delete from pb_ballots where process_id = $1 and round = $2
       returning receipt_hash, channel, projects, points
     ), again as (
       insert into pb_ballots (process_id, round, receipt_hash, channel, projects, points)
       select $1, $2, receipt_hash, channel, projects, points from gone order by random()
       returning 1
     )
     select count(*)::int as n from again`,
    [processId, round],
  );
  return rows[0]?.n ?? 0;
}

import { endOfLondonDay, londonAt } from '../../../lib/london-clock.js';
import { poundsText } from '../../../lib/money/pounds.js';
import { type BallotRules, type BallotType, engineBallotKind } from '../../../lib/pb-ballot/ballot-rules.js';
import type { Completion, RuleName } from '../../../lib/pb-rules/result.js';
import { slugify } from '../../../lib/text/slug.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { Conflict, Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { getWard } from '../../wards/ward-service.js';
import {
  type CountingRule,
  PHASES,
  type Phase,
  ProcessInput,
  processProblems,
  type VerificationMethod,
} from './process-input.js';

/** Officers run PB processes: create them, move them through their phases, stop a vote. */
export const MANAGE = 'budgeting.manage';

export type PbProcess = {
  id: string;
  slug: string;
  title: string;
  summary: string;
  /** null: the whole place. */
  wardCode: string | null;
  wardName: string | null;
  budgetPence: bigint;
  minAge: number;
  residenceRequired: boolean;
  ballotType: BallotType;
  minSelections: number;
  maxSelections: number | null;
  pointsTotal: number | null;
  rule: CountingRule;
  completion: Completion;
  verificationMethods: VerificationMethod[];
  phase: Phase;
  ideasFrom: string | null;
  proposalsFrom: string | null;
  feasibilityFrom: string | null;
  votingOpensAt: Date | null;
  votingClosesAt: Date | null;
  resultsFrom: string | null;
  deliveryFrom: string | null;
  round: number;
  lockedAt: Date | null;
  /** Votes stopped so far, newest first, with their published reasons. */
  stops: { round: number; reason: string; stoppedAt: Date }[];
};

type ProcessRow = {
  id: string;
  slug: string;
  title: string;
  summary: string;
  ward_code: string | null;
  ward_name: string | null;
  budget_pence: string;
  min_age: number;
  residence_required: boolean;
  ballot_type: BallotType;
  min_selections: number;
  max_selections: number | null;
  points_total: number | null;
  rule: CountingRule;
  completion: Completion;
  verification_methods: VerificationMethod[];
  phase: Phase;
  ideas_from: string | null;
  proposals_from: string | null;
  feasibility_from: string | null;
  voting_opens_at: Date | null;
  voting_closes_at: Date | null;
  results_from: string | null;
  delivery_from: string | null;
  round: number;
  locked_at: Date | null;
};

const SELECT = `select p.id, p.slug, p.title, p.summary, p.ward_code, w.name as ward_name,
    p.budget_pence::text as budget_pence, p.min_age, p.residence_required, p.ballot_type, p.min_selections,
    p.max_selections, p.points_total, p.rule, p.completion, p.verification_methods, p.phase,
    p.ideas_from::text as ideas_from, p.proposals_from::text as proposals_from,
    p.feasibility_from::text as feasibility_from, p.voting_opens_at, p.voting_closes_at,
    p.results_from::text as results_from, p.delivery_from::text as delivery_from, p.round, p.locked_at
  from pb_processes p left join wards w on w.place_id = p.place_id and w.code = p.ward_code`;

function toProcess(r: ProcessRow, stops: PbProcess['stops']): PbProcess {
  return {
    id: r.id,
    slug: r.slug,
    title: r.title,
    summary: r.summary,
    wardCode: r.ward_code,
    wardName: r.ward_name,
    budgetPence: BigInt(r.budget_pence),
    minAge: r.min_age,
    residenceRequired: r.residence_required,
    ballotType: r.ballot_type,
    minSelections: r.min_selections,
    maxSelections: r.max_selections,
    pointsTotal: r.points_total,
    rule: r.rule,
    completion: r.completion,
    verificationMethods: r.verification_methods,
    phase: r.phase,
    ideasFrom: r.ideas_from,
    proposalsFrom: r.proposals_from,
    feasibilityFrom: r.feasibility_from,
    votingOpensAt: r.voting_opens_at ? new Date(r.voting_opens_at) : null,
    votingClosesAt: r.voting_closes_at ? new Date(r.voting_closes_at) : null,
    resultsFrom: r.results_from,
    deliveryFrom: r.delivery_from,
    round: r.round,
    lockedAt: r.locked_at ? new Date(r.locked_at) : null,
    stops,
  };
}

async function stopsOf(db: Db | Tx, processId: string): Promise<PbProcess['stops']> {
  const rows = await db.query<{ round: number; reason: string; stopped_at: Date }>(
    'select round, reason, stopped_at from pb_vote_stops where process_id = $1 order by stopped_at desc',
    [processId],
  );
  return rows.map((r) => ({ round: r.round, reason: r.reason, stoppedAt: new Date(r.stopped_at) }));
}

/** Every process in the place, newest first (public). */
export async function listProcesses(ctx: ServiceContext): Promise<PbProcess[]> {
  const rows = await ctx.db.query<ProcessRow>(`${SELECT} where p.place_id = $1 order by p.created_at desc`, [
    ctx.place.id,
  ]);
  return Promise.all(rows.map(async (r) => toProcess(r, await stopsOf(ctx.db, r.id))));
}

/** One process by its slug (public). */
export async function getProcess(ctx: ServiceContext, slug: string): Promise<PbProcess> {
  const process = await findProcess(ctx.db, ctx.place.id, slug);
  if (!process) throw new NotFound(`There is no participatory budget "${slug}" in ${ctx.place.name}`);
  return process;
}

/**
 * The same, read inside a transaction and locked against concurrent phase changes (the voting
 * and results services use it so a ballot and a close cannot cross).
 */
export async function getProcessForUpdate(tx: Tx, placeId: string, slug: string): Promise<PbProcess> {
  const rows = await tx.query<ProcessRow>(`${SELECT} where p.place_id = $1 and p.slug = $2 for update of p`, [
    placeId,
    slug,
  ]);
  if (!rows[0]) throw new NotFound(`There is no participatory budget "${slug}"`);
  return toProcess(rows[0], await stopsOf(tx, rows[0].id));
}

async function findProcess(db: Db | Tx, placeId: string, slug: string): Promise<PbProcess | null> {
  const rows = await db.query<ProcessRow>(`${SELECT} where p.place_id = $1 and p.slug = $2`, [placeId, slug]);
  return rows[0] ? toProcess(rows[0], await stopsOf(db, rows[0].id)) : null;
}

/** The rules a ballot in this process must follow. */
export function ballotRulesOf(p: PbProcess): BallotRules {
  return {
    type: p.ballotType,
    minSelections: p.minSelections,
    maxSelections: p.maxSelections,
    pointsTotal: p.pointsTotal,
    budgetPence: p.budgetPence,
  };
}

/**
 * The engine rule a process counts with: the Method of Equal Shares counts cumulative ballots
 * by their points (mes-points), every other ballot by cost (mes-cost).
 */
export function engineRuleOf(
  p: Pick<PbProcess, 'rule' | 'ballotType'>,
  rule: CountingRule = p.rule,
): RuleName {
  if (rule === 'mes-cost' && engineBallotKind(p.ballotType) === 'cumulative') return 'mes-points';
  return rule;
}

/** Whether a ballot may be cast at `now`: the voting phase, and within its dates if set. */
export function votingIsOpen(p: PbProcess, now: Date = new Date()): boolean {
  if (p.phase !== 'voting') return false;
  if (p.votingOpensAt && now < p.votingOpensAt) return false;
  if (p.votingClosesAt && now >= p.votingClosesAt) return false;
  return true;
}

function mustManage(ctx: ServiceContext) {
  if (!can(ctx.actor, MANAGE)) throw new Forbidden();
}

const RESERVED = new Set(['new']);

async function freeSlug(tx: Tx, placeId: string, title: string): Promise<string> {
  const base = slugify(title).slice(0, 50).replace(/-+$/, '') || 'budget';
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (RESERVED.has(slug)) continue;
    const taken = await tx.query('select 1 from pb_processes where place_id = $1 and slug = $2', [
      placeId,
      slug,
    ]);
    if (taken.length === 0) return slug;
  }
}

async function checkedInput(ctx: ServiceContext, raw: unknown): Promise<ProcessInput> {
  const input = validated(ProcessInput, raw);
  const problems = processProblems(input);
  if (input.ward) {
    try {
      await getWard(ctx, input.ward);
    } catch {
      problems.ward = 'budgeting.processes.errors.wardUnknown';
    }
  }
  if (Object.keys(problems).length) throw new Invalid(problems);
  return input;
}

async function wardCodeOf(ctx: ServiceContext, ward: string): Promise<string | null> {
  return ward ? (await getWard(ctx, ward)).code : null;
}

const VOTING_FIELDS = [
  'budget_pence',
  'min_age',
  'residence_required',
  'ballot_type',
  'min_selections',
  'max_selections',
  'points_total',
  'rule',
  'verification_methods',
  'ward_code',
] as const;

function columnValues(i: ProcessInput, wardCode: string | null) {
  return {
    title: i.title,
    summary: i.summary,
    ward_code: wardCode,
    budget_pence: i.budget.toString(),
    min_age: i.minAge,
    residence_required: i.residenceRequired,
    ballot_type: i.ballotType,
    min_selections: i.minSelections,
    // Only the ballot types that use them keep them.
    max_selections: i.ballotType === 'approval' || i.ballotType === 'ranked' ? i.maxSelections : null,
    points_total: i.ballotType === 'cumulative' ? i.pointsTotal : null,
    rule: i.rule,
    verification_methods: i.verificationMethods,
    ideas_from: i.ideasFrom,
    proposals_from: i.proposalsFrom,
    feasibility_from: i.feasibilityFrom,
    voting_opens_at: i.votingOpens ? londonAt(i.votingOpens) : null,
    voting_closes_at: i.votingCloses ? endOfLondonDay(i.votingCloses) : null,
    results_from: i.resultsFrom,
    delivery_from: i.deliveryFrom,
  };
}

/** Creates a process in its ideas phase; returns its slug (stable: it is printed on leaflets). */
export async function createProcess(ctx: ServiceContext, raw: unknown): Promise<string> {
  mustManage(ctx);
  const input = await checkedInput(ctx, raw);
  const values = columnValues(input, await wardCodeOf(ctx, input.ward));
  return withTransaction(ctx.db, async (tx) => {
    const slug = await freeSlug(tx, ctx.place.id, input.title);
    const names = Object.keys(values);
    const rows = await tx.query<{ id: string }>(
      `insert into pb_processes (place_id, slug, ${names.join(', ')})
       values ($1, $2, ${names.map((_, i) => `$${i + 3}`).join(', ')}) returning id`,
      [ctx.place.id, slug, ...Object.values(values)],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'budgeting.process.create',
      targetType: 'pb_process',
      targetId: rows[0]?.id ?? null,
      after: { slug, ...values },
      requestId: ctx.requestId ?? null,
    });
    return slug;
  });
}

/**
 * Changes a process. Once voting has opened, the ballot, eligibility, area, budget and rule
 * are locked: changing them means stopping the vote (stopVote) and starting again.
 */
export async function updateProcess(ctx: ServiceContext, slug: string, raw: unknown): Promise<void> {
  mustManage(ctx);
  const input = await checkedInput(ctx, raw);
  const values = columnValues(input, await wardCodeOf(ctx, input.ward));
  await withTransaction(ctx.db, async (tx) => {
    const before = await getProcessForUpdate(tx, ctx.place.id, slug);
    const current = (
      await tx.query<Record<string, unknown>>(
        `select ${VOTING_FIELDS.join(', ')}, budget_pence::text as budget_pence from pb_processes where id = $1`,
        [before.id],
      )
    )[0] as Record<string, unknown>;
    if (before.lockedAt) {
      const changed = VOTING_FIELDS.filter((f) => JSON.stringify(current[f]) !== JSON.stringify(values[f]));
      if (changed.length) throw new Conflict('budgeting.processes.locked');
    }
    const names = Object.keys(values);
    await tx.query(
      `update pb_processes set ${names.map((n, i) => `${n} = $${i + 2}`).join(', ')}, updated_at = now() where id = $1`,
      [before.id, ...Object.values(values)],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'budgeting.process.update',
      targetType: 'pb_process',
      targetId: before.id,
      before: current,
      after: values,
      requestId: ctx.requestId ?? null,
    });
  });
}

/** The phases an officer may move a process to from where it is (results come from counting). */
export function nextPhases(p: PbProcess): Phase[] {
  // Voting ends only by counting (the results service) or by stopping the vote; delivery
  // follows results.
  if (p.phase === 'voting' || p.phase === 'delivery') return [];
  if (p.phase === 'results') return ['delivery'];
  return PHASES.slice(PHASES.indexOf(p.phase) + 1, PHASES.indexOf('voting') + 1);
}

/**
 * Moves a process forward. Opening the vote locks the ballot, eligibility and rule, and needs
 * at least one feasible proposal; results and delivery follow a count (see the results service).
 */
export async function movePhase(ctx: ServiceContext, slug: string, phase: string): Promise<void> {
  mustManage(ctx);
  await withTransaction(ctx.db, async (tx) => {
    const p = await getProcessForUpdate(tx, ctx.place.id, slug);
    if (!nextPhases(p).includes(phase as Phase))
      throw new Invalid({ phase: 'budgeting.processes.errors.phaseNotNext' });
    if (phase === 'voting') {
      const feasible = await tx.query<{ n: number }>(
        `select count(*)::int as n from pb_proposals where process_id = $1 and status = 'feasible'`,
        [p.id],
      );
      if ((feasible[0]?.n ?? 0) === 0)
        throw new Invalid({ phase: 'budgeting.processes.errors.nothingToVoteOn' });
    }
    await setPhase(tx, ctx, p, phase as Phase);
  });
}

/** Module-internal: records a phase change (and the lock when voting opens), audited. */
export async function setPhase(tx: Tx, ctx: ServiceContext, p: PbProcess, phase: Phase): Promise<void> {
  await tx.query(
    `update pb_processes set phase = $2, updated_at = now(),
       locked_at = case when $2 = 'voting' then coalesce(locked_at, now()) else locked_at end
     where id = $1`,
    [p.id, phase],
  );
  await audit(tx, {
    placeId: ctx.place.id,
    actorId: ctx.actor?.userId ?? null,
    action: 'budgeting.process.phase',
    targetType: 'pb_process',
    targetId: p.id,
    before: { phase: p.phase },
    after: { phase },
    requestId: ctx.requestId ?? null,
  });
}

/**
 * Stops a vote, with a reason that is published on the process page. The round's ballots no
 * longer count (they are deleted, and every voter may vote again in the next round); the
 * process returns to its feasibility phase and unlocks, so its rules can be changed before
 * voting opens again.
 */
export async function stopVote(ctx: ServiceContext, slug: string, reason: string): Promise<void> {
  mustManage(ctx);
  const text = reason.trim();
  if (!text) throw new Invalid({ reason: 'budgeting.processes.errors.stopReasonMissing' });
  if (text.length > 2000) throw new Invalid({ reason: 'budgeting.processes.errors.stopReasonTooLong' });
  await withTransaction(ctx.db, async (tx) => {
    const p = await getProcessForUpdate(tx, ctx.place.id, slug);
    if (p.phase !== 'voting') throw new Conflict('budgeting.processes.notVoting');
    await tx.query(
      'insert into pb_vote_stops (process_id, round, reason, stopped_by) values ($1, $2, $3, $4)',
      [p.id, p.round, text, ctx.actor?.userId ?? null],
    );
    const ballots = await tx.query<{ n: number }>(
      'with gone as (delete from pb_ballots where process_id = $1 and round = $2 returning 1) select count(*)::int as n from gone',
      [p.id, p.round],
    );
    await tx.query(`update pb_paper_ballots set status = 'spoilt' where process_id = $1 and round = $2`, [
      p.id,
      p.round,
    ]);
    await tx.query('update pb_voters set voted = false, channel = null, round = $2 where process_id = $1', [
      p.id,
      p.round + 1,
    ]);
    await tx.query(
      `update pb_processes set phase = 'feasibility', locked_at = null, round = round + 1, updated_at = now() where id = $1`,
      [p.id],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'budgeting.vote.stop',
      targetType: 'pb_process',
      targetId: p.id,
      before: { round: p.round, ballots: ballots[0]?.n ?? 0 },
      after: { round: p.round + 1, reason: text },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** The form's values for an existing process (for the edit page). */
export function processFormValues(p: PbProcess): Record<string, string> {
  const london = (d: Date | null) =>
    d ? new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(d) : '';
  return {
    title: p.title,
    summary: p.summary,
    ward: p.wardCode ?? '',
    budget: poundsText(p.budgetPence),
    minAge: String(p.minAge),
    residenceRequired: p.residenceRequired ? 'yes' : 'no',
    ballotType: p.ballotType,
    minSelections: String(p.minSelections),
    maxSelections: p.maxSelections === null ? '' : String(p.maxSelections),
    pointsTotal: p.pointsTotal === null ? '' : String(p.pointsTotal),
    rule: p.rule,
    verificationMethods: p.verificationMethods.join(','),
    ideasFrom: p.ideasFrom ?? '',
    proposalsFrom: p.proposalsFrom ?? '',
    feasibilityFrom: p.feasibilityFrom ?? '',
    votingOpens: london(p.votingOpensAt),
    votingCloses: london(p.votingClosesAt),
    resultsFrom: p.resultsFrom ?? '',
    deliveryFrom: p.deliveryFrom ?? '',
  };
}

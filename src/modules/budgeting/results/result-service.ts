import { count, type ResultJson, resultToJson } from '../../../lib/pb-rules/count.js';
import type { Completion, RuleName } from '../../../lib/pb-rules/result.js';
import { DEFAULT_TIE_BREAK } from '../../../lib/pb-rules/tie-break.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { Conflict, Forbidden, NotFound } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { COUNTING_RULES, type CountingRule } from '../processes/process-input.js';
import {
  engineRuleOf,
  getProcess,
  getProcessForUpdate,
  MANAGE,
  type PbProcess,
  setPhase,
} from '../processes/process-service.js';
import { shuffleBallots } from '../voting/voting-service.js';
import { type BallotProposal, ballotProposals, processElection } from './election.js';
import { pabulibFileOf } from './pabulib-export.js';
import { type Turnout, turnoutSummary } from './turnout.js';

/**
 * Closing a vote and counting it, and what everyone may then see: the funded projects and why,
 * the money per ward, turnout, what the other rules would have funded, and the `.pb` file to
 * recount it all.
 */

/** The rules every vote is also counted under, for the "what if" comparison (official included). */
export const COMPARED_RULES: readonly CountingRule[] = COUNTING_RULES;

/** Counting rules and their completion as the engine runs them for this process. */
export function countingOf(p: Pick<PbProcess, 'rule' | 'ballotType' | 'completion'>, rule: CountingRule) {
  const engine = engineRuleOf(p, rule);
  const completion: Completion = engine.startsWith('mes-') ? p.completion : 'none';
  return { rule: engine, completion };
}

function mustManage(ctx: ServiceContext) {
  if (!ctx.actor || !can(ctx.actor, MANAGE)) throw new Forbidden();
}

/** Whether a phase comes after the count (so results are public). */
const afterCount = (p: PbProcess) => p.phase === 'results' || p.phase === 'delivery';

/** What the officer sees before closing: the ballots so far and what is still to be entered. */
export async function closePreview(ctx: ServiceContext, slug: string) {
  mustManage(ctx);
  const p = await getProcess(ctx, slug);
  if (p.phase !== 'voting') throw new Conflict('budgeting.results.close.notVoting');
  const [ballots, papers] = await Promise.all([
    ctx.db.query<{ n: number }>(
      'select count(*)::int as n from pb_ballots where process_id = $1 and round = $2',
      [p.id, p.round],
    ),
    unsettledPapers(ctx.db, p),
  ]);
  return {
    process: p,
    ballots: ballots[0]?.n ?? 0,
    unsettledPapers: papers,
    counting: countingOf(p, p.rule),
  };
}

async function unsettledPapers(db: Db | Tx, p: PbProcess): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `select count(*)::int as n from pb_paper_ballots
     where process_id = $1 and round = $2 and status in ('pending', 'mismatch')`,
    [p.id, p.round],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Closes the vote and counts it, in one transaction with the process locked, so no ballot can
 * be cast between the count and the close. The official result uses the process's rule and
 * completion (ties broken by supporters, then cost, then number); the other rules are counted
 * too and stored beside it for comparison. Paper ballots still waiting for their second entry,
 * or whose two entries disagree, must be settled first: counting without them would lose votes.
 */
export async function closeAndCount(ctx: ServiceContext, slug: string): Promise<void> {
  mustManage(ctx);
  await withTransaction(ctx.db, async (tx) => {
    const p = await getProcessForUpdate(tx, ctx.place.id, slug);
    if (p.phase !== 'voting') throw new Conflict('budgeting.results.close.notVoting');
    if ((await unsettledPapers(tx, p)) > 0) throw new Conflict('budgeting.results.close.papersUnsettled');
    // From now on the order ballots are stored in says nothing about the order people voted in.
    await shuffleBallots(tx, p.id, p.round);
    const { election } = await processElection(tx, p);
    const tieBreak = [...DEFAULT_TIE_BREAK];
    let official: ResultJson | null = null;
    for (const r of COMPARED_RULES) {
      const { rule, completion } = countingOf(p, r);
      const json = resultToJson(count(election, { rule, completion, tieBreak }), election);
      if (r === p.rule) official = json;
      await tx.query(
        `insert into pb_results (process_id, round, rule, completion, official, result, ballots)
         values ($1, $2, $3, $4, $5, $6::jsonb, $7)
         on conflict (process_id, round, rule) do update set completion = excluded.completion,
           official = excluded.official, result = excluded.result, ballots = excluded.ballots,
           counted_at = now()`,
        [p.id, p.round, rule, completion, r === p.rule, JSON.stringify(json), election.voters],
      );
    }
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'budgeting.results.count',
      targetType: 'pb_process',
      targetId: p.id,
      after: {
        round: p.round,
        ballots: election.voters,
        rule: official?.rule,
        completion: official?.completion,
        selected: official?.selected ?? [],
      },
      requestId: ctx.requestId ?? null,
    });
    await setPhase(tx, ctx, p, 'results');
  });
}

export type StoredResult = {
  rule: RuleName;
  completion: Completion;
  official: boolean;
  result: ResultJson;
  ballots: number;
  countedAt: Date;
};

async function storedResults(db: Db | Tx, p: PbProcess): Promise<StoredResult[]> {
  const rows = await db.query<{
    rule: RuleName;
    completion: Completion;
    official: boolean;
    result: ResultJson;
    ballots: number;
    counted_at: Date;
  }>(
    `select rule, completion, official, result, ballots, counted_at from pb_results
     where process_id = $1 and round = $2 order by official desc, rule`,
    [p.id, p.round],
  );
  return rows.map((r) => ({
    rule: r.rule,
    completion: r.completion,
    official: r.official,
    result: typeof r.result === 'string' ? (JSON.parse(r.result) as ResultJson) : r.result,
    ballots: r.ballots,
    countedAt: new Date(r.counted_at),
  }));
}

/** Ballots naming each project (and the points given it, for cumulative ballots), by proposal id. */
async function tallies(db: Db | Tx, p: PbProcess): Promise<Map<string, { votes: number; points: number }>> {
  const rows = await db.query<{ id: string; votes: number; points: string }>(
    `select u.id, count(*)::int as votes, coalesce(sum(b.points[u.k]), count(*))::text as points
     from pb_ballots b
     cross join lateral unnest(b.projects) with ordinality as u(id, k)
     where b.process_id = $1 and b.round = $2 and (b.points is null or b.points[u.k] > 0)
     group by u.id`,
    [p.id, p.round],
  );
  return new Map(rows.map((r) => [r.id, { votes: r.votes, points: Number(r.points) }]));
}

export type ResultProject = {
  number: number;
  title: string;
  category: string;
  wardCode: string | null;
  wardName: string | null;
  costPence: bigint;
  votes: number;
  /** Cumulative ballots: the points given it; null for other ballots. */
  points: number | null;
  funded: boolean;
  /** Its place in the order the rule chose projects (1 = first), when funded. */
  fundedOrder: number | null;
  explanation: string;
  /** Funded under each compared rule (engine rule names). */
  fundedUnder: Record<string, boolean>;
};

export type ProcessResults = {
  process: PbProcess;
  rule: RuleName;
  completion: Completion;
  tieBreak: string[];
  countedAt: Date;
  ballots: number;
  budgetPence: bigint;
  spentPence: bigint;
  leftPence: bigint;
  summary: string[];
  notes: string[];
  /** Every project on the ballot, in number order. */
  projects: ResultProject[];
  /** The funded ones, in the order the rule chose them. */
  funded: ResultProject[];
  /** The funded money by the projects' wards; wardCode null: for the whole place. */
  wards: { wardCode: string | null; wardName: string | null; projects: number; pence: bigint }[];
  whatIf: {
    rule: RuleName;
    completion: Completion;
    official: boolean;
    funded: number[];
    spentPence: bigint;
    /** Projects funded here but not officially, and the other way round. */
    gained: number[];
    lost: number[];
  }[];
  turnout: Turnout;
};

/** The official count and its comparisons for the current round; null until the vote is counted. */
export async function getResults(ctx: ServiceContext, slug: string): Promise<ProcessResults | null> {
  const p = await getProcess(ctx, slug);
  if (!afterCount(p)) return null;
  const stored = await storedResults(ctx.db, p);
  const official = stored.find((s) => s.official);
  if (!official) return null;
  const [proposals, counts, who] = await Promise.all([
    ballotProposals(ctx.db, p.id),
    tallies(ctx.db, p),
    turnoutSummary(ctx.db, p),
  ]);
  const cumulative = p.ballotType === 'cumulative';
  const selectedOf = (s: StoredResult) => new Set(s.result.selected.map(Number));
  const officialSet = selectedOf(official);
  const order = new Map(official.result.selected.map((id, i) => [Number(id), i + 1]));
  const projects: ResultProject[] = proposals.map((pr: BallotProposal) => {
    const c = counts.get(pr.id);
    return {
      number: pr.number,
      title: pr.title,
      category: pr.category,
      wardCode: pr.wardCode,
      wardName: pr.wardName,
      costPence: pr.costPence,
      votes: c?.votes ?? 0,
      points: cumulative ? (c?.points ?? 0) : null,
      funded: officialSet.has(pr.number),
      fundedOrder: order.get(pr.number) ?? null,
      explanation: official.result.explanations[String(pr.number)]?.text ?? '',
      fundedUnder: Object.fromEntries(stored.map((s) => [s.rule, selectedOf(s).has(pr.number)])),
    };
  });
  const byNumber = new Map(projects.map((x) => [x.number, x]));
  const funded = official.result.selected
    .map((id) => byNumber.get(Number(id)))
    .filter((x): x is ResultProject => x !== undefined);
  const costOf = (numbers: Iterable<number>) => {
    let sum = 0n;
    for (const n of numbers) sum += byNumber.get(n)?.costPence ?? 0n;
    return sum;
  };
  const spentPence = costOf(officialSet);

  const wardMap = new Map<string, ProcessResults['wards'][number]>();
  for (const x of funded) {
    const key = x.wardCode ?? '';
    const w = wardMap.get(key) ?? { wardCode: x.wardCode, wardName: x.wardName, projects: 0, pence: 0n };
    w.projects += 1;
    w.pence += x.costPence;
    wardMap.set(key, w);
  }
  const wards = [...wardMap.values()].sort((a, b) =>
    a.wardCode === null ? 1 : b.wardCode === null ? -1 : (a.wardName ?? '').localeCompare(b.wardName ?? ''),
  );

  return {
    process: p,
    rule: official.rule,
    completion: official.completion,
    tieBreak: official.result.tieBreak,
    countedAt: official.countedAt,
    ballots: official.ballots,
    budgetPence: p.budgetPence,
    spentPence,
    leftPence: p.budgetPence - spentPence,
    summary: official.result.summary,
    notes: official.result.notes,
    projects,
    funded,
    wards,
    whatIf: stored.map((s) => {
      const set = selectedOf(s);
      return {
        rule: s.rule,
        completion: s.completion,
        official: s.official,
        funded: [...set].sort((a, b) => a - b),
        spentPence: costOf(set),
        gained: [...set].filter((n) => !officialSet.has(n)).sort((a, b) => a - b),
        lost: [...officialSet].filter((n) => !set.has(n)).sort((a, b) => a - b),
      };
    }),
    turnout: who,
  };
}

/** The same, for pages that only make sense after the count: NotFound before it. */
export async function requireResults(ctx: ServiceContext, slug: string): Promise<ProcessResults> {
  const r = await getResults(ctx, slug);
  if (!r) throw new NotFound('budgeting.results.notYet');
  return r;
}

/**
 * The counted vote as a pabulib file, written line by line (public once counted). The `selected`
 * column and `rule` say what the official count funded, so a recount can be checked against it.
 */
export async function exportElection(
  ctx: ServiceContext,
  slug: string,
): Promise<{ filename: string; file: ReturnType<typeof pabulibFileOf> }> {
  const p = await getProcess(ctx, slug);
  const official = afterCount(p) ? (await storedResults(ctx.db, p)).find((s) => s.official) : undefined;
  if (!official) throw new NotFound('budgeting.results.notYet');
  const { proposals, ballots } = await processElection(ctx.db, p);
  const file = pabulibFileOf({
    process: p,
    placeName: ctx.place.name,
    proposals,
    ballots,
    rule: official.rule,
    completion: official.completion,
    selected: new Set(official.result.selected.map(Number)),
    closedAt: official.countedAt,
  });
  return { filename: `${ctx.place.slug}-${p.slug}-round-${p.round}.pb`, file };
}

/** The `kith pb count` options that reproduce the official count. */
export function recountArguments(r: Pick<ProcessResults, 'rule' | 'completion' | 'tieBreak'>): string {
  return `--rule ${r.rule} --completion ${r.completion} --tie-break ${r.tieBreak.join(',')}`;
}

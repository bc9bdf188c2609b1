import { poundsText } from '../../../lib/money/pounds.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, SqlParam, Tx } from '../../../platform/db/types.js';
import {
  Conflict,
  type FieldErrors,
  Forbidden,
  Invalid,
  NotFound,
  validated,
} from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { groupNames, groupsOrganisedBy } from '../../directory/groups/group-lookup.js';
import { getWard } from '../../wards/ward-service.js';
import { getProcess, getProcessForUpdate, MANAGE, type PbProcess } from '../processes/process-service.js';
import {
  CATEGORIES,
  type Category,
  CostAdjustmentInput,
  type CostLine,
  costAmountField,
  costLabelField,
  costLines,
  FeasibilityInput,
  MergeInput,
  type ProposalStatus,
  ProposalText,
  STATUSES,
} from './proposal-input.js';

/** Residents put forward proposals (budgeting.propose); officers check them (budgeting.manage). */
export const PROPOSE = 'budgeting.propose';
const E = 'budgeting.proposals.errors';

/** Phases in which a proposal may still change; from voting on, the list is fixed. */
const OPEN_PHASES: readonly string[] = ['ideas', 'proposals', 'feasibility'];
/** Phases in which new proposals are taken. */
const SUBMIT_PHASES: readonly string[] = ['ideas', 'proposals'];
/** Proposals still in the running (they can be checked, merged or withdrawn). */
const ACTIVE: readonly ProposalStatus[] = ['submitted', 'feasible', 'not-feasible'];

export type ProposalImage = { url: string; thumbUrl: string; alt: string };

/** A proposal as anyone may see it. Money is in pence. */
export type Proposal = {
  id: string;
  number: number;
  title: string;
  summary: string;
  description: string;
  wardCode: string | null;
  wardName: string | null;
  category: Category;
  location: string;
  group: { id: string; slug: string; name: string } | null;
  status: ProposalStatus;
  feasibilityReason: string;
  checkedAt: Date | null;
  /** The cost voters see: the breakdown's total unless an officer adjusted it. */
  costPence: bigint;
  /** The proposal this one was merged into (its number), when merged. */
  mergedInto: number | null;
  image: ProposalImage | null;
  createdAt: Date;
  updatedAt: Date;
  /** Whether the person looking wrote it. */
  mine: boolean;
};

export type CostChange = { beforePence: bigint; afterPence: bigint; reason: string; changedAt: Date };

export type Merge = {
  id: string;
  processSlug: string;
  from: { number: number; title: string };
  into: { number: number; title: string };
  reason: string;
  status: 'pending' | 'agreed' | 'declined';
  createdAt: Date;
  decidedAt: Date | null;
  /** Authors who have agreed so far, and how many must. */
  agreed: number;
  needed: number;
  /** The person looking is an author who has not answered yet. */
  awaitingMe: boolean;
};

export type ProposalDetail = Proposal & {
  costs: CostLine[];
  /** The breakdown's total as proposed. */
  proposedPence: bigint;
  costChanges: CostChange[];
  merges: Merge[];
  /** The author may still change or withdraw it. */
  editable: boolean;
  /** An officer has changed the cost, so the breakdown stays as it was when they did. */
  costAdjusted: boolean;
};

export type ProposalFilters = { ward?: string | null; category?: string | null; status?: string | null };

type Row = {
  id: string;
  number: number;
  title: string;
  summary: string;
  description: string;
  ward_code: string | null;
  ward_name: string | null;
  category: Category;
  location: string;
  author_id: string | null;
  group_id: string | null;
  status: ProposalStatus;
  feasibility_reason: string;
  checked_at: Date | null;
  cost_pence: string;
  merged_into_number: number | null;
  image_key: string | null;
  image_alt: string | null;
  created_at: Date;
  updated_at: Date;
};

const SELECT = `select p.id, p.number, p.title, p.summary, p.description, p.ward_code, w.name as ward_name,
    p.category, p.location, p.author_id, p.group_id, p.status, p.feasibility_reason, p.checked_at,
    p.cost_pence::text as cost_pence, m.number as merged_into_number, p.image_key, p.image_alt,
    p.created_at, p.updated_at
  from pb_proposals p
  join pb_processes pr on pr.id = p.process_id
  left join wards w on w.place_id = pr.place_id and w.code = p.ward_code
  left join pb_proposals m on m.id = p.merged_into`;

const IMAGE_FOLDER = 'pb-proposal-images';
const IMAGE_NAME = /^pb-proposal-images\/([0-9a-f-]{36})\.webp$/;
const imageName = (id: string) => `${IMAGE_FOLDER}/${id}.webp`;
const thumbName = (name: string) => name.replace(/\.webp$/, '-thumb.webp');

/** Where a proposal lives on the site. */
export function proposalPath(placeSlug: string, processSlug: string, number: number): string {
  return `/${placeSlug}/budgets/${processSlug}/proposals/${number}`;
}

function imageOf(ctx: ServiceContext, processSlug: string, r: Row): ProposalImage | null {
  const id = r.image_key ? IMAGE_NAME.exec(r.image_key)?.[1] : undefined;
  if (!id) return null;
  // The file's id is in its address, so a new image is never confused with an old one in a cache.
  const base = `${proposalPath(ctx.place.slug, processSlug, r.number)}/image/${id}`;
  return { url: `${base}.webp`, thumbUrl: `${base}-thumb.webp`, alt: r.image_alt ?? '' };
}

async function toProposals(ctx: ServiceContext, processSlug: string, rows: Row[]): Promise<Proposal[]> {
  const groups = await groupNames(
    ctx.db,
    ctx.place.id,
    rows.flatMap((r) => (r.group_id ? [r.group_id] : [])),
  );
  return rows.map((r) => {
    const g = r.group_id ? groups.get(r.group_id) : undefined;
    return {
      id: r.id,
      number: r.number,
      title: r.title,
      summary: r.summary,
      description: r.description,
      wardCode: r.ward_code,
      wardName: r.ward_name,
      category: r.category,
      location: r.location,
      group: g ? { id: g.id, slug: g.slug, name: g.name } : null,
      status: r.status,
      feasibilityReason: r.feasibility_reason,
      checkedAt: r.checked_at ? new Date(r.checked_at) : null,
      costPence: BigInt(r.cost_pence),
      mergedInto: r.merged_into_number,
      image: imageOf(ctx, processSlug, r),
      createdAt: new Date(r.created_at),
      updatedAt: new Date(r.updated_at),
      mine: Boolean(ctx.actor && r.author_id === ctx.actor.userId),
    };
  });
}

/** The process's proposals in number order, withdrawn and merged ones included (public). */
export async function listProposals(
  ctx: ServiceContext,
  processSlug: string,
  filters: ProposalFilters = {},
): Promise<Proposal[]> {
  const process = await getProcess(ctx, processSlug);
  const where = ['p.process_id = $1'];
  const params: SqlParam[] = [process.id];
  if (filters.ward) {
    params.push(filters.ward);
    where.push(`(p.ward_code = $${params.length} or w.slug = $${params.length})`);
  }
  if (filters.category && (CATEGORIES as readonly string[]).includes(filters.category)) {
    params.push(filters.category);
    where.push(`p.category = $${params.length}`);
  }
  if (filters.status && (STATUSES as readonly string[]).includes(filters.status)) {
    params.push(filters.status);
    where.push(`p.status = $${params.length}`);
  }
  const rows = await ctx.db.query<Row>(`${SELECT} where ${where.join(' and ')} order by p.number`, params);
  return toProposals(ctx, process.slug, rows);
}

function numberOf(value: number | string): number {
  const n = typeof value === 'number' ? value : /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 1) throw new NotFound('No such proposal');
  return n;
}

async function rowOf(db: Db | Tx, processId: string, number: number, lock = false): Promise<Row> {
  const rows = await db.query<Row>(
    `${SELECT} where p.process_id = $1 and p.number = $2${lock ? ' for update of p' : ''}`,
    [processId, number],
  );
  if (!rows[0]) throw new NotFound(`There is no proposal ${number}`);
  return rows[0];
}

function editableProcess(p: PbProcess): boolean {
  return !p.lockedAt && OPEN_PHASES.includes(p.phase);
}

/** Nothing about proposals changes once voting has opened. */
function mustBeOpen(p: PbProcess) {
  if (!editableProcess(p)) throw new Conflict(`${E}.locked`);
}

async function authorsOf(db: Db | Tx, ids: string[]): Promise<string[]> {
  const rows = await db.query<{ author_id: string }>(
    'select distinct author_id from pb_proposals where id = any($1::uuid[]) and author_id is not null',
    [ids],
  );
  return rows.map((r) => r.author_id).sort();
}

type MergeRow = {
  id: string;
  process_slug: string;
  from_id: string;
  into_id: string;
  from_number: number;
  from_title: string;
  into_number: number;
  into_title: string;
  reason: string;
  status: Merge['status'];
  created_at: Date;
  decided_at: Date | null;
};

const MERGE_SELECT = `select g.id, pr.slug as process_slug, g.from_id, g.into_id, f.number as from_number,
    f.title as from_title, i.number as into_number, i.title as into_title, g.reason, g.status, g.created_at,
    g.decided_at
  from pb_merges g join pb_processes pr on pr.id = g.process_id
  join pb_proposals f on f.id = g.from_id join pb_proposals i on i.id = g.into_id`;

async function toMerges(ctx: ServiceContext, rows: MergeRow[]): Promise<Merge[]> {
  const out: Merge[] = [];
  for (const r of rows) {
    const authors = await authorsOf(ctx.db, [r.from_id, r.into_id]);
    const answers = await ctx.db.query<{ author_id: string; agreed: boolean }>(
      'select author_id, agreed from pb_merge_answers where merge_id = $1',
      [r.id],
    );
    const me = ctx.actor?.userId;
    out.push({
      id: r.id,
      processSlug: r.process_slug,
      from: { number: r.from_number, title: r.from_title },
      into: { number: r.into_number, title: r.into_title },
      reason: r.reason,
      status: r.status,
      createdAt: new Date(r.created_at),
      decidedAt: r.decided_at ? new Date(r.decided_at) : null,
      agreed: answers.filter((a) => a.agreed).length,
      needed: authors.length,
      awaitingMe: Boolean(
        me && r.status === 'pending' && authors.includes(me) && !answers.some((a) => a.author_id === me),
      ),
    });
  }
  return out;
}

/** One proposal with its cost breakdown, the history of its cost and any merges (public). */
export async function getProposal(
  ctx: ServiceContext,
  processSlug: string,
  number: number | string,
): Promise<ProposalDetail> {
  const process = await getProcess(ctx, processSlug);
  const row = await rowOf(ctx.db, process.id, numberOf(number));
  const [proposal] = await toProposals(ctx, process.slug, [row]);
  const costs = await ctx.db.query<{ label: string; amount_pence: string }>(
    'select label, amount_pence::text as amount_pence from pb_proposal_costs where proposal_id = $1 order by position',
    [row.id],
  );
  const changes = await ctx.db.query<{
    before_pence: string;
    after_pence: string;
    reason: string;
    changed_at: Date;
  }>(
    `select before_pence::text as before_pence, after_pence::text as after_pence, reason, changed_at
     from pb_proposal_cost_changes where proposal_id = $1 order by changed_at, id`,
    [row.id],
  );
  const merges = await ctx.db.query<MergeRow>(
    `${MERGE_SELECT} where g.from_id = $1 or g.into_id = $1 order by g.created_at, g.id`,
    [row.id],
  );
  const lines = costs.map((c) => ({ label: c.label, pence: BigInt(c.amount_pence) }));
  const detail = proposal as Proposal;
  return {
    ...detail,
    costs: lines,
    proposedPence: lines.reduce((sum, l) => sum + l.pence, 0n),
    costChanges: changes.map((c) => ({
      beforePence: BigInt(c.before_pence),
      afterPence: BigInt(c.after_pence),
      reason: c.reason,
      changedAt: new Date(c.changed_at),
    })),
    merges: await toMerges(ctx, merges),
    editable: detail.mine && detail.status === 'submitted' && editableProcess(process),
    costAdjusted: changes.length > 0,
  };
}

/** The form's values for an existing proposal (the edit page). */
export function proposalFormValues(p: ProposalDetail, wardSlug = ''): Record<string, string> {
  const values: Record<string, string> = {
    title: p.title,
    summary: p.summary,
    description: p.description,
    ward: wardSlug,
    category: p.category,
    location: p.location,
    group: p.group?.id ?? '',
    lines: String(Math.max(1, p.costs.length)),
  };
  p.costs.forEach((c, i) => {
    values[costLabelField(i + 1)] = c.label;
    values[costAmountField(i + 1)] = poundsText(c.pence);
  });
  return values;
}

/** The groups the person may put a proposal forward for: those they organise here. */
export async function proposalGroupChoices(ctx: ServiceContext) {
  return groupsOrganisedBy(ctx.db, ctx.place.id, ctx.actor?.userId);
}

type Checked = {
  text: ProposalText;
  lines: CostLine[];
  totalPence: bigint;
  wardCode: string | null;
  groupId: string | null;
};

/**
 * Reads and checks a proposal as posted: every problem at once, by field. The total must be
 * above nothing and within the process's budget.
 */
async function checkedProposal(
  ctx: ServiceContext,
  process: PbProcess,
  raw: unknown,
  options: { costsFixed?: boolean } = {},
): Promise<Checked> {
  const fields = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const errors: FieldErrors = {};
  const parsed = ProposalText.safeParse(fields);
  if (!parsed.success)
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
  const lines = options.costsFixed ? [] : costLines(fields, errors);
  const totalPence = lines.reduce((sum, l) => sum + l.pence, 0n);
  if (!options.costsFixed && !Object.keys(errors).some((k) => k.startsWith('cost'))) {
    if (lines.length === 0) errors.costs = `${E}.costsMissing`;
    else if (totalPence < 1n) errors.costs = `${E}.costsZero`;
    else if (totalPence > process.budgetPence) errors.costs = `${E}.costsOverBudget`;
  }
  let wardCode: string | null = process.wardCode;
  let groupId: string | null = null;
  if (parsed.success) {
    const ward = parsed.data.ward;
    if (ward) {
      const found = await getWard(ctx, ward).catch(() => null);
      if (!found) errors.ward = `${E}.wardUnknown`;
      else if (process.wardCode && found.code !== process.wardCode) errors.ward = `${E}.wardOutside`;
      else wardCode = found.code;
    }
    const group = parsed.data.group.toLowerCase();
    if (group) {
      const mine = await proposalGroupChoices(ctx);
      if (!mine.some((g) => g.id === group)) errors.group = `${E}.groupNotYours`;
      else groupId = group;
    }
  }
  if (Object.keys(errors).length || !parsed.success) throw new Invalid(errors);
  return { text: parsed.data, lines, totalPence, wardCode, groupId };
}

function mustPropose(ctx: ServiceContext): string {
  if (!ctx.actor || !can(ctx.actor, PROPOSE)) throw new Forbidden();
  return ctx.actor.userId;
}

function mustManage(ctx: ServiceContext) {
  if (!can(ctx.actor, MANAGE)) throw new Forbidden();
}

async function writeCosts(tx: Tx, proposalId: string, lines: CostLine[]) {
  await tx.query('delete from pb_proposal_costs where proposal_id = $1', [proposalId]);
  for (const [i, l] of lines.entries())
    await tx.query(
      'insert into pb_proposal_costs (proposal_id, position, label, amount_pence) values ($1, $2, $3, $4)',
      [proposalId, i + 1, l.label, l.pence.toString()],
    );
}

const auditText = (c: Checked) => ({
  ...c.text,
  wardCode: c.wardCode,
  groupId: c.groupId,
  costs: c.lines.map((l) => ({ label: l.label, pence: l.pence.toString() })),
  totalPence: c.totalPence.toString(),
});

/**
 * A resident puts forward a proposal while the process takes them (its ideas and proposals
 * phases). Numbers run 1, 2, 3… per process: the process row is locked while the next is
 * chosen, so two proposals sent at once never share one. Returns the number.
 */
export async function submitProposal(
  ctx: ServiceContext,
  processSlug: string,
  raw: unknown,
): Promise<number> {
  const userId = mustPropose(ctx);
  const first = await getProcess(ctx, processSlug);
  mustBeOpen(first);
  if (!SUBMIT_PHASES.includes(first.phase)) throw new Conflict(`${E}.notTaking`);
  const input = await checkedProposal(ctx, first, raw);
  return withTransaction(ctx.db, async (tx) => {
    const process = await getProcessForUpdate(tx, ctx.place.id, first.slug);
    mustBeOpen(process);
    if (!SUBMIT_PHASES.includes(process.phase)) throw new Conflict(`${E}.notTaking`);
    if (input.totalPence > process.budgetPence) throw new Invalid({ costs: `${E}.costsOverBudget` });
    const [next] = await tx.query<{ n: number }>(
      'select coalesce(max(number), 0)::int + 1 as n from pb_proposals where process_id = $1',
      [process.id],
    );
    const number = next?.n ?? 1;
    const t = input.text;
    const [row] = await tx.query<{ id: string }>(
      `insert into pb_proposals (process_id, number, title, summary, description, ward_code, category, location,
         author_id, group_id, cost_pence)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id`,
      [
        process.id,
        number,
        t.title,
        t.summary,
        t.description,
        input.wardCode,
        t.category,
        t.location,
        userId,
        input.groupId,
        input.totalPence.toString(),
      ],
    );
    const id = (row as { id: string }).id;
    await writeCosts(tx, id, input.lines);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'budgeting.proposal.submit',
      targetType: 'pb_proposal',
      targetId: id,
      after: { process: process.slug, number, ...auditText(input) },
      requestId: ctx.requestId ?? null,
    });
    return number;
  });
}

/** The proposal, locked, with its process locked first (the order every writer takes). */
async function locked(ctx: ServiceContext, tx: Tx, processSlug: string, number: number | string) {
  const process = await getProcessForUpdate(tx, ctx.place.id, processSlug);
  const row = await rowOf(tx, process.id, numberOf(number), true);
  return { process, row };
}

/**
 * What a person who is not a proposal's author (or, for its image, an officer) gets from its
 * author-only pages: not there, as for a page that does not exist, so the route × role rules
 * stay "residents may", and nobody learns more than the public page shows.
 */
export const OWNER_ONLY = 'Only its author can change this proposal';

function mustBeAuthor(ctx: ServiceContext, row: Row) {
  if (!ctx.actor || row.author_id !== ctx.actor.userId) throw new NotFound(OWNER_ONLY);
}

/**
 * The author changes their proposal while it waits for its check. Once an officer has changed
 * the cost, the breakdown stays as it was (the cost history explains the figure voters see);
 * the words can still change.
 */
export async function updateProposal(
  ctx: ServiceContext,
  processSlug: string,
  number: number | string,
  raw: unknown,
): Promise<void> {
  mustPropose(ctx);
  const first = await getProcess(ctx, processSlug);
  const before = await getProposal(ctx, first.slug, number);
  if (!before.mine) throw new NotFound(OWNER_ONLY);
  mustBeOpen(first);
  if (before.status !== 'submitted') throw new Conflict(`${E}.notEditable`);
  const input = await checkedProposal(ctx, first, raw, { costsFixed: before.costAdjusted });
  await withTransaction(ctx.db, async (tx) => {
    const { process, row } = await locked(ctx, tx, first.slug, before.number);
    mustBeAuthor(ctx, row);
    mustBeOpen(process);
    if (row.status !== 'submitted') throw new Conflict(`${E}.notEditable`);
    const adjusted = await tx.query('select 1 from pb_proposal_cost_changes where proposal_id = $1 limit 1', [
      row.id,
    ]);
    const costsFixed = adjusted.length > 0;
    if (!costsFixed && input.lines.length === 0) throw new Invalid({ costs: `${E}.costsMissing` });
    if (!costsFixed && input.totalPence > process.budgetPence)
      throw new Invalid({ costs: `${E}.costsOverBudget` });
    const t = input.text;
    await tx.query(
      `update pb_proposals set title = $2, summary = $3, description = $4, ward_code = $5, category = $6,
         location = $7, group_id = $8, cost_pence = case when $9::bigint is null then cost_pence else $9::bigint end,
         updated_at = now()
       where id = $1`,
      [
        row.id,
        t.title,
        t.summary,
        t.description,
        input.wardCode,
        t.category,
        t.location,
        input.groupId,
        costsFixed ? null : input.totalPence.toString(),
      ],
    );
    if (!costsFixed) await writeCosts(tx, row.id, input.lines);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'budgeting.proposal.update',
      targetType: 'pb_proposal',
      targetId: row.id,
      before: {
        title: before.title,
        summary: before.summary,
        costs: before.costs.map((l) => ({ label: l.label, pence: l.pence.toString() })),
      },
      after: auditText(input),
      requestId: ctx.requestId ?? null,
    });
  });
}

/** Any merge still waiting that involves this proposal is declined: it cannot happen now. */
async function declinePendingMerges(tx: Tx, proposalId: string) {
  await tx.query(
    `update pb_merges set status = 'declined', decided_at = now()
     where status = 'pending' and (from_id = $1 or into_id = $1)`,
    [proposalId],
  );
}

/** The author takes their proposal back before voting opens; it stays listed, marked withdrawn. */
export async function withdrawProposal(
  ctx: ServiceContext,
  processSlug: string,
  number: number | string,
): Promise<void> {
  mustPropose(ctx);
  await withTransaction(ctx.db, async (tx) => {
    const { process, row } = await locked(ctx, tx, processSlug, number);
    mustBeAuthor(ctx, row);
    mustBeOpen(process);
    if (!ACTIVE.includes(row.status)) throw new Conflict(`${E}.notWithdrawable`);
    await tx.query(`update pb_proposals set status = 'withdrawn', updated_at = now() where id = $1`, [
      row.id,
    ]);
    await declinePendingMerges(tx, row.id);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'budgeting.proposal.withdraw',
      targetType: 'pb_proposal',
      targetId: row.id,
      before: { status: row.status },
      after: { status: 'withdrawn' },
      requestId: ctx.requestId ?? null,
    });
  });
}

/**
 * An officer records whether a proposal can be done, with the reason that is published beside
 * it. Allowed until voting opens, and may be changed until then.
 */
export async function recordFeasibility(
  ctx: ServiceContext,
  processSlug: string,
  number: number | string,
  raw: unknown,
): Promise<void> {
  mustManage(ctx);
  const input = validated(FeasibilityInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const { process, row } = await locked(ctx, tx, processSlug, number);
    mustBeOpen(process);
    if (!ACTIVE.includes(row.status)) throw new Conflict(`${E}.notActive`);
    const status = input.feasible ? 'feasible' : 'not-feasible';
    await tx.query(
      `update pb_proposals set status = $2, feasibility_reason = $3, checked_by = $4, checked_at = now(),
         updated_at = now() where id = $1`,
      [row.id, status, input.reason, ctx.actor?.userId ?? null],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'budgeting.proposal.feasibility',
      targetType: 'pb_proposal',
      targetId: row.id,
      before: { status: row.status, reason: row.feasibility_reason },
      after: { status, reason: input.reason },
      requestId: ctx.requestId ?? null,
    });
  });
}

/**
 * An officer changes the cost voters see (a better quote, a part the council already pays
 * for). Each change is kept, with its reason, as the proposal's public cost history.
 */
export async function adjustCost(
  ctx: ServiceContext,
  processSlug: string,
  number: number | string,
  raw: unknown,
): Promise<void> {
  mustManage(ctx);
  const input = validated(CostAdjustmentInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const { process, row } = await locked(ctx, tx, processSlug, number);
    mustBeOpen(process);
    if (!ACTIVE.includes(row.status)) throw new Conflict(`${E}.notActive`);
    if (input.pounds > process.budgetPence) throw new Invalid({ pounds: `${E}.adjustedOverBudget` });
    const before = BigInt(row.cost_pence);
    if (input.pounds === before) throw new Invalid({ pounds: `${E}.adjustedSame` });
    await tx.query('update pb_proposals set cost_pence = $2, updated_at = now() where id = $1', [
      row.id,
      input.pounds.toString(),
    ]);
    await tx.query(
      `insert into pb_proposal_cost_changes (proposal_id, before_pence, after_pence, reason, changed_by)
       values ($1, $2, $3, $4, $5)`,
      [row.id, before.toString(), input.pounds.toString(), input.reason, ctx.actor?.userId ?? null],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'budgeting.proposal.cost',
      targetType: 'pb_proposal',
      targetId: row.id,
      before: { costPence: before.toString() },
      after: { costPence: input.pounds.toString(), reason: input.reason },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** `from` joins `into`: it is marked merged and points voters to the proposal it joined. */
async function applyMerge(tx: Tx, ctx: ServiceContext, mergeId: string, fromId: string, intoId: string) {
  await tx.query(`update pb_merges set status = 'agreed', decided_at = now() where id = $1`, [mergeId]);
  await tx.query(
    `update pb_proposals set status = 'merged', merged_into = $2, updated_at = now() where id = $1`,
    [fromId, intoId],
  );
  // Other merges waiting on the proposal that has gone cannot happen now.
  await declinePendingMerges(tx, fromId);
  await audit(tx, {
    placeId: ctx.place.id,
    actorId: ctx.actor?.userId ?? null,
    action: 'budgeting.proposal.merged',
    targetType: 'pb_proposal',
    targetId: fromId,
    after: { mergedInto: intoId, merge: mergeId },
    requestId: ctx.requestId ?? null,
  });
}

/**
 * An officer suggests merging two similar proposals. Nothing changes until every author of
 * both has agreed (see answerMerge); one who declines stops it. Returns the merge's id.
 */
export async function proposeMerge(ctx: ServiceContext, processSlug: string, raw: unknown): Promise<string> {
  mustManage(ctx);
  const input = validated(MergeInput, raw);
  if (input.from === input.into) throw new Invalid({ into: `${E}.mergeSame` });
  return withTransaction(ctx.db, async (tx) => {
    const process = await getProcessForUpdate(tx, ctx.place.id, processSlug);
    mustBeOpen(process);
    const find = async (n: number, field: 'from' | 'into') => {
      const rows = await tx.query<Row>(
        `${SELECT} where p.process_id = $1 and p.number = $2 for update of p`,
        [process.id, n],
      );
      const row = rows[0];
      if (!row) throw new Invalid({ [field]: `${E}.mergeUnknown` });
      if (!ACTIVE.includes(row.status)) throw new Invalid({ [field]: `${E}.mergeInactive` });
      return row;
    };
    const from = await find(input.from, 'from');
    const into = await find(input.into, 'into');
    const pending = await tx.query(
      `select 1 from pb_merges where status = 'pending' and (from_id = $1 or into_id = $1)`,
      [from.id],
    );
    if (pending.length) throw new Invalid({ from: `${E}.mergePending` });
    const [row] = await tx.query<{ id: string }>(
      `insert into pb_merges (process_id, into_id, from_id, reason, proposed_by) values ($1, $2, $3, $4, $5)
       returning id`,
      [process.id, into.id, from.id, input.reason, ctx.actor?.userId ?? null],
    );
    const id = (row as { id: string }).id;
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'budgeting.merge.propose',
      targetType: 'pb_merge',
      targetId: id,
      after: { from: input.from, into: input.into, reason: input.reason },
      requestId: ctx.requestId ?? null,
    });
    // Proposals whose authors have all closed their accounts have nobody left to ask.
    if ((await authorsOf(tx, [from.id, into.id])).length === 0)
      await applyMerge(tx, ctx, id, from.id, into.id);
    return id;
  });
}

async function mergeRow(db: Db | Tx, placeId: string, mergeId: string, lock = false): Promise<MergeRow> {
  if (!isUuid(mergeId)) throw new NotFound('No such merge');
  const rows = await db.query<MergeRow>(
    `${MERGE_SELECT} where pr.place_id = $1 and g.id = $2${lock ? ' for update of g' : ''}`,
    [placeId, mergeId.toLowerCase()],
  );
  if (!rows[0]) throw new NotFound('No such merge');
  return rows[0];
}

/** One suggested merge (public: the reason and the outcome are part of the record). */
export async function getMerge(ctx: ServiceContext, mergeId: string): Promise<Merge> {
  const [merge] = await toMerges(ctx, [await mergeRow(ctx.db, ctx.place.id, mergeId)]);
  return merge as Merge;
}

/** Merges in this process waiting for the person's answer. */
export async function mergesAwaiting(ctx: ServiceContext, processSlug: string): Promise<Merge[]> {
  if (!ctx.actor) return [];
  const process = await getProcess(ctx, processSlug);
  const rows = await ctx.db.query<MergeRow>(
    `${MERGE_SELECT} where g.process_id = $1 and g.status = 'pending'
       and (f.author_id = $2 or i.author_id = $2)
       and not exists (select 1 from pb_merge_answers a where a.merge_id = g.id and a.author_id = $2)
     order by g.created_at, g.id`,
    [process.id, ctx.actor.userId],
  );
  return toMerges(ctx, rows);
}

/**
 * An author of either proposal answers a suggested merge. One decline stops it; when every
 * author of both has agreed, `from` becomes merged into `into`. Each author answers once.
 */
export async function answerMerge(
  ctx: ServiceContext,
  mergeId: string,
  agree: boolean,
): Promise<Merge['status']> {
  mustPropose(ctx);
  const me = ctx.actor?.userId as string;
  const first = await mergeRow(ctx.db, ctx.place.id, mergeId);
  return withTransaction(ctx.db, async (tx) => {
    const process = await getProcessForUpdate(tx, ctx.place.id, first.process_slug);
    const merge = await mergeRow(tx, ctx.place.id, first.id, true);
    const authors = await authorsOf(tx, [merge.from_id, merge.into_id]);
    if (!authors.includes(me)) throw new NotFound(OWNER_ONLY);
    mustBeOpen(process);
    if (merge.status !== 'pending') throw new Conflict(`${E}.mergeDecided`);
    const answered = await tx.query('select 1 from pb_merge_answers where merge_id = $1 and author_id = $2', [
      merge.id,
      me,
    ]);
    if (answered.length) throw new Conflict(`${E}.mergeAnswered`);
    await tx.query('insert into pb_merge_answers (merge_id, author_id, agreed) values ($1, $2, $3)', [
      merge.id,
      me,
      agree,
    ]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: me,
      action: 'budgeting.merge.answer',
      targetType: 'pb_merge',
      targetId: merge.id,
      after: { agreed: agree },
      requestId: ctx.requestId ?? null,
    });
    if (!agree) {
      await tx.query(`update pb_merges set status = 'declined', decided_at = now() where id = $1`, [
        merge.id,
      ]);
      return 'declined';
    }
    const agreed = await tx.query<{ author_id: string }>(
      'select author_id from pb_merge_answers where merge_id = $1 and agreed',
      [merge.id],
    );
    const yes = new Set(agreed.map((a) => a.author_id));
    if (!authors.every((a) => yes.has(a))) return 'pending';
    await applyMerge(tx, ctx, merge.id, merge.from_id, merge.into_id);
    return 'agreed';
  });
}

/**
 * The proposals voters choose from: feasible ones, in number order, with the cost voters see
 * (for the voting and results parts).
 */
export async function feasibleProjects(
  db: Db | Tx,
  processId: string,
): Promise<
  {
    id: string;
    number: number;
    title: string;
    costPence: bigint;
    wardCode: string | null;
    category: string;
  }[]
> {
  const rows = await db.query<{
    id: string;
    number: number;
    title: string;
    cost_pence: string;
    ward_code: string | null;
    category: string;
  }>(
    `select id, number, title, cost_pence::text as cost_pence, ward_code, category from pb_proposals
     where process_id = $1 and status = 'feasible' order by number`,
    [processId],
  );
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    title: r.title,
    costPence: BigInt(r.cost_pence),
    wardCode: r.ward_code,
    category: r.category,
  }));
}

/** Module-internal, for the image service: the proposal, locked, and who may change its image. */
export async function lockedForImage(
  ctx: ServiceContext,
  tx: Tx,
  processSlug: string,
  number: number | string,
) {
  const { process, row } = await locked(ctx, tx, processSlug, number);
  const author = Boolean(ctx.actor && row.author_id === ctx.actor.userId && can(ctx.actor, PROPOSE));
  const officer = can(ctx.actor, MANAGE);
  if (!author && !officer) throw new NotFound(OWNER_ONLY);
  mustBeOpen(process);
  if (!officer && row.status !== 'submitted') throw new Conflict(`${E}.notEditable`);
  if (!ACTIVE.includes(row.status)) throw new Conflict(`${E}.notActive`);
  return { process, id: row.id, number: row.number, imageKey: row.image_key, imageAlt: row.image_alt };
}

export { IMAGE_NAME, imageName, thumbName };

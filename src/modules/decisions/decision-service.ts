import { audit } from '../../platform/audit/audit.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { Db, SqlParam, Tx } from '../../platform/db/types.js';
import { type NotificationType, wants } from '../../platform/email/notification-types.js';
import { queueEmail } from '../../platform/email/outbox.js';
import type { FileStore } from '../../platform/files/file-store.js';
import { Conflict, Forbidden, Invalid, NotFound, validated } from '../../platform/http/errors.js';
import { isUuid } from '../../platform/http/ids.js';
import type { ServiceContext } from '../../platform/http/request-context.js';
import { DEFAULT_LANGUAGE, isLanguage, translator } from '../../platform/i18n/i18n.js';
import type { Stat } from '../../platform/module-definition.js';
import { can } from '../../platform/roles/permissions.js';
import { groupNames } from '../directory/groups/group-lookup.js';
import { getWard, listWards } from '../wards/ward-service.js';
import {
  CO_PRODUCIBLE,
  ConstraintInput,
  DecisionInput,
  EvidenceInput,
  type Kind,
  LinkInput,
  type ListFilters,
  NEXT,
  OpenInput,
  OptionInput,
  partnerNames,
  RecordInput,
  ResponseInput,
  ReviewInput,
  type Status,
  withDates,
} from './decision-input.js';

export const MODULE = 'decisions';
const E = 'decisions.errors';

export type Site = { publicUrl: string };

export const isManager = (ctx: ServiceContext) => can(ctx.actor, 'decisions.manage');

export const decisionPath = (placeSlug: string, id: string) => `/${placeSlug}/decisions/${id}`;

export type Option = {
  id: string;
  position: number;
  title: string;
  description: string;
  costPence: number | null;
  pros: string;
  cons: string;
};
export type Part = { id: string; kind: string; title: string; url: string; body: string };

export type DecisionSummary = {
  id: string;
  title: string;
  kind: Kind;
  status: Status;
  deciderKind: string;
  deciderName: string;
  dueOn: string | null;
  inputClosesOn: string | null;
  ward: { code: string; slug: string; name: string } | null;
  coProduced: boolean;
  createdAt: Date;
  updatedAt: Date;
  url: string;
};

export type Decision = DecisionSummary & {
  background: string;
  options: Option[];
  constraints: { id: string; kind: string; body: string }[];
  /** A web address, or an uploaded PDF (url null) downloaded from the decision's own address. */
  evidence: {
    id: string;
    title: string;
    url: string | null;
    fileName: string | null;
    sizeBytes: number | null;
  }[];
  links: { id: string; kind: string; title: string; url: string }[];
  partners: { id: string; name: string; group: { id: string; slug: string; name: string } | null }[];
  responses: { id: string; youSaid: string; weDid: string }[];
  chosenOptionId: string | null;
  decisionText: string;
  reasons: string;
  decidedOn: string | null;
  review: string;
  reviewedOn: string | null;
  openedAt: Date | null;
  timeline: { from: Status | null; to: Status; at: Date }[];
  followerCount: number;
  commentCount: number;
  /** Open for comment now: open, and the closing date (if any) not passed. */
  acceptingComments: boolean;
  viewer: { manager: boolean; follows: boolean; signedIn: boolean };
};

type Row = {
  id: string;
  title: string;
  background: string;
  kind: Kind;
  status: Status;
  decider_kind: string;
  decider_name: string;
  due_on: string | null;
  input_closes_on: string | null;
  ward_code: string | null;
  co_produced: boolean;
  chosen_option_id: string | null;
  decision_text: string;
  reasons: string;
  decided_on: string | null;
  review: string;
  reviewed_on: string | null;
  opened_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS = `id, title, background, kind, status, decider_kind, decider_name, to_char(due_on, 'YYYY-MM-DD') as due_on,
  to_char(input_closes_on, 'YYYY-MM-DD') as input_closes_on, ward_code, co_produced, chosen_option_id, decision_text,
  reasons, to_char(decided_on, 'YYYY-MM-DD') as decided_on, review, to_char(reviewed_on, 'YYYY-MM-DD') as reviewed_on,
  opened_at, created_at, updated_at`;

/** Today in Europe/London, as `YYYY-MM-DD` (closing dates are London dates). */
export function londonToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now);
}

export function acceptsComments(status: Status, inputClosesOn: string | null, now = new Date()): boolean {
  return status === 'open' && (!inputClosesOn || inputClosesOn >= londonToday(now));
}

async function wardsByCode(ctx: ServiceContext) {
  return new Map((await listWards(ctx)).map((w) => [w.code, { code: w.code, slug: w.slug, name: w.name }]));
}

function summaryOf(r: Row, slug: string, wards: Map<string, { code: string; slug: string; name: string }>) {
  return {
    id: r.id,
    title: r.title,
    kind: r.kind,
    status: r.status,
    deciderKind: r.decider_kind,
    deciderName: r.decider_name,
    dueOn: r.due_on,
    inputClosesOn: r.input_closes_on,
    ward: r.ward_code ? (wards.get(r.ward_code) ?? null) : null,
    coProduced: r.co_produced,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    url: decisionPath(slug, r.id),
  } satisfies DecisionSummary;
}

/** The log, newest first or soonest due; drafts only for officers. */
export async function listDecisions(
  ctx: ServiceContext,
  filters: ListFilters,
  page: { limit: number; offset: number } = { limit: 50, offset: 0 },
): Promise<{ items: DecisionSummary[]; total: number }> {
  const manager = isManager(ctx);
  const where = ['place_id = $1'];
  const params: SqlParam[] = [ctx.place.id];
  if (!manager) where.push("status <> 'draft'");
  if (filters.status) {
    params.push(filters.status);
    where.push(`status = $${params.length}`);
  }
  if (filters.kind) {
    params.push(filters.kind);
    where.push(`kind = $${params.length}`);
  }
  const wards = await wardsByCode(ctx);
  if (filters.ward) {
    const ward = [...wards.values()].find((w) => w.slug === filters.ward || w.code === filters.ward);
    params.push(ward?.code ?? '');
    where.push(`ward_code = $${params.length}`);
  }
  const order = filters.sort === 'due' ? 'due_on asc nulls last, created_at desc, id' : 'created_at desc, id';
  const [count] = await ctx.db.query<{ n: number }>(
    `select count(*)::int as n from decisions where ${where.join(' and ')}`,
    params,
  );
  const rows = await ctx.db.query<Row>(
    `select ${COLUMNS} from decisions where ${where.join(' and ')} order by ${order}
     limit $${params.length + 1} offset $${params.length + 2}`,
    [...params, page.limit, page.offset],
  );
  return { items: rows.map((r) => summaryOf(r, ctx.place.slug, wards)), total: count?.n ?? 0 };
}

async function rowFor(ctx: ServiceContext, db: Db | Tx, id: string, lock = false): Promise<Row> {
  if (!isUuid(id)) throw new NotFound('No such decision');
  const [row] = await db.query<Row>(
    `select ${COLUMNS} from decisions where id = $1 and place_id = $2${lock ? ' for update' : ''}`,
    [id.toLowerCase(), ctx.place.id],
  );
  if (!row || (row.status === 'draft' && !isManager(ctx))) throw new NotFound('No such decision');
  return row;
}

/** One decision with everything about it, as this viewer may see it. */
export async function getDecision(ctx: ServiceContext, id: string): Promise<Decision> {
  const r = await rowFor(ctx, ctx.db, id);
  const q = <T>(sql: string) => ctx.db.query<T>(sql, [r.id]);
  const [options, constraints, evidence, links, partners, responses, timeline, counts] = await Promise.all([
    q<{
      id: string;
      position: number;
      title: string;
      description: string;
      cost_pence: string | null;
      pros: string;
      cons: string;
    }>(
      'select id, position, title, description, cost_pence, pros, cons from decision_options where decision_id = $1 order by position, id',
    ),
    q<{ id: string; kind: string; body: string }>(
      'select id, kind, body from decision_constraints where decision_id = $1 order by created_at, id',
    ),
    q<{ id: string; title: string; url: string | null; fileName: string | null; sizeBytes: number | null }>(
      `select id, title, url, file_name as "fileName", size_bytes as "sizeBytes" from decision_evidence
       where decision_id = $1 order by created_at, id`,
    ),
    q<{ id: string; kind: string; title: string; url: string }>(
      'select id, kind, title, url from decision_links where decision_id = $1 order by created_at, id',
    ),
    q<{ id: string; name: string; group_id: string | null }>(
      'select id, name, group_id from decision_partners where decision_id = $1 order by created_at, id',
    ),
    q<{ id: string; you_said: string; we_did: string }>(
      'select id, you_said, we_did from decision_responses where decision_id = $1 order by created_at, id',
    ),
    q<{ from_status: Status | null; to_status: Status; created_at: Date }>(
      'select from_status, to_status, created_at from decision_status_changes where decision_id = $1 order by created_at, id',
    ),
    q<{ followers: number; comments: number }>(
      `select (select count(*)::int from decision_follows where decision_id = $1) as followers,
        (select count(*)::int from decision_comments where decision_id = $1 and moderation_status = 'published') as comments`,
    ),
  ]);
  const groups = await groupNames(
    ctx.db,
    ctx.place.id,
    partners.flatMap((p) => (p.group_id ? [p.group_id] : [])),
  );
  const userId = ctx.actor?.userId;
  const follows = userId
    ? (
        await ctx.db.query('select 1 from decision_follows where decision_id = $1 and user_id = $2', [
          r.id,
          userId,
        ])
      ).length > 0
    : false;
  return {
    ...summaryOf(r, ctx.place.slug, await wardsByCode(ctx)),
    background: r.background,
    options: options.map((o) => ({
      id: o.id,
      position: o.position,
      title: o.title,
      description: o.description,
      costPence: o.cost_pence === null ? null : Number(o.cost_pence),
      pros: o.pros,
      cons: o.cons,
    })),
    constraints,
    evidence,
    links,
    partners: partners.map((p) => {
      const g = p.group_id ? groups.get(p.group_id) : undefined;
      return { id: p.id, name: p.name, group: g ? { id: g.id, slug: g.slug, name: g.name } : null };
    }),
    responses: responses.map((x) => ({ id: x.id, youSaid: x.you_said, weDid: x.we_did })),
    chosenOptionId: r.chosen_option_id,
    decisionText: r.decision_text,
    reasons: r.reasons,
    decidedOn: r.decided_on,
    review: r.review,
    reviewedOn: r.reviewed_on,
    openedAt: r.opened_at ? new Date(r.opened_at) : null,
    timeline: timeline.map((x) => ({ from: x.from_status, to: x.to_status, at: new Date(x.created_at) })),
    followerCount: counts[0]?.followers ?? 0,
    commentCount: counts[0]?.comments ?? 0,
    acceptingComments: acceptsComments(r.status, r.input_closes_on),
    viewer: { manager: isManager(ctx), follows, signedIn: Boolean(userId) },
  };
}

function requireManager(ctx: ServiceContext) {
  if (!isManager(ctx)) throw new Forbidden();
}

async function auditIt(
  tx: Tx,
  ctx: ServiceContext,
  action: string,
  targetId: string,
  extra: { before?: unknown; after?: unknown } = {},
) {
  await audit(tx, {
    placeId: ctx.place.id,
    actorId: ctx.actor?.userId ?? null,
    action: `decisions.${action}`,
    targetType: 'decision',
    targetId,
    ...(extra.before !== undefined ? { before: extra.before as Record<string, unknown> } : {}),
    ...(extra.after !== undefined ? { after: extra.after as Record<string, unknown> } : {}),
    requestId: ctx.requestId ?? null,
  });
}

/** Validates the main form and resolves the ward (a slug or code of this place, or none). */
async function decisionFields(ctx: ServiceContext, raw: unknown) {
  const input = validated(DecisionInput, withDates(raw, ['dueOn']));
  let wardCode: string | null = null;
  if (input.ward) {
    try {
      wardCode = (await getWard(ctx, input.ward)).code;
    } catch (error) {
      if (error instanceof NotFound) throw new Invalid({ ward: `${E}.wardUnknown` });
      throw error;
    }
  }
  return { input, wardCode, partners: input.coProduced === 'yes' ? partnerNames(input.partners) : [] };
}

async function replacePartners(tx: Tx, decisionId: string, names: string[]) {
  const existing = await tx.query<{ name: string; group_id: string | null }>(
    'select name, group_id from decision_partners where decision_id = $1',
    [decisionId],
  );
  await tx.query('delete from decision_partners where decision_id = $1', [decisionId]);
  for (const name of names) {
    // A partner linked to a directory group (by the seed or an earlier edit) keeps its link
    // while its name stays the same; the directory offers no look-up by name to link new ones.
    const groupId = existing.find((p) => p.name === name)?.group_id ?? null;
    await tx.query('insert into decision_partners (decision_id, name, group_id) values ($1, $2, $3)', [
      decisionId,
      name,
      groupId,
    ]);
  }
}

/** An officer starts a decision as a draft, seen only by officers until it is announced. */
export async function createDecision(ctx: ServiceContext, raw: unknown): Promise<string> {
  requireManager(ctx);
  const { input, wardCode, partners } = await decisionFields(ctx, raw);
  return withTransaction(ctx.db, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into decisions (place_id, title, background, kind, decider_kind, decider_name, due_on, ward_code,
         co_produced, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
      [
        ctx.place.id,
        input.title,
        input.background,
        input.kind,
        input.deciderKind,
        input.deciderName,
        input.dueOn,
        wardCode,
        input.coProduced === 'yes',
        ctx.actor?.userId ?? null,
      ],
    );
    const id = row?.id as string;
    await replacePartners(tx, id, partners);
    await tx.query(
      "insert into decision_status_changes (decision_id, from_status, to_status) values ($1, null, 'draft')",
      [id],
    );
    await auditIt(tx, ctx, 'create', id, { after: { ...input, wardCode } });
    return id;
  });
}

export async function updateDecision(ctx: ServiceContext, id: string, raw: unknown): Promise<void> {
  requireManager(ctx);
  const { input, wardCode, partners } = await decisionFields(ctx, raw);
  await withTransaction(ctx.db, async (tx) => {
    const row = await rowFor(ctx, tx, id, true);
    await tx.query(
      `update decisions set title = $2, background = $3, kind = $4, decider_kind = $5, decider_name = $6, due_on = $7,
         ward_code = $8, co_produced = $9, updated_at = now() where id = $1`,
      [
        row.id,
        input.title,
        input.background,
        input.kind,
        input.deciderKind,
        input.deciderName,
        input.dueOn,
        wardCode,
        input.coProduced === 'yes',
      ],
    );
    await replacePartners(tx, row.id, partners);
    await auditIt(tx, ctx, 'update', row.id, {
      before: { title: row.title, kind: row.kind, deciderKind: row.decider_kind, dueOn: row.due_on },
      after: { ...input, wardCode },
    });
  });
}

/** The parts officers add to a decision, each from its own small form. */
export type PartKind = 'option' | 'constraint' | 'evidence' | 'link' | 'response';
export const PART_KINDS: readonly PartKind[] = ['option', 'constraint', 'evidence', 'link', 'response'];
const PART_TABLES: Record<PartKind, string> = {
  option: 'decision_options',
  constraint: 'decision_constraints',
  evidence: 'decision_evidence',
  link: 'decision_links',
  response: 'decision_responses',
};

async function writePart(tx: Tx, decisionId: string, kind: PartKind, raw: unknown, partId?: string) {
  const body = raw && typeof raw === 'object' ? raw : {};
  switch (kind) {
    case 'option': {
      const o = validated(OptionInput, body);
      const cost = o.cost === null ? null : o.cost.toString();
      if (partId) {
        const rows = await tx.query(
          `update decision_options set title = $3, description = $4, cost_pence = $5, pros = $6, cons = $7
           where id = $1 and decision_id = $2 returning id`,
          [partId, decisionId, o.title, o.description, cost, o.pros, o.cons],
        );
        if (!rows.length) throw new NotFound('No such option');
        return { id: partId, after: { ...o, cost } };
      }
      const [row] = await tx.query<{ id: string }>(
        `insert into decision_options (decision_id, position, title, description, cost_pence, pros, cons)
         values ($1, (select coalesce(max(position), 0) + 1 from decision_options where decision_id = $1), $2, $3, $4, $5, $6)
         returning id`,
        [decisionId, o.title, o.description, cost, o.pros, o.cons],
      );
      return { id: row?.id as string, after: { ...o, cost } };
    }
    case 'constraint': {
      const c = validated(ConstraintInput, body);
      const [row] = await tx.query<{ id: string }>(
        'insert into decision_constraints (decision_id, kind, body) values ($1, $2, $3) returning id',
        [decisionId, c.kind, c.body],
      );
      return { id: row?.id as string, after: c };
    }
    case 'evidence': {
      const v = validated(EvidenceInput, body);
      const [row] = await tx.query<{ id: string }>(
        'insert into decision_evidence (decision_id, title, url) values ($1, $2, $3) returning id',
        [decisionId, v.title, v.url],
      );
      return { id: row?.id as string, after: v };
    }
    case 'link': {
      const l = validated(LinkInput, body);
      const [row] = await tx.query<{ id: string }>(
        'insert into decision_links (decision_id, kind, title, url) values ($1, $2, $3, $4) returning id',
        [decisionId, l.kind, l.title, l.url],
      );
      return { id: row?.id as string, after: l };
    }
    case 'response': {
      const r = validated(ResponseInput, body);
      const [row] = await tx.query<{ id: string }>(
        'insert into decision_responses (decision_id, you_said, we_did) values ($1, $2, $3) returning id',
        [decisionId, r.youSaid, r.weDid],
      );
      return { id: row?.id as string, after: r };
    }
  }
}

/** Adds an option, constraint, evidence document, "what residents said" link or "you said, we did". */
export async function addPart(
  ctx: ServiceContext,
  id: string,
  kind: PartKind,
  raw: unknown,
): Promise<string> {
  requireManager(ctx);
  return withTransaction(ctx.db, async (tx) => {
    const row = await rowFor(ctx, tx, id, true);
    const written = await writePart(tx, row.id, kind, raw);
    await tx.query('update decisions set updated_at = now() where id = $1', [row.id]);
    await auditIt(tx, ctx, `${kind}.add`, row.id, { after: { partId: written.id, ...written.after } });
    return written.id;
  });
}

export async function getOption(ctx: ServiceContext, id: string, optionId: string): Promise<Option> {
  requireManager(ctx);
  const d = await getDecision(ctx, id);
  const o = isUuid(optionId) ? d.options.find((x) => x.id === optionId.toLowerCase()) : undefined;
  if (!o) throw new NotFound('No such option');
  return o;
}

export async function updateOption(
  ctx: ServiceContext,
  id: string,
  optionId: string,
  raw: unknown,
): Promise<void> {
  requireManager(ctx);
  if (!isUuid(optionId)) throw new NotFound('No such option');
  await withTransaction(ctx.db, async (tx) => {
    const row = await rowFor(ctx, tx, id, true);
    const written = await writePart(tx, row.id, 'option', raw, optionId.toLowerCase());
    await tx.query('update decisions set updated_at = now() where id = $1', [row.id]);
    await auditIt(tx, ctx, 'option.update', row.id, { after: { partId: written.id, ...written.after } });
  });
}

/** Removes a part; the chosen option of a made decision stays (the record would lose its meaning). */
export async function removePart(
  ctx: ServiceContext,
  id: string,
  kind: unknown,
  partId: unknown,
  files?: FileStore,
): Promise<void> {
  requireManager(ctx);
  if (typeof kind !== 'string' || !PART_KINDS.includes(kind as PartKind) || !isUuid(partId))
    throw new NotFound('No such part');
  const stored = await withTransaction(ctx.db, async (tx) => {
    const row = await rowFor(ctx, tx, id, true);
    if (kind === 'option' && row.chosen_option_id === partId.toLowerCase())
      throw new Conflict(`${E}.optionChosen`);
    const gone = await tx.query<{ stored_name: string | null }>(
      `delete from ${PART_TABLES[kind as PartKind]} where id = $1 and decision_id = $2
       returning ${kind === 'evidence' ? 'stored_name' : 'null as stored_name'}`,
      [partId.toLowerCase(), row.id],
    );
    if (!gone.length) throw new NotFound('No such part');
    await tx.query('update decisions set updated_at = now() where id = $1', [row.id]);
    await auditIt(tx, ctx, `${kind}.remove`, row.id, { before: { partId: partId.toLowerCase() } });
    return gone[0]?.stored_name ?? null;
  });
  // The file goes once the record has gone; a file left behind by a failure is harmless.
  if (stored && files) await files.remove(stored).catch(() => {});
}

/**
 * Moves a decision on. Opening needs a closing date for input (today or later); making needs
 * reasons (and an option or words saying what was decided) and, when residents were asked
 * (it was ever open for input), at least one "you said, we did"; reviewing needs the review.
 * Followers are emailed each move, in the same transaction.
 */
export async function moveStatus(
  ctx: ServiceContext,
  site: Site,
  id: string,
  to: unknown,
  raw: unknown = {},
): Promise<void> {
  requireManager(ctx);
  const body = raw && typeof raw === 'object' ? raw : {};
  await withTransaction(ctx.db, async (tx) => {
    const row = await rowFor(ctx, tx, id, true);
    if (typeof to !== 'string' || !NEXT[row.status].includes(to as Status))
      throw new Conflict(`${E}.cannotMove`);
    const target = to as Status;
    const sets: string[] = ['status = $2', 'updated_at = now()'];
    const params: SqlParam[] = [row.id, target];
    const set = (column: string, value: SqlParam) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (target === 'open') {
      const input = validated(OpenInput, withDates(body, ['inputClosesOn']));
      if (!input.inputClosesOn) throw new Invalid({ inputClosesOn: `${E}.inputClosesOnMissing` });
      if (input.inputClosesOn < londonToday()) throw new Invalid({ inputClosesOn: `${E}.inputClosesOnPast` });
      set('input_closes_on', input.inputClosesOn);
      sets.push('opened_at = coalesce(opened_at, now())');
    }
    if (target === 'made') {
      const input = validated(RecordInput, body);
      let option: string | null = null;
      if (input.option) {
        const [o] = isUuid(input.option)
          ? await tx.query<{ id: string }>(
              'select id from decision_options where id = $1 and decision_id = $2',
              [input.option.toLowerCase(), row.id],
            )
          : [];
        if (!o) throw new Invalid({ option: `${E}.optionUnknown` });
        option = o.id;
      }
      if (!option && !input.decisionText) throw new Invalid({ decisionText: `${E}.decisionTextMissing` });
      if (row.opened_at) {
        const [n] = await tx.query<{ n: number }>(
          'select count(*)::int as n from decision_responses where decision_id = $1',
          [row.id],
        );
        if (!n?.n) throw new Invalid({ option: `${E}.youSaidWeDidMissing` });
      }
      set('chosen_option_id', option);
      set('decision_text', input.decisionText);
      set('reasons', input.reasons);
      sets.push("decided_on = (now() at time zone 'Europe/London')::date");
    }
    if (target === 'reviewed') {
      const input = validated(ReviewInput, body);
      set('review', input.review);
      sets.push("reviewed_on = (now() at time zone 'Europe/London')::date");
    }
    await tx.query(`update decisions set ${sets.join(', ')} where id = $1`, params);
    await tx.query(
      'insert into decision_status_changes (decision_id, from_status, to_status) values ($1, $2, $3)',
      [row.id, row.status, target],
    );
    await auditIt(tx, ctx, 'status', row.id, { before: { status: row.status }, after: { status: target } });
    await notifyFollowers(tx, ctx, site, { id: row.id, title: row.title }, target);
  });
}

/** Followers' emails about a decision's progress, which each person can switch off. */
export const DECISION_UPDATES: NotificationType = 'decision-updates';

async function notifyFollowers(
  tx: Tx,
  ctx: ServiceContext,
  site: Site,
  decision: { id: string; title: string },
  to: Status,
) {
  const followers = await tx.query<{
    user_id: string;
    email: string;
    preferred_language: string;
    notification_prefs: Record<string, unknown> | null;
  }>(
    `select f.user_id, u.email, u.preferred_language, u.notification_prefs
     from decision_follows f join users u on u.id = f.user_id
     where f.decision_id = $1 and u.deleted_at is null order by f.created_at, f.user_id`,
    [decision.id],
  );
  const url = `${site.publicUrl}${decisionPath(ctx.place.slug, decision.id)}`;
  for (const f of followers) {
    if (f.user_id === ctx.actor?.userId || !wants(f.notification_prefs, DECISION_UPDATES)) continue;
    const lang = isLanguage(f.preferred_language) ? f.preferred_language : DEFAULT_LANGUAGE;
    await queueEmail(tx, {
      placeId: ctx.place.id,
      to: f.email,
      template: 'decisionStatusChanged',
      lang,
      vars: {
        place: ctx.place.name,
        title: decision.title,
        status: translator(lang)(`decisions.statuses.${to}`),
        url,
      },
    });
  }
}

async function toggleFollow(ctx: ServiceContext, id: string, on: boolean): Promise<void> {
  const userId = ctx.actor?.userId;
  if (!userId) throw new Forbidden();
  await withTransaction(ctx.db, async (tx) => {
    const row = await rowFor(ctx, tx, id);
    if (row.status === 'draft') throw new Conflict(`${E}.draft`);
    const changed = on
      ? await tx.query(
          'insert into decision_follows (decision_id, user_id) values ($1, $2) on conflict do nothing returning decision_id',
          [row.id, userId],
        )
      : await tx.query(
          'delete from decision_follows where decision_id = $1 and user_id = $2 returning decision_id',
          [row.id, userId],
        );
    if (changed.length) await auditIt(tx, ctx, on ? 'follow' : 'unfollow', row.id);
  });
}
export const followDecision = (ctx: ServiceContext, id: string) => toggleFollow(ctx, id, true);
export const unfollowDecision = (ctx: ServiceContext, id: string) => toggleFollow(ctx, id, false);

/** For the form: the decision's fields as an officer would type them. */
export function formValues(d: Decision): Record<string, string> {
  const [y, m, day] = (d.dueOn ?? '').split('-');
  return {
    title: d.title,
    background: d.background,
    kind: d.kind,
    deciderKind: d.deciderKind,
    deciderName: d.deciderName,
    'dueOn-day': day ? String(Number(day)) : '',
    'dueOn-month': m ? String(Number(m)) : '',
    'dueOn-year': y ?? '',
    ward: d.ward?.slug ?? '',
    coProduced: d.coProduced ? 'yes' : '',
    partners: d.partners.map((p) => p.name).join('\n'),
  };
}

export const coProducible = (kind: Kind) => CO_PRODUCIBLE.includes(kind);

/** Figures for the annual report: decisions made (and reviewed), and open for input now. */
export async function decisionStats(ctx: ServiceContext): Promise<Stat[]> {
  const [row] = await ctx.db.query<{ made: number; open: number }>(
    `select count(*) filter (where status in ('made', 'reviewed'))::int as made,
       count(*) filter (where status = 'open')::int as open
     from decisions where place_id = $1`,
    [ctx.place.id],
  );
  return [
    { key: 'decisions-made', labelKey: 'decisions.stats.made', value: row?.made ?? 0 },
    { key: 'decisions-open', labelKey: 'decisions.stats.open', value: row?.open ?? 0 },
  ];
}

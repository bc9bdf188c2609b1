import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { Conflict, Forbidden, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import {
  type Assembly,
  getAssembly,
  memberRecord,
  requireAssignedOfficer,
} from '../setup/assembly-service.js';
import {
  RESPONSE_OUTCOMES,
  RecommendationInput,
  ResponseInput,
  type ResponseOutcome,
  type SupportChoice,
  SupportInput,
  UpdateInput,
  type UpdateStatus,
} from './deliberation-input.js';

/**
 * What the assembly recommends and what the council does about it. Officers write the members'
 * recommendations up as drafts; serving members say whether they support each; officers publish
 * it with the counts frozen ("31 of 40 members supported"); the council responds to each in
 * public with its reasons, and posts delivery updates. Drafts are never public, and no member's
 * own answer is ever shown to anyone but them.
 */

const M = 'assemblies.deliberation';

export type Support = { members: number; support: number; oppose: number; abstain: number };

export type CouncilResponse = {
  outcome: ResponseOutcome;
  reasons: string;
  decisionUrl: string | null;
  respondedAt: Date;
  updatedAt: Date;
};

export type DeliveryUpdate = { status: UpdateStatus; body: string; date: string; postedAt: Date };

export type Recommendation = {
  id: string;
  number: number;
  title: string;
  body: string;
  status: 'draft' | 'published';
  publishedAt: Date | null;
  /** Frozen when published; for a draft, the count so far (officers only). */
  support: Support;
  response: CouncilResponse | null;
  /** Newest first. */
  updates: DeliveryUpdate[];
};

export type ResponseSummary = Record<ResponseOutcome, number> & { awaiting: number };

type Row = {
  id: string;
  number: number;
  title: string;
  body: string;
  status: 'draft' | 'published';
  published_at: Date | null;
  members_count: number | null;
  support_count: number | null;
  oppose_count: number | null;
  abstain_count: number | null;
  outcome: ResponseOutcome | null;
  reasons: string | null;
  decision_url: string | null;
  responded_at: Date | null;
  response_updated_at: Date | null;
};

/** How many serving members the assembly has now. */
async function servingMembers(db: Db | Tx, assemblyId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    "select count(*)::int as n from assembly_respondents where assembly_id = $1 and status = 'selected'",
    [assemblyId],
  );
  return Number(row?.n ?? 0);
}

/** The support so far for some draft recommendations, counting serving members only. */
async function liveSupport(db: Db | Tx, assemblyId: string, ids: string[]): Promise<Map<string, Support>> {
  const members = await servingMembers(db, assemblyId);
  const out = new Map<string, Support>(ids.map((id) => [id, { members, support: 0, oppose: 0, abstain: 0 }]));
  if (!ids.length) return out;
  const rows = await db.query<{ recommendation_id: string; choice: SupportChoice; n: number }>(
    `select v.recommendation_id, v.choice, count(*)::int as n
     from assembly_recommendation_votes v join assembly_respondents r on r.id = v.respondent_id
     where v.recommendation_id = any($1::uuid[]) and r.status = 'selected'
     group by v.recommendation_id, v.choice`,
    [ids],
  );
  for (const r of rows) {
    const s = out.get(r.recommendation_id);
    if (s) s[r.choice] = Number(r.n);
  }
  return out;
}

async function load(
  db: Db | Tx,
  assembly: Assembly,
  where: { publishedOnly: boolean; number?: number },
): Promise<Recommendation[]> {
  const params: unknown[] = [assembly.id];
  let filter = '';
  if (where.publishedOnly) filter += " and r.status = 'published'";
  if (where.number !== undefined) {
    params.push(where.number);
    filter += ` and r.number = $${params.length}`;
  }
  const rows = await db.query<Row>(
    `select r.id, r.number, r.title, r.body, r.status, r.published_at, r.members_count, r.support_count,
            r.oppose_count, r.abstain_count, p.outcome, p.reasons, p.decision_url, p.responded_at,
            p.updated_at as response_updated_at
     from assembly_recommendations r
     left join assembly_recommendation_responses p on p.recommendation_id = r.id
     where r.assembly_id = $1${filter} order by r.number`,
    params as string[],
  );
  const ids = rows.map((r) => r.id);
  const updates = new Map<string, DeliveryUpdate[]>(ids.map((id) => [id, []]));
  if (ids.length) {
    const list = await db.query<{
      recommendation_id: string;
      status: UpdateStatus;
      body: string;
      update_date: string;
      posted_at: Date;
    }>(
      `select recommendation_id, status, body, to_char(update_date, 'YYYY-MM-DD') as update_date, posted_at
       from assembly_recommendation_updates where recommendation_id = any($1::uuid[])
       order by update_date desc, posted_at desc, id`,
      [ids],
    );
    for (const u of list)
      updates.get(u.recommendation_id)?.push({
        status: u.status,
        body: u.body,
        date: u.update_date,
        postedAt: new Date(u.posted_at),
      });
  }
  const drafts = rows.filter((r) => r.status === 'draft').map((r) => r.id);
  const live = drafts.length ? await liveSupport(db, assembly.id, drafts) : new Map<string, Support>();
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    title: r.title,
    body: r.body,
    status: r.status,
    publishedAt: r.published_at ? new Date(r.published_at) : null,
    support:
      r.status === 'published'
        ? {
            members: Number(r.members_count ?? 0),
            support: Number(r.support_count ?? 0),
            oppose: Number(r.oppose_count ?? 0),
            abstain: Number(r.abstain_count ?? 0),
          }
        : (live.get(r.id) ?? { members: 0, support: 0, oppose: 0, abstain: 0 }),
    response:
      r.outcome && r.reasons !== null && r.responded_at
        ? {
            outcome: r.outcome,
            reasons: r.reasons,
            decisionUrl: r.decision_url,
            respondedAt: new Date(r.responded_at),
            updatedAt: new Date(r.response_updated_at ?? r.responded_at),
          }
        : null,
    updates: updates.get(r.id) ?? [],
  }));
}

export function summarise(recommendations: Recommendation[]): ResponseSummary {
  const summary: ResponseSummary = { accepted: 0, 'partly-accepted': 0, 'not-accepted': 0, awaiting: 0 };
  for (const r of recommendations) {
    if (r.status !== 'published') continue;
    if (r.response) summary[r.response.outcome]++;
    else summary.awaiting++;
  }
  return summary;
}

/** The published recommendations with the council's responses (public). */
export async function listPublished(ctx: ServiceContext, slug: string) {
  const assembly = await getAssembly(ctx, slug);
  const recommendations = await load(ctx.db, assembly, { publishedOnly: true });
  return { assembly, recommendations, summary: summarise(recommendations) };
}

/** "3", from the address: a whole recommendation number, or no such page. */
export function recommendationNumber(text: string | number): number {
  if (typeof text === 'number') return text;
  if (!/^[1-9]\d{0,5}$/.test(text)) throw new NotFound(`${M}.noRecommendation`);
  return Number(text);
}

/** One published recommendation, with its response and delivery timeline (public; drafts are not found). */
export async function getPublished(ctx: ServiceContext, slug: string, number: string | number) {
  const assembly = await getAssembly(ctx, slug);
  const [recommendation] = await load(ctx.db, assembly, {
    publishedOnly: true,
    number: recommendationNumber(number),
  });
  if (!recommendation) throw new NotFound(`${M}.noRecommendation`);
  return { assembly, recommendation };
}

/** Every recommendation, drafts with their support so far (assigned officers). */
export async function listForOfficers(ctx: ServiceContext, slug: string) {
  const assembly = await getAssembly(ctx, slug);
  await requireAssignedOfficer(ctx, assembly);
  const recommendations = await load(ctx.db, assembly, { publishedOnly: false });
  return { assembly, recommendations, summary: summarise(recommendations) };
}

/** One recommendation, draft or published (assigned officers). */
export async function getForOfficer(ctx: ServiceContext, slug: string, number: string | number) {
  const assembly = await getAssembly(ctx, slug);
  await requireAssignedOfficer(ctx, assembly);
  const [recommendation] = await load(ctx.db, assembly, {
    publishedOnly: false,
    number: recommendationNumber(number),
  });
  if (!recommendation) throw new NotFound(`${M}.noRecommendation`);
  return { assembly, recommendation };
}

async function lockRow(tx: Tx, assemblyId: string, number: number) {
  const [row] = await tx.query<{ id: string; status: 'draft' | 'published'; title: string; body: string }>(
    `select id, status, title, body from assembly_recommendations
     where assembly_id = $1 and number = $2 for update`,
    [assemblyId, number],
  );
  if (!row) throw new NotFound(`${M}.noRecommendation`);
  return row;
}

/** Writes up a new draft recommendation (assigned officers). Returns its number. */
export async function createRecommendation(ctx: ServiceContext, slug: string, raw: unknown): Promise<number> {
  const assembly = await getAssembly(ctx, slug);
  await requireAssignedOfficer(ctx, assembly);
  const input = validated(RecommendationInput, raw);
  return withTransaction(ctx.db, async (tx) => {
    await tx.query('select 1 from assemblies where id = $1 for update', [assembly.id]);
    const [next] = await tx.query<{ n: number }>(
      'select coalesce(max(number), 0) + 1 as n from assembly_recommendations where assembly_id = $1',
      [assembly.id],
    );
    const number = Number(next?.n ?? 1);
    const [row] = await tx.query<{ id: string }>(
      `insert into assembly_recommendations (assembly_id, number, title, body, created_by)
       values ($1, $2, $3, $4, $5) returning id`,
      [assembly.id, number, input.title, input.body, ctx.actor?.userId ?? null],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'assemblies.recommendation.create',
      targetType: 'assembly_recommendation',
      targetId: row?.id ?? null,
      after: { assembly: assembly.slug, number, ...input },
      requestId: ctx.requestId ?? null,
    });
    return number;
  });
}

/** Changes a draft's wording (assigned officers). A published recommendation stays as published. */
export async function updateRecommendation(
  ctx: ServiceContext,
  slug: string,
  number: string | number,
  raw: unknown,
): Promise<void> {
  const assembly = await getAssembly(ctx, slug);
  await requireAssignedOfficer(ctx, assembly);
  const n = recommendationNumber(number);
  const input = validated(RecommendationInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const row = await lockRow(tx, assembly.id, n);
    if (row.status !== 'draft') throw new Conflict(`${M}.alreadyPublished`);
    await tx.query(
      'update assembly_recommendations set title = $2, body = $3, updated_at = now() where id = $1',
      [row.id, input.title, input.body],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'assemblies.recommendation.update',
      targetType: 'assembly_recommendation',
      targetId: row.id,
      before: { title: row.title, body: row.body },
      after: input,
      requestId: ctx.requestId ?? null,
    });
  });
}

/**
 * Publishes a draft (assigned officers), once members have said whether they support it: the
 * counts are frozen with it and it becomes public for good.
 */
export async function publishRecommendation(
  ctx: ServiceContext,
  slug: string,
  number: string | number,
): Promise<Support> {
  const assembly = await getAssembly(ctx, slug);
  await requireAssignedOfficer(ctx, assembly);
  const n = recommendationNumber(number);
  return withTransaction(ctx.db, async (tx) => {
    const row = await lockRow(tx, assembly.id, n);
    if (row.status !== 'draft') throw new Conflict(`${M}.alreadyPublished`);
    const support = (await liveSupport(tx, assembly.id, [row.id])).get(row.id) as Support;
    await tx.query(
      `update assembly_recommendations set status = 'published', published_at = now(), updated_at = now(),
         members_count = $2, support_count = $3, oppose_count = $4, abstain_count = $5 where id = $1`,
      [row.id, support.members, support.support, support.oppose, support.abstain],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'assemblies.recommendation.publish',
      targetType: 'assembly_recommendation',
      targetId: row.id,
      before: { status: 'draft' },
      after: { status: 'published', assembly: assembly.slug, number: n, ...support },
      requestId: ctx.requestId ?? null,
    });
    return support;
  });
}

/** The signed-in serving member, or Forbidden with a reason the page explains. */
export async function requireMember(ctx: ServiceContext, assembly: Assembly) {
  const member = await memberRecord(ctx, assembly);
  if (!member) throw new Forbidden(`${M}.members.notMember`);
  return member;
}

/**
 * The members' area: the draft recommendations with the member's own answer to each (serving
 * members only).
 */
export async function draftsForMember(ctx: ServiceContext, slug: string) {
  const assembly = await getAssembly(ctx, slug);
  const member = await requireMember(ctx, assembly);
  const drafts = await ctx.db.query<{
    number: number;
    title: string;
    body: string;
    choice: SupportChoice | null;
  }>(
    `select r.number, r.title, r.body, v.choice from assembly_recommendations r
     left join assembly_recommendation_votes v on v.recommendation_id = r.id and v.respondent_id = $2
     where r.assembly_id = $1 and r.status = 'draft' order by r.number`,
    [assembly.id, member.respondentId],
  );
  return { assembly, member, drafts };
}

/**
 * A serving member says whether they support a draft recommendation: one answer each, which they
 * can change until it is published. Their answer is theirs alone; only the counts are published.
 */
export async function castSupport(
  ctx: ServiceContext,
  slug: string,
  number: string | number,
  raw: unknown,
): Promise<SupportChoice> {
  const assembly = await getAssembly(ctx, slug);
  const member = await requireMember(ctx, assembly);
  const n = recommendationNumber(number);
  const { choice } = validated(SupportInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const row = await lockRow(tx, assembly.id, n);
    if (row.status !== 'draft') throw new Conflict(`${M}.members.votingClosed`);
    const [before] = await tx.query<{ choice: SupportChoice }>(
      'select choice from assembly_recommendation_votes where recommendation_id = $1 and respondent_id = $2',
      [row.id, member.respondentId],
    );
    await tx.query(
      `insert into assembly_recommendation_votes (recommendation_id, respondent_id, choice)
       values ($1, $2, $3)
       on conflict (recommendation_id, respondent_id) do update set choice = excluded.choice, voted_at = now()`,
      [row.id, member.respondentId, choice],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'assemblies.recommendation.support',
      targetType: 'assembly_recommendation',
      targetId: row.id,
      // The member's reference, never their name: audit entries can be read by admins.
      before: before ? { member: member.reference, choice: before.choice } : null,
      after: { member: member.reference, choice },
      requestId: ctx.requestId ?? null,
    });
  });
  return choice;
}

/**
 * Records (or corrects) the council's response to a published recommendation (assigned
 * officers): accepted, partly accepted or not accepted, always with reasons. A change keeps the
 * first response date and is audited with what it said before.
 */
export async function recordResponse(
  ctx: ServiceContext,
  slug: string,
  number: string | number,
  raw: unknown,
): Promise<'recorded' | 'changed'> {
  const assembly = await getAssembly(ctx, slug);
  await requireAssignedOfficer(ctx, assembly);
  const n = recommendationNumber(number);
  const input = validated(ResponseInput, raw);
  return withTransaction(ctx.db, async (tx) => {
    const row = await lockRow(tx, assembly.id, n);
    if (row.status !== 'published') throw new Conflict(`${M}.notPublished`);
    const [before] = await tx.query<{ outcome: string; reasons: string; decision_url: string | null }>(
      'select outcome, reasons, decision_url from assembly_recommendation_responses where recommendation_id = $1',
      [row.id],
    );
    await tx.query(
      `insert into assembly_recommendation_responses (recommendation_id, outcome, reasons, decision_url, responded_by)
       values ($1, $2, $3, $4, $5)
       on conflict (recommendation_id) do update set outcome = excluded.outcome, reasons = excluded.reasons,
         decision_url = excluded.decision_url, responded_by = excluded.responded_by, updated_at = now()`,
      [row.id, input.outcome, input.reasons, input.decisionUrl, ctx.actor?.userId ?? null],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: before ? 'assemblies.response.change' : 'assemblies.response.record',
      targetType: 'assembly_recommendation',
      targetId: row.id,
      before: before
        ? { outcome: before.outcome, reasons: before.reasons, decisionUrl: before.decision_url }
        : null,
      after: { assembly: assembly.slug, number: n, ...input },
      requestId: ctx.requestId ?? null,
    });
    return before ? 'changed' : 'recorded';
  });
}

/**
 * Posts a delivery update on a recommendation the council accepted in whole or in part
 * (assigned officers).
 */
export async function postUpdate(
  ctx: ServiceContext,
  slug: string,
  number: string | number,
  raw: unknown,
): Promise<void> {
  const assembly = await getAssembly(ctx, slug);
  await requireAssignedOfficer(ctx, assembly);
  const n = recommendationNumber(number);
  const input = validated(UpdateInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const row = await lockRow(tx, assembly.id, n);
    const [response] = await tx.query<{ outcome: ResponseOutcome }>(
      'select outcome from assembly_recommendation_responses where recommendation_id = $1',
      [row.id],
    );
    if (!response || response.outcome === 'not-accepted') throw new Conflict(`${M}.updates.notAccepted`);
    const [inserted] = await tx.query<{ id: string }>(
      `insert into assembly_recommendation_updates (recommendation_id, status, body, update_date, posted_by)
       values ($1, $2, $3, $4, $5) returning id`,
      [row.id, input.status, input.body, input.date, ctx.actor?.userId ?? null],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'assemblies.recommendation.update-posted',
      targetType: 'assembly_recommendation',
      targetId: row.id,
      after: { assembly: assembly.slug, number: n, update: inserted?.id ?? null, ...input },
      requestId: ctx.requestId ?? null,
    });
  });
}

export { RESPONSE_OUTCOMES };

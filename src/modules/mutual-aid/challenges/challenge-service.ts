import { type Disclosed, discloseCount, disclosePartsOfTotal } from '../../../lib/disclosure/index.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Tx } from '../../../platform/db/types.js';
import { Conflict, Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import {
  checkPosting,
  type ItemStatus,
  onModerationStatusChange,
  registerPost,
} from '../../../platform/moderation/moderation-service.js';
import { can } from '../../../platform/roles/permissions.js';
import { getWard } from '../../wards/ward-service.js';
import {
  type ChallengeInput,
  challengeInput,
  type ResponseKind,
  responseInput,
  updateInput,
} from './challenge-input.js';

export const MANAGE = 'mutual-aid.challenges';
export const RESPOND = 'mutual-aid.challenge-respond';

export type ChallengeStatus = 'draft' | 'published' | 'closed';

/** A figure as anyone may see it: its value already passed through small-number suppression. */
export type PublicFigure = {
  position: number;
  label: string;
  value: Disclosed;
  partOf: number | null;
  sourceName: string;
  sourceUrl: string;
  asOf: Date;
};
export type ImpactStep = { position: number; step: string; evidenceUrl: string | null; evidenceText: string };
export type ProgressUpdate = { id: string; body: string; measureValue: Disclosed | null; asOf: Date };
/** A public answer: a name only when its author chose to show it, text only once published. */
export type PublicResponse = {
  id: string;
  kind: ResponseKind;
  body: string;
  name: string | null;
  groupName: string | null;
  groupSlug: string | null;
  createdAt: Date;
};
export type ResponseCounts = Record<ResponseKind, number>;

export type ChallengeSummary = {
  id: string;
  title: string;
  summary: string;
  wardCode: string | null;
  wardName: string | null;
  wardSlug: string | null;
  area: string;
  howToHelp: string;
  measureName: string;
  measureBaseline: Disclosed | null;
  measureTarget: number | null;
  latestMeasure: Disclosed | null;
  status: ChallengeStatus;
  publishedAt: Date | null;
  counts: ResponseCounts;
};

export type ChallengeView = ChallengeSummary & {
  figures: PublicFigure[];
  steps: ImpactStep[];
  updates: ProgressUpdate[];
  responses: PublicResponse[];
  /** The viewer's own answers, with whether a moderator has yet to check them. */
  own: { id: string; kind: ResponseKind; body: string; moderationStatus: ItemStatus }[];
};

type ChallengeRow = {
  id: string;
  title: string;
  summary: string;
  ward_code: string | null;
  ward_name: string | null;
  ward_slug: string | null;
  area: string;
  how_to_help: string;
  measure_name: string;
  measure_baseline: number | null;
  measure_target: number | null;
  latest_measure: number | null;
  status: ChallengeStatus;
  published_at: Date | null;
  pledges: number;
  groups: number;
  ideas: number;
};

// Pending answers count (a pledge is a public action, not content); hidden ones do not.
const SELECT = `select c.id, c.title, c.summary, c.ward_code, w.name as ward_name, w.slug as ward_slug, c.area,
  c.how_to_help, c.measure_name, c.measure_baseline, c.measure_target, c.status, c.published_at,
  (select u.measure_value from aid_challenge_updates u where u.challenge_id = c.id and u.measure_value is not null
    order by u.as_of desc, u.created_at desc limit 1) as latest_measure,
  (select count(*)::int from aid_challenge_responses r where r.challenge_id = c.id and r.kind = 'pledge' and r.moderation_status <> 'hidden') as pledges,
  (select count(*)::int from aid_challenge_responses r where r.challenge_id = c.id and r.kind = 'start-group' and r.moderation_status <> 'hidden') as groups,
  (select count(*)::int from aid_challenge_responses r where r.challenge_id = c.id and r.kind = 'idea' and r.moderation_status <> 'hidden') as ideas
  from aid_challenges c left join wards w on w.place_id = c.place_id and w.code = c.ward_code`;

const disclosedOrNull = (n: number | null) => (n === null ? null : discloseCount(n));

function toSummary(r: ChallengeRow): ChallengeSummary {
  return {
    id: r.id,
    title: r.title,
    summary: r.summary,
    wardCode: r.ward_code,
    wardName: r.ward_name,
    wardSlug: r.ward_slug,
    area: r.area,
    howToHelp: r.how_to_help,
    measureName: r.measure_name,
    // Measured values are counts of people, so they are suppressed like any figure; a target is not.
    measureBaseline: disclosedOrNull(r.measure_baseline),
    measureTarget: r.measure_target,
    latestMeasure: disclosedOrNull(r.latest_measure),
    status: r.status,
    publishedAt: r.published_at ? new Date(r.published_at) : null,
    counts: { pledge: r.pledges, 'start-group': r.groups, idea: r.ideas },
  };
}

const isManager = (ctx: ServiceContext) => can(ctx.actor, MANAGE);

/** Published and closed challenges, newest first; officers also get the drafts. */
export async function listChallenges(
  ctx: ServiceContext,
  options: { drafts?: boolean } = {},
): Promise<ChallengeSummary[]> {
  const statuses =
    options.drafts && isManager(ctx) ? ['draft', 'published', 'closed'] : ['published', 'closed'];
  const rows = await ctx.db.query<ChallengeRow>(
    `${SELECT} where c.place_id = $1 and c.status = any($2::text[])
     order by c.status = 'closed', c.published_at desc nulls first, c.created_at desc`,
    [ctx.place.id, statuses],
  );
  return rows.map(toSummary);
}

async function challengeRow(ctx: ServiceContext, id: string): Promise<ChallengeRow> {
  if (!isUuid(id)) throw new NotFound('No such challenge');
  const [row] = await ctx.db.query<ChallengeRow>(`${SELECT} where c.place_id = $1 and c.id = $2`, [
    ctx.place.id,
    id,
  ]);
  // A draft does not exist for anyone but the officers who may publish it.
  if (!row || (row.status === 'draft' && !isManager(ctx))) throw new NotFound('No such challenge');
  return row;
}

type FigureRow = {
  position: number;
  label: string;
  value: number;
  part_of: number | null;
  source_name: string;
  source_url: string;
  as_of: string;
};

const dateOnly = (s: string) => new Date(`${s}T00:00:00Z`);

/**
 * Figures as published: each total with its parts goes through secondary suppression, every
 * other figure through the rule for one count. The true small values never leave this function.
 */
export function discloseFigures(rows: FigureRow[]): PublicFigure[] {
  const disclosed = new Map<number, Disclosed>();
  const positions = new Set(rows.map((r) => r.position));
  const parentsOf = new Set(
    rows.filter((r) => r.part_of !== null && positions.has(r.part_of)).map((r) => r.part_of),
  );
  for (const total of rows.filter((r) => parentsOf.has(r.position))) {
    const parts = rows.filter((r) => r.part_of === total.position);
    const out = disclosePartsOfTotal(
      parts.map((p) => p.value),
      total.value,
    );
    parts.forEach((p, i) => {
      disclosed.set(p.position, out.parts[i] as Disclosed);
    });
    disclosed.set(total.position, out.total as Disclosed);
  }
  return rows.map((r) => ({
    position: r.position,
    label: r.label,
    value: disclosed.get(r.position) ?? discloseCount(r.value),
    partOf: r.part_of,
    sourceName: r.source_name,
    sourceUrl: r.source_url,
    asOf: dateOnly(r.as_of),
  }));
}

async function figureRows(ctx: ServiceContext, id: string) {
  return ctx.db.query<FigureRow>(
    `select position, label, value, part_of, source_name, source_url, to_char(as_of, 'YYYY-MM-DD') as as_of
     from aid_challenge_figures where challenge_id = $1 order by position`,
    [id],
  );
}

async function stepRows(ctx: ServiceContext, id: string): Promise<ImpactStep[]> {
  const rows = await ctx.db.query<{
    position: number;
    step: string;
    evidence_url: string | null;
    evidence_text: string;
  }>(
    'select position, step, evidence_url, evidence_text from aid_challenge_impact_steps where challenge_id = $1 order by position',
    [id],
  );
  return rows.map((r) => ({
    position: r.position,
    step: r.step,
    evidenceUrl: r.evidence_url,
    evidenceText: r.evidence_text,
  }));
}

/** One challenge as its public page and the open data show it (drafts: officers only). */
export async function getChallenge(ctx: ServiceContext, id: string): Promise<ChallengeView> {
  const row = await challengeRow(ctx, id);
  const [figures, steps, updates, responses, own] = await Promise.all([
    figureRows(ctx, id),
    stepRows(ctx, id),
    ctx.db.query<{ id: string; body: string; measure_value: number | null; as_of: string }>(
      `select id, body, measure_value, to_char(as_of, 'YYYY-MM-DD') as as_of from aid_challenge_updates
       where challenge_id = $1 order by as_of, created_at`,
      [id],
    ),
    ctx.db.query<{
      id: string;
      kind: ResponseKind;
      body: string;
      name: string | null;
      group_name: string | null;
      group_slug: string | null;
      created_at: Date;
    }>(
      `select r.id, r.kind, r.body, case when r.show_name then nullif(u.display_name, '') end as name,
         g.name as group_name, g.slug as group_slug, r.created_at
       from aid_challenge_responses r
       left join users u on u.id = r.user_id and u.deleted_at is null
       left join directory_groups g on g.id = r.group_id and g.moderation_status = 'published'
       where r.challenge_id = $1 and r.moderation_status = 'published' order by r.created_at desc limit 200`,
      [id],
    ),
    ctx.actor
      ? ctx.db.query<{ id: string; kind: ResponseKind; body: string; moderation_status: ItemStatus }>(
          `select id, kind, body, moderation_status from aid_challenge_responses
           where challenge_id = $1 and user_id = $2 order by created_at`,
          [id, ctx.actor.userId],
        )
      : Promise.resolve([]),
  ]);
  return {
    ...toSummary(row),
    figures: discloseFigures(figures),
    steps,
    updates: updates.map((u) => ({
      id: u.id,
      body: u.body,
      measureValue: disclosedOrNull(u.measure_value),
      asOf: dateOnly(u.as_of),
    })),
    responses: responses.map((r) => ({
      id: r.id,
      kind: r.kind,
      body: r.body,
      name: r.name,
      groupName: r.group_name,
      groupSlug: r.group_slug,
      createdAt: new Date(r.created_at),
    })),
    own: own.map((o) => ({ id: o.id, kind: o.kind, body: o.body, moderationStatus: o.moderation_status })),
  };
}

/** The challenge as the edit form holds it, true figures included: officers only. */
export async function challengeFormValues(ctx: ServiceContext, id: string): Promise<Record<string, string>> {
  if (!isManager(ctx)) throw new Forbidden();
  const row = await challengeRow(ctx, id);
  const [[raw], figures, steps] = await Promise.all([
    ctx.db.query<{ measure_baseline: number | null }>(
      'select measure_baseline from aid_challenges where id = $1',
      [id],
    ),
    figureRows(ctx, id),
    stepRows(ctx, id),
  ]);
  const values: Record<string, string> = {
    title: row.title,
    summary: row.summary,
    ward: row.ward_slug ?? '',
    area: row.area,
    howToHelp: row.how_to_help,
    measureName: row.measure_name,
    measureBaseline: raw?.measure_baseline === null || raw === undefined ? '' : String(raw.measure_baseline),
    measureTarget: row.measure_target === null ? '' : String(row.measure_target),
  };
  for (const f of figures) {
    const [y, m, d] = f.as_of.split('-');
    Object.assign(values, {
      [`figure${f.position}Label`]: f.label,
      [`figure${f.position}Value`]: String(f.value),
      [`figure${f.position}PartOf`]: f.part_of === null ? '' : String(f.part_of),
      [`figure${f.position}Source`]: f.source_name,
      [`figure${f.position}SourceUrl`]: f.source_url,
      [`figure${f.position}AsOf-day`]: String(Number(d)),
      [`figure${f.position}AsOf-month`]: String(Number(m)),
      [`figure${f.position}AsOf-year`]: y ?? '',
    });
  }
  for (const s of steps)
    Object.assign(values, {
      [`step${s.position}Text`]: s.step,
      [`step${s.position}EvidenceUrl`]: s.evidenceUrl ?? '',
      [`step${s.position}EvidenceText`]: s.evidenceText,
    });
  return values;
}

async function resolveWard(ctx: ServiceContext, input: ChallengeInput): Promise<string | null> {
  if (!input.ward) return null;
  const ward = await getWard(ctx, input.ward).catch(() => null);
  if (!ward) throw new Invalid({ ward: 'mutualAid.challenges.errors.wardUnknown' });
  return ward.code;
}

async function writeParts(tx: Tx, id: string, input: ChallengeInput) {
  await tx.query('delete from aid_challenge_figures where challenge_id = $1', [id]);
  await tx.query('delete from aid_challenge_impact_steps where challenge_id = $1', [id]);
  for (const f of input.figures)
    await tx.query(
      `insert into aid_challenge_figures (challenge_id, position, label, value, part_of, source_name, source_url, as_of)
       values ($1, $2, $3, $4, $5, $6, $7, $8::date)`,
      [
        id,
        f.position,
        f.label,
        f.value,
        f.partOf,
        f.sourceName,
        f.sourceUrl,
        f.asOf.toISOString().slice(0, 10),
      ],
    );
  for (const s of input.steps)
    await tx.query(
      `insert into aid_challenge_impact_steps (challenge_id, position, step, evidence_url, evidence_text)
       values ($1, $2, $3, $4, $5)`,
      [id, s.position, s.step, s.evidenceUrl, s.evidenceText],
    );
}

const auditShape = (input: ChallengeInput, wardCode: string | null) => ({
  title: input.title,
  ward: wardCode,
  area: input.area,
  measure: input.measureName,
  baseline: input.measureBaseline,
  target: input.measureTarget,
  figures: input.figures.map((f) => ({
    label: f.label,
    value: f.value,
    partOf: f.partOf,
    source: f.sourceUrl,
  })),
  steps: input.steps.length,
});

/** An officer drafts a challenge; nothing is public until it is published. Returns its id. */
export async function createChallenge(ctx: ServiceContext, raw: unknown, now = new Date()): Promise<string> {
  if (!isManager(ctx)) throw new Forbidden();
  const input = validated(challengeInput(now), raw);
  const wardCode = await resolveWard(ctx, input);
  return withTransaction(ctx.db, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into aid_challenges (place_id, title, summary, ward_code, area, how_to_help, measure_name,
         measure_baseline, measure_target, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
      [
        ctx.place.id,
        input.title,
        input.summary,
        wardCode,
        input.area,
        input.howToHelp,
        input.measureName,
        input.measureBaseline,
        input.measureTarget,
        ctx.actor?.userId ?? null,
      ],
    );
    const id = row?.id as string;
    await writeParts(tx, id, input);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'mutual-aid.challenge.create',
      targetType: 'aid-challenge',
      targetId: id,
      after: auditShape(input, wardCode),
      requestId: ctx.requestId ?? null,
    });
    return id;
  });
}

/** An officer corrects or completes a challenge, published or not. */
export async function updateChallenge(ctx: ServiceContext, id: string, raw: unknown, now = new Date()) {
  if (!isManager(ctx)) throw new Forbidden();
  const before = await challengeFormValues(ctx, id);
  const input = validated(challengeInput(now), raw);
  const wardCode = await resolveWard(ctx, input);
  await withTransaction(ctx.db, async (tx) => {
    await tx.query(
      `update aid_challenges set title = $3, summary = $4, ward_code = $5, area = $6, how_to_help = $7,
         measure_name = $8, measure_baseline = $9, measure_target = $10, updated_at = now()
       where place_id = $1 and id = $2`,
      [
        ctx.place.id,
        id,
        input.title,
        input.summary,
        wardCode,
        input.area,
        input.howToHelp,
        input.measureName,
        input.measureBaseline,
        input.measureTarget,
      ],
    );
    await writeParts(tx, id, input);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'mutual-aid.challenge.update',
      targetType: 'aid-challenge',
      targetId: id,
      before,
      after: auditShape(input, wardCode),
      requestId: ctx.requestId ?? null,
    });
  });
}

/** Publishing a draft, or closing a published challenge (answers stop; the page stays). */
export async function setChallengeStatus(ctx: ServiceContext, id: string, status: 'published' | 'closed') {
  if (!isManager(ctx)) throw new Forbidden();
  const row = await challengeRow(ctx, id);
  const allowed = status === 'published' ? row.status === 'draft' : row.status === 'published';
  if (!allowed) throw new Conflict(`A ${row.status} challenge cannot become ${status}`);
  await withTransaction(ctx.db, async (tx) => {
    await tx.query(
      `update aid_challenges set status = $3, published_at = coalesce(published_at, case when $3 = 'published' then now() end),
         updated_at = now() where place_id = $1 and id = $2`,
      [ctx.place.id, id, status],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: `mutual-aid.challenge.${status === 'published' ? 'publish' : 'close'}`,
      targetType: 'aid-challenge',
      targetId: id,
      before: { status: row.status },
      after: { status },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** An officer reports progress, with the outcome measure's latest value if there is one. */
export async function addProgressUpdate(ctx: ServiceContext, id: string, raw: unknown, now = new Date()) {
  if (!isManager(ctx)) throw new Forbidden();
  const row = await challengeRow(ctx, id);
  if (row.status === 'draft') throw new Conflict('Publish the challenge before reporting progress');
  const input = validated(updateInput(now), raw);
  return withTransaction(ctx.db, async (tx) => {
    const [u] = await tx.query<{ id: string }>(
      `insert into aid_challenge_updates (challenge_id, body, measure_value, as_of, created_by)
       values ($1, $2, $3, $4::date, $5) returning id`,
      [id, input.body, input.measureValue, input.asOf.toISOString().slice(0, 10), ctx.actor?.userId ?? null],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'mutual-aid.challenge.progress',
      targetType: 'aid-challenge',
      targetId: id,
      after: { update: u?.id, measureValue: input.measureValue, asOf: input.asOf },
      requestId: ctx.requestId ?? null,
    });
    return u?.id as string;
  });
}

/** The groups in this place that the person organises, to answer on a group's behalf. */
export async function groupsToAnswerFor(ctx: ServiceContext): Promise<{ id: string; name: string }[]> {
  if (!ctx.actor) return [];
  return ctx.db.query<{ id: string; name: string }>(
    `select g.id, g.name from directory_group_members m join directory_groups g on g.id = m.group_id
     where m.user_id = $1 and m.role = 'organiser' and g.place_id = $2 order by g.name`,
    [ctx.actor.userId, ctx.place.id],
  );
}

async function setResponseModeration(tx: Tx, id: string, status: ItemStatus) {
  await tx.query('update aid_challenge_responses set moderation_status = $2 where id = $1::uuid', [
    id,
    status,
  ]);
}
onModerationStatusChange('mutual-aid', 'challenge-response', (tx, change) =>
  setResponseModeration(tx, change.contentId, change.status),
);

/**
 * A resident answers a published challenge: a pledge, a group they will start, or an idea.
 * The text is public once a moderator allows it (at once for trusted accounts). Returns the
 * answer's id, or null for a caught bot.
 */
export async function respondToChallenge(
  ctx: ServiceContext,
  id: string,
  raw: unknown,
  meta: { ip: string; honeypot?: unknown },
): Promise<string | null> {
  if (!can(ctx.actor, RESPOND)) throw new Forbidden();
  const row = await challengeRow(ctx, id);
  if (row.status !== 'published') throw new Conflict('This challenge is not taking answers');
  const input = validated(responseInput, raw);
  let groupId: string | null = null;
  if (input.group) {
    const mine = await groupsToAnswerFor(ctx);
    groupId = mine.find((g) => g.id === input.group)?.id ?? null;
    if (!groupId) throw new Invalid({ group: 'mutualAid.challenges.errors.groupNotYours' });
  }
  const mod = { ...ctx, requestId: ctx.requestId ?? '' };
  const verdict = await checkPosting(mod, {
    ip: meta.ip,
    text: input.body,
    honeypot: meta.honeypot,
    field: 'body',
  });
  if (verdict === 'drop') return null;
  return withTransaction(ctx.db, async (tx) => {
    const [r] = await tx.query<{ id: string }>(
      `insert into aid_challenge_responses (challenge_id, kind, user_id, group_id, body, show_name)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [id, input.kind, ctx.actor?.userId ?? null, groupId, input.body, input.showName],
    );
    const responseId = r?.id as string;
    const status = await registerPost(tx, mod, {
      module: 'mutual-aid',
      contentType: 'challenge-response',
      contentId: responseId,
      summary: input.body.slice(0, 200),
      url: `/${ctx.place.slug}/help/challenges/${id}#answers`,
    });
    await setResponseModeration(tx, responseId, status);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: `mutual-aid.challenge.${input.kind}`,
      targetType: 'aid-challenge-response',
      targetId: responseId,
      after: { challenge: id, kind: input.kind, group: groupId, showName: input.showName },
      requestId: ctx.requestId ?? null,
    });
    return responseId;
  });
}

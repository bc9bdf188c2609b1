import type { SqlParam } from '../../../platform/db/types.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Stat } from '../../../platform/module-definition.js';
import { fold, fuzzyWords } from '../../../platform/search/search-service.js';
import { listWards, type Ward } from '../../wards/ward-service.js';
import { STAGES, type Stage, type Theme } from '../idea-kinds.js';
import { challengeTitles } from './call-service.js';
import { type IdeaFilters, NO_WARD, readFilters } from './discovery-filters.js';

/** An idea as the list, the map and the open data show it: no author, by construction. */
export type IdeaListItem = {
  id: string;
  title: string;
  summary: string;
  whoItHelps: string;
  wardCode: string | null;
  wardName: string | null;
  wardSlug: string | null;
  area: string;
  theme: Theme;
  stage: Stage;
  callId: string | null;
  challengeId: string | null;
  supports: number;
  comments: number;
  createdAt: Date;
  lastActivityAt: Date;
};

type Row = {
  id: string;
  title: string;
  summary: string;
  who_it_helps: string;
  ward_code: string | null;
  area: string;
  theme: Theme;
  stage: Stage;
  call_id: string | null;
  challenge_id: string | null;
  supports: number;
  comments: number;
  created_at: Date | string;
  last_activity_at: Date | string;
};

/** A word is found when it is in the text or spelt nearly like a word of it (pg_trgm). */
const WORD_LIKENESS = 0.6;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The conditions every list, count and map share: published ideas of this place only, then the
 * filters. A council challenge is answered directly or through an open call that belongs to it.
 */
function whereFor(
  ctx: ServiceContext,
  f: IdeaFilters,
  params: SqlParam[],
  options: { period?: Period } = {},
): string {
  const p = (v: SqlParam) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = [`i.place_id = ${p(ctx.place.id)}`, `i.moderation_status = 'published'`];
  if (f.ward === NO_WARD) where.push('i.ward_code is null');
  else if (f.ward) where.push(`i.ward_code = ${p(f.ward)}`);
  if (f.stages.length) where.push(`i.stage = any(${p(f.stages)}::text[])`);
  if (f.themes.length) where.push(`i.theme = any(${p(f.themes)}::text[])`);
  if (f.callId) where.push(`i.call_id = ${p(f.callId)}`);
  if (f.challengeId) {
    const id = p(f.challengeId);
    where.push(
      `(i.challenge_id = ${id} or i.call_id in (select c.id from idea_calls c where c.place_id = i.place_id and c.challenge_id = ${id}))`,
    );
  }
  if (f.q) {
    const words = fuzzyWords(f.q);
    if (words.length)
      for (const w of words)
        where.push(
          `(i.fuzzy_text like ${p(`%${escapeLike(w)}%`)} or word_similarity(${p(w)}, i.fuzzy_text) >= ${WORD_LIKENESS})`,
        );
    else where.push(`i.fuzzy_text like ${p(`%${escapeLike(fold(f.q))}%`)}`);
  }
  if (options.period?.from) where.push(`i.created_at >= ${p(options.period.from)}`);
  if (options.period?.to) where.push(`i.created_at < ${p(options.period.to)}`);
  return where.join(' and ');
}

const ORDER: Record<IdeaFilters['sort'], string> = {
  newest: 'i.created_at desc, i.id',
  supported: 'supports desc, i.created_at desc, i.id',
  active: 'i.last_activity_at desc, i.created_at desc, i.id',
};

function toItem(r: Row, wards: Map<string, Ward>): IdeaListItem {
  const ward = r.ward_code ? wards.get(r.ward_code) : undefined;
  return {
    id: r.id,
    title: r.title,
    summary: r.summary,
    whoItHelps: r.who_it_helps,
    wardCode: r.ward_code,
    wardName: ward?.name ?? null,
    wardSlug: ward?.slug ?? null,
    area: r.area,
    theme: r.theme,
    stage: r.stage,
    callId: r.call_id,
    challengeId: r.challenge_id,
    supports: r.supports,
    comments: r.comments,
    createdAt: new Date(r.created_at),
    lastActivityAt: new Date(r.last_activity_at),
  };
}

async function wardsByCode(ctx: ServiceContext): Promise<Map<string, Ward>> {
  return new Map((await listWards(ctx)).map((w) => [w.code, w]));
}

/**
 * Published ideas matching the filters, in the chosen order, a page at a time (all of them
 * without `page`, for the CSV), with how many match in all.
 */
export async function listIdeas(
  ctx: ServiceContext,
  filters: IdeaFilters,
  page?: { limit: number; offset: number },
): Promise<{ items: IdeaListItem[]; total: number }> {
  const params: SqlParam[] = [];
  const where = whereFor(ctx, filters, params);
  const countParams = [...params];
  const limit = page
    ? ` limit ${Math.max(0, Math.trunc(page.limit))} offset ${Math.max(0, Math.trunc(page.offset))}`
    : '';
  const [rows, counted, wards] = await Promise.all([
    ctx.db.query<Row>(
      `select i.id, i.title, i.summary, i.who_it_helps, i.ward_code, i.area, i.theme, i.stage, i.call_id,
         i.challenge_id, i.created_at, i.last_activity_at,
         (select count(*)::int from idea_supports s where s.idea_id = i.id) as supports,
         (select count(*)::int from idea_comments m where m.idea_id = i.id and m.moderation_status = 'published') as comments
       from ideas i where ${where}
       order by ${ORDER[filters.sort]}${limit}`,
      params,
    ),
    ctx.db.query<{ n: number }>(`select count(*)::int as n from ideas i where ${where}`, countParams),
    wardsByCode(ctx),
  ]);
  return { items: rows.map((r) => toItem(r, wards)), total: counted[0]?.n ?? 0 };
}

/**
 * Reads the filters from a query string and looks up what needs the database: the ward (by
 * code or slug), and that the call and the challenge exist in this place. Anything unknown is
 * left out and named in `rejected` (field → message key), never an error of its own.
 */
export async function resolveFilters(
  ctx: ServiceContext,
  query: unknown,
): Promise<{ filters: IdeaFilters; rejected: Record<string, string> }> {
  const { filters, wardAsked, rejected } = readFilters(query);
  if (wardAsked) {
    if (wardAsked === NO_WARD) filters.ward = NO_WARD;
    else {
      const asked = wardAsked.toLowerCase();
      const ward = (await listWards(ctx)).find((w) => w.code.toLowerCase() === asked || w.slug === asked);
      if (ward) filters.ward = ward.code;
      else rejected.ward = 'ideas.discovery.errors.ward';
    }
  }
  if (filters.callId) {
    const found = await ctx.db.query('select 1 from idea_calls where place_id = $1 and id = $2', [
      ctx.place.id,
      filters.callId,
    ]);
    if (!found.length) {
      filters.callId = null;
      rejected.call = 'ideas.discovery.errors.call';
    }
  }
  if (filters.challengeId) {
    const id = filters.challengeId;
    if (!(await challengeTitles(ctx)).has(id)) {
      filters.challengeId = null;
      rejected.challenge = 'ideas.discovery.errors.challenge';
    }
  }
  return { filters, rejected };
}

export type StageCounts = Record<Stage, number>;
export type WardCount = { code: string; slug: string; name: string; total: number; byStage: StageCounts };
export type IdeaCountsByWard = {
  wards: WardCount[];
  /** Ideas for an area described in words (or a ward no longer in the place's list). */
  noWard: { total: number; byStage: StageCounts };
  total: number;
};

/** From and to (exclusive) on when ideas were posted, for a report's year. */
export type Period = { from?: Date; to?: Date };

const noStages = (): StageCounts => Object.fromEntries(STAGES.map((s) => [s, 0])) as StageCounts;

/**
 * How many published ideas each ward has, by stage, every ward listed (with noughts), plus
 * those not in one ward. The map page shows it; the annual report can call it for a period.
 * The ward filter is not applied: this is the breakdown by ward.
 */
export async function ideaCountsByWard(
  ctx: ServiceContext,
  filters: Partial<IdeaFilters> = {},
  period: Period = {},
): Promise<IdeaCountsByWard> {
  const params: SqlParam[] = [];
  const f: IdeaFilters = {
    stages: [],
    themes: [],
    callId: null,
    challengeId: null,
    q: '',
    sort: 'newest',
    ...filters,
    ward: null,
  };
  const where = whereFor(ctx, f, params, { period });
  const [rows, wards] = await Promise.all([
    ctx.db.query<{ ward_code: string | null; stage: Stage; n: number }>(
      `select i.ward_code, i.stage, count(*)::int as n from ideas i where ${where} group by i.ward_code, i.stage`,
      params,
    ),
    listWards(ctx),
  ]);
  const byCode = new Map(wards.map((w) => [w.code, { ...w, total: 0, byStage: noStages() }]));
  const noWard = { total: 0, byStage: noStages() };
  let total = 0;
  for (const r of rows) {
    const target = (r.ward_code ? byCode.get(r.ward_code) : undefined) ?? noWard;
    target.total += r.n;
    target.byStage[r.stage] += r.n;
    total += r.n;
  }
  return {
    wards: [...byCode.values()].map((w) => ({
      code: w.code,
      slug: w.slug,
      name: w.name,
      total: w.total,
      byStage: w.byStage,
    })),
    noWard,
    total,
  };
}

/** The module's figures for the annual report: ideas posted, and at each stage, by ward. */
export async function ideaStats(ctx: ServiceContext, period: Period = {}): Promise<Stat[]> {
  const counts = await ideaCountsByWard(ctx, {}, period);
  const byWard = (n: (w: WardCount) => number) =>
    Object.fromEntries(counts.wards.filter((w) => n(w) > 0).map((w) => [w.code, n(w)]));
  return [
    {
      key: 'ideas.posted',
      labelKey: 'ideas.discovery.stats.posted',
      value: counts.total,
      byWard: byWard((w) => w.total),
    },
    ...STAGES.map((s) => ({
      key: `ideas.stage.${s}`,
      labelKey: `ideas.discovery.stats.stages.${s}`,
      value: counts.wards.reduce((sum, w) => sum + w.byStage[s], 0) + counts.noWard.byStage[s],
      byWard: byWard((w) => w.byStage[s]),
    })),
  ];
}

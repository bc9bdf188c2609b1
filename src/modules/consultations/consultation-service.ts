import { isRealDate } from '../../lib/civil-date.js';
import { processPhoto, UnusablePhoto } from '../../lib/images/photo-image.js';
import { audit } from '../../platform/audit/audit.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { Db, Tx } from '../../platform/db/types.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../platform/http/errors.js';
import type { FileUpload } from '../../platform/http/file-uploads.js';
import { isUuid } from '../../platform/http/ids.js';
import type { ServiceContext } from '../../platform/http/request-context.js';
import { can } from '../../platform/roles/permissions.js';
import { getWard, listWards, wardMapSvg } from '../wards/ward-service.js';
import {
  type Answer,
  answerFromForm,
  answerIsValid,
  londonToday,
  pinFromClick,
  type QuestionDefinition,
  type QuestionKind,
  type QuestionSettings,
  questionFromForm,
  takingAnswers,
} from './consultation-rules.js';

export const MANAGE = 'consultations.manage';
const E = 'consultations.errors';
export const STATUSES = ['draft', 'open', 'closed', 'published'] as const;
export type Status = (typeof STATUSES)[number];
/** The map is shown at this width, never scaled, so a click's pixels can be turned into fractions. */
export const MAP_SHOWN_WIDTH = 640;
export const MAX_PLAN_BYTES = 8 * 1024 * 1024;
export const MAX_MAP_COMMENTS = 20;

export type Question = QuestionDefinition & { id: string; position: number };

export type Consultation = {
  id: string;
  title: string;
  summary: string;
  runBy: string;
  opensOn: string;
  closesOn: string;
  wardCode: string | null;
  wardName: string | null;
  decisionPath: string | null;
  status: Status;
  taking: boolean;
  map: {
    kind: 'ward' | 'plan' | 'drawn';
    width: number;
    height: number;
    shownWidth: number;
    shownHeight: number;
    alt: string;
    prompt: string;
    areas: string[];
  } | null;
  mapAreas: string[];
  questions: Question[];
  responseCount: number;
  updatedAt: Date;
};

type Row = {
  id: string;
  title: string;
  summary: string;
  run_by: string;
  opens_on: string;
  closes_on: string;
  ward_code: string | null;
  decision_path: string | null;
  status: Status;
  map_kind: 'ward' | 'plan' | 'drawn' | null;
  map_width: number | null;
  map_height: number | null;
  map_alt: string | null;
  map_prompt: string | null;
  map_areas: string[];
  responses: number;
  updated_at: Date;
};

const SELECT = `select c.id, c.title, c.summary, c.run_by, to_char(c.opens_on, 'YYYY-MM-DD') as opens_on,
  to_char(c.closes_on, 'YYYY-MM-DD') as closes_on, c.ward_code, c.decision_path, c.status, c.map_kind,
  c.map_width, c.map_height, c.map_alt, c.map_prompt, c.map_areas, c.updated_at,
  (select count(*)::int from consultation_responses r where r.consultation_id = c.id and r.submitted_on is not null) as responses
  from consultations c`;

export const canManage = (ctx: ServiceContext) => can(ctx.actor, MANAGE);

function requireManager(ctx: ServiceContext) {
  if (!canManage(ctx)) throw new Forbidden();
}

async function wardNames(ctx: ServiceContext): Promise<Map<string, string>> {
  try {
    return new Map((await listWards(ctx)).map((w) => [w.code, w.name]));
  } catch {
    return new Map();
  }
}

function fromRow(r: Row, questions: Question[], wards: Map<string, string>, now = new Date()): Consultation {
  const shownHeight =
    r.map_width && r.map_height ? Math.round((MAP_SHOWN_WIDTH * r.map_height) / r.map_width) : 0;
  return {
    id: r.id,
    title: r.title,
    summary: r.summary,
    runBy: r.run_by,
    opensOn: r.opens_on,
    closesOn: r.closes_on,
    wardCode: r.ward_code,
    wardName: r.ward_code ? (wards.get(r.ward_code) ?? null) : null,
    decisionPath: r.decision_path,
    status: r.status,
    taking: takingAnswers({ status: r.status, opensOn: r.opens_on, closesOn: r.closes_on }, now),
    map:
      r.map_kind && r.map_width && r.map_height
        ? {
            kind: r.map_kind,
            width: r.map_width,
            height: r.map_height,
            shownWidth: MAP_SHOWN_WIDTH,
            shownHeight,
            alt: r.map_alt ?? '',
            prompt: r.map_prompt ?? '',
            areas: r.map_areas,
          }
        : null,
    mapAreas: r.map_areas,
    questions,
    responseCount: r.responses,
    updatedAt: r.updated_at,
  };
}

async function questionsOf(db: Db | Tx, id: string): Promise<Question[]> {
  const rows = await db.query<{
    id: string;
    position: number;
    kind: QuestionKind;
    prompt: string;
    hint: string;
    required: boolean;
    options: string[];
    settings: QuestionSettings;
  }>(
    `select id, position, kind, prompt, hint, required, options, settings from consultation_questions
     where consultation_id = $1 order by position, id`,
    [id],
  );
  return rows.map((q) => ({ ...q, settings: q.settings ?? {} }));
}

/** Consultations residents can see (all but drafts); officers see drafts too. Newest closing first. */
export async function listConsultations(
  ctx: ServiceContext,
  options: { limit?: number; offset?: number; publicOnly?: boolean } = {},
): Promise<{ items: Consultation[]; total: number }> {
  const drafts = canManage(ctx) && !options.publicOnly;
  const where = `where c.place_id = $1 ${drafts ? '' : "and c.status <> 'draft'"}`;
  const rows = await ctx.db.query<Row>(
    `${SELECT} ${where} order by c.closes_on desc, c.title limit $2 offset $3`,
    [ctx.place.id, options.limit ?? 200, options.offset ?? 0],
  );
  const total = await ctx.db.query<{ n: number }>(`select count(*)::int as n from consultations c ${where}`, [
    ctx.place.id,
  ]);
  const wards = await wardNames(ctx);
  return { items: rows.map((r) => fromRow(r, [], wards)), total: total[0]?.n ?? 0 };
}

/** One consultation with its questions; a draft is for officers only (404 to anyone else). */
export async function getConsultation(
  ctx: ServiceContext,
  id: string,
  now = new Date(),
): Promise<Consultation> {
  if (!isUuid(id)) throw new NotFound();
  const rows = await ctx.db.query<Row>(`${SELECT} where c.id = $1 and c.place_id = $2`, [id, ctx.place.id]);
  const row = rows[0];
  if (!row || (row.status === 'draft' && !canManage(ctx))) throw new NotFound();
  return fromRow(row, await questionsOf(ctx.db, id), await wardNames(ctx), now);
}

// --- Officers: the consultation's details ------------------------------------------------------

export type DetailsInput = Record<string, unknown>;

/** A path on this site (the decision's address, pasted in full or as a path). */
export function sitePath(value: string, siteOrigins: string[] = []): string | null {
  let v = value.trim();
  for (const origin of siteOrigins) if (v.startsWith(origin)) v = v.slice(origin.length);
  if (!v.startsWith('/') || v.startsWith('//') || v.includes('\\') || v.length > 500) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (/[\s\u0000-\u001f\u007f<>"']/.test(v)) return null;
  return v;
}

async function readDetails(ctx: ServiceContext, fields: DetailsInput, siteOrigins: string[]) {
  const errors: Record<string, string> = {};
  const s = (k: string) => (typeof fields[k] === 'string' ? (fields[k] as string).trim() : '');
  const title = s('title');
  if (!title) errors.title = `${E}.titleMissing`;
  else if (title.length > 200) errors.title = `${E}.titleTooLong`;
  const summary = s('summary');
  if (!summary) errors.summary = `${E}.summaryMissing`;
  else if (summary.length > 4000) errors.summary = `${E}.summaryTooLong`;
  const runBy = s('runBy');
  if (!runBy) errors.runBy = `${E}.runByMissing`;
  else if (runBy.length > 200) errors.runBy = `${E}.runByTooLong`;
  const date = (name: string) => {
    const d = s(`${name}-day`);
    const m = s(`${name}-month`);
    const y = s(`${name}-year`);
    if (!d && !m && !y) {
      errors[name] = `${E}.${name}Missing`;
      return '';
    }
    const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
    if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y) || !isRealDate(iso)) {
      errors[name] = `${E}.${name}Invalid`;
      return '';
    }
    return iso;
  };
  const opensOn = date('opensOn');
  const closesOn = date('closesOn');
  if (opensOn && closesOn && closesOn < opensOn) errors.closesOn = `${E}.closesBeforeOpens`;
  let wardCode: string | null = null;
  const ward = s('ward');
  if (ward) {
    try {
      wardCode = (await getWard(ctx, ward)).code;
    } catch {
      errors.ward = `${E}.ward`;
    }
  }
  let decisionPath: string | null = null;
  const decision = s('decision');
  if (decision) {
    decisionPath = sitePath(decision, siteOrigins);
    if (!decisionPath) errors.decision = `${E}.decision`;
  }
  if (Object.keys(errors).length) throw new Invalid(errors);
  return { title, summary, runBy, opensOn, closesOn, wardCode, decisionPath };
}

/** An officer starts a consultation (a draft: nobody else sees it until it opens). */
export async function createConsultation(
  ctx: ServiceContext,
  fields: DetailsInput,
  siteOrigins: string[] = [],
): Promise<string> {
  requireManager(ctx);
  const d = await readDetails(ctx, fields, siteOrigins);
  return withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `insert into consultations (place_id, title, summary, run_by, opens_on, closes_on, ward_code, decision_path, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
      [
        ctx.place.id,
        d.title,
        d.summary,
        d.runBy,
        d.opensOn,
        d.closesOn,
        d.wardCode,
        d.decisionPath,
        ctx.actor?.userId ?? null,
      ],
    );
    const id = rows[0]?.id as string;
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'consultations.create',
      targetType: 'consultation',
      targetId: id,
      after: d,
      requestId: ctx.requestId ?? null,
    });
    return id;
  });
}

/** Details may change at any time (e.g. extending the closing date); the questions may not. */
export async function updateConsultation(
  ctx: ServiceContext,
  id: string,
  fields: DetailsInput,
  siteOrigins: string[] = [],
): Promise<void> {
  requireManager(ctx);
  const before = await getConsultation(ctx, id);
  const d = await readDetails(ctx, fields, siteOrigins);
  await withTransaction(ctx.db, async (tx) => {
    await tx.query(
      `update consultations set title = $2, summary = $3, run_by = $4, opens_on = $5, closes_on = $6, ward_code = $7,
         decision_path = $8, updated_at = now() where id = $1`,
      [id, d.title, d.summary, d.runBy, d.opensOn, d.closesOn, d.wardCode, d.decisionPath],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'consultations.update',
      targetType: 'consultation',
      targetId: id,
      before: { title: before.title, opensOn: before.opensOn, closesOn: before.closesOn },
      after: d,
      requestId: ctx.requestId ?? null,
    });
  });
}

const TRANSITIONS: Record<string, { from: Status; to: Status }> = {
  open: { from: 'draft', to: 'open' },
  close: { from: 'open', to: 'closed' },
  publish: { from: 'closed', to: 'published' },
};

/** Draft → open → closed → results published, one step at a time. */
export async function changeStatus(ctx: ServiceContext, id: string, step: string): Promise<Status> {
  requireManager(ctx);
  const c = await getConsultation(ctx, id);
  const move = TRANSITIONS[step];
  if (!move) throw new Invalid({ step: `${E}.step` });
  if (c.status !== move.from) throw new Conflict(`${E}.wrongStatus`);
  if (move.to === 'open' && c.questions.length === 0 && !c.map) throw new Conflict(`${E}.noQuestions`);
  await withTransaction(ctx.db, async (tx) => {
    await tx.query(`update consultations set status = $2, updated_at = now() where id = $1 and status = $3`, [
      id,
      move.to,
      move.from,
    ]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: `consultations.${step}`,
      targetType: 'consultation',
      targetId: id,
      before: { status: c.status },
      after: { status: move.to },
      requestId: ctx.requestId ?? null,
    });
  });
  return move.to;
}

// --- Officers: the survey builder ---------------------------------------------------------------

/** Questions and the map are fixed once it opens or anyone has answered. */
async function editableForQuestions(ctx: ServiceContext, id: string, tx: Db | Tx): Promise<Consultation> {
  requireManager(ctx);
  const c = await getConsultation({ ...ctx, db: tx as Db }, id);
  const any = await tx.query<{ n: number }>(
    'select count(*)::int as n from consultation_responses where consultation_id = $1',
    [id],
  );
  if (c.status !== 'draft' || (any[0]?.n ?? 0) > 0) throw new Conflict(`${E}.locked`);
  return c;
}

export async function addQuestion(
  ctx: ServiceContext,
  id: string,
  fields: Record<string, unknown>,
): Promise<string> {
  requireManager(ctx);
  const parsed = questionFromForm(fields);
  return withTransaction(ctx.db, async (tx) => {
    const c = await editableForQuestions(ctx, id, tx);
    if (!parsed.ok) throw new Invalid(parsed.errors);
    if (c.questions.length >= 30) throw new Conflict(`${E}.tooManyQuestions`);
    const q = parsed.question;
    const rows = await tx.query<{ id: string }>(
      `insert into consultation_questions (consultation_id, position, kind, prompt, hint, required, options, settings)
       values ($1, (select coalesce(max(position) + 1, 0) from consultation_questions where consultation_id = $1),
               $2, $3, $4, $5, $6, $7) returning id`,
      [id, q.kind, q.prompt, q.hint, q.required, q.options, q.settings as Record<string, unknown>],
    );
    const qid = rows[0]?.id as string;
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'consultations.question.add',
      targetType: 'consultation',
      targetId: id,
      after: { questionId: qid, ...q },
      requestId: ctx.requestId ?? null,
    });
    return qid;
  });
}

export async function moveQuestion(ctx: ServiceContext, id: string, questionId: string, direction: string) {
  requireManager(ctx);
  if (direction !== 'up' && direction !== 'down') throw new Invalid({ direction: `${E}.direction` });
  await withTransaction(ctx.db, async (tx) => {
    const c = await editableForQuestions(ctx, id, tx);
    const order = c.questions.map((q) => q.id);
    const i = order.indexOf(questionId);
    if (i < 0) throw new NotFound();
    const j = direction === 'up' ? i - 1 : i + 1;
    if (j < 0 || j >= order.length) return;
    [order[i], order[j]] = [order[j] as string, order[i] as string];
    for (const [position, qid] of order.entries())
      await tx.query('update consultation_questions set position = $2 where id = $1', [qid, position]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'consultations.question.move',
      targetType: 'consultation',
      targetId: id,
      after: { questionId, direction },
      requestId: ctx.requestId ?? null,
    });
  });
}

export async function removeQuestion(ctx: ServiceContext, id: string, questionId: string) {
  requireManager(ctx);
  await withTransaction(ctx.db, async (tx) => {
    const c = await editableForQuestions(ctx, id, tx);
    const q = c.questions.find((x) => x.id === questionId);
    if (!q) throw new NotFound();
    await tx.query('delete from consultation_questions where id = $1', [questionId]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'consultations.question.remove',
      targetType: 'consultation',
      targetId: id,
      before: q,
      requestId: ctx.requestId ?? null,
    });
  });
}

/** Colours for the ward map when it is shown as an image (the page's stylesheet does not reach it). */
const WARD_MAP_STYLE =
  '<style>.kith-map__ward{fill:#e8f1ec;stroke:#505a5f;stroke-width:1}.kith-map__ward--current{fill:#9cc5ad}.kith-map__label{font:12px sans-serif;fill:#0b0c0c}</style>';

function svgSize(svg: string): { width: number; height: number } {
  const m = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
  return {
    width: Math.max(1, Math.round(Number(m?.[1] ?? 640))),
    height: Math.max(1, Math.round(Number(m?.[2] ?? 480))),
  };
}

/**
 * The "Where?" map: none, the ward map, or a site plan the officer uploads (checked and written
 * afresh as WebP); with the named areas offered instead of the map, one per line.
 */
export async function setMap(
  ctx: ServiceContext,
  id: string,
  fields: Record<string, unknown>,
  plan: FileUpload,
  labels: { title: string; description: string },
): Promise<void> {
  requireManager(ctx);
  const s = (k: string) => (typeof fields[k] === 'string' ? (fields[k] as string).trim() : '');
  const kind = s('mapKind');
  const errors: Record<string, string> = {};
  if (!['none', 'ward', 'plan', 'keep'].includes(kind)) errors.mapKind = `${E}.mapKind`;
  const areas = [
    ...new Set(
      s('areas')
        .split('\n')
        .map((a) => a.trim())
        .filter(Boolean),
    ),
  ];
  if (areas.length > 30 || areas.some((a) => a.length > 100)) errors.areas = `${E}.areas`;
  const alt = s('mapAlt');
  const prompt = s('mapPrompt');
  if (alt.length > 500) errors.mapAlt = `${E}.mapAltTooLong`;
  if (prompt.length > 500) errors.mapPrompt = `${E}.mapPromptTooLong`;
  let image: { bytes: Buffer; type: string; width: number; height: number } | null = null;
  if (kind === 'plan') {
    if (plan.tooLarge) errors.plan = `${E}.planTooLarge`;
    else if (!plan.bytes || plan.bytes.length === 0) errors.plan = `${E}.planMissing`;
    else {
      try {
        const p = await processPhoto(plan.bytes);
        image = { bytes: p.large.data, type: 'image/webp', width: p.large.width, height: p.large.height };
      } catch (error) {
        if (!(error instanceof UnusablePhoto)) throw error;
        errors.plan = `${E}.plan-${error.problem}`;
      }
    }
    if (!alt) errors.mapAlt = `${E}.mapAltMissing`;
  }
  if (kind !== 'none' && areas.length === 0) errors.areas = `${E}.areasMissing`;
  if (Object.keys(errors).length) throw new Invalid(errors);
  if (kind === 'ward') {
    // Drawn before the transaction: the wards module reads its own tables on its own connection.
    const current = await getConsultation(ctx, id);
    const svg = await wardMapSvg(ctx, {
      title: labels.title,
      description: labels.description,
      idPrefix: 'where',
      ...(current.wardCode ? { highlightCode: current.wardCode } : {}),
    });
    const withStyle = svg.replace(/^<svg [^>]*>/, (open) => `${open}${WARD_MAP_STYLE}`);
    image = { bytes: Buffer.from(withStyle), type: 'image/svg+xml', ...svgSize(svg) };
  }
  await withTransaction(ctx.db, async (tx) => {
    const c = await editableForQuestions(ctx, id, tx);
    if (kind === 'keep' && !c.map) throw new Invalid({ mapKind: `${E}.mapKind` });
    if (kind === 'none') {
      await tx.query(
        `update consultations set map_kind = null, map_type = null, map_image = null, map_width = null, map_height = null,
           map_alt = null, map_prompt = null, map_areas = '{}', updated_at = now() where id = $1`,
        [id],
      );
    } else if (image) {
      await tx.query(
        `update consultations set map_kind = $2, map_type = $3, map_image = $4, map_width = $5, map_height = $6,
           map_alt = $7, map_prompt = $8, map_areas = $9, updated_at = now() where id = $1`,
        [
          id,
          kind,
          image.type,
          image.bytes as unknown as string,
          image.width,
          image.height,
          alt || labels.title,
          prompt,
          areas,
        ],
      );
    } else {
      await tx.query(
        "update consultations set map_alt = coalesce(nullif($2, ''), map_alt), map_prompt = $3, map_areas = $4, updated_at = now() where id = $1",
        [id, alt, prompt, areas],
      );
    }
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'consultations.map',
      targetType: 'consultation',
      targetId: id,
      after: { kind, areas, alt, prompt },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** The map's image, for whoever may see the consultation. */
export async function mapImage(ctx: ServiceContext, id: string): Promise<{ type: string; bytes: Buffer }> {
  const c = await getConsultation(ctx, id);
  if (!c.map) throw new NotFound();
  const rows = await ctx.db.query<{ map_type: string; map_image: Uint8Array }>(
    'select map_type, map_image from consultations where id = $1',
    [id],
  );
  const row = rows[0];
  if (!row) throw new NotFound();
  return { type: row.map_type, bytes: Buffer.from(row.map_image) };
}

// --- Residents: answering ------------------------------------------------------------------------

export type MapComment = {
  id: string;
  x: number | null;
  y: number | null;
  area: string | null;
  placeWords: string;
  comment: string;
};

export type MyResponse = {
  id: string;
  answers: Record<string, Answer>;
  submittedOn: string | null;
  comments: MapComment[];
};

function requireResident(ctx: ServiceContext): string {
  if (!ctx.actor) throw new Forbidden();
  return ctx.actor.userId;
}

async function commentsOf(db: Db | Tx, responseIds: string[]) {
  if (responseIds.length === 0) return [];
  const rows = await db.query<{
    id: string;
    response_id: string;
    x: string | null;
    y: string | null;
    area: string | null;
    place_words: string;
    comment: string;
  }>(
    `select id, response_id, x::text, y::text, area, place_words, comment from consultation_map_comments
     where response_id = any($1::uuid[]) order by created_at, id`,
    [responseIds],
  );
  return rows.map((r) => ({
    responseId: r.response_id,
    id: r.id,
    x: r.x === null ? null : Number(r.x),
    y: r.y === null ? null : Number(r.y),
    area: r.area,
    placeWords: r.place_words,
    comment: r.comment,
  }));
}

/** The signed-in person's own response to a consultation, or null. */
export async function myResponse(ctx: ServiceContext, id: string): Promise<MyResponse | null> {
  const userId = requireResident(ctx);
  await getConsultation(ctx, id);
  const rows = await ctx.db.query<{
    id: string;
    answers: Record<string, Answer>;
    submitted_on: string | null;
  }>(
    `select id, answers, to_char(submitted_on, 'YYYY-MM-DD') as submitted_on from consultation_responses
     where consultation_id = $1 and user_id = $2`,
    [id, userId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    answers: r.answers ?? {},
    submittedOn: r.submitted_on,
    comments: (await commentsOf(ctx.db, [r.id])).map(({ responseId: _, ...c }) => c),
  };
}

async function openFor(ctx: ServiceContext, id: string, now: Date): Promise<Consultation> {
  const c = await getConsultation(ctx, id, now);
  if (!c.taking) throw new Conflict(`${E}.notOpen`);
  return c;
}

/** One response per person per consultation: found or made, inside the caller's transaction. */
async function responseIdFor(tx: Tx, consultationId: string, userId: string): Promise<string> {
  const rows = await tx.query<{ id: string }>(
    `insert into consultation_responses (consultation_id, user_id) values ($1, $2)
     on conflict (consultation_id, user_id) do update set updated_at = now() returning id`,
    [consultationId, userId],
  );
  return rows[0]?.id as string;
}

/**
 * A resident's answers to every question, from the one-page form: all checked together, and
 * saved (replacing earlier answers) only when all are right. Possible until it closes.
 */
export async function saveAnswers(
  ctx: ServiceContext,
  id: string,
  fields: Record<string, unknown>,
  now = new Date(),
): Promise<void> {
  const userId = requireResident(ctx);
  const c = await openFor(ctx, id, now);
  const errors: Record<string, string> = {};
  const answers: Record<string, Answer> = {};
  for (const q of c.questions) {
    const r = answerFromForm(q, fields);
    if (!r.ok) errors[`q-${q.id}`] = r.error;
    else if (r.answer !== null) answers[q.id] = r.answer;
  }
  if (Object.keys(errors).length) throw new Invalid(errors);
  await withTransaction(ctx.db, async (tx) => {
    const responseId = await responseIdFor(tx, id, userId);
    await tx.query('update consultation_responses set answers = $2, updated_at = now() where id = $1', [
      responseId,
      answers,
    ]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'consultations.answer',
      targetType: 'consultation',
      targetId: id,
      requestId: ctx.requestId ?? null,
    });
  });
}

/**
 * A comment on the map: a pin (from a click on the image) and/or one of the named areas and/or
 * words saying where, with the comment itself.
 */
export async function addMapComment(
  ctx: ServiceContext,
  id: string,
  fields: Record<string, unknown>,
  now = new Date(),
): Promise<void> {
  const userId = requireResident(ctx);
  const c = await openFor(ctx, id, now);
  if (!c.map) throw new NotFound();
  const s = (k: string) =>
    typeof fields[k] === 'string' ? (fields[k] as string).replace(/\r\n/g, '\n').trim() : '';
  const errors: Record<string, string> = {};
  const comment = s('comment');
  if (!comment) errors.comment = `${E}.commentMissing`;
  else if (comment.length > 2000) errors.comment = `${E}.commentTooLong`;
  const area = s('area') || null;
  if (area && !c.map.areas.includes(area)) errors.area = `${E}.area`;
  const placeWords = s('placeWords');
  if (placeWords.length > 300) errors.placeWords = `${E}.placeWordsTooLong`;
  // A keyboard press on the map "clicks" at 0,0: that is no pin, not the top-left corner.
  const keyboard = fields['pin.x'] === '0' && fields['pin.y'] === '0';
  const clicked = ('pin.x' in fields || 'pin.y' in fields) && !keyboard;
  const pin = clicked
    ? pinFromClick(fields['pin.x'], fields['pin.y'], c.map.shownWidth, c.map.shownHeight)
    : null;
  if (clicked && !pin) errors.pin = `${E}.pin`;
  if (!clicked && !area && !placeWords && !errors.area && !errors.placeWords)
    errors.area = `${E}.whereMissing`;
  if (Object.keys(errors).length) throw new Invalid(errors);
  await withTransaction(ctx.db, async (tx) => {
    const responseId = await responseIdFor(tx, id, userId);
    const n = await tx.query<{ n: number }>(
      'select count(*)::int as n from consultation_map_comments where response_id = $1',
      [responseId],
    );
    if ((n[0]?.n ?? 0) >= MAX_MAP_COMMENTS) throw new Conflict(`${E}.tooManyComments`);
    await tx.query(
      `insert into consultation_map_comments (response_id, x, y, area, place_words, comment) values ($1, $2, $3, $4, $5, $6)`,
      [responseId, pin?.x ?? null, pin?.y ?? null, area, placeWords, comment],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'consultations.mapComment.add',
      targetType: 'consultation',
      targetId: id,
      requestId: ctx.requestId ?? null,
    });
  });
}

export async function removeMapComment(ctx: ServiceContext, id: string, commentId: string, now = new Date()) {
  const userId = requireResident(ctx);
  await openFor(ctx, id, now);
  if (!isUuid(commentId)) throw new NotFound();
  await withTransaction(ctx.db, async (tx) => {
    const gone = await tx.query<{ id: string }>(
      `delete from consultation_map_comments m using consultation_responses r
       where m.id = $1 and m.response_id = r.id and r.consultation_id = $2 and r.user_id = $3 returning m.id`,
      [commentId, id, userId],
    );
    if (gone.length === 0) throw new NotFound();
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'consultations.mapComment.remove',
      targetType: 'consultation',
      targetId: id,
      requestId: ctx.requestId ?? null,
    });
  });
}

/** Sends the response: every required question must be answered. It counts from then on. */
export async function submitResponse(ctx: ServiceContext, id: string, now = new Date()): Promise<void> {
  const userId = requireResident(ctx);
  const c = await openFor(ctx, id, now);
  const mine = await myResponse(ctx, id);
  const unanswered = c.questions.filter((q) => {
    const a = mine?.answers[q.id];
    return a === undefined ? q.required : !answerIsValid(q, a);
  });
  if (!mine || unanswered.length > 0 || (c.questions.length === 0 && mine.comments.length === 0))
    throw new Invalid({ answers: `${E}.unanswered` });
  await withTransaction(ctx.db, async (tx) => {
    await tx.query(
      'update consultation_responses set submitted_on = coalesce(submitted_on, $2::date), updated_at = now() where id = $1',
      [mine.id, londonToday(now)],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'consultations.submit',
      targetType: 'consultation',
      targetId: id,
      requestId: ctx.requestId ?? null,
    });
  });
}

// --- Results and anonymised responses -----------------------------------------------------------

export type AnonymousResponse = {
  responseId: string;
  submittedOn: string;
  answers: Record<string, Answer>;
  comments: Omit<MapComment, 'id'>[];
};

/** Results are public once published; officers see them at any time. */
export function resultsVisible(ctx: ServiceContext, c: Consultation): boolean {
  return c.status === 'published' || canManage(ctx);
}

/** Every sent response, with no person's id and only the day it was sent. */
export async function anonymousResponses(
  ctx: ServiceContext,
  id: string,
): Promise<{ consultation: Consultation; responses: AnonymousResponse[] }> {
  const c = await getConsultation(ctx, id);
  if (!resultsVisible(ctx, c)) throw new NotFound();
  const rows = await ctx.db.query<{
    id: string;
    anon_id: string;
    answers: Record<string, Answer>;
    submitted_on: string;
  }>(
    `select id, anon_id, answers, to_char(submitted_on, 'YYYY-MM-DD') as submitted_on from consultation_responses
     where consultation_id = $1 and submitted_on is not null order by anon_id`,
    [id],
  );
  const comments = await commentsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return {
    consultation: c,
    responses: rows.map((r) => ({
      responseId: r.anon_id,
      submittedOn: r.submitted_on,
      answers: r.answers ?? {},
      comments: comments.filter((m) => m.responseId === r.id).map(({ responseId: _, id: __, ...m }) => m),
    })),
  };
}

// --- Open data and statistics ---------------------------------------------------------------------

export async function consultationStats(ctx: ServiceContext) {
  const rows = await ctx.db.query<{ consultations: number; responses: number }>(
    `select (select count(*)::int from consultations where place_id = $1 and status <> 'draft') as consultations,
            (select count(*)::int from consultation_responses r join consultations c on c.id = r.consultation_id
              where c.place_id = $1 and r.submitted_on is not null) as responses`,
    [ctx.place.id],
  );
  return [
    {
      key: 'consultations',
      labelKey: 'consultations.stats.consultations',
      value: rows[0]?.consultations ?? 0,
    },
    {
      key: 'consultationResponses',
      labelKey: 'consultations.stats.responses',
      value: rows[0]?.responses ?? 0,
    },
  ];
}

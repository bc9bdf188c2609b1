import { z } from 'zod';
import { isRealDate } from '../../../lib/civil-date.js';
import { londonParts } from '../../../lib/london-clock.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { listChallenges } from '../../mutual-aid/challenges/challenge-service.js';

/** Officers run open calls (the module's permission for running calls and moving ideas on). */
export const MANAGE = 'ideas.manage';

const E = 'ideas.discovery.calls.errors';

/** Upcoming until it opens, then open, closed after its closing day (London dates, inclusive). */
export type CallStatus = 'upcoming' | 'open' | 'closed';

export type IdeaCall = {
  id: string;
  question: string;
  description: string;
  challengeId: string | null;
  /** London dates, YYYY-MM-DD. */
  opensOn: string;
  closesOn: string | null;
  status: CallStatus;
  /** Published ideas answering it. */
  ideas: number;
  createdAt: Date;
};

type CallRow = {
  id: string;
  question: string;
  description: string;
  challenge_id: string | null;
  opens_on: string;
  closes_on: string | null;
  ideas: number;
  created_at: Date | string;
};

/** Today in London, the day calls open and close by. */
export const londonToday = (now = new Date()) => londonParts(now).date;

export function callStatus(call: { opensOn: string; closesOn: string | null }, today: string): CallStatus {
  if (call.opensOn > today) return 'upcoming';
  if (call.closesOn !== null && call.closesOn < today) return 'closed';
  return 'open';
}

const SELECT = `select c.id, c.question, c.description, c.challenge_id,
    to_char(c.opens_on, 'YYYY-MM-DD') as opens_on, to_char(c.closes_on, 'YYYY-MM-DD') as closes_on, c.created_at,
    (select count(*)::int from ideas i where i.call_id = c.id and i.moderation_status = 'published') as ideas
  from idea_calls c`;

function toCall(r: CallRow, today: string): IdeaCall {
  const call = {
    id: r.id,
    question: r.question,
    description: r.description,
    challengeId: r.challenge_id,
    opensOn: r.opens_on,
    closesOn: r.closes_on,
    ideas: r.ideas,
    createdAt: new Date(r.created_at),
  };
  return { ...call, status: callStatus(call, today) };
}

/**
 * Every call of the place, for anyone: open ones first, then upcoming, then closed, each newest
 * first. Closed calls stay listed, with the ideas that answered them.
 */
export async function listCalls(
  ctx: ServiceContext,
  page?: { limit: number; offset: number },
  now = new Date(),
): Promise<{ items: IdeaCall[]; total: number }> {
  const today = londonToday(now);
  const limit = page
    ? ` limit ${Math.max(0, Math.trunc(page.limit))} offset ${Math.max(0, Math.trunc(page.offset))}`
    : '';
  const [rows, counted] = await Promise.all([
    ctx.db.query<CallRow>(
      `${SELECT} where c.place_id = $1
       order by case when c.closes_on < $2::date then 2 when c.opens_on > $2::date then 1 else 0 end,
         c.opens_on desc, c.created_at desc, c.id${limit}`,
      [ctx.place.id, today],
    ),
    ctx.db.query<{ n: number }>('select count(*)::int as n from idea_calls where place_id = $1', [
      ctx.place.id,
    ]),
  ]);
  return { items: rows.map((r) => toCall(r, today)), total: counted[0]?.n ?? 0 };
}

export async function getCall(ctx: ServiceContext, id: string, now = new Date()): Promise<IdeaCall> {
  if (!isUuid(id)) throw new NotFound('No such call');
  const [row] = await ctx.db.query<CallRow>(`${SELECT} where c.place_id = $1 and c.id = $2`, [
    ctx.place.id,
    id,
  ]);
  if (!row) throw new NotFound('No such call');
  return toCall(row, londonToday(now));
}

/**
 * What an officer enters: the question, more about it, the opening day and (optionally) the
 * closing day as YYYY-MM-DD ('' for none; anything else is not a date), and a challenge's id or ''.
 */
export const CallInput = z
  .object({
    question: z
      .string(`${E}.questionRequired`)
      .trim()
      .min(1, `${E}.questionRequired`)
      .max(200, `${E}.questionTooLong`),
    description: z.string().trim().max(2000, `${E}.descriptionTooLong`).default(''),
    opens: z
      .string(`${E}.opensRequired`)
      .trim()
      .min(1, `${E}.opensRequired`)
      .refine(isRealDate, `${E}.opensInvalid`),
    closes: z
      .string()
      .trim()
      .default('')
      .refine((s) => s === '' || isRealDate(s), `${E}.closesInvalid`),
    challenge: z
      .string()
      .trim()
      .default('')
      .refine((s) => s === '' || isUuid(s), `${E}.challengeUnknown`),
  })
  .superRefine((v, c) => {
    if (v.closes && isRealDate(v.opens) && v.closes < v.opens)
      c.addIssue({ code: 'custom', path: ['closes'], message: `${E}.closesBeforeOpens` });
  });
export type CallInput = z.infer<typeof CallInput>;

function requireManager(ctx: ServiceContext): string | null {
  if (!can(ctx.actor, MANAGE)) throw new Forbidden();
  return ctx.actor?.userId ?? null;
}

async function checkedInput(ctx: ServiceContext, raw: unknown) {
  const input = validated(CallInput, raw);
  const challengeId = input.challenge ? input.challenge.toLowerCase() : null;
  if (challengeId && !(await challengeTitles(ctx)).has(challengeId))
    throw new Invalid({ challenge: `${E}.challengeUnknown` });
  return { ...input, challengeId, closesOn: input.closes || null };
}

const auditShape = (i: Awaited<ReturnType<typeof checkedInput>>) => ({
  question: i.question,
  description: i.description,
  opensOn: i.opens,
  closesOn: i.closesOn,
  challengeId: i.challengeId,
});

/** An officer opens a call for ideas. Returns its id. */
export async function createCall(ctx: ServiceContext, raw: unknown): Promise<string> {
  const actorId = requireManager(ctx);
  const input = await checkedInput(ctx, raw);
  return withTransaction(ctx.db, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into idea_calls (place_id, question, description, challenge_id, opens_on, closes_on, created_by)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [
        ctx.place.id,
        input.question,
        input.description,
        input.challengeId,
        input.opens,
        input.closesOn,
        actorId,
      ],
    );
    const id = row?.id as string;
    await audit(tx, {
      placeId: ctx.place.id,
      actorId,
      action: 'ideas.call.create',
      targetType: 'idea-call',
      targetId: id,
      after: auditShape(input),
      requestId: ctx.requestId ?? null,
    });
    return id;
  });
}

/** An officer corrects a call, or closes it by giving it a closing day. */
export async function updateCall(ctx: ServiceContext, id: string, raw: unknown): Promise<void> {
  const actorId = requireManager(ctx);
  const before = await getCall(ctx, id);
  const input = await checkedInput(ctx, raw);
  await withTransaction(ctx.db, async (tx) => {
    await tx.query(
      `update idea_calls set question = $3, description = $4, challenge_id = $5, opens_on = $6, closes_on = $7
       where place_id = $1 and id = $2`,
      [
        ctx.place.id,
        before.id,
        input.question,
        input.description,
        input.challengeId,
        input.opens,
        input.closesOn,
      ],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId,
      action: 'ideas.call.update',
      targetType: 'idea-call',
      targetId: before.id,
      before: {
        question: before.question,
        description: before.description,
        opensOn: before.opensOn,
        closesOn: before.closesOn,
        challengeId: before.challengeId,
      },
      after: auditShape(input),
      requestId: ctx.requestId ?? null,
    });
  });
}

/** The form's values for a call as stored. */
export function callFormValues(call: IdeaCall): Record<string, string> {
  return {
    question: call.question,
    description: call.description,
    opens: call.opensOn,
    closes: call.closesOn ?? '',
    challenge: call.challengeId ?? '',
  };
}

/**
 * Council challenges ideas and calls may answer (published or closed ones), id → title: none
 * where the place does not use the mutual-aid module, whose pages the challenges are.
 */
export async function challengeTitles(ctx: ServiceContext): Promise<Map<string, string>> {
  if (!ctx.place.modules.includes('mutual-aid')) return new Map();
  return new Map((await listChallenges(ctx)).map((c) => [c.id, c.title]));
}

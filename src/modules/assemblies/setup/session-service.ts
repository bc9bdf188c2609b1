import { z } from 'zod';
import { isRealDate } from '../../../lib/civil-date.js';
import { londonAt, londonParts } from '../../../lib/london-clock.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Tx } from '../../../platform/db/types.js';
import { Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { type AssemblySession, getAssembly, MANAGE } from './assembly-service.js';

const E = 'assemblies.setup.errors';
const TIME = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/;

/** Minutes after midnight from "18:30" (or "18.30"), or null. */
export function minutesOf(time: string): number | null {
  const m = TIME.exec(time.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/**
 * A session as an officer enters it: a London date (YYYY-MM-DD, read from a GOV.UK date input
 * by the route), a start and an end time on that day, where, and what happens.
 */
export const SessionInput = z
  .object({
    title: z
      .string(`${E}.sessionTitleRequired`)
      .trim()
      .min(1, `${E}.sessionTitleRequired`)
      .max(120, `${E}.sessionTitleTooLong`),
    date: z.string(`${E}.sessionDateInvalid`).refine(isRealDate, `${E}.sessionDateInvalid`),
    startTime: z
      .string(`${E}.startTimeInvalid`)
      .refine((s) => minutesOf(s) !== null, `${E}.startTimeInvalid`),
    endTime: z.string(`${E}.endTimeInvalid`).refine((s) => minutesOf(s) !== null, `${E}.endTimeInvalid`),
    location: z.string().trim().max(300, `${E}.locationTooLong`).default(''),
    summary: z.string().trim().max(4000, `${E}.summaryTooLong`).default(''),
  })
  .superRefine((s, c) => {
    const start = minutesOf(s.startTime);
    const end = minutesOf(s.endTime);
    if (start !== null && end !== null && end <= start)
      c.addIssue({ code: 'custom', path: ['endTime'], message: `${E}.endBeforeStart` });
  });
export type SessionInput = z.infer<typeof SessionInput>;

/** A session's form values (London date and times) from what is stored. */
export function sessionFormValues(s: AssemblySession): Record<string, string> {
  const start = londonParts(s.startsAt);
  return {
    title: s.title,
    date: start.date,
    startTime: start.time,
    endTime: londonParts(s.endsAt).time,
    location: s.location,
    summary: s.summary,
  };
}

function requireManager(ctx: ServiceContext): string {
  if (!ctx.actor || !can(ctx.actor, MANAGE)) throw new Forbidden();
  return ctx.actor.userId;
}

function instants(input: SessionInput) {
  return {
    startsAt: londonAt(input.date, minutesOf(input.startTime) as number),
    endsAt: londonAt(input.date, minutesOf(input.endTime) as number),
  };
}

/** The session at `position` (1, 2, …) in an assembly's timetable. */
export async function getSession(
  ctx: ServiceContext,
  slug: string,
  position: string,
): Promise<AssemblySession> {
  const assembly = await getAssembly(ctx, slug);
  const session = assembly.sessions.find((s) => String(s.position) === position);
  if (!session) throw new NotFound('No such session');
  return session;
}

/** Puts the timetable in date order again, numbered 1, 2, … */
async function renumber(tx: Tx, assemblyId: string) {
  // Two steps, because positions are unique and a single update would collide on the way.
  await tx.query('update assembly_sessions set position = position + 100000 where assembly_id = $1', [
    assemblyId,
  ]);
  await tx.query(
    `update assembly_sessions s set position = o.n from (
       select id, row_number() over (order by starts_at, position) as n from assembly_sessions where assembly_id = $1
     ) o where s.id = o.id`,
    [assemblyId],
  );
}

/** Adds a session to the timetable; returns its position once the timetable is in date order. */
export async function addSession(ctx: ServiceContext, slug: string, raw: unknown): Promise<number> {
  const userId = requireManager(ctx);
  const input = validated(SessionInput, raw);
  const { startsAt, endsAt } = instants(input);
  return withTransaction(ctx.db, async (tx) => {
    const assembly = await getAssembly(ctx, slug, tx);
    if (assembly.sessions.length >= 50) throw new Invalid({ title: `${E}.tooManySessions` });
    const rows = await tx.query<{ id: string }>(
      `insert into assembly_sessions (assembly_id, position, title, starts_at, ends_at, location, summary)
       values ($1, (select coalesce(max(position), 0) + 1 from assembly_sessions where assembly_id = $1), $2, $3, $4, $5, $6)
       returning id`,
      [assembly.id, input.title, startsAt, endsAt, input.location, input.summary],
    );
    const id = rows[0]?.id as string;
    await renumber(tx, assembly.id);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.session.add',
      targetType: 'assembly',
      targetId: assembly.id,
      after: { id, ...input },
      requestId: ctx.requestId ?? null,
    });
    const [placed] = await tx.query<{ position: number }>(
      'select position from assembly_sessions where id = $1',
      [id],
    );
    return placed?.position ?? 1;
  });
}

export async function updateSession(
  ctx: ServiceContext,
  slug: string,
  position: string,
  raw: unknown,
): Promise<void> {
  const userId = requireManager(ctx);
  const input = validated(SessionInput, raw);
  const { startsAt, endsAt } = instants(input);
  await withTransaction(ctx.db, async (tx) => {
    const assembly = await getAssembly(ctx, slug, tx);
    const before = assembly.sessions.find((s) => String(s.position) === position);
    if (!before) throw new NotFound('No such session');
    await tx.query(
      `update assembly_sessions set title = $2, starts_at = $3, ends_at = $4, location = $5, summary = $6
       where id = $1`,
      [before.id, input.title, startsAt, endsAt, input.location, input.summary],
    );
    await renumber(tx, assembly.id);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.session.update',
      targetType: 'assembly',
      targetId: assembly.id,
      before: sessionFormValues(before),
      after: input,
      requestId: ctx.requestId ?? null,
    });
  });
}

export async function removeSession(ctx: ServiceContext, slug: string, position: string): Promise<void> {
  const userId = requireManager(ctx);
  await withTransaction(ctx.db, async (tx) => {
    const assembly = await getAssembly(ctx, slug, tx);
    const before = assembly.sessions.find((s) => String(s.position) === position);
    if (!before) throw new NotFound('No such session');
    await tx.query('delete from assembly_sessions where id = $1', [before.id]);
    await renumber(tx, assembly.id);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.session.remove',
      targetType: 'assembly',
      targetId: assembly.id,
      before: sessionFormValues(before),
      requestId: ctx.requestId ?? null,
    });
  });
}

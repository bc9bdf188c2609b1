import { FINAL } from '../../../lib/street-notice/states.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { queueEmail } from '../../../platform/email/outbox.js';
import { Conflict, Forbidden, NotFound, validated } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import { rateLimit } from '../../../platform/http/rate-limit.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { staffWithPermission } from '../../../platform/roles/role-service.js';
import {
  getNotice,
  getPublicNotice,
  type PublicNotice,
  RESPOND,
  type Site,
} from '../notices/notice-service.js';
import { NeighbourInput, type ResponseKind } from './neighbour-input.js';

/** How many answers one address may send in an hour, across every notification. */
const PER_HOUR = 10;
const HOUR = 3_600_000;

export type NeighbourResponse = {
  id: string;
  kind: ResponseKind;
  name: string;
  message: string;
  email: string | null;
  seenAt: Date | null;
  createdAt: Date;
};

/** Whether neighbours can still answer: not once the event is over, stopped or withdrawn. */
export const takesResponses = (n: Pick<PublicNotice, 'status'>) => !FINAL.includes(n.status);

/**
 * A neighbour answers the letter, without signing in. A concern reaches the officers by email,
 * but never changes the notification's status: concerns do not veto.
 */
export async function respond(
  ctx: ServiceContext,
  site: Site,
  reference: string,
  body: unknown,
  request: { ip: string },
  now = new Date(),
): Promise<ResponseKind> {
  const notice = await getPublicNotice(ctx, reference);
  if (!takesResponses(notice)) throw new Conflict('streets.events.errors.closed');
  const input = validated(NeighbourInput, body);
  await rateLimit(ctx.db, `streets:neighbour:ip:${request.ip}`, PER_HOUR, HOUR, now);
  return withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `insert into street_neighbour_responses (notice_id, place_id, kind, name, message, email, created_at)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [notice.id, ctx.place.id, input.kind, input.name, input.message, input.email, now],
    );
    const id = rows[0]?.id as string;
    // The audit trail records that someone answered, not what they said or who they are.
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'streets.neighbour.respond',
      targetType: 'street_neighbour_response',
      targetId: id,
      after: { notice: notice.id, kind: input.kind },
      requestId: ctx.requestId,
    });
    if (input.kind === 'concern') {
      const base = site.publicUrl.replace(/\/$/, '');
      for (const person of await staffWithPermission(tx, ctx.place.id, RESPOND))
        await queueEmail(tx, {
          placeId: ctx.place.id,
          to: person.email,
          template: 'streetNeighbourConcern',
          lang: person.lang,
          vars: {
            place: ctx.place.name,
            title: notice.title,
            reference: notice.reference,
            message: input.message,
            from: input.name || '-',
            email: input.email ?? '-',
            url: `${base}/${ctx.place.slug}/streets/notices/${notice.id}/neighbours`,
          },
        });
    }
    return input.kind;
  });
}

/** How many neighbours said they are coming and how many offered help (shown to everyone). */
export async function neighbourCounts(
  ctx: ServiceContext,
  noticeId: string,
): Promise<{ coming: number; help: number }> {
  const rows = await ctx.db.query<{ coming: number; help: number }>(
    `select count(*) filter (where kind = 'coming')::int as coming, count(*) filter (where kind = 'help')::int as help
       from street_neighbour_responses where place_id = $1 and notice_id = $2`,
    [ctx.place.id, noticeId],
  );
  return rows[0] ?? { coming: 0, help: 0 };
}

/** Every answer, newest first: for the organiser and officers only (404 for anyone else). */
export async function listResponses(ctx: ServiceContext, noticeId: string): Promise<NeighbourResponse[]> {
  await getNotice(ctx, noticeId);
  return ctx.db.query<NeighbourResponse>(
    `select id, kind, name, message, email, seen_at as "seenAt", created_at as "createdAt"
       from street_neighbour_responses where place_id = $1 and notice_id = $2
      order by created_at desc, id`,
    [ctx.place.id, noticeId],
  );
}

/** An officer marks a concern as seen, so colleagues know it has been looked at. */
export async function markSeen(ctx: ServiceContext, noticeId: string, responseId: string): Promise<void> {
  const notice = await getNotice(ctx, noticeId);
  if (!can(ctx.actor, RESPOND)) throw new Forbidden();
  if (!isUuid(responseId)) throw new NotFound();
  await withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query<{ id: string; seen_at: Date | null }>(
      `update street_neighbour_responses set seen_at = coalesce(seen_at, now())
        where place_id = $1 and notice_id = $2 and id = $3 and kind = 'concern'
        returning id, seen_at`,
      [ctx.place.id, notice.id, responseId],
    );
    if (!rows[0]) throw new NotFound();
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'streets.neighbour.seen',
      targetType: 'street_neighbour_response',
      targetId: responseId,
      after: { notice: notice.id },
      requestId: ctx.requestId,
    });
  });
}

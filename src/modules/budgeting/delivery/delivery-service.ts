import { z } from 'zod';
import { parsePounds } from '../../../lib/money/pounds.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { Forbidden, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { getProcessForUpdate, MANAGE } from '../processes/process-service.js';
import { requireResults } from '../results/result-service.js';

/**
 * Delivery after the vote: officers post how each funded project is going (status, a note, what
 * has been spent so far) and everyone can follow it, with the full history kept.
 */

export const DELIVERY_STATUSES = ['not-started', 'in-progress', 'delayed', 'delivered', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const E = 'budgeting.delivery.errors';

/** Spent so far, in pounds as typed: exact pence, from £0 to £1,000,000,000. */
const spentPounds = z
  .string()
  .transform((s) => parsePounds(s))
  .refine((p): p is bigint => p !== null && p <= 100_000_000_000n, `${E}.spentInvalid`)
  .transform((p) => p as bigint);

export const DeliveryInput = z.object({
  status: z.enum(DELIVERY_STATUSES, { message: `${E}.statusMissing` }),
  note: z.string().trim().min(1, `${E}.noteMissing`).max(2000, `${E}.noteTooLong`),
  spent: spentPounds,
});

export type DeliveryUpdate = {
  id: string;
  status: DeliveryStatus;
  note: string;
  spentToDatePence: bigint;
  postedAt: Date;
};

export type DeliveredProject = {
  id: string;
  number: number;
  title: string;
  wardCode: string | null;
  wardName: string | null;
  costPence: bigint;
  /** The latest update's status; 'not-started' before any update. */
  status: DeliveryStatus;
  spentToDatePence: bigint;
  lastUpdatedAt: Date | null;
  /** Newest first. */
  updates: DeliveryUpdate[];
};

/** Every funded project of a counted process with its delivery so far (public). */
export async function listDelivery(ctx: ServiceContext, slug: string) {
  const results = await requireResults(ctx, slug);
  const numbers = results.funded.map((f) => f.number);
  const rows = await ctx.db.query<{
    proposal_id: string;
    number: number;
    id: string | null;
    status: DeliveryStatus | null;
    note: string | null;
    spent: string | null;
    posted_at: Date | null;
  }>(
    `select pr.id as proposal_id, pr.number, u.id, u.status, u.note, u.spent_to_date_pence::text as spent, u.posted_at
     from pb_proposals pr
     left join pb_delivery_updates u on u.proposal_id = pr.id
     where pr.process_id = $1 and pr.number = any($2::int[])
     order by pr.number, u.posted_at desc, u.id`,
    [results.process.id, numbers],
  );
  const updates = new Map<number, { proposalId: string; list: DeliveryUpdate[] }>();
  for (const r of rows) {
    const entry = updates.get(r.number) ?? { proposalId: r.proposal_id, list: [] };
    if (r.id && r.status && r.note !== null && r.spent !== null && r.posted_at)
      entry.list.push({
        id: r.id,
        status: r.status,
        note: r.note,
        spentToDatePence: BigInt(r.spent),
        postedAt: new Date(r.posted_at),
      });
    updates.set(r.number, entry);
  }
  const projects: DeliveredProject[] = results.funded.map((f) => {
    const entry = updates.get(f.number);
    const latest = entry?.list[0];
    return {
      id: entry?.proposalId ?? '',
      number: f.number,
      title: f.title,
      wardCode: f.wardCode,
      wardName: f.wardName,
      costPence: f.costPence,
      status: latest?.status ?? 'not-started',
      spentToDatePence: latest?.spentToDatePence ?? 0n,
      lastUpdatedAt: latest?.postedAt ?? null,
      updates: entry?.list ?? [],
    };
  });
  const spent = projects.reduce((sum, x) => sum + x.spentToDatePence, 0n);
  return { process: results.process, projects, spentPence: spent, fundedPence: results.spentPence };
}

/** One funded project's delivery (for the update form). */
export async function getDeliveredProject(ctx: ServiceContext, slug: string, number: number) {
  const { process, projects } = await listDelivery(ctx, slug);
  const project = projects.find((x) => x.number === number);
  if (!project) throw new NotFound('budgeting.delivery.notFunded');
  return { process, project };
}

/**
 * Posts an update on a funded project (officers). Only projects the official count funded take
 * updates; the amount is what has been spent so far in total, not since the last update.
 */
export async function postDeliveryUpdate(
  ctx: ServiceContext,
  slug: string,
  number: number,
  raw: unknown,
): Promise<string> {
  if (!ctx.actor || !can(ctx.actor, MANAGE)) throw new Forbidden();
  const input = validated(DeliveryInput, raw);
  const { project } = await getDeliveredProject(ctx, slug, number);
  return withTransaction(ctx.db, async (tx) => {
    const p = await getProcessForUpdate(tx, ctx.place.id, slug);
    const rows = await tx.query<{ id: string }>(
      `insert into pb_delivery_updates (proposal_id, status, note, spent_to_date_pence, posted_by)
       values ($1, $2, $3, $4, $5) returning id`,
      [project.id, input.status, input.note, input.spent.toString(), ctx.actor?.userId ?? null],
    );
    const id = rows[0]?.id as string;
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'budgeting.delivery.update',
      targetType: 'pb_proposal',
      targetId: project.id,
      before: { status: project.status, spentToDatePence: project.spentToDatePence.toString() },
      after: {
        process: p.slug,
        number,
        status: input.status,
        note: input.note,
        spentToDatePence: input.spent.toString(),
      },
      requestId: ctx.requestId ?? null,
    });
    return id;
  });
}

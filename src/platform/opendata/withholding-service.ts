import { z } from 'zod';
import { audit } from '../audit/audit.js';
import { withTransaction } from '../db/transaction.js';
import type { Db, Tx } from '../db/types.js';
import { Forbidden, NotFound, validated } from '../http/errors.js';
import type { ServiceContext } from '../http/request-context.js';
import { enabledModules } from '../module-registry.js';
import { can } from '../roles/permissions.js';

export const REASON_KINDS = ['personal-data', 'commercial', 'security', 'other'] as const;
export type ReasonKind = (typeof REASON_KINDS)[number];

export type Withholding = {
  datasetId: string;
  reasonKind: ReasonKind;
  reason: string;
  withheldAt: Date;
};

export type WithholdingEvent = {
  event: 'withheld' | 'released';
  reasonKind: ReasonKind | null;
  reason: string | null;
  at: Date;
};

/** The place's withheld datasets, by dataset id. */
export async function withholdingsFor(db: Db | Tx, placeId: string): Promise<Map<string, Withholding>> {
  const rows = await db.query<{
    dataset_id: string;
    reason_kind: ReasonKind;
    reason: string;
    withheld_at: Date;
  }>(`select dataset_id, reason_kind, reason, withheld_at from dataset_withholdings where place_id = $1`, [
    placeId,
  ]);
  return new Map(
    rows.map((r) => [
      r.dataset_id,
      {
        datasetId: r.dataset_id,
        reasonKind: r.reason_kind,
        reason: r.reason,
        withheldAt: new Date(r.withheld_at),
      },
    ]),
  );
}

/** Each time the dataset was withheld or released, newest first (public: the reasons are published). */
export async function withholdingHistory(
  db: Db | Tx,
  placeId: string,
  datasetId: string,
): Promise<WithholdingEvent[]> {
  const rows = await db.query<{
    event: WithholdingEvent['event'];
    reason_kind: ReasonKind | null;
    reason: string | null;
    at: Date;
  }>(
    `select event, reason_kind, reason, at from dataset_withholding_history
     where place_id = $1 and dataset_id = $2 order by at desc, id desc limit 100`,
    [placeId, datasetId],
  );
  return rows.map((r) => ({
    event: r.event,
    reasonKind: r.reason_kind,
    reason: r.reason,
    at: new Date(r.at),
  }));
}

const WithholdInput = z.object({
  dataset: z.string().trim().min(1, 'data.errors.datasetMissing').max(80, 'data.errors.datasetMissing'),
  reasonKind: z.enum(REASON_KINDS, { message: 'data.errors.reasonKindMissing' }),
  reason: z.string().trim().min(1, 'data.errors.reasonMissing').max(1000, 'data.errors.reasonTooLong'),
});

function knownDataset(ctx: ServiceContext, datasetId: string): boolean {
  return enabledModules(ctx.place.modules).some((m) => (m.datasets ?? []).some((d) => d.id === datasetId));
}

/** Withholds a dataset (or changes the published reason): its downloads are refused from now on. */
export async function withholdDataset(ctx: ServiceContext, raw: unknown): Promise<void> {
  if (!can(ctx.actor, 'data.manage')) throw new Forbidden();
  const input = validated(WithholdInput, raw);
  if (!knownDataset(ctx, input.dataset)) throw new NotFound('No such dataset');
  await withTransaction(ctx.db, async (tx) => {
    const before = await tx.query<{ reason_kind: string; reason: string }>(
      `select reason_kind, reason from dataset_withholdings where place_id = $1 and dataset_id = $2 for update`,
      [ctx.place.id, input.dataset],
    );
    await tx.query(
      `insert into dataset_withholdings (place_id, dataset_id, reason_kind, reason, withheld_by)
       values ($1, $2, $3, $4, $5)
       on conflict (place_id, dataset_id) do update
         set reason_kind = excluded.reason_kind, reason = excluded.reason,
             withheld_by = excluded.withheld_by, withheld_at = now()`,
      [ctx.place.id, input.dataset, input.reasonKind, input.reason, ctx.actor?.userId ?? null],
    );
    await tx.query(
      `insert into dataset_withholding_history (place_id, dataset_id, event, reason_kind, reason, by_user)
       values ($1, $2, 'withheld', $3, $4, $5)`,
      [ctx.place.id, input.dataset, input.reasonKind, input.reason, ctx.actor?.userId ?? null],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'data.withhold',
      targetType: 'dataset',
      targetId: input.dataset,
      before: before[0] ?? null,
      after: { reason_kind: input.reasonKind, reason: input.reason },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** Publishes a withheld dataset again. Releasing one that is not withheld changes nothing. */
export async function releaseDataset(ctx: ServiceContext, raw: unknown): Promise<boolean> {
  if (!can(ctx.actor, 'data.manage')) throw new Forbidden();
  const { dataset } = validated(WithholdInput.pick({ dataset: true }), raw);
  if (!knownDataset(ctx, dataset)) throw new NotFound('No such dataset');
  return withTransaction(ctx.db, async (tx) => {
    const gone = await tx.query<{ reason_kind: string; reason: string }>(
      `delete from dataset_withholdings where place_id = $1 and dataset_id = $2 returning reason_kind, reason`,
      [ctx.place.id, dataset],
    );
    if (!gone[0]) return false;
    await tx.query(
      `insert into dataset_withholding_history (place_id, dataset_id, event, by_user) values ($1, $2, 'released', $3)`,
      [ctx.place.id, dataset, ctx.actor?.userId ?? null],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'data.release',
      targetType: 'dataset',
      targetId: dataset,
      before: gone[0],
      after: null,
      requestId: ctx.requestId ?? null,
    });
    return true;
  });
}

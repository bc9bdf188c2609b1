import {
  clusterDuplicates,
  createDuplicateFinder,
  DATA_QUALITY_THRESHOLD,
  type DuplicateCluster,
  type DuplicateMatch,
  type DuplicateReason,
  mergeRecords,
  WARN_ON_CREATE_THRESHOLD,
} from '../../../lib/dedupe/index.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { Forbidden, NotFound } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { listWards, type Ward } from '../../wards/ward-service.js';
import { type GroupRecord, groupRecords } from '../groups/group-service.js';

/**
 * "One directory, not five": the records of every kind as the data-quality checks see them,
 * stale ones (not confirmed for a year, or flagged by the yearly nudge) and likely duplicates.
 */
export type QualityRecord = GroupRecord | ServiceQualityRecord;

/** What the services part of the directory gives the checks (same shape as a group's). */
export type ServiceQualityRecord = Omit<GroupRecord, 'kind'> & { kind: 'service' };

type ServiceRecordSource = (ctx: ServiceContext) => Promise<ServiceQualityRecord[]>;
let serviceSource: ServiceRecordSource = async () => [];

/** The services part registers where its records come from (it owns its tables). */
export function useServiceRecords(source: ServiceRecordSource): void {
  serviceSource = source;
}

export async function qualityRecords(ctx: ServiceContext): Promise<QualityRecord[]> {
  return [...(await groupRecords(ctx)), ...(await serviceSource(ctx))];
}

export const STALE_AFTER_DAYS = 365;

export type WardQuality = {
  ward: Ward | null;
  stale: QualityRecord[];
  duplicates: DuplicateCluster<QualityRecord>[];
};

export type QualityReport = {
  checked: number;
  staleCount: number;
  duplicateClusters: number;
  byWard: WardQuality[];
};

/** Stale and duplicate records, ward by ward (records with no ward last). */
export async function dataQualityReport(ctx: ServiceContext, now = new Date()): Promise<QualityReport> {
  if (!can(ctx.actor, 'directory.quality')) throw new Forbidden();
  const records = await qualityRecords(ctx);
  const staleBefore = now.getTime() - STALE_AFTER_DAYS * 86_400_000;
  const stale = records
    .filter((r) => r.mayBeOutOfDate || r.lastConfirmedAt.getTime() < staleBefore)
    .sort((a, b) => a.lastConfirmedAt.getTime() - b.lastConfirmedAt.getTime());
  const dismissed = await dismissedPairs(ctx);
  const clusters = splitDismissed(
    clusterDuplicates(records, { threshold: DATA_QUALITY_THRESHOLD }),
    dismissed,
  );
  const wards = await listWards(ctx);
  const buckets: WardQuality[] = [...wards.map((w) => ({ ward: w as Ward | null })), { ward: null }].map(
    ({ ward }) => {
      const code = ward?.code ?? null;
      return {
        ward,
        stale: stale.filter((r) => r.wardCode === code),
        // A cluster spanning wards is listed under each ward it touches.
        duplicates: clusters.filter((c) => c.records.some((r) => r.wardCode === code)),
      };
    },
  );
  return {
    checked: records.length,
    staleCount: stale.length,
    duplicateClusters: clusters.length,
    byWard: buckets.filter((b) => b.ward !== null || b.stale.length || b.duplicates.length),
  };
}

async function dismissedPairs(ctx: ServiceContext): Promise<Set<string>> {
  const rows = await ctx.db.query<{ record_a: string; record_b: string }>(
    'select record_a, record_b from directory_not_duplicates where place_id = $1',
    [ctx.place.id],
  );
  return new Set(rows.map((r) => `${r.record_a}|${r.record_b}`));
}

/**
 * Drops the pairs officers have said are different, then re-forms each cluster from the
 * pairs that remain (a cluster held together only by a dismissed pair falls apart).
 */
export function splitDismissed<T extends QualityRecord>(
  clusters: DuplicateCluster<T>[],
  dismissed: Set<string>,
): DuplicateCluster<T>[] {
  if (!dismissed.size) return clusters;
  const out: DuplicateCluster<T>[] = [];
  for (const cluster of clusters) {
    const pairs = cluster.pairs.filter((p) => !dismissed.has(`${p.a}|${p.b}`));
    const parent = new Map(cluster.records.map((r) => [r.id, r.id]));
    const root = (id: string): string => {
      let x = id;
      while (parent.get(x) !== x) x = parent.get(x) as string;
      return x;
    };
    for (const p of pairs) parent.set(root(p.a), root(p.b));
    const byRoot = new Map<string, T[]>();
    for (const r of cluster.records) byRoot.set(root(r.id), [...(byRoot.get(root(r.id)) ?? []), r]);
    for (const members of byRoot.values()) {
      if (members.length < 2) continue;
      const ids = new Set(members.map((m) => m.id));
      out.push({ records: members, pairs: pairs.filter((p) => ids.has(p.a) && ids.has(p.b)) });
    }
  }
  return out;
}

/** An officer has checked two records and they are different: stop listing them together. */
export async function markNotDuplicates(ctx: ServiceContext, idA: string, idB: string): Promise<void> {
  if (!can(ctx.actor, 'directory.quality')) throw new Forbidden();
  const records = await qualityRecords(ctx);
  if (idA === idB || !records.some((r) => r.id === idA) || !records.some((r) => r.id === idB))
    throw new NotFound('No such pair of records');
  const [a, b] = [idA, idB].sort() as [string, string];
  await withTransaction(ctx.db, async (tx) => {
    await tx.query(
      'insert into directory_not_duplicates (place_id, record_a, record_b, decided_by) values ($1, $2, $3, $4) on conflict do nothing',
      [ctx.place.id, a, b, ctx.actor?.userId ?? null],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'directory.quality.not-duplicates',
      targetType: 'directory-record',
      targetId: a,
      after: { recordA: a, recordB: b },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** Likely duplicates of something about to be added (a new group, an imported row). */
export async function likelyDuplicatesFinder(ctx: ServiceContext) {
  const find = createDuplicateFinder(await qualityRecords(ctx));
  return (candidate: {
    name: string;
    address?: string | null;
    postcode?: string | null;
    phone?: string | null;
    email?: string | null;
    website?: string | null;
    lon?: number | null;
    lat?: number | null;
  }): DuplicateMatch<QualityRecord>[] =>
    find({ id: '', kind: 'group', ...candidate }, { threshold: WARN_ON_CREATE_THRESHOLD, limit: 5 });
}

/** What merging two records would do, for the officer to check before confirming. */
export async function mergePreview(ctx: ServiceContext, keepId: string, duplicateId: string) {
  if (!can(ctx.actor, 'directory.quality')) throw new Forbidden();
  const records = await qualityRecords(ctx);
  const keep = records.find((r) => r.id === keepId);
  const duplicate = records.find((r) => r.id === duplicateId);
  if (!keep || !duplicate || keep.id === duplicate.id) throw new NotFound('No such pair of records to merge');
  return { keep, duplicate, proposal: mergeRecords(keep, duplicate) };
}

/** A reason for the page, as a message key and its values. */
export function describeReason(reason: DuplicateReason): { key: string; vars: Record<string, string> } {
  switch (reason.code) {
    case 'same-name':
    case 'same-phone':
    case 'same-email':
    case 'same-postcode':
      return { key: `directory.quality.reasons.${reason.code}`, vars: { value: reason.value } };
    case 'same-website':
      return { key: 'directory.quality.reasons.same-website', vars: { value: reason.value } };
    case 'similar-name':
    case 'similar-address':
      return {
        key: `directory.quality.reasons.${reason.code}`,
        vars: { a: reason.a, b: reason.b, percent: String(Math.round(reason.similarity * 100)) },
      };
    case 'nearby':
      return { key: 'directory.quality.reasons.nearby', vars: { metres: String(Math.round(reason.metres)) } };
  }
}

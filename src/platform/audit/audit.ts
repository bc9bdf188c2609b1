import type { SqlParam, Tx } from '../db/types.js';

export type AuditEntry = {
  placeId: string | null;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
};

// Secrets never reach the audit log, whatever a caller passes in.
const REDACT = /password|secret|token|hash/i;

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, REDACT.test(k) ? '[redacted]' : redact(v)]),
    );
  }
  return value;
}

/**
 * Records a change. It takes a transaction, not a database, so the record commits or rolls
 * back with the change itself; the table's triggers refuse UPDATE, DELETE and TRUNCATE.
 */
export async function audit(tx: Tx, e: AuditEntry): Promise<void> {
  await tx.query(
    `insert into audit_log (place_id, actor_id, action, target_type, target_id, before, after, request_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    auditParams(e),
  );
}

/**
 * The same record as an INSERT … SELECT for a hot path that makes its change and the record
 * in one statement (`with change as (…), ok as (…) <this>`): parameters are numbered from
 * `$first`, and `from` (a CTE of the caller's) makes the record only when the change happened.
 * The statement is one transaction on its own, or part of the caller's.
 */
export function auditInsert(e: AuditEntry, first: number, from: string): { sql: string; params: SqlParam[] } {
  const types = ['uuid', 'uuid', 'text', 'text', 'text', 'jsonb', 'jsonb', 'text'];
  return {
    sql: `insert into audit_log (place_id, actor_id, action, target_type, target_id, before, after, request_id)
     select ${types.map((type, i) => `$${first + i}::${type}`).join(', ')} from ${from}`,
    params: auditParams(e),
  };
}

function auditParams(e: AuditEntry): SqlParam[] {
  return [
    e.placeId,
    e.actorId,
    e.action,
    e.targetType,
    e.targetId,
    e.before === undefined ? null : JSON.stringify(redact(e.before)),
    e.after === undefined ? null : JSON.stringify(redact(e.after)),
    e.requestId ?? null,
  ];
}

export type AuditRow = {
  id: number;
  at: Date;
  actor_email: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
};

export async function listAudit(
  db: Pick<Tx, 'query'>,
  placeId: string,
  filter: { action?: string; limit?: number; offset?: number } = {},
): Promise<AuditRow[]> {
  return db.query<AuditRow>(
    `select a.id, a.at, u.email as actor_email, a.action, a.target_type, a.target_id, a.before, a.after, a.request_id
     from audit_log a left join users u on u.id = a.actor_id
     where a.place_id = $1 and ($2::text is null or a.action like $2 || '%')
     order by a.id desc limit $3 offset $4`,
    [placeId, filter.action ?? null, filter.limit ?? 100, filter.offset ?? 0],
  );
}

/**
 * One batch of the place's audit log, newest first, below the id `before` (keyset pagination
 * for the streamed CSV: each batch is an index range scan, however deep into the log).
 */
export async function auditBatch(
  db: Pick<Tx, 'query'>,
  placeId: string,
  filter: { action?: string; before: string | null; limit: number },
): Promise<AuditRow[]> {
  return db.query<AuditRow>(
    `select a.id, a.at, u.email as actor_email, a.action, a.target_type, a.target_id, a.before, a.after, a.request_id
     from audit_log a left join users u on u.id = a.actor_id
     where a.place_id = $1 and ($2::text is null or a.action like $2 || '%') and a.id < coalesce($3::bigint, 9223372036854775807)
     order by a.id desc limit $4`,
    [placeId, filter.action ?? null, filter.before, filter.limit],
  );
}

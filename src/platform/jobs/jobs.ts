import { hostname } from 'node:os';
import type { Db, Tx } from '../db/types.js';

export type Job = {
  id: number;
  name: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
};
export type JobHandler = (job: Job, db: Db) => Promise<void>;

/** Queues work; inside a transaction, the job exists only if the change that wanted it commits. */
export async function enqueue(
  db: Db | Tx,
  name: string,
  payload: Record<string, unknown> = {},
  options: { placeId?: string | null; runAt?: Date; maxAttempts?: number } = {},
): Promise<number> {
  const rows = await db.query<{ id: number }>(
    `insert into jobs (place_id, name, payload, run_at, max_attempts)
     values ($1, $2, $3, coalesce($4, now()), $5) returning id`,
    [options.placeId ?? null, name, JSON.stringify(payload), options.runAt ?? null, options.maxAttempts ?? 5],
  );
  return rows[0]?.id as number;
}

const WORKER_ID = `${hostname()}:${process.pid}`;

/** Exponential back-off between attempts: 10 s, 20 s, 40 s … up to an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(3_600_000, 10_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Claims and runs one due job. `FOR UPDATE SKIP LOCKED` lets several workers share the
 * queue on PostgreSQL; PGlite has one connection, where it is simply a no-op.
 */
export async function runOneJob(
  db: Db,
  handlers: Record<string, JobHandler>,
  now = new Date(),
): Promise<boolean> {
  const claimed = await db.query<Job>(
    `update jobs set status = 'running', attempts = attempts + 1, locked_by = $2, locked_at = $1
     where id = (
       select id from jobs where status = 'queued' and run_at <= $1
       order by run_at, id limit 1 for update skip locked
     )
     returning id, name, payload, attempts, max_attempts`,
    [now ?? null, WORKER_ID],
  );
  const job = claimed[0];
  if (!job) return false;
  const handler = handlers[job.name];
  try {
    if (!handler) throw new Error(`No handler for job "${job.name}"`);
    await handler(job, db);
    await db.query("update jobs set status = 'done', finished_at = now(), last_error = null where id = $1", [
      job.id,
    ]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const giveUp = job.attempts >= job.max_attempts;
    await db.query(
      `update jobs set status = $2, last_error = $3, run_at = $4, finished_at = case when $2 = 'failed' then now() end
       where id = $1`,
      [
        job.id,
        giveUp ? 'failed' : 'queued',
        message.slice(0, 2000),
        new Date(now.getTime() + retryDelayMs(job.attempts)),
      ],
    );
  }
  return true;
}

/** Runs every job that is due now (tests and the CLI use this; the server polls). */
export async function runDueJobs(
  db: Db,
  handlers: Record<string, JobHandler>,
  now = new Date(),
): Promise<number> {
  let n = 0;
  while (n < 10_000 && (await runOneJob(db, handlers, now))) n++;
  return n;
}

/** The in-process worker that `kith serve` runs: polls, and stops cleanly on shutdown. */
export function startWorker(
  db: Db,
  handlers: Record<string, JobHandler>,
  options: { pollMs?: number; onError?: (e: unknown) => void } = {},
) {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = async () => {
    if (stopped) return;
    running = runDueJobs(db, handlers).catch((e) => options.onError?.(e));
    await running;
    if (!stopped) timer = setTimeout(tick, options.pollMs ?? 1000);
  };
  let timer = setTimeout(tick, options.pollMs ?? 1000);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export type JobRow = {
  id: number;
  name: string;
  status: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  run_at: Date;
  created_at: Date;
  finished_at: Date | null;
};

export async function recentJobs(
  db: Pick<Db, 'query'>,
  placeId: string | null,
  limit = 100,
): Promise<JobRow[]> {
  return db.query<JobRow>(
    `select id, name, status, attempts, max_attempts, last_error, run_at, created_at, finished_at from jobs
     where ($1::uuid is null or place_id = $1 or place_id is null) order by id desc limit $2`,
    [placeId, limit],
  );
}

/** Jobs that re-book themselves (retention) need one first booking; this is idempotent. */
export async function scheduleRecurringJobs(db: Db, moduleJobs: readonly string[] = []): Promise<void> {
  for (const name of ['privacy.retention', ...moduleJobs]) {
    const rows = await db.query("select 1 from jobs where name = $1 and status in ('queued', 'running')", [
      name,
    ]);
    if (!rows.length) await enqueue(db, name);
  }
}

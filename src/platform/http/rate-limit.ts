import type { Db } from '../db/types.js';
import { DomainError } from './errors.js';

export class TooManyRequests extends DomainError {
  readonly status = 429;
  readonly titleKey = 'errors.tooMany.title';
  constructor(readonly retryAfterSeconds: number) {
    super('Too many attempts');
  }
}

/**
 * A fixed-window counter in the database, so every server process shares it. Throws
 * TooManyRequests (a friendly 429 page) once `limit` hits land in one window.
 */
export async function rateLimit(
  db: Db,
  key: string,
  limit: number,
  windowMs: number,
  now = new Date(),
): Promise<void> {
  const rows = await db.query<{ hits: number; window_start: Date }>(
    `insert into rate_limits (key, window_start, hits) values ($1, $2, 1)
     on conflict (key) do update set
       hits = case when rate_limits.window_start <= $2::timestamptz - $3::interval then 1 else rate_limits.hits + 1 end,
       window_start = case when rate_limits.window_start <= $2::timestamptz - $3::interval then $2 else rate_limits.window_start end
     returning hits, window_start`,
    [key, now, `${windowMs} milliseconds`],
  );
  const r = rows[0];
  if (r && r.hits > limit) {
    const retry = Math.ceil((new Date(r.window_start).getTime() + windowMs - now.getTime()) / 1000);
    throw new TooManyRequests(Math.max(1, retry));
  }
}

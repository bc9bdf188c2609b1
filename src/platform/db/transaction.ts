import type { Db, Tx } from './types.js';

/** Every write uses this: it opens a transaction, or joins the one the caller already holds. */
export function withTransaction<T>(db: Db | Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return 'inTransaction' in db ? fn(db) : db.transaction(fn);
}

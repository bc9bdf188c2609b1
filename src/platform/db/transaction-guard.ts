import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Marks code running inside a transaction. A query sent to the database object instead of
 * the transaction from there is a bug: on PGlite (one connection) it waits for the
 * transaction to finish, forever; on PostgreSQL it silently runs outside it. We refuse it.
 */
const inTransaction = new AsyncLocalStorage<true>();

export function runInTransaction<T>(fn: () => Promise<T>): Promise<T> {
  return inTransaction.run(true, fn);
}

export function assertNotInTransaction(): void {
  if (inTransaction.getStore()) {
    throw new Error(
      'A query used the database instead of the open transaction: pass `tx` to everything inside withTransaction',
    );
  }
}

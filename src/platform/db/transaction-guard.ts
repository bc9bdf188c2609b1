import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Catches a query sent to the database object instead of the transaction from inside
 * `withTransaction`. On PGlite (one connection) that query waits for the transaction, which
 * waits for the query: the process hangs with no error. On PostgreSQL it silently runs outside
 * the transaction. The guard refuses it at once, naming the cause.
 *
 * Each database has its own guard, so a transaction on one never blocks queries on another.
 * Production runs without it (`NO_GUARD`): on Node 20 an AsyncLocalStorage in use slows every
 * `await` in the process, and development and the tests are where such a bug shows up.
 */
export type TransactionGuard = {
  /** Runs a transaction's callback, marked as inside that transaction until it settles. */
  during<T>(fn: () => Promise<T>): Promise<T>;
  /** Throws if called from inside one of this database's open transactions. */
  check(): void;
};

export const NO_GUARD: TransactionGuard = {
  during: (fn) => fn(),
  check() {},
};

export function transactionGuard(): TransactionGuard {
  const inside = new AsyncLocalStorage<{ open: boolean }>();
  return {
    async during(fn) {
      // Work started inside the transaction may outlive it (a promise not awaited); once the
      // transaction is over, its queries on the database are fine again.
      const transaction = { open: true };
      try {
        return await inside.run(transaction, fn);
      } finally {
        transaction.open = false;
      }
    },
    check() {
      if (inside.getStore()?.open)
        throw new Error(
          'A query used the database instead of the open transaction, which on PGlite waits forever: pass `tx` to everything inside withTransaction',
        );
    },
  };
}

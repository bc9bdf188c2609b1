import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { NO_GUARD, type TransactionGuard, transactionGuard } from './transaction-guard.js';
import type { Db, SqlParam, Tx } from './types.js';

export const pgliteExtensions = { pg_trgm, btree_gist, citext, unaccent };

/**
 * Opens the embedded database: in a directory, in memory (dataDir null), or from a dump.
 * Queries on it from inside its transactions are refused unless `guardTransactions` is false
 * (production: see transaction-guard.ts).
 */
export async function openPglite(options: {
  dataDir: string | null;
  loadFrom?: Blob;
  guardTransactions?: boolean;
}): Promise<Db & { raw: PGlite }> {
  const pg = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadFrom ? { loadDataDir: options.loadFrom } : {}),
    extensions: pgliteExtensions,
  });
  return wrapPglite(pg, options.guardTransactions === false ? NO_GUARD : transactionGuard());
}

type PgliteQueryable = Pick<PGlite, 'query' | 'exec'>;

/** `guard` is checked by the database's own queries, not by its transactions'. */
function queryable(pg: PgliteQueryable, guard: TransactionGuard) {
  return {
    async query<Row>(sql: string, params: readonly SqlParam[] = []): Promise<Row[]> {
      guard.check();
      const result = await pg.query<Row>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql: string): Promise<void> {
      guard.check();
      await pg.exec(sql);
    },
  };
}

export function wrapPglite(pg: PGlite, guard: TransactionGuard): Db & { raw: PGlite } {
  return {
    kind: 'pglite',
    raw: pg,
    ...queryable(pg, guard),
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      // PGlite has one connection; its transaction() serialises callers for us.
      guard.check();
      return pg.transaction((t) =>
        guard.during(() => fn({ inTransaction: true, ...queryable(t, NO_GUARD) })),
      );
    },
    async close() {
      if (!pg.closed) await pg.close();
    },
  };
}

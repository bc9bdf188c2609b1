import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { assertNotInTransaction, runInTransaction } from './transaction-guard.js';
import type { Db, SqlParam, Tx } from './types.js';

export const pgliteExtensions = { pg_trgm, btree_gist, citext, unaccent };

/** Opens the embedded database: in a directory, in memory (dataDir null), or from a dump. */
export async function openPglite(options: {
  dataDir: string | null;
  loadFrom?: Blob;
}): Promise<Db & { raw: PGlite }> {
  const pg = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadFrom ? { loadDataDir: options.loadFrom } : {}),
    extensions: pgliteExtensions,
  });
  return wrapPglite(pg);
}

type PgliteQueryable = Pick<PGlite, 'query' | 'exec'>;

function queryable(pg: PgliteQueryable, root: boolean) {
  return {
    async query<Row>(sql: string, params: readonly SqlParam[] = []): Promise<Row[]> {
      if (root) assertNotInTransaction();
      const result = await pg.query<Row>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql: string): Promise<void> {
      if (root) assertNotInTransaction();
      await pg.exec(sql);
    },
  };
}

export function wrapPglite(pg: PGlite): Db & { raw: PGlite } {
  return {
    kind: 'pglite',
    raw: pg,
    ...queryable(pg, true),
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      // PGlite has one connection; its transaction() serialises callers for us.
      assertNotInTransaction();
      return pg.transaction((t) =>
        runInTransaction(() => fn({ inTransaction: true, ...queryable(t, false) })),
      );
    },
    async close() {
      if (!pg.closed) await pg.close();
    },
  };
}

import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.js';
import { acquireDataDirLock } from './lockfile.js';
import { openPg } from './pg.js';
import { openPglite } from './pglite.js';
import type { Db } from './types.js';

/** The PGlite files live in `<dataDir>/pgdata`; the lock sits beside them. */
export function pgdataDir(dataDir: string): string {
  return path.join(dataDir, 'pgdata');
}

/** Opens the configured database, holding the data-directory lock for PGlite. */
export async function openDatabase(database: Config['database']): Promise<Db> {
  const { guardTransactions } = database;
  if (database.kind === 'pg') return openPg(database.url, { guardTransactions });
  if (database.dataDir === null) return openPglite({ dataDir: null, guardTransactions });
  const lock = acquireDataDirLock(database.dataDir);
  try {
    fs.mkdirSync(pgdataDir(database.dataDir), { recursive: true });
    const db = await openPglite({ dataDir: pgdataDir(database.dataDir), guardTransactions });
    const close = db.close.bind(db);
    return Object.assign(db, {
      async close() {
        try {
          await close();
        } finally {
          lock.release();
        }
      },
    });
  } catch (error) {
    lock.release();
    throw error;
  }
}

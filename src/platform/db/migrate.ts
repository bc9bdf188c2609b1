import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './types.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

export type Migration = { id: string; sql: string; checksum: string };

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_-]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const sql = fs.readFileSync(path.join(dir, f), 'utf8');
      return { id: f.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies pending migrations in order, each in its own transaction, on PGlite and PostgreSQL
 * alike. An applied migration whose file has since changed stops the run: migrations are
 * history, and a change must be a new file.
 */
export async function migrate(db: Db, migrations = readMigrations()): Promise<string[]> {
  await db.exec(`create table if not exists kith_migrations (
    id text primary key,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`);
  const applied = new Map(
    (await db.query<{ id: string; checksum: string }>('select id, checksum from kith_migrations')).map(
      (r) => [r.id, r.checksum],
    ),
  );
  const done: string[] = [];
  for (const m of migrations) {
    const known = applied.get(m.id);
    if (known) {
      if (known !== m.checksum) {
        throw new Error(`Migration ${m.id} was changed after it was applied. Add a new migration instead.`);
      }
      continue;
    }
    await db.transaction(async (tx) => {
      // Two servers starting together against one PostgreSQL must not both migrate.
      if (db.kind === 'pg') await tx.query('select pg_advisory_xact_lock(7410001)');
      const again = await tx.query('select 1 from kith_migrations where id = $1', [m.id]);
      if (again.length) return;
      await tx.exec(m.sql);
      await tx.query('insert into kith_migrations (id, checksum) values ($1, $2)', [m.id, m.checksum]);
      done.push(m.id);
    });
  }
  return done;
}

let knownIds: string[] | undefined;

export async function pendingMigrations(db: Db): Promise<string[]> {
  // Read the folder once per process: /readyz is polled often.
  knownIds ??= readMigrations().map((m) => m.id);
  const rows = await db
    .query<{ id: string }>('select id from kith_migrations')
    .catch(() => [] as { id: string }[]);
  const applied = new Set(rows.map((r) => r.id));
  return knownIds.filter((id) => !applied.has(id));
}

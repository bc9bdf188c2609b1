import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openPg } from '../../src/platform/db/pg.js';
import { openPglite } from '../../src/platform/db/pglite.js';
import type { Db } from '../../src/platform/db/types.js';
// Registers the feature modules, whose permissions and hooks the services under test use.
import '../../src/platform/modules.js';

/**
 * Each test file gets its own database, cloned from a template that was migrated and
 * seeded once (test/prepare.ts): a PGlite data-directory dump, or a PostgreSQL
 * `CREATE DATABASE … TEMPLATE`. KITH_TEST_DB chooses the engine (pglite by default).
 */
export const CACHE_DIR = fileURLToPath(new URL('../../.cache/test/', import.meta.url));
export const PGLITE_TEMPLATE = path.join(CACHE_DIR, 'template.tar.gz');
export const PG_TEMPLATE_DB = 'kith_test_template';

export function testEngine(): 'pglite' | 'pg' {
  return process.env.KITH_TEST_DB === 'pg' ? 'pg' : 'pglite';
}

export function pgAdminUrl(): string {
  return process.env.KITH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

export function pgUrlFor(database: string): string {
  const url = new URL(pgAdminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: pgAdminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database with the demo place seeded. Close it when the test file ends. */
export async function freshDatabase(): Promise<Db & { url?: string }> {
  if (testEngine() === 'pg') {
    const name = `kith_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    await adminQuery(`create database ${name} template ${PG_TEMPLATE_DB}`);
    const url = pgUrlFor(name);
    const db = openPg(url, { max: 20 });
    const close = db.close.bind(db);
    return Object.assign(db, {
      url,
      async close() {
        await close();
        await adminQuery(`drop database if exists ${name} with (force)`);
      },
    });
  }
  if (!fs.existsSync(PGLITE_TEMPLATE)) {
    throw new Error('No test database template: run `npm test`, or `npx tsx test/prepare.ts` once first.');
  }
  return openPglite({ dataDir: null, loadFrom: new Blob([fs.readFileSync(PGLITE_TEMPLATE)]) });
}

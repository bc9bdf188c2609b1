/**
 * Builds the test database templates once per run: migrate + seed the demo place, then
 * keep the result so each test file can start from a copy in about a second.
 */
import fs from 'node:fs';
import pg from 'pg';
import { migrate } from '../src/platform/db/migrate.js';
import { openPg } from '../src/platform/db/pg.js';
import { openPglite } from '../src/platform/db/pglite.js';
import { seedDemo } from '../src/platform/seed.js';
import { buildAssets } from '../src/platform/views/assets.js';
import { CACHE_DIR, PG_TEMPLATE_DB, PGLITE_TEMPLATE, pgAdminUrl, pgUrlFor } from './helpers/database.js';

async function preparePglite() {
  const db = await openPglite({ dataDir: null });
  await migrate(db);
  await seedDemo(db);
  const dump = await db.raw.dumpDataDir('gzip');
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  fs.writeFileSync(PGLITE_TEMPLATE, Buffer.from(await dump.arrayBuffer()));
  await db.close();
}

async function preparePg() {
  const admin = new pg.Client({ connectionString: pgAdminUrl() });
  await admin.connect();
  try {
    // Leftovers of an interrupted run would otherwise pile up.
    const old = await admin.query("select datname from pg_database where datname like 'kith_t\\_%'");
    for (const r of old.rows) await admin.query(`drop database if exists ${r.datname} with (force)`);
    await admin.query(`drop database if exists ${PG_TEMPLATE_DB} with (force)`);
    await admin.query(`create database ${PG_TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const db = openPg(pgUrlFor(PG_TEMPLATE_DB));
  await migrate(db);
  await seedDemo(db);
  await db.close();
}

const which = process.argv[2] ?? 'pglite';
buildAssets();
if (which === 'pg') await preparePg();
else await preparePglite();

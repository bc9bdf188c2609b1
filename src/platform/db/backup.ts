import fs from 'node:fs';
import path from 'node:path';
import { acquireDataDirLock } from './lockfile.js';
import { pgdataDir } from './open.js';
import { openPglite } from './pglite.js';

/**
 * Backups of the embedded database are PGlite data-directory dumps (a gzipped tar).
 * Both commands take the data-directory lock, so they refuse to run beside a live server.
 */
export async function backupPglite(dataDir: string, file: string): Promise<number> {
  if (!fs.existsSync(path.join(pgdataDir(dataDir), 'PG_VERSION'))) {
    throw new Error(`There is no Kith database in ${dataDir} to back up.`);
  }
  const lock = acquireDataDirLock(dataDir);
  try {
    const db = await openPglite({ dataDir: pgdataDir(dataDir) });
    try {
      const dump = await db.raw.dumpDataDir('gzip');
      const bytes = Buffer.from(await dump.arrayBuffer());
      fs.writeFileSync(file, bytes);
      return bytes.length;
    } finally {
      await db.close();
    }
  } finally {
    lock.release();
  }
}

export async function restorePglite(
  dataDir: string,
  file: string,
  options: { force: boolean },
): Promise<void> {
  if (!fs.existsSync(file)) throw new Error(`The backup file ${file} does not exist.`);
  const target = pgdataDir(dataDir);
  const lock = acquireDataDirLock(dataDir);
  try {
    if (fs.existsSync(target) && fs.readdirSync(target).length > 0) {
      if (!options.force) {
        throw new Error(`${dataDir} already holds a database. Add --force to replace it with the backup.`);
      }
      // Keep the old files until the restore has worked.
      const aside = `${target}.before-restore-${Date.now()}`;
      fs.renameSync(target, aside);
      try {
        await loadInto(target, file);
      } catch (error) {
        fs.rmSync(target, { recursive: true, force: true });
        fs.renameSync(aside, target);
        throw error;
      }
      fs.rmSync(aside, { recursive: true, force: true });
      return;
    }
    await loadInto(target, file);
  } finally {
    lock.release();
  }
}

async function loadInto(target: string, file: string) {
  fs.mkdirSync(target, { recursive: true });
  const blob = new Blob([fs.readFileSync(file)]);
  const db = await openPglite({ dataDir: target, loadFrom: blob });
  try {
    await db.query('select 1');
  } finally {
    await db.close();
  }
}

import fs from 'node:fs';
import path from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by another Kith process (pid ${pid}). ` +
        'Stop that process first, or set KITH_DATA_DIR to a different folder.',
    );
  }
}

const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else — still a live holder.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is a single-process database: two processes writing one directory corrupt it.
 * We hold `kith.pid` beside the data directory while it is open. A lock whose process has
 * gone (a crash, kill -9) is stale and is taken over, so a restart after a crash just works.
 */
export function acquireDataDirLock(dataDir: string): { release(): void; file: string } {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'kith.pid');
  // Our own pid in the file is stale (in a container Kith is pid 1 on every start) unless
  // this very process holds it, which `heldHere` records.
  if (heldHere.has(file)) throw new DataDirLockedError(dataDir, process.pid);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      let released = false;
      heldHere.add(file);
      return {
        file,
        release() {
          if (released) return;
          released = true;
          heldHere.delete(file);
          try {
            if (readPid(file) === process.pid) fs.unlinkSync(file);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readPid(file);
      if (holder !== null && holder !== process.pid && isAlive(holder)) {
        throw new DataDirLockedError(dataDir, holder);
      }
      // Stale (or unreadable half-written) lock: remove it and try again. If another
      // process wins the race to recreate it, the next attempt reports that process.
      try {
        fs.unlinkSync(file);
      } catch {
        // Someone else removed it first.
      }
    }
  }
  throw new Error(`Could not take the lock ${file}; another process keeps replacing it.`);
}

function readPid(file: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly host: string = os.hostname(),
  ) {
    super(
      host === os.hostname()
        ? `The embedded database in ${dataDir} is in use by another Kith process (pid ${pid}). ` +
            'Stop that process first, or set KITH_DATA_DIR to a different folder.'
        : `The embedded database in ${dataDir} is in use by Kith process ${pid} on host "${host}" ` +
            '(another machine or container sharing this folder). Stop it first. If that host is gone for good, ' +
            `delete ${path.join(dataDir, 'kith.pid')} and start again.`,
    );
  }
}

type Holder = { pid: number; host: string };

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

/** Whether the recorded holder may still be running. On another host we cannot tell, so we assume so. */
function mayBeLive(holder: Holder): boolean {
  if (holder.host !== os.hostname()) return true;
  // Our own pid is stale (in a container Kith is pid 1 on every start) unless this very
  // process holds the lock, which `heldHere` catches before we get here.
  if (holder.pid === process.pid) return false;
  return isAlive(holder.pid);
}

/**
 * PGlite is a single-process database: two processes writing one directory corrupt it.
 * We hold `kith.pid` (pid and host name) beside the data while it is open. A lock whose
 * process has gone (a crash, kill -9) is stale and is taken over, so a restart after a crash
 * just works. A lock from another host (a second container on a shared volume) is respected.
 */
export function acquireDataDirLock(dataDir: string): { release(): void; file: string } {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'kith.pid');
  if (heldHere.has(file)) throw new DataDirLockedError(dataDir, process.pid);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n${os.hostname()}\n`, { flag: 'wx' });
      heldHere.add(file);
      let released = false;
      return {
        file,
        release() {
          if (released) return;
          released = true;
          heldHere.delete(file);
          try {
            const holder = readHolder(file);
            if (holder?.pid === process.pid && holder.host === os.hostname()) fs.unlinkSync(file);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      if (holder && mayBeLive(holder)) throw new DataDirLockedError(dataDir, holder.pid, holder.host);
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

function readHolder(file: string): Holder | null {
  try {
    const [pidLine, hostLine] = fs.readFileSync(file, 'utf8').split('\n');
    const pid = Number.parseInt((pidLine ?? '').trim(), 10);
    if (!Number.isInteger(pid) || pid <= 0) return null;
    // Locks written before host names were recorded are treated as this host's.
    return { pid, host: hostLine?.trim() || os.hostname() };
  } catch {
    return null;
  }
}

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { acquireDataDirLock } from '../../src/platform/db/lockfile.js';
import { pgdataDir } from '../../src/platform/db/open.js';
import { openPglite } from '../../src/platform/db/pglite.js';
import { exited, runKith, startServerProcess } from '../helpers/server-process.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-serve-'));
const env = { KITH_DATA_DIR: dataDir };

async function contactSession(url: string) {
  const page = await fetch(`${url}/trafford/contact`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { token, cookie };
}

async function storedReferences(): Promise<Set<string>> {
  const lock = acquireDataDirLock(dataDir);
  try {
    const db = await openPglite({ dataDir: pgdataDir(dataDir) });
    try {
      const rows = await db.query<{ reference: string }>('select reference from contact_messages');
      return new Set(rows.map((r) => r.reference));
    } finally {
      await db.close();
    }
  } finally {
    lock.release();
  }
}

test('kith --help works through the package bin', async () => {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(pkg.bin.kith, 'bin/kith.js');
  const { code, out } = await runKith(['--help'], {});
  assert.equal(code, 0);
  assert.match(out, /Usage: kith <command>/);
  assert.match(out, /backup FILE/);
});

test('first start migrates and seeds; a second server on the same data is refused by name', async () => {
  const server = await startServerProcess(env);
  try {
    const home = await fetch(`${server.url}/trafford/`);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /Trafford Together/);
    const second = await runKith(['serve'], env);
    assert.equal(second.code, 1);
    assert.match(second.out, new RegExp(`in use by another Kith process \\(pid ${server.child.pid}\\)`));
  } finally {
    server.child.kill('SIGTERM');
    assert.equal(await exited(server.child), 0, 'SIGTERM shuts down cleanly');
  }
  assert.equal(fs.existsSync(path.join(dataDir, 'kith.pid')), false, 'the lock is released');
});

test('kill -9 during a stream of writes loses no acknowledged write, and a restart just works', async () => {
  const server = await startServerProcess(env);
  const { token, cookie } = await contactSession(server.url);
  const acknowledged: string[] = [];
  const errors: string[] = [];
  let killed = false;
  let stop = false;
  const writer = async (w: number) => {
    for (let i = 0; !stop; i++) {
      try {
        const res = await fetch(`${server.url}/trafford/contact`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: token, subject: `w${w}-${i}`, message: 'durability' }),
        });
        const ref = new URL(res.headers.get('location') ?? '/', server.url).searchParams.get('reference');
        if (res.status === 303 && ref) acknowledged.push(ref);
        else if (!killed) errors.push(`status ${res.status}`);
      } catch (error) {
        if (killed) return; // the server is gone: nothing after this was acknowledged
        // A dropped connection on a loaded machine is not the server dying: try again.
        errors.push(String(error));
      }
      if (errors.length > 50) return;
    }
  };
  const writers = [0, 1, 2, 3].map(writer);
  // Never wait for ever: stop when enough writes are in, the writers gave up, or time is up.
  const deadline = Date.now() + 120_000;
  while (acknowledged.length < 60 && errors.length <= 50 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  killed = true;
  server.child.kill('SIGKILL');
  await exited(server.child);
  stop = true;
  await Promise.all(writers);
  assert.ok(
    acknowledged.length >= 60,
    `only ${acknowledged.length} writes were acknowledged before the kill; errors: ${errors.slice(0, 3).join('; ')}`,
  );
  assert.ok(fs.existsSync(path.join(dataDir, 'kith.pid')), 'the killed server left its lock behind');

  const stored = await storedReferences();
  const lost = acknowledged.filter((r) => !stored.has(r));
  assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged writes were lost`);

  const restarted = await startServerProcess(env);
  try {
    assert.equal((await fetch(`${restarted.url}/readyz`)).status, 200);
  } finally {
    restarted.child.kill('SIGTERM');
    await exited(restarted.child);
  }
});

test('backup and restore the embedded database', async () => {
  const file = path.join(os.tmpdir(), `kith-backup-${process.pid}.tar.gz`);
  const backup = await runKith(['backup', file], env);
  assert.equal(backup.code, 0, backup.out);
  const before = await storedReferences();

  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-restore-'));
  const restore = await runKith(['restore', file], { KITH_DATA_DIR: other });
  assert.equal(restore.code, 0, restore.out);
  const again = await runKith(['restore', file], { KITH_DATA_DIR: other });
  assert.equal(again.code, 1);
  assert.match(again.out, /already holds a database. Add --force/);

  const server = await startServerProcess({ KITH_DATA_DIR: other });
  try {
    assert.equal((await fetch(`${server.url}/trafford/wards`)).status, 200);
  } finally {
    server.child.kill('SIGTERM');
    await exited(server.child);
  }
  const lock = acquireDataDirLock(other);
  const db = await openPglite({ dataDir: pgdataDir(other) });
  const rows = await db.query<{ n: number }>('select count(*)::int as n from contact_messages');
  await db.close();
  lock.release();
  assert.equal(rows[0]?.n, before.size);
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { acquireDataDirLock, DataDirLockedError } from './lockfile.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kith-lock-'));

test('a live holder is reported by pid', () => {
  const dir = tmp();
  // The test runner's parent process is alive and is not us.
  fs.writeFileSync(path.join(dir, 'kith.pid'), `${process.ppid}\n`);
  assert.throws(
    () => acquireDataDirLock(dir),
    (e: unknown) =>
      e instanceof DataDirLockedError &&
      e.pid === process.ppid &&
      /in use by another Kith process/.test(e.message),
  );
});

test('a lock left by a dead process is taken over', () => {
  const dir = tmp();
  const dead = spawnSync(process.execPath, [
    '-e',
    'process.stdout.write(String(process.pid))',
  ]).stdout.toString();
  fs.writeFileSync(path.join(dir, 'kith.pid'), `${dead}\n`);
  const lock = acquireDataDirLock(dir);
  assert.equal(fs.readFileSync(lock.file, 'utf8').split('\n')[0], String(process.pid));
  lock.release();
  assert.equal(fs.existsSync(lock.file), false);
});

test('garbage in the lock file counts as stale', () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'kith.pid'), 'not a pid');
  acquireDataDirLock(dir).release();
});

test('the same process cannot open one directory twice, but can after releasing it', () => {
  const dir = tmp();
  const lock = acquireDataDirLock(dir);
  assert.throws(() => acquireDataDirLock(dir), DataDirLockedError);
  lock.release();
  acquireDataDirLock(dir).release();
});

test('our own pid left by an earlier run (pid 1 in a container) is stale', () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'kith.pid'), `${process.pid}\n`);
  acquireDataDirLock(dir).release();
});

test('a lock held on another host (a container sharing the volume) is respected, with a way out', () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'kith.pid'), '1\nsome-other-container\n');
  assert.throws(
    () => acquireDataDirLock(dir),
    (e: unknown) =>
      e instanceof DataDirLockedError &&
      /on host "some-other-container"/.test(e.message) &&
      /delete .*kith\.pid/.test(e.message),
  );
});

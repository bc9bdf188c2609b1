import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { FileStore } from './file-store.js';

test('the file store writes, reads and removes its own files, and nothing outside its folder', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-files-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const outside = path.join(root, 'secret.txt');
  fs.writeFileSync(outside, 'not for the web');
  const store = new FileStore(path.join(root, 'files'));

  await store.write('space-photos/abc-123.webp', Buffer.from('picture'));
  assert.equal((await store.read('space-photos/abc-123.webp'))?.toString(), 'picture');
  assert.equal(await store.read('space-photos/missing.webp'), null);
  // Only the finished file is left: no partial copies beside it.
  assert.deepEqual(fs.readdirSync(path.join(root, 'files', 'space-photos')), ['abc-123.webp']);
  await store.remove('space-photos/abc-123.webp', 'space-photos/missing.webp');
  assert.equal(await store.read('space-photos/abc-123.webp'), null);

  for (const name of [
    '../secret.txt',
    'space-photos/../../secret.txt',
    '/etc/passwd',
    'secret.txt',
    'a/B.webp',
    'a/b',
  ]) {
    await assert.rejects(store.read(name), /Not a stored file name/, name);
    await assert.rejects(store.write(name, Buffer.from('x')), /Not a stored file name/, name);
    await assert.rejects(store.remove(name), /Not a stored file name/, name);
  }
  assert.equal(fs.readFileSync(outside, 'utf8'), 'not for the web');
});

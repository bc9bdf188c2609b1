#!/usr/bin/env node
// `npm test`: unit and integration tests on PGlite, again on PostgreSQL when one answers,
// then the end-to-end browser tests. Node's own test runner throughout.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..');
const pgUrl = process.env.KITH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const only = process.argv.slice(2);

function testFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(rel));
    else if (entry.name.endsWith('.test.ts')) out.push(rel);
  }
  return out.sort();
}

function run(args, env = {}) {
  const result = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return result.status ?? 1;
}

function runTests(files, env) {
  if (!files.length) return 0;
  return run(['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files], {
    NODE_ENV: 'test',
    ...env,
  });
}

async function postgresAnswers() {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const pick = (files) => (only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files);
const unit = pick(testFiles('src'));
// src/lib holds pure algorithms with no I/O (see ARCHITECTURE.md): a second database has
// nothing to add to them, so the PostgreSQL pass leaves them out.
const usesDatabase = unit.filter((f) => !f.startsWith(path.join('src', 'lib') + path.sep));
const e2e = pick(testFiles('test/e2e'));
let failed = 0;

console.log('\n== Preparing the PGlite test template');
if (run(['--import', 'tsx', 'test/prepare.ts', 'pglite'])) process.exit(1);
console.log(`\n== Unit and integration tests on PGlite (${unit.length} files)`);
failed = runTests(unit, { KITH_TEST_DB: 'pglite' }) || failed;

if (await postgresAnswers()) {
  console.log(
    `\n== Integration tests on PostgreSQL at ${pgUrl.replace(/\/\/[^@]*@/, '//')} (${usesDatabase.length} files; src/lib has no database)`,
  );
  failed =
    run(['--import', 'tsx', 'test/prepare.ts', 'pg'], { KITH_TEST_PG_URL: pgUrl }) ||
    runTests(usesDatabase, { KITH_TEST_DB: 'pg', KITH_TEST_PG_URL: pgUrl }) ||
    failed;
} else {
  console.log(
    `\n== SKIPPED the PostgreSQL pass: no PostgreSQL answered at ${pgUrl} (set KITH_TEST_PG_URL to use another).`,
  );
}

console.log(`\n== End-to-end tests in Chromium (${e2e.length} files)`);
failed = runTests(e2e, { KITH_TEST_DB: 'pglite' }) || failed;

process.exit(failed ? 1 : 0);

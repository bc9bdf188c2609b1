import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { catalogueEntries, catalogueKeys } from './i18n.js';

const SRC = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(ts|njk)$/.test(e.name) && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

// A key written out in full: t('a.b'), request.t("a.b"), a zod message 'module.errors.x'.
const LITERAL_T = /\bt\(\s*['"]([a-zA-Z][\w-]*(?:\.[\w-]+)+)['"]/g;
const MESSAGE_KEY = /['"]((?:[a-z][\w]*)\.(?:errors|[\w-]+\.errors)\.[\w-]+)['"]/g;

test('every message key written out in the code or a template is in the English catalogue', () => {
  const known = new Set(catalogueKeys('en'));
  const missing: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const pattern of [LITERAL_T, MESSAGE_KEY])
      for (const m of text.matchAll(pattern)) {
        const key = m[1] as string;
        if (!known.has(key)) missing.push(`${path.relative(SRC, file)}: ${key}`);
      }
  }
  assert.deepEqual([...new Set(missing)], []);
});

const placeholders = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('every Welsh message translates an English one and keeps its placeholders', () => {
  const english = new Map(catalogueEntries('en'));
  const wrong: string[] = [];
  for (const [key, welsh] of catalogueEntries('cy')) {
    const en = english.get(key);
    if (en === undefined) wrong.push(`${key}: not in the English catalogue`);
    else if (placeholders(en).join() !== placeholders(welsh).join())
      wrong.push(
        `${key}: {${placeholders(welsh).join('}{')}} in Welsh, {${placeholders(en).join('}{')}} in English`,
      );
  }
  assert.deepEqual(wrong, []);
});

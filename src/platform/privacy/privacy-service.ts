import { stringify } from 'csv-stringify/sync';
import { strToU8, zipSync } from 'fflate';
import { audit } from '../audit/audit.js';
import { withTransaction } from '../db/transaction.js';
import type { Db } from '../db/types.js';
import type { DataUse, PrivacyHooks } from '../module-definition.js';
import { installedModules } from '../module-registry.js';
import { platformPrivacy } from './platform-privacy.js';

function allHooks(): { source: string; hooks: PrivacyHooks }[] {
  return [
    { source: 'kith', hooks: platformPrivacy },
    ...installedModules()
      .filter((m) => m.privacy)
      .map((m) => ({ source: m.name, hooks: m.privacy as PrivacyHooks })),
  ];
}

/** The privacy notice is generated from what each module declares, so it cannot fall behind the code. */
export function dataUses(): DataUse[] {
  return allHooks().flatMap((h) => h.hooks.dataUses);
}

type Person = { userId: string; email: string };

function csvValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** A zip with a JSON and a CSV file per kind of data, from every module: a subject access copy. */
export async function exportPersonalData(db: Db, person: Person): Promise<Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const summary: Record<string, number> = {};
  for (const { source, hooks } of allHooks()) {
    const tables = (await hooks.exportFor?.(db, person)) ?? {};
    for (const [name, rows] of Object.entries(tables)) {
      const base = `${source}/${name}`;
      summary[base] = rows.length;
      files[`${base}.json`] = strToU8(JSON.stringify(rows, null, 2));
      const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      files[`${base}.csv`] = strToU8(
        columns.length
          ? stringify(
              rows.map((r) => columns.map((c) => csvValue(r[c]))),
              { header: true, columns },
            )
          : '',
      );
    }
  }
  files['README.txt'] = strToU8(
    `Everything Kith holds about ${person.email}, made ${new Date().toISOString()}.\n` +
      'Each kind of data is here as JSON and as CSV. Counts:\n' +
      Object.entries(summary)
        .map(([k, n]) => `  ${k}: ${n}`)
        .join('\n') +
      '\n',
  );
  return zipSync(files, { level: 6 });
}

/** Erases or anonymises the account across every module, in one transaction. */
export async function deleteAccount(db: Db, person: Person, requestId: string): Promise<string[]> {
  return withTransaction(db, async (tx) => {
    const kept: string[] = [];
    // Modules first, the account itself (platform) last.
    for (const { hooks } of allHooks().reverse()) kept.push(...((await hooks.eraseFor?.(tx, person)) ?? []));
    await audit(tx, {
      placeId: null,
      actorId: person.userId,
      action: 'account.delete',
      targetType: 'user',
      targetId: person.userId,
      requestId,
    });
    return [...new Set(kept)];
  });
}

/** The daily retention run: every module removes what it no longer needs. */
export async function applyRetention(db: Db, now = new Date()): Promise<number> {
  return withTransaction(db, async (tx) => {
    let n = 0;
    for (const { hooks } of allHooks()) n += (await hooks.applyRetention?.(tx, now)) ?? 0;
    return n;
  });
}

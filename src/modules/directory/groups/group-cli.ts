import fs from 'node:fs';
import path from 'node:path';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db } from '../../../platform/db/types.js';
import { Invalid } from '../../../platform/http/errors.js';
import { translator } from '../../../platform/i18n/i18n.js';
import { placeFor } from '../oruk/oruk-cli.js';
import { checkRows, insertGroups, placeRows, readGroupsCsv } from './group-import.js';

/**
 * `kith import groups-csv FILE [--place SLUG] [--valid-only]`: the same checks as the admin's
 * import page. Every problem is printed with its line; nothing is written unless every row is
 * valid, or `--valid-only` says to leave the rows with problems out.
 */
export async function runGroupsCsvImport(
  db: Db,
  options: { file: string; place?: string | undefined; validOnly?: boolean | undefined },
  say: (line: string) => void,
): Promise<number> {
  const t = translator('en');
  const place = await placeFor(db, options.place);
  const ctx = { db, place, actor: null, requestId: 'cli' };
  let rows: Awaited<ReturnType<typeof checkRows>>;
  try {
    rows = await checkRows(ctx, readGroupsCsv(fs.readFileSync(options.file, 'utf8')));
  } catch (error) {
    if (error instanceof Invalid) {
      say(
        `${options.file}: ${Object.values(error.fieldErrors)
          .map((k) => t(k))
          .join('; ')}`,
      );
      return 1;
    }
    throw error;
  }
  const withProblems = rows.filter((r) => r.problems.length);
  for (const r of withProblems)
    for (const p of r.problems)
      say(`line ${r.line}: ${t(`directory.import.fields.${p.field}`)}: ${t(p.messageKey)}`);
  if (withProblems.length && !options.validOnly) {
    say(
      `${withProblems.length} of ${rows.length} rows have problems; nothing was imported (use --valid-only to import the rest).`,
    );
    return 1;
  }
  const name = path.basename(options.file);
  const placed = await placeRows(
    ctx,
    rows.filter((r) => !r.problems.length).map((r) => ({ values: r.values, sourceId: `${name}#${r.line}` })),
  );
  const ids = await withTransaction(db, (tx) => insertGroups(tx, ctx, placed, `csv:${name}`));
  say(`Imported ${ids.length} groups into ${place.name}; ${withProblems.length} rows left out.`);
  return 0;
}

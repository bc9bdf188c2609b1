import { parse } from 'csv-parse/sync';
import { audit } from '../../platform/audit/audit.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { Forbidden, Invalid, NotFound } from '../../platform/http/errors.js';
import { isUuid } from '../../platform/http/ids.js';
import type { ServiceContext } from '../../platform/http/request-context.js';
import { can } from '../../platform/roles/permissions.js';
import {
  checkFigure,
  type FigureInput,
  figuresOf,
  listStandards,
  MANAGE,
  type Standard,
  writeFigure,
} from './standards-service.js';

const E = 'standards.import.errors';

/** The columns a figures CSV may have; `standard` is `service-slug/standard-slug`. */
export const CSV_COLUMNS = [
  'standard',
  'month',
  'value',
  'numerator',
  'denominator',
  'note',
  'action',
] as const;
type Column = (typeof CSV_COLUMNS)[number];

export const MAX_IMPORT_ROWS = 2000;
export const MAX_IMPORT_BYTES = 1024 * 1024;

export type RowProblem = { field: string; messageKey: string };
export type StagedRow = {
  line: number;
  values: Partial<Record<Column, string>>;
  problems: RowProblem[];
  /** Set when the row is fine: whether it met its target, and whether it replaces a figure. */
  met?: boolean;
  replaces?: boolean;
};
export type StagedImport = {
  id: string;
  filename: string;
  rows: StagedRow[];
  createdAt: Date;
  importedAt: Date | null;
};

function requireManager(ctx: ServiceContext) {
  if (!can(ctx.actor, MANAGE)) throw new Forbidden();
}

/** The rows of the file by column, or why it cannot be read. */
export function readFiguresCsv(content: string): Partial<Record<Column, string>>[] {
  if (Buffer.byteLength(content) > MAX_IMPORT_BYTES) throw new Invalid({ file: `${E}.tooBig` });
  let records: Record<string, string>[];
  try {
    records = parse(content.replace(/^\uFEFF/, ''), {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as Record<string, string>[];
  } catch {
    throw new Invalid({ file: `${E}.notCsv` });
  }
  if (!records.length) throw new Invalid({ file: `${E}.empty` });
  if (records.length > MAX_IMPORT_ROWS) throw new Invalid({ file: `${E}.tooManyRows` });
  const headings = Object.keys(records[0] ?? {});
  if (!headings.includes('standard') || !headings.includes('month'))
    throw new Invalid({ file: `${E}.missingColumns` });
  return records.map((r) => {
    const values: Partial<Record<Column, string>> = {};
    for (const column of CSV_COLUMNS) {
      const v = r[column];
      // Long cells are cut for keeping; the check sees them whole first.
      if (typeof v === 'string') values[column] = v;
    }
    return values;
  });
}

/** Every problem in every row, without writing anything. */
export async function checkRows(
  ctx: ServiceContext,
  rows: Partial<Record<Column, string>>[],
  now = new Date(),
): Promise<StagedRow[]> {
  const standards = await listStandards(ctx);
  const byKey = new Map<string, Standard>();
  for (const s of standards) {
    byKey.set(`${s.serviceSlug}/${s.slug}`, s);
    byKey.set(s.id, s);
  }
  const existing = new Set((await figuresOf(ctx)).map((f) => `${f.standardId}|${f.month}`));
  const seen = new Set<string>();
  return rows.map((values, i) => {
    const problems: RowProblem[] = [];
    const key = (values.standard ?? '').trim().toLowerCase();
    const standard = byKey.get(key);
    let met: boolean | undefined;
    let replaces: boolean | undefined;
    if (!key) problems.push({ field: 'standard', messageKey: `${E}.standardRequired` });
    else if (!standard) problems.push({ field: 'standard', messageKey: `${E}.standardUnknown` });
    if (standard) {
      const checked = checkFigure(standard, values as FigureInput, now);
      if ('problems' in checked)
        for (const [field, messageKey] of Object.entries(checked.problems))
          problems.push({ field, messageKey });
      else {
        const k = `${standard.id}|${checked.figure.month}`;
        if (seen.has(k)) problems.push({ field: 'month', messageKey: `${E}.duplicateRow` });
        seen.add(k);
        met = checked.figure.met;
        replaces = existing.has(k);
      }
    }
    const kept = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, String(v).slice(0, 2100)]),
    ) as StagedRow['values'];
    // Line numbers as a spreadsheet shows them: the heading is line 1.
    return { line: i + 2, values: kept, problems, ...(problems.length ? {} : { met, replaces }) };
  });
}

/** Step 1: the file is read, checked and kept for the preview. Nothing is written to the figures. */
export async function stageFiguresImport(
  ctx: ServiceContext,
  filename: string,
  content: string,
): Promise<string> {
  requireManager(ctx);
  const rows = await checkRows(ctx, readFiguresCsv(content));
  return withTransaction(ctx.db, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      'insert into standard_imports (place_id, created_by, filename, rows) values ($1, $2, $3, $4) returning id',
      [ctx.place.id, ctx.actor?.userId ?? null, filename.slice(0, 200), JSON.stringify(rows)],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'standards.import.stage',
      targetType: 'standards-import',
      targetId: row?.id ?? null,
      after: { filename, rows: rows.length, withProblems: rows.filter((r) => r.problems.length).length },
      requestId: ctx.requestId ?? null,
    });
    return row?.id as string;
  });
}

export async function getStagedImport(ctx: ServiceContext, id: string): Promise<StagedImport> {
  requireManager(ctx);
  if (!isUuid(id)) throw new NotFound('No such import');
  const [r] = await ctx.db.query<{
    id: string;
    filename: string;
    rows: StagedRow[];
    created_at: Date;
    imported_at: Date | null;
  }>(
    'select id, filename, rows, created_at, imported_at from standard_imports where place_id = $1 and id = $2',
    [ctx.place.id, id],
  );
  if (!r) throw new NotFound('No such import');
  return {
    id: r.id,
    filename: r.filename,
    rows: typeof r.rows === 'string' ? JSON.parse(r.rows) : r.rows,
    createdAt: new Date(r.created_at),
    importedAt: r.imported_at ? new Date(r.imported_at) : null,
  };
}

/**
 * Step 2: the officer confirms. With `onlyValid` false every row must be fine; with it true the
 * rows with problems are left out. The rows are checked again (months move on, standards change)
 * and written in one transaction; a staged file is imported once.
 */
export async function confirmFiguresImport(
  ctx: ServiceContext,
  id: string,
  onlyValid: boolean,
  now = new Date(),
): Promise<{ created: number; updated: number; unchanged: number; skipped: number }> {
  const staged = await getStagedImport(ctx, id);
  if (staged.importedAt) throw new Invalid({ choice: `${E}.alreadyImported` });
  const rechecked = await checkRows(
    ctx,
    staged.rows.map((r) => r.values),
    now,
  );
  const valid = rechecked.filter((r) => !r.problems.length);
  if (!onlyValid && valid.length !== rechecked.length) throw new Invalid({ choice: `${E}.notAllValid` });
  if (!valid.length) throw new Invalid({ choice: `${E}.nothingValid` });
  const standards = await listStandards(ctx);
  const byKey = new Map<string, Standard>();
  for (const s of standards) {
    byKey.set(`${s.serviceSlug}/${s.slug}`, s);
    byKey.set(s.id, s);
  }
  return withTransaction(ctx.db, async (tx) => {
    const claimed = await tx.query(
      'update standard_imports set imported_at = now() where id = $1 and imported_at is null returning id',
      [id],
    );
    if (!claimed.length) throw new Invalid({ choice: `${E}.alreadyImported` });
    const counts = { created: 0, updated: 0, unchanged: 0 };
    for (const row of valid) {
      const standard = byKey.get((row.values.standard ?? '').trim().toLowerCase()) as Standard;
      const checked = checkFigure(standard, row.values as FigureInput, now);
      if ('problems' in checked) throw new Invalid({ choice: `${E}.notAllValid` });
      counts[await writeFigure(tx, ctx, standard, checked.figure, 'csv')]++;
    }
    const result = { ...counts, skipped: rechecked.length - valid.length };
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'standards.import.confirm',
      targetType: 'standards-import',
      targetId: id,
      after: result,
      requestId: ctx.requestId ?? null,
    });
    return result;
  });
}

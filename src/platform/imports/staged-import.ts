import { parse } from 'csv-parse/sync';
import { audit } from '../audit/audit.js';
import { withTransaction } from '../db/transaction.js';
import type { Tx } from '../db/types.js';
import { Forbidden, Invalid, NotFound } from '../http/errors.js';
import { isUuid } from '../http/ids.js';
import type { ServiceContext } from '../http/request-context.js';
import { can } from '../roles/permissions.js';

/**
 * A staged import from a spreadsheet (CSV), the same in every module: the file is read and
 * every row checked, field by field, and kept for a preview; nothing is written until someone
 * confirms, importing all rows when all are fine, or only the fine ones if they choose. A staged
 * file is imported once, in one transaction with its audit record. Modules bring the reading of
 * their columns, the checks, and the writing.
 */

export type RowProblem = { field: string; messageKey: string };
/** A checked row; each module adds the row's values (and any warnings) in its own shape. */
export type StagedRow = {
  /** As a spreadsheet numbers it: the heading is line 1. */
  line: number;
  problems: RowProblem[];
};
export type StagedImport<Row extends StagedRow> = {
  id: string;
  filename: string;
  rows: Row[];
  createdAt: Date;
  importedAt: Date | null;
};

/** Where a module keeps its staged files, who may import, and the names its messages and audit use. */
export type ImportKind = {
  /**
   * A table with columns id, place_id, created_by, filename, rows (jsonb), created_at and
   * imported_at. A constant of the module, never user input: it is written into the SQL.
   */
  table: string;
  permission: string;
  /** The i18n prefix of the file and choice errors (tooBig, notCsv, alreadyImported…). */
  errors: string;
  /** The audit record's target type and actions. */
  targetType: string;
  auditActions: { stage: string; confirm: string };
};

function requireImporter(ctx: ServiceContext, kind: ImportKind) {
  if (!can(ctx.actor, kind.permission)) throw new Forbidden();
}

/**
 * The records of a CSV by (normalised) heading, or why the file cannot be read. A byte-order
 * mark is dropped (spreadsheets save one), blank lines skipped and cells trimmed.
 */
export function readCsvRecords(
  content: string,
  options: {
    maxBytes: number;
    maxRows: number;
    heading: (heading: string) => string;
    /** Every heading the file must have, and the message when one is missing. */
    required: { headings: readonly string[]; messageKey: string };
    errors: string;
  },
): Record<string, string>[] {
  const E = options.errors;
  if (Buffer.byteLength(content) > options.maxBytes) throw new Invalid({ file: `${E}.tooBig` });
  let records: Record<string, string>[];
  try {
    records = parse(content.replace(/^\uFEFF/, ''), {
      columns: (header: string[]) => header.map(options.heading),
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as Record<string, string>[];
  } catch {
    throw new Invalid({ file: `${E}.notCsv` });
  }
  if (!records.length) throw new Invalid({ file: `${E}.empty` });
  if (records.length > options.maxRows) throw new Invalid({ file: `${E}.tooManyRows` });
  const headings = Object.keys(records[0] ?? {});
  if (!options.required.headings.every((h) => headings.includes(h)))
    throw new Invalid({ file: options.required.messageKey });
  return records;
}

/**
 * Step 1: the rows are checked (after the permission, so a stranger's file is never read) and
 * kept for the preview. Returns the staged import's id.
 */
export async function stageImport(
  ctx: ServiceContext,
  kind: ImportKind,
  filename: string,
  checkedRows: () => Promise<StagedRow[]>,
): Promise<string> {
  requireImporter(ctx, kind);
  const rows = await checkedRows();
  return withTransaction(ctx.db, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into ${kind.table} (place_id, created_by, filename, rows) values ($1, $2, $3, $4) returning id`,
      [ctx.place.id, ctx.actor?.userId ?? null, filename.slice(0, 200), JSON.stringify(rows)],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: kind.auditActions.stage,
      targetType: kind.targetType,
      targetId: row?.id ?? null,
      after: { filename, rows: rows.length, withProblems: rows.filter((r) => r.problems.length).length },
      requestId: ctx.requestId ?? null,
    });
    return row?.id as string;
  });
}

export async function getStagedImport<Row extends StagedRow>(
  ctx: ServiceContext,
  kind: ImportKind,
  id: string,
): Promise<StagedImport<Row>> {
  requireImporter(ctx, kind);
  if (!isUuid(id)) throw new NotFound('No such import');
  const [r] = await ctx.db.query<{
    id: string;
    filename: string;
    rows: Row[] | string;
    created_at: Date;
    imported_at: Date | null;
  }>(
    `select id, filename, rows, created_at, imported_at from ${kind.table} where place_id = $1 and id = $2`,
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

/** What a module does when an import is confirmed. */
export type ImportApplier<Row extends StagedRow, Ready, Counts extends Record<string, number>> = {
  /** The rows to import from; by default those staged, but a module may check them again. */
  rows?: (staged: StagedImport<Row>) => Promise<Row[]>;
  /** Everything that reads before writing (so the transaction stays short and uses only `tx`). */
  prepare: (valid: Row[], staged: StagedImport<Row>) => Promise<Ready>;
  /** Writes in the transaction: the counts returned to the caller and any more detail to audit. */
  apply: (tx: Tx, ready: Ready, staged: StagedImport<Row>) => Promise<{ counts: Counts; audit?: object }>;
};

/**
 * Step 2: the import is confirmed. With `onlyValid` false every row must be fine; with it true
 * the rows with problems are left out (and counted as skipped).
 */
export async function confirmImport<Row extends StagedRow, Ready, Counts extends Record<string, number>>(
  ctx: ServiceContext,
  kind: ImportKind,
  id: string,
  onlyValid: boolean,
  applier: ImportApplier<Row, Ready, Counts>,
): Promise<Counts & { skipped: number }> {
  const E = kind.errors;
  const staged = await getStagedImport<Row>(ctx, kind, id);
  if (staged.importedAt) throw new Invalid({ choice: `${E}.alreadyImported` });
  const rows = applier.rows ? await applier.rows(staged) : staged.rows;
  const valid = rows.filter((r) => !r.problems.length);
  if (!onlyValid && valid.length !== rows.length) throw new Invalid({ choice: `${E}.notAllValid` });
  if (!valid.length) throw new Invalid({ choice: `${E}.nothingValid` });
  const ready = await applier.prepare(valid, staged);
  return withTransaction(ctx.db, async (tx) => {
    // Claim the staged file first, so two clicks cannot import it twice.
    const claimed = await tx.query(
      `update ${kind.table} set imported_at = now() where id = $1 and imported_at is null returning id`,
      [id],
    );
    if (!claimed.length) throw new Invalid({ choice: `${E}.alreadyImported` });
    const applied = await applier.apply(tx, ready, staged);
    const result = { ...applied.counts, skipped: rows.length - valid.length };
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: kind.auditActions.confirm,
      targetType: kind.targetType,
      targetId: id,
      after: { ...result, ...applied.audit },
      requestId: ctx.requestId ?? null,
    });
    return result;
  });
}

import { Invalid } from '../../platform/http/errors.js';
import type { ServiceContext } from '../../platform/http/request-context.js';
import {
  confirmImport,
  getStagedImport as getStaged,
  type ImportKind,
  type RowProblem,
  readCsvRecords,
  type StagedImport,
  type StagedRow as StagedRowBase,
  stageImport,
} from '../../platform/imports/staged-import.js';
import {
  checkFigure,
  type FigureInput,
  figuresOf,
  listStandards,
  type MANAGE,
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

export type StagedRow = StagedRowBase & {
  values: Partial<Record<Column, string>>;
  /** Set when the row is fine: whether it met its target, and whether it replaces a figure. */
  met?: boolean;
  replaces?: boolean;
};

const KIND: ImportKind = {
  table: 'standard_imports',
  // The permission's name, not the service's constant: this object is made when the module
  // loads, and standards-service may still be loading then (it reaches the routes, which reach
  // this file, through the module list), so its constants are not there yet.
  permission: 'standards.manage' satisfies typeof MANAGE,
  errors: E,
  targetType: 'standards-import',
  auditActions: { stage: 'standards.import.stage', confirm: 'standards.import.confirm' },
};

/** A standard by `service-slug/standard-slug`, as the CSV names it, or by id. */
function standardsByKey(standards: Standard[]): Map<string, Standard> {
  const byKey = new Map<string, Standard>();
  for (const s of standards) {
    byKey.set(`${s.serviceSlug}/${s.slug}`, s);
    byKey.set(s.id, s);
  }
  return byKey;
}

/** The rows of the file by column, or why it cannot be read. */
export function readFiguresCsv(content: string): Partial<Record<Column, string>>[] {
  const records = readCsvRecords(content, {
    maxBytes: MAX_IMPORT_BYTES,
    maxRows: MAX_IMPORT_ROWS,
    heading: (h) => h.trim().toLowerCase(),
    required: { headings: ['standard', 'month'], messageKey: `${E}.missingColumns` },
    errors: E,
  });
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
  const byKey = standardsByKey(await listStandards(ctx));
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
export function stageFiguresImport(ctx: ServiceContext, filename: string, content: string): Promise<string> {
  return stageImport(ctx, KIND, filename, () => checkRows(ctx, readFiguresCsv(content)));
}

export function getStagedImport(ctx: ServiceContext, id: string): Promise<StagedImport<StagedRow>> {
  return getStaged<StagedRow>(ctx, KIND, id);
}

/**
 * Step 2: the officer confirms, importing all rows or only the fine ones. The rows are checked
 * again (months move on, standards change) and written in one transaction.
 */
export function confirmFiguresImport(
  ctx: ServiceContext,
  id: string,
  onlyValid: boolean,
  now = new Date(),
): Promise<{ created: number; updated: number; unchanged: number; skipped: number }> {
  return confirmImport(ctx, KIND, id, onlyValid, {
    rows: (staged) =>
      checkRows(
        ctx,
        staged.rows.map((r) => r.values),
        now,
      ),
    prepare: async (valid: StagedRow[]) => {
      const byKey = standardsByKey(await listStandards(ctx));
      return valid.map((row) => {
        const standard = byKey.get((row.values.standard ?? '').trim().toLowerCase()) as Standard;
        const checked = checkFigure(standard, row.values as FigureInput, now);
        if ('problems' in checked) throw new Invalid({ choice: `${E}.notAllValid` });
        return { standard, figure: checked.figure };
      });
    },
    apply: async (tx, figures) => {
      const counts = { created: 0, updated: 0, unchanged: 0 };
      for (const { standard, figure } of figures)
        counts[await writeFigure(tx, ctx, standard, figure, 'csv')]++;
      return { counts };
    },
  });
}

import { parse } from 'csv-parse/sync';
import { slugify } from '../../../lib/text/slug.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Tx } from '../../../platform/db/types.js';
import { Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { registerPost } from '../../../platform/moderation/moderation-service.js';
import { can } from '../../../platform/roles/permissions.js';
import { listWards, wardAt } from '../../wards/ward-service.js';
import { likelyDuplicatesFinder } from '../quality/quality-service.js';
import { GroupInput } from './group-input.js';
import { insertGroupRow, reindexGroup } from './group-service.js';

/**
 * Importing groups from a spreadsheet (CSV). The admin uploads, sees every row with its
 * problems field by field, and then imports: all rows when all are valid, or only the valid
 * ones if they choose. Nothing is written to the directory before that choice.
 */

/** CSV headings, as a council's spreadsheet is likely to have them, mapped to form fields. */
export const CSV_HEADINGS: Record<string, keyof GroupInput> = {
  name: 'name',
  summary: 'summary',
  description: 'description',
  category: 'category',
  who_for: 'whoFor',
  where_when: 'whereWhen',
  ward: 'ward',
  address: 'address',
  postcode: 'postcode',
  lat: 'lat',
  latitude: 'lat',
  lon: 'lon',
  lng: 'lon',
  longitude: 'lon',
  days: 'days',
  times: 'times',
  languages: 'languages',
  tags: 'tags',
  age_min: 'ageMin',
  age_max: 'ageMax',
  cost: 'cost',
  accessibility: 'accessibility',
  step_free: 'stepFree',
  contact_name: 'contactName',
  contact_email: 'contactEmail',
  contact_phone: 'contactPhone',
  contact_visibility: 'contactVisibility',
  website: 'website',
  social_links: 'socialLinks',
  looking_for_volunteers: 'lookingForVolunteers',
  volunteer_details: 'volunteerDetails',
  status: 'status',
};

export const MAX_IMPORT_ROWS = 5000;
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

export type RowProblem = { field: string; messageKey: string };
export type StagedRow = {
  line: number;
  values: Record<string, string>;
  problems: RowProblem[];
  /** Records already in the directory that this row looks like: a warning, not a problem. */
  possibleDuplicates?: { name: string; url: string }[];
};

export type StagedImport = {
  id: string;
  filename: string;
  rows: StagedRow[];
  createdAt: Date;
  importedAt: Date | null;
};

/** Reads the CSV into field values per row, or says plainly why the file cannot be read. */
export function readGroupsCsv(content: string): Record<string, string>[] {
  if (Buffer.byteLength(content) > MAX_IMPORT_BYTES)
    throw new Invalid({ file: 'directory.import.errors.tooBig' });
  let records: Record<string, string>[];
  try {
    records = parse(content.replace(/^\uFEFF/, ''), {
      columns: (header: string[]) =>
        header.map((h) =>
          h
            .trim()
            .toLowerCase()
            .replace(/[\s-]+/g, '_'),
        ),
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as Record<string, string>[];
  } catch {
    throw new Invalid({ file: 'directory.import.errors.notCsv' });
  }
  if (!records.length) throw new Invalid({ file: 'directory.import.errors.empty' });
  if (records.length > MAX_IMPORT_ROWS) throw new Invalid({ file: 'directory.import.errors.tooManyRows' });
  const headings = Object.keys(records[0] ?? {});
  if (!headings.includes('name')) throw new Invalid({ file: 'directory.import.errors.noNameColumn' });
  return records.map((r) => {
    const values: Record<string, string> = {};
    for (const [heading, value] of Object.entries(r)) {
      const field = CSV_HEADINGS[heading];
      if (field && typeof value === 'string') values[field] = value;
    }
    return values;
  });
}

/** Every problem in every row, by field, without writing anything. */
export async function checkRows(ctx: ServiceContext, rows: Record<string, string>[]): Promise<StagedRow[]> {
  const wards = await listWards(ctx);
  const known = new Set(wards.flatMap((w) => [w.slug, w.code, slugify(w.name)]));
  const find = await likelyDuplicatesFinder(ctx);
  const out: StagedRow[] = [];
  for (const [i, values] of rows.entries()) {
    const problems: RowProblem[] = [];
    const result = GroupInput.safeParse(values);
    if (!result.success) {
      const seen = new Set<string>();
      for (const issue of result.error.issues) {
        const field = String(issue.path[0] ?? 'name');
        if (seen.has(field)) continue;
        seen.add(field);
        problems.push({ field, messageKey: issue.message });
      }
    }
    // Where the group is, checked even when other fields have problems, so one pass shows all.
    const lat = values.lat?.trim() ?? '';
    const lon = values.lon?.trim() ?? '';
    const ward = values.ward?.trim() ?? '';
    if (!problems.some((p) => p.field === 'lat' || p.field === 'ward')) {
      if (lat !== '' && lon !== '') {
        if (!(await wardAt(ctx, Number(lon), Number(lat))))
          problems.push({ field: 'lat', messageKey: 'directory.groups.errors.pointOutside' });
      } else if (!known.has(ward) && !known.has(slugify(ward))) {
        problems.push({ field: 'ward', messageKey: 'directory.groups.errors.wardUnknown' });
      }
    }
    const matches = values.name
      ? find({
          name: values.name,
          address: values.address ?? null,
          postcode: values.postcode ?? null,
          phone: values.contactPhone ?? null,
          email: values.contactEmail ?? null,
          website: values.website ?? null,
        })
      : [];
    // Line numbers as a spreadsheet shows them: the heading is line 1.
    out.push({
      line: i + 2,
      values,
      problems,
      possibleDuplicates: matches.map((m) => ({ name: m.record.name, url: m.record.url })),
    });
  }
  return out;
}

function requireImporter(ctx: ServiceContext) {
  if (!can(ctx.actor, 'directory.import')) throw new Forbidden();
}

/** Step 1: the admin's file is read and checked, and kept for the preview. */
export async function stageGroupImport(
  ctx: ServiceContext,
  filename: string,
  content: string,
): Promise<string> {
  requireImporter(ctx);
  const rows = await checkRows(ctx, readGroupsCsv(content));
  return withTransaction(ctx.db, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      'insert into directory_imports (place_id, created_by, filename, rows) values ($1, $2, $3, $4) returning id',
      [ctx.place.id, ctx.actor?.userId ?? null, filename.slice(0, 200), JSON.stringify(rows)],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'directory.import.stage',
      targetType: 'directory-import',
      targetId: row?.id ?? null,
      after: { filename, rows: rows.length, withProblems: rows.filter((r) => r.problems.length).length },
      requestId: ctx.requestId ?? null,
    });
    return row?.id as string;
  });
}

export async function getStagedImport(ctx: ServiceContext, id: string): Promise<StagedImport> {
  requireImporter(ctx);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
    throw new NotFound('No such import');
  const rows = await ctx.db.query<{
    id: string;
    filename: string;
    rows: StagedRow[];
    created_at: Date;
    imported_at: Date | null;
  }>(
    'select id, filename, rows, created_at, imported_at from directory_imports where place_id = $1 and id = $2',
    [ctx.place.id, id],
  );
  const r = rows[0];
  if (!r) throw new NotFound('No such import');
  return {
    id: r.id,
    filename: r.filename,
    rows: r.rows,
    createdAt: new Date(r.created_at),
    importedAt: r.imported_at,
  };
}

export type GroupRowToInsert = { values: Record<string, string>; sourceId?: string | null; isHub?: boolean };
export type PlacedGroupRow = GroupRowToInsert & { input: GroupInput; wardCode: string | null };

/** Validates rows and places each in its ward, before any transaction opens. */
export async function placeRows(ctx: ServiceContext, rows: GroupRowToInsert[]): Promise<PlacedGroupRow[]> {
  const wards = await listWards(ctx);
  const wardCode = new Map(
    wards.flatMap((w) => [
      [w.slug, w.code],
      [w.code, w.code],
      [slugify(w.name), w.code],
    ]),
  );
  const out: PlacedGroupRow[] = [];
  for (const row of rows) {
    const input = validated(GroupInput, row.values);
    const code =
      input.lat !== '' && input.lon !== ''
        ? ((await wardAt(ctx, Number(input.lon), Number(input.lat)))?.code ?? null)
        : (wardCode.get(input.ward) ?? wardCode.get(slugify(input.ward)) ?? null);
    out.push({ ...row, input, wardCode: code });
  }
  return out;
}

/**
 * Writes groups in the caller's transaction, published at once (an admin's import and the
 * demo seed are trusted sources), each indexed for search and open to reports.
 */
export async function insertGroups(
  tx: Tx,
  ctx: ServiceContext,
  rows: PlacedGroupRow[],
  source: string,
): Promise<string[]> {
  const ids: string[] = [];
  const taken = new Set(
    (
      await tx.query<{ slug: string }>('select slug from directory_groups where place_id = $1', [
        ctx.place.id,
      ])
    ).map((r) => r.slug),
  );
  for (const row of rows) {
    const g = row.input;
    const point = g.lat !== '' && g.lon !== '' ? { lon: Number(g.lon), lat: Number(g.lat) } : null;
    const base = slugify(g.name).slice(0, 70).replace(/-+$/, '') || 'group';
    let slug = base;
    for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`;
    taken.add(slug);
    const id = await insertGroupRow(tx, ctx.place.id, {
      slug,
      input: g,
      location: { point, wardCode: row.wardCode },
      createdBy: ctx.actor?.userId ?? null,
      isHub: row.isHub ?? false,
      moderationStatus: 'published',
      source,
      sourceId: row.sourceId ?? null,
    });
    await registerPost(
      tx,
      { ...ctx, actor: null, requestId: ctx.requestId ?? '' },
      {
        module: 'directory',
        contentType: 'group',
        contentId: id,
        summary: `${g.name}: ${g.summary}`,
        url: `/${ctx.place.slug}/groups/${slug}`,
      },
    );
    await reindexGroup(tx, ctx.place.id, ctx.place.slug, id);
    ids.push(id);
  }
  return ids;
}

/**
 * Step 2: import. With `onlyValid` false the import happens only if every row is valid;
 * with it true, rows with problems are left out. A staged file is imported once.
 */
export async function confirmGroupImport(
  ctx: ServiceContext,
  id: string,
  onlyValid: boolean,
): Promise<{ imported: number; skipped: number }> {
  const staged = await getStagedImport(ctx, id);
  if (staged.importedAt) throw new Invalid({ choice: 'directory.import.errors.alreadyImported' });
  const valid = staged.rows.filter((r) => !r.problems.length);
  if (!onlyValid && valid.length !== staged.rows.length)
    throw new Invalid({ choice: 'directory.import.errors.notAllValid' });
  if (!valid.length) throw new Invalid({ choice: 'directory.import.errors.nothingValid' });
  const placed = await placeRows(
    ctx,
    valid.map((r) => ({ values: r.values, sourceId: `${staged.filename}#${r.line}` })),
  );
  return withTransaction(ctx.db, async (tx) => {
    // Claim the staged file first, so two clicks cannot import it twice.
    const claimed = await tx.query(
      'update directory_imports set imported_at = now() where id = $1 and imported_at is null returning id',
      [id],
    );
    if (!claimed.length) throw new Invalid({ choice: 'directory.import.errors.alreadyImported' });
    const ids = await insertGroups(tx, ctx, placed, `csv:${staged.filename}`);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'directory.import.groups',
      targetType: 'directory-import',
      targetId: id,
      after: { imported: ids.length, skipped: staged.rows.length - valid.length, groupIds: ids },
      requestId: ctx.requestId ?? null,
    });
    return { imported: ids.length, skipped: staged.rows.length - valid.length };
  });
}

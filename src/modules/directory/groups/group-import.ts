import { slugify } from '../../../lib/text/slug.js';
import type { Tx } from '../../../platform/db/types.js';
import { validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import {
  confirmImport,
  getStagedImport as getStaged,
  type ImportKind,
  type RowProblem,
  readCsvRecords,
  type StagedImport,
  type StagedRow as StagedRowBase,
  stageImport,
} from '../../../platform/imports/staged-import.js';
import { registerPost } from '../../../platform/moderation/moderation-service.js';
import { listWards, wardAt } from '../../wards/ward-service.js';
import { likelyDuplicatesFinder } from '../quality/quality-service.js';
import { GroupInput } from './group-input.js';
import { insertGroupRow, reindexGroup } from './group-service.js';

/**
 * Importing groups from a spreadsheet (CSV), staged as every import is (see
 * platform/imports/staged-import.ts). The CLI and the demo seed use the same reading, checks
 * and writing without the staging.
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

export type StagedRow = StagedRowBase & {
  values: Record<string, string>;
  /** Records already in the directory that this row looks like: a warning, not a problem. */
  possibleDuplicates?: { name: string; url: string }[];
};

const E = 'directory.import.errors';
const KIND: ImportKind = {
  table: 'directory_imports',
  permission: 'directory.import',
  errors: E,
  targetType: 'directory-import',
  auditActions: { stage: 'directory.import.stage', confirm: 'directory.import.groups' },
};

/** Reads the CSV into field values per row, or says plainly why the file cannot be read. */
export function readGroupsCsv(content: string): Record<string, string>[] {
  const records = readCsvRecords(content, {
    maxBytes: MAX_IMPORT_BYTES,
    maxRows: MAX_IMPORT_ROWS,
    heading: (h) =>
      h
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_'),
    required: { headings: ['name'], messageKey: `${E}.noNameColumn` },
    errors: E,
  });
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

/** Step 1: the admin's file is read and checked, and kept for the preview. */
export function stageGroupImport(ctx: ServiceContext, filename: string, content: string): Promise<string> {
  return stageImport(ctx, KIND, filename, () => checkRows(ctx, readGroupsCsv(content)));
}

export function getStagedImport(ctx: ServiceContext, id: string): Promise<StagedImport<StagedRow>> {
  return getStaged<StagedRow>(ctx, KIND, id);
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

/** Step 2: the staged groups are imported, published at once, all or only the valid ones. */
export function confirmGroupImport(
  ctx: ServiceContext,
  id: string,
  onlyValid: boolean,
): Promise<{ imported: number; skipped: number }> {
  return confirmImport(ctx, KIND, id, onlyValid, {
    prepare: (valid: StagedRow[], staged) =>
      placeRows(
        ctx,
        valid.map((r) => ({ values: r.values, sourceId: `${staged.filename}#${r.line}` })),
      ),
    apply: async (tx, placed, staged) => {
      const ids = await insertGroups(tx, ctx, placed, `csv:${staged.filename}`);
      return { counts: { imported: ids.length }, audit: { groupIds: ids } };
    },
  });
}

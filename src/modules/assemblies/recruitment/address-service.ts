import { parse } from 'csv-parse/sync';
import { addressKey, listFingerprint } from '../../../lib/sortition/invitation-draw.js';
import { slugify } from '../../../lib/text/slug.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { Conflict, Forbidden, Invalid } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { listWards } from '../../wards/ward-service.js';
import { type Assembly, getAssembly, MANAGE, requireAssignedOfficer } from '../setup/assembly-service.js';

/**
 * The council's address list for an assembly's invitation draw: a CSV with address and
 * postcode, optionally the UPRN and the ward. Files are hostile until read: size and row
 * limits, every problem reported by line, nothing partly saved.
 */

const M = 'assemblies.recruitment.upload.errors';

export const MAX_LIST_BYTES = 10 * 1024 * 1024;
export const MAX_LIST_ROWS = 100_000;

/** A problem with one row of an uploaded file: its line, the column, and a catalogue key. */
export type RowProblem = { line: number; column: string; key: string; vars?: Record<string, string> };

/** An upload with problems in its rows: all of them, so the officer can fix the file in one go. */
export class RowsInvalid extends Invalid {
  constructor(readonly problems: RowProblem[]) {
    super({ file: `${M}.rows` });
  }
}

export type AddressRow = {
  line: number;
  address: string;
  postcode: string;
  uprn: string | null;
  wardCode: string | null;
  key: string;
};

export type AddressList = {
  filename: string;
  addresses: number;
  fingerprint: string;
  synthetic: boolean;
  uploadedAt: Date;
};

const UK_POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$/;

/** A postcode written the usual way ("M33 7ZP"), or null when it is not the shape of one. */
export function readPostcode(text: string): string | null {
  const p = text.normalize('NFKC').toUpperCase().replace(/\s+/g, '');
  return UK_POSTCODE.test(p) ? `${p.slice(0, -3)} ${p.slice(-3)}` : null;
}

/** The officer acting: they manage assemblies and are assigned to this one. */
export async function assignedOfficer(ctx: ServiceContext, assembly: Assembly): Promise<string> {
  if (!ctx.actor || !can(ctx.actor, MANAGE)) throw new Forbidden();
  await requireAssignedOfficer(ctx, assembly);
  return ctx.actor.userId;
}

/** Invitations are drawn while an assembly is being set up or recruiting, not after. */
export function beforeSelection(assembly: Assembly) {
  if (assembly.status !== 'setup' && assembly.status !== 'recruiting')
    throw new Conflict('assemblies.recruitment.invitations.tooLate');
}

/** Finds a ward code from what a spreadsheet says: the code, name or slug; undefined if unknown. */
async function wardFinder(ctx: ServiceContext): Promise<(text: string) => string | null | undefined> {
  const byKey = new Map<string, string>();
  for (const w of await listWards(ctx)) {
    byKey.set(w.code.toLowerCase(), w.code);
    byKey.set(w.slug, w.code);
    byKey.set(slugify(w.name), w.code);
  }
  return (text) => {
    const s = text.trim();
    if (!s) return null;
    return byKey.get(s.toLowerCase()) ?? byKey.get(slugify(s));
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we remove
const CONTROL = /[\u0000-\u001f\u007f]+/g;

/** Reads an address file into rows; throws Invalid (the file) or RowsInvalid (its rows). */
export async function readAddressFile(ctx: ServiceContext, content: string): Promise<AddressRow[]> {
  if (Buffer.byteLength(content) > MAX_LIST_BYTES) throw new Invalid({ file: `${M}.tooBig` });
  if (!content.trim()) throw new Invalid({ file: `${M}.empty` });
  let records: { record: Record<string, string>; info: { lines: number } }[];
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
      info: true,
      max_record_size: 4000,
    }) as unknown as typeof records;
  } catch {
    throw new Invalid({ file: `${M}.notCsv` });
  }
  if (!records.length) throw new Invalid({ file: `${M}.empty` });
  if (records.length > MAX_LIST_ROWS) throw new Invalid({ file: `${M}.tooManyRows` });
  const headings = Object.keys(records[0]?.record ?? {});
  for (const h of ['address', 'postcode'])
    if (!headings.includes(h)) throw new Invalid({ file: `${M}.missingColumn.${h}` });

  const ward = await wardFinder(ctx);
  const problems: RowProblem[] = [];
  const rows: AddressRow[] = [];
  const lineOfKey = new Map<string, number>();
  const lineOfUprn = new Map<string, number>();
  for (const { record, info } of records) {
    const line = info.lines;
    const address = (record.address ?? '').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
    const postcode = readPostcode(record.postcode ?? '');
    const uprn = (record.uprn ?? '').trim() || null;
    const wardText = record.ward_code || record.ward || record.ward_name || '';
    const wardCode = ward(wardText);
    if (!address) problems.push({ line, column: 'address', key: `${M}.addressMissing` });
    else if (address.length > 300) problems.push({ line, column: 'address', key: `${M}.addressTooLong` });
    if (!(record.postcode ?? '').trim())
      problems.push({ line, column: 'postcode', key: `${M}.postcodeMissing` });
    else if (!postcode) problems.push({ line, column: 'postcode', key: `${M}.postcodeInvalid` });
    if (uprn && !/^[0-9]{1,12}$/.test(uprn)) problems.push({ line, column: 'uprn', key: `${M}.uprnInvalid` });
    else if (uprn) {
      const first = lineOfUprn.get(uprn);
      if (first)
        problems.push({ line, column: 'uprn', key: `${M}.uprnTwice`, vars: { line: String(first) } });
      else lineOfUprn.set(uprn, line);
    }
    if (wardCode === undefined) problems.push({ line, column: 'ward', key: `${M}.wardUnknown` });
    if (!address || !postcode || address.length > 300) continue;
    const key = addressKey(address, postcode);
    const first = lineOfKey.get(key);
    if (first) {
      problems.push({ line, column: 'address', key: `${M}.addressTwice`, vars: { line: String(first) } });
      continue;
    }
    lineOfKey.set(key, line);
    rows.push({ line, address, postcode, uprn, wardCode: wardCode ?? null, key });
  }
  if (problems.length) throw new RowsInvalid(problems);
  return rows;
}

/** The assembly's address list, or null when none has been uploaded. */
export async function getAddressList(ctx: ServiceContext, assembly: Assembly): Promise<AddressList | null> {
  await assignedOfficer(ctx, assembly);
  return addressListOf(ctx.db, assembly.id);
}

export async function addressListOf(db: Db | Tx, assemblyId: string): Promise<AddressList | null> {
  const rows = await db.query<{
    filename: string;
    addresses: number;
    fingerprint: string;
    synthetic: boolean;
    uploaded_at: Date;
  }>(
    'select filename, addresses, fingerprint, synthetic, uploaded_at from assembly_address_lists where assembly_id = $1',
    [assemblyId],
  );
  const r = rows[0];
  return r
    ? {
        filename: r.filename,
        addresses: r.addresses,
        fingerprint: r.fingerprint,
        synthetic: r.synthetic,
        uploadedAt: new Date(r.uploaded_at),
      }
    : null;
}

/**
 * Saves the address list, replacing an earlier one (until invitations are drawn from it: then
 * the published draw refers to it, and it stays). Returns how many addresses it holds.
 */
export async function uploadAddressList(
  ctx: ServiceContext,
  slug: string,
  upload: { filename: string; content: string },
  options: { synthetic?: boolean } = {},
): Promise<number> {
  const assembly = await getAssembly(ctx, slug);
  const userId = await assignedOfficer(ctx, assembly);
  beforeSelection(assembly);
  const rows = await readAddressFile(ctx, upload.content);
  return saveAddressList(ctx, assembly, userId, upload.filename, rows, options.synthetic ?? false);
}

/** Writes a read list (the demo seed calls this with its made-up addresses). */
export async function saveAddressList(
  ctx: ServiceContext,
  assembly: Assembly,
  userId: string | null,
  filename: string,
  rows: AddressRow[],
  synthetic: boolean,
): Promise<number> {
  return withTransaction(ctx.db, async (tx) => {
    await tx.query('select 1 from assemblies where id = $1 for update', [assembly.id]);
    const drawn = await tx.query('select 1 from assembly_invitation_draws where assembly_id = $1', [
      assembly.id,
    ]);
    if (drawn.length) throw new Conflict('assemblies.recruitment.upload.alreadyDrawn');
    const before = await addressListOf(tx, assembly.id);
    await tx.query('delete from assembly_address_lists where assembly_id = $1', [assembly.id]);
    const fingerprint = listFingerprint(rows.map((r) => r.key));
    await tx.query(
      `insert into assembly_address_lists (assembly_id, filename, addresses, fingerprint, synthetic, uploaded_by)
       values ($1, $2, $3, $4, $5, $6)`,
      [assembly.id, filename.slice(0, 200), rows.length, fingerprint, synthetic, userId],
    );
    for (let i = 0; i < rows.length; i += 1000) {
      const slice = rows.slice(i, i + 1000);
      await tx.query(
        `insert into assembly_addresses (assembly_id, line, address, postcode, uprn, ward_code, key)
         select $1, t.line, t.address, t.postcode, t.uprn, t.ward_code, t.key
         from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
           as t(line, address, postcode, uprn, ward_code, key)`,
        [
          assembly.id,
          slice.map((r) => r.line),
          slice.map((r) => r.address),
          slice.map((r) => r.postcode),
          slice.map((r) => r.uprn),
          slice.map((r) => r.wardCode),
          slice.map((r) => r.key),
        ],
      );
    }
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.addresses.upload',
      targetType: 'assembly',
      targetId: assembly.id,
      before: before ? { addresses: before.addresses, fingerprint: before.fingerprint } : null,
      after: { filename, addresses: rows.length, fingerprint, synthetic },
      requestId: ctx.requestId ?? null,
    });
    return rows.length;
  });
}

import { parse } from 'csv-parse/sync';
import { slugify } from '../../../lib/text/slug.js';
import type { Tx } from '../../../platform/db/types.js';
import { Conflict, Forbidden, Invalid } from '../../../platform/http/errors.js';
import { rateLimit } from '../../../platform/http/rate-limit.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { listWards } from '../../wards/ward-service.js';
import type { VerificationMethod } from '../processes/process-input.js';
import type { PbProcess } from '../processes/process-service.js';

/** Officers who check people in person, issue them a code and enter paper ballots. */
export const VERIFY = 'budgeting.verify';

/** Attempts at a code or a register match per account, and per network address, in a window. */
export const GUESSES_PER_ACCOUNT = 10;
export const GUESSES_PER_ADDRESS = 60;
export const GUESS_WINDOW_MS = 15 * 60_000;

/** The person acting, who must be allowed to do `action`. */
export function actorWho(ctx: ServiceContext, action: string): string {
  if (!ctx.actor || !can(ctx.actor, action)) throw new Forbidden();
  return ctx.actor.userId;
}

export function methodOn(process: PbProcess, method: VerificationMethod) {
  if (!process.verificationMethods.includes(method)) throw new Conflict('budgeting.verification.methodOff');
}

/**
 * Counts an attempt at a code or a register match, per account and per network address, and
 * refuses with a 429 once there have been too many: codes and dates of birth cannot be guessed.
 */
export async function countGuess(ctx: ServiceContext, what: string, ip: string | null, now = new Date()) {
  await rateLimit(
    ctx.db,
    `budgeting:${what}:account:${ctx.actor?.userId}`,
    GUESSES_PER_ACCOUNT,
    GUESS_WINDOW_MS,
    now,
  );
  if (ip) await rateLimit(ctx.db, `budgeting:${what}:ip:${ip}`, GUESSES_PER_ADDRESS, GUESS_WINDOW_MS, now);
}

/** Finds a ward code from what a spreadsheet says: the ward's code, name or slug. */
export async function wardFinder(ctx: ServiceContext): Promise<(text: string) => string | null | undefined> {
  const wards = await listWards(ctx);
  const byKey = new Map<string, string>();
  for (const w of wards) {
    byKey.set(w.code.toLowerCase(), w.code);
    byKey.set(w.slug, w.code);
    byKey.set(slugify(w.name), w.code);
  }
  /** null: none given; undefined: not a ward of this place. */
  return (text: string) => {
    const s = text.trim();
    if (!s) return null;
    return byKey.get(s.toLowerCase()) ?? byKey.get(slugify(s));
  };
}

/** A problem with one row of an uploaded file: its line in the file, the column, and a catalogue key. */
export type RowProblem = { line: number; column: string; key: string };

/**
 * An upload with problems in its rows: every problem, by line, so the officer can fix the file
 * in one go. It is an Invalid on the `file` field for anything that does not show the rows.
 */
export class RowsInvalid extends Invalid {
  constructor(readonly problems: RowProblem[]) {
    super({ file: 'budgeting.verification.upload.errors.rows' });
  }
}

export const MAX_UPLOAD_ROWS = 200_000;
export const MAX_UPLOAD_BYTES = 40 * 1024 * 1024;

/**
 * Reads an uploaded CSV into rows keyed by lower-case heading (spaces and dashes as
 * underscores), with each row's line in the file; says plainly when it cannot be read.
 * `required` headings must be present.
 */
export function readCsv(
  content: string,
  required: readonly string[],
): { line: number; values: Record<string, string> }[] {
  if (Buffer.byteLength(content) > MAX_UPLOAD_BYTES)
    throw new Invalid({ file: 'budgeting.verification.upload.errors.tooBig' });
  if (!content.trim()) throw new Invalid({ file: 'budgeting.verification.upload.errors.noFile' });
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
    }) as unknown as { record: Record<string, string>; info: { lines: number } }[];
  } catch {
    throw new Invalid({ file: 'budgeting.verification.upload.errors.notCsv' });
  }
  if (!records.length) throw new Invalid({ file: 'budgeting.verification.upload.errors.empty' });
  if (records.length > MAX_UPLOAD_ROWS)
    throw new Invalid({ file: 'budgeting.verification.upload.errors.tooManyRows' });
  const headings = Object.keys(records[0]?.record ?? {});
  for (const h of required)
    if (!headings.includes(h))
      throw new Invalid({ file: `budgeting.verification.upload.errors.missingColumn.${h}` });
  return records.map((r) => ({ line: r.info.lines, values: r.record }));
}

/** Runs `fn` over `items` in slices of `size` (so a 200,000-row upload is a few hundred inserts). */
export async function inSlices<T>(items: T[], size: number, fn: (slice: T[]) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await fn(items.slice(i, i + size));
}

/**
 * Marks a single-use code as used, once: the row (with `columns`) when it was free, else an
 * Invalid saying whether the code was used already or is not one of this process's codes.
 */
export async function claimSingleUseCode<Row extends { id: string }>(
  tx: Tx,
  table: 'pb_letter_codes' | 'pb_in_person_codes',
  columns: string,
  processId: string,
  code: string,
): Promise<Row> {
  const rows = await tx.query<Row>(
    `update ${table} set used_at = now() where process_id = $1 and code = $2 and used_at is null
     returning id, ${columns}`,
    [processId, code],
  );
  const row = rows[0];
  if (row) return row;
  const used = await tx.query(`select 1 from ${table} where process_id = $1 and code = $2`, [
    processId,
    code,
  ]);
  throw new Invalid({
    code: used.length ? 'budgeting.verification.errors.codeUsed' : 'budgeting.verification.errors.codeWrong',
  });
}

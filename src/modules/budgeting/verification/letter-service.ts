import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { Conflict, Invalid, NotFound } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { getProcess, getProcessForUpdate, MANAGE, type PbProcess } from '../processes/process-service.js';
import { newCode, readCode } from './codes.js';
import { displayPostcode, looksLikePostcode, normalisePostcode } from './identity.js';
import {
  actorWho,
  claimSingleUseCode,
  countGuess,
  inSlices,
  methodOn,
  type RowProblem,
  RowsInvalid,
  readCsv,
  wardFinder,
} from './verification-common.js';
import { addVoter, VOTE } from './voter-service.js';

/**
 * Letter codes: the council sends a letter to every address in the area, each with its own
 * single-use code; a resident who enters one is added to the register. Kith makes the codes,
 * the mail-merge file and the letters, and checks each code once.
 */

export type LetterRow = { address: string; postcode: string; wardCode: string | null };
export type LetterBatch = {
  batch: number;
  letters: number;
  used: number;
  createdAt: Date;
};

/** Reads the council's address file: address and postcode, optionally the ward by code or name. */
export async function readAddressFile(ctx: ServiceContext, content: string): Promise<LetterRow[]> {
  const rows = readCsv(content, ['address', 'postcode']);
  const ward = await wardFinder(ctx);
  const problems: RowProblem[] = [];
  const out: LetterRow[] = [];
  for (const { line, values } of rows) {
    const address = (values.address ?? '').replace(/\s+/g, ' ').trim();
    const postcode = normalisePostcode(values.postcode ?? '');
    const wardText = values.ward_code || values.ward || values.ward_name || '';
    const wardCode = ward(wardText);
    if (!address)
      problems.push({ line, column: 'address', key: 'budgeting.verification.upload.errors.addressMissing' });
    else if (address.length > 300)
      problems.push({ line, column: 'address', key: 'budgeting.verification.upload.errors.addressTooLong' });
    if (!postcode)
      problems.push({
        line,
        column: 'postcode',
        key: 'budgeting.verification.upload.errors.postcodeMissing',
      });
    else if (!looksLikePostcode(postcode))
      problems.push({
        line,
        column: 'postcode',
        key: 'budgeting.verification.upload.errors.postcodeInvalid',
      });
    if (wardCode === undefined)
      problems.push({ line, column: 'ward', key: 'budgeting.verification.upload.errors.wardUnknown' });
    out.push({ address, postcode: displayPostcode(postcode), wardCode: wardCode ?? null });
  }
  if (problems.length) throw new RowsInvalid(problems);
  return out;
}

/**
 * Makes one code per address as a new batch, inserted a thousand at a time; returns the batch
 * number. The whole file goes in or none of it does.
 */
export async function createLetterBatch(ctx: ServiceContext, slug: string, content: string): Promise<number> {
  const officerId = actorWho(ctx, MANAGE);
  const rows = await readAddressFile(ctx, content);
  return withTransaction(ctx.db, async (tx) => {
    const process = await getProcessForUpdate(tx, ctx.place.id, slug);
    methodOn(process, 'letter');
    const next = await tx.query<{ n: number }>(
      'select coalesce(max(batch), 0)::int + 1 as n from pb_letter_codes where process_id = $1',
      [process.id],
    );
    const batch = next[0]?.n ?? 1;
    const numbered = rows.map((r, i) => ({ ...r, line: i + 1 }));
    await inSlices(numbered, 1000, async (slice) => {
      let todo = slice;
      // A code already used in this process (about one in a billion) is drawn again.
      while (todo.length) {
        const codes = todo.map(() => newCode());
        const done = await tx.query<{ line: number }>(
          `insert into pb_letter_codes (process_id, batch, line, code, address, postcode, ward_code)
           select $1, $2, t.line, t.code, t.address, t.postcode, t.ward_code
           from unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[]) as t(line, code, address, postcode, ward_code)
           on conflict (process_id, code) do nothing returning line`,
          [
            process.id,
            batch,
            todo.map((r) => r.line),
            codes,
            todo.map((r) => r.address),
            todo.map((r) => r.postcode),
            todo.map((r) => r.wardCode),
          ],
        );
        const inserted = new Set(done.map((d) => d.line));
        todo = todo.filter((r) => !inserted.has(r.line));
      }
    });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: officerId,
      action: 'budgeting.letters.create',
      targetType: 'pb_process',
      targetId: process.id,
      after: { batch, letters: rows.length },
      requestId: ctx.requestId ?? null,
    });
    return batch;
  });
}

/** The process's letter batches, newest first, with how many codes have been used. */
export async function listLetterBatches(ctx: ServiceContext, slug: string): Promise<LetterBatch[]> {
  actorWho(ctx, MANAGE);
  const process = await getProcess(ctx, slug);
  const rows = await ctx.db.query<{ batch: number; letters: number; used: number; created_at: Date }>(
    `select batch, count(*)::int as letters, count(used_at)::int as used, min(created_at) as created_at
     from pb_letter_codes where process_id = $1 group by batch order by batch desc`,
    [process.id],
  );
  return rows.map((r) => ({
    batch: r.batch,
    letters: r.letters,
    used: r.used,
    createdAt: new Date(r.created_at),
  }));
}

export type Letter = {
  line: number;
  address: string;
  postcode: string;
  wardCode: string | null;
  wardName: string | null;
  code: string;
};

/**
 * The letters of a batch in the order of the council's file, read a slice at a time so the
 * mail merge and the PDF of 200,000 letters never sit in memory at once.
 */
export async function* lettersOf(
  ctx: ServiceContext,
  slug: string,
  batch: number,
  sliceSize = 1000,
): AsyncGenerator<Letter[]> {
  actorWho(ctx, MANAGE);
  const process = await getProcess(ctx, slug);
  const exists = await ctx.db.query(
    'select 1 from pb_letter_codes where process_id = $1 and batch = $2 limit 1',
    [process.id, batch],
  );
  if (!exists.length) throw new NotFound();
  let after = 0;
  for (;;) {
    const rows = await ctx.db.query<{
      line: number;
      address: string;
      postcode: string;
      ward_code: string | null;
      ward_name: string | null;
      code: string;
    }>(
      `select c.line, c.address, c.postcode, c.ward_code, w.name as ward_name, c.code
       from pb_letter_codes c left join wards w on w.place_id = $4 and w.code = c.ward_code
       where c.process_id = $1 and c.batch = $2 and c.line > $3 order by c.line limit $5`,
      [process.id, batch, after, ctx.place.id, sliceSize],
    );
    if (!rows.length) return;
    yield rows.map((r) => ({
      line: r.line,
      address: r.address,
      postcode: r.postcode,
      wardCode: r.ward_code,
      wardName: r.ward_name,
      code: r.code,
    }));
    after = rows[rows.length - 1]?.line ?? after;
    if (rows.length < sliceSize) return;
  }
}

/** Checks the batch exists before a download starts (so a wrong link is a 404 page, not a broken file). */
export async function letterBatchExists(
  ctx: ServiceContext,
  slug: string,
  batch: number,
): Promise<PbProcess> {
  actorWho(ctx, MANAGE);
  const process = await getProcess(ctx, slug);
  const rows = await ctx.db.query(
    'select 1 from pb_letter_codes where process_id = $1 and batch = $2 limit 1',
    [process.id, batch],
  );
  if (!rows.length) throw new NotFound();
  return process;
}

/**
 * A resident enters the code from their letter: it is used up, and they are on the register.
 * A wrong, used or mistyped code is a field error on `code`; attempts are rate limited.
 */
export async function claimLetterCode(
  ctx: ServiceContext,
  slug: string,
  typed: string,
  options: { ip?: string | null } = {},
): Promise<void> {
  const userId = actorWho(ctx, VOTE);
  const process = await getProcess(ctx, slug);
  methodOn(process, 'letter');
  if (!typed.trim()) throw new Invalid({ code: 'budgeting.verification.errors.codeMissing' });
  await countGuess(ctx, 'code', options.ip ?? null);
  const code = readCode(typed);
  if (!code) throw new Invalid({ code: 'budgeting.verification.errors.codeFormat' });
  await withTransaction(ctx.db, async (tx) => {
    const p = await getProcessForUpdate(tx, ctx.place.id, slug);
    await alreadyOnRegister(tx, p, userId);
    const row = await claimSingleUseCode<{ id: string; ward_code: string | null }>(
      tx,
      'pb_letter_codes',
      'ward_code',
      p.id,
      code,
    );
    const id = await addVoter(tx, {
      process: p,
      userId,
      method: 'letter',
      credentialId: row.id,
      wardCode: row.ward_code,
    });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'budgeting.voter.verify',
      targetType: 'pb_voter',
      targetId: id,
      after: { method: 'letter' },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** Someone already on the register is told so before a code or register entry is spent on them. */
export async function alreadyOnRegister(db: Db | Tx, process: PbProcess, userId: string) {
  const rows = await db.query('select 1 from pb_voters where process_id = $1 and user_id = $2', [
    process.id,
    userId,
  ]);
  if (rows.length) throw new Conflict('budgeting.verification.alreadyVerified');
}

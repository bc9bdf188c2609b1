import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { Conflict, Invalid } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { getProcess, getProcessForUpdate, MANAGE } from '../processes/process-service.js';
import {
  ageBandOf,
  ageOn,
  eligibilityDay,
  identityHasher,
  looksLikePostcode,
  normaliseName,
  normalisePostcode,
  type PersonDetails,
  readDateOfBirth,
} from './identity.js';
import { alreadyOnRegister } from './letter-service.js';
import {
  actorWho,
  countGuess,
  inSlices,
  methodOn,
  type RowProblem,
  RowsInvalid,
  readCsv,
  wardFinder,
} from './verification-common.js';
import { type AgeBand, addVoter, VOTE } from './voter-service.js';

/**
 * A local register (e.g. an electoral register extract): the officer uploads it, Kith keeps
 * only a keyed hash of each person's name, postcode and date of birth with their ward and age
 * band, and a resident who enters the same details is matched and added to the register.
 */

export type RegisterReport = {
  /** Rows in the file. */
  rows: number;
  /** Entries now ready to match. */
  added: number;
  /** Under the process's minimum age on the day eligibility is judged: not added. */
  tooYoung: number;
  /** The same person twice in the file: added once. */
  duplicates: number;
  /** People in the file who have already verified from an earlier upload: kept as they were. */
  alreadyUsed: number;
  /** Unused entries of the earlier upload, replaced by this one. */
  replaced: number;
};

type Entry = { hash: string; wardCode: string | null; ageBand: AgeBand | null };

/**
 * Replaces the process's unused register entries with the uploaded file's. Rows with problems
 * stop the upload with every problem by line; people under the minimum age are skipped and
 * counted. Only hashes are stored.
 */
export async function uploadRegister(
  ctx: ServiceContext,
  slug: string,
  content: string,
  secret: string,
  now: Date = new Date(),
): Promise<RegisterReport> {
  const officerId = actorWho(ctx, MANAGE);
  const process = await getProcess(ctx, slug);
  methodOn(process, 'register');
  const rows = readCsv(content, ['name', 'postcode', 'date_of_birth']);
  const ward = await wardFinder(ctx);
  const hash = identityHasher(secret, process.id);
  const day = eligibilityDay(process.votingClosesAt, now);
  const problems: RowProblem[] = [];
  const entries = new Map<string, Entry>();
  let tooYoung = 0;
  let duplicates = 0;
  for (const { line, values } of rows) {
    const name = values.name ?? '';
    const postcode = normalisePostcode(values.postcode ?? '');
    const dob = readDateOfBirth(values.date_of_birth ?? '');
    const wardCode = ward(values.ward_code || values.ward || values.ward_name || '');
    const before = problems.length;
    if (!normaliseName(name))
      problems.push({ line, column: 'name', key: 'budgeting.verification.upload.errors.nameMissing' });
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
    if (!dob || dob > day)
      problems.push({
        line,
        column: 'date_of_birth',
        key: 'budgeting.verification.upload.errors.dateOfBirthInvalid',
      });
    if (wardCode === undefined)
      problems.push({ line, column: 'ward', key: 'budgeting.verification.upload.errors.wardUnknown' });
    if (problems.length > before || !dob) continue;
    const age = ageOn(dob, day);
    if (age < process.minAge) {
      tooYoung++;
      continue;
    }
    const h = hash({ name, postcode, dateOfBirth: dob });
    if (entries.has(h)) {
      duplicates++;
      continue;
    }
    entries.set(h, { hash: h, wardCode: wardCode ?? null, ageBand: ageBandOf(age) });
  }
  if (problems.length) throw new RowsInvalid(problems);

  return withTransaction(ctx.db, async (tx) => {
    const p = await getProcessForUpdate(tx, ctx.place.id, slug);
    const gone = await tx.query(
      'delete from pb_register_entries where process_id = $1 and used_at is null returning id',
      [p.id],
    );
    let added = 0;
    await inSlices([...entries.values()], 1000, async (slice) => {
      const inserted = await tx.query(
        `insert into pb_register_entries (process_id, match_hash, ward_code, age_band)
         select $1, t.hash, t.ward_code, t.age_band from unnest($2::text[], $3::text[], $4::text[]) as t(hash, ward_code, age_band)
         on conflict (process_id, match_hash) do nothing returning id`,
        [p.id, slice.map((e) => e.hash), slice.map((e) => e.wardCode), slice.map((e) => e.ageBand)],
      );
      added += inserted.length;
    });
    const report: RegisterReport = {
      rows: rows.length,
      added,
      tooYoung,
      duplicates,
      alreadyUsed: entries.size - added,
      replaced: gone.length,
    };
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: officerId,
      action: 'budgeting.register.upload',
      targetType: 'pb_process',
      targetId: p.id,
      after: report,
      requestId: ctx.requestId ?? null,
    });
    return report;
  });
}

/** How many register entries the process holds, and how many have been matched. */
export async function registerFigures(
  ctx: ServiceContext,
  slug: string,
): Promise<{ entries: number; used: number; uploadedAt: Date | null }> {
  actorWho(ctx, MANAGE);
  const process = await getProcess(ctx, slug);
  const rows = await ctx.db.query<{ entries: number; used: number; uploaded_at: Date | null }>(
    `select count(*)::int as entries, count(used_at)::int as used, max(uploaded_at) as uploaded_at
     from pb_register_entries where process_id = $1`,
    [process.id],
  );
  const r = rows[0];
  return {
    entries: r?.entries ?? 0,
    used: r?.used ?? 0,
    uploadedAt: r?.uploaded_at ? new Date(r.uploaded_at) : null,
  };
}

/**
 * A resident gives their name, postcode and date of birth; if they match an unused register
 * entry they are added to the register with its ward and age band. No match is a plain
 * message (attempts are rate limited); a match already used means the person can already
 * vote, by this or another way.
 */
export async function matchRegister(
  ctx: ServiceContext,
  slug: string,
  details: PersonDetails,
  secret: string,
  options: { ip?: string | null } = {},
): Promise<void> {
  const userId = actorWho(ctx, VOTE);
  const process = await getProcess(ctx, slug);
  methodOn(process, 'register');
  const problems: Record<string, string> = {};
  if (!normaliseName(details.name)) problems.name = 'budgeting.verification.errors.nameMissing';
  if (!normalisePostcode(details.postcode))
    problems.postcode = 'budgeting.verification.errors.postcodeMissing';
  else if (!looksLikePostcode(normalisePostcode(details.postcode)))
    problems.postcode = 'budgeting.verification.errors.postcodeInvalid';
  const dateOfBirth = readDateOfBirth(details.dateOfBirth);
  if (!dateOfBirth) problems.dateOfBirth = 'budgeting.verification.errors.dateOfBirthInvalid';
  if (Object.keys(problems).length || !dateOfBirth) throw new Invalid(problems);
  await countGuess(ctx, 'register', options.ip ?? null);
  const h = identityHasher(secret, process.id)({ ...details, dateOfBirth });
  await withTransaction(ctx.db, async (tx) => {
    const p = await getProcessForUpdate(tx, ctx.place.id, slug);
    await alreadyOnRegister(tx, p, userId);
    const rows = await tx.query<{ id: string; ward_code: string | null; age_band: AgeBand | null }>(
      `update pb_register_entries set used_at = now() where process_id = $1 and match_hash = $2 and used_at is null
       returning id, ward_code, age_band`,
      [p.id, h],
    );
    const entry = rows[0];
    if (!entry) {
      const used = await tx.query(
        'select 1 from pb_register_entries where process_id = $1 and match_hash = $2',
        [p.id, h],
      );
      if (used.length) throw new Conflict('budgeting.verification.personAlreadyVerified');
      throw new Invalid({ name: 'budgeting.verification.errors.noMatch' });
    }
    const id = await addVoter(tx, {
      process: p,
      userId,
      method: 'register',
      identityHash: h,
      credentialId: entry.id,
      wardCode: entry.ward_code,
      ageBand: entry.age_band,
    });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'budgeting.voter.verify',
      targetType: 'pb_voter',
      targetId: id,
      after: { method: 'register' },
      requestId: ctx.requestId ?? null,
    });
  });
}

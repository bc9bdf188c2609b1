import { z } from 'zod';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { Conflict, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { getProcess, getProcessForUpdate } from '../processes/process-service.js';
import { newCode, readCode } from './codes.js';
import {
  ageBandOf,
  ageOn,
  eligibilityDay,
  identityHash,
  looksLikePostcode,
  normaliseName,
  normalisePostcode,
  readDateOfBirth,
} from './identity.js';
import { alreadyOnRegister } from './letter-service.js';
import {
  actorWho,
  claimSingleUseCode,
  countGuess,
  methodOn,
  VERIFY,
  wardFinder,
} from './verification-common.js';
import { AGE_BANDS, type AgeBand, addVoter, VOTE } from './voter-service.js';

/**
 * In person: an officer at a library or a pop-up stall checks someone (their own judgement,
 * or the documents the council asks for), records where, and hands over a single-use code the
 * person enters online. If the officer takes the person's name, postcode and date of birth,
 * only their keyed hash is kept, so the same person cannot also verify by the register.
 */

const E = 'budgeting.verification.inPerson.errors';

export const InPersonInput = z.object({
  venue: z.string().trim().min(1, `${E}.venueMissing`).max(120, `${E}.venueTooLong`),
  ward: z.string().trim().max(100).default(''),
  // Checked when a form is read, not when the module loads (AGE_BANDS comes round an import cycle).
  ageBand: z
    .string()
    .default('')
    .refine((v) => v === '' || (AGE_BANDS as readonly string[]).includes(v), `${E}.ageBandInvalid`)
    .transform((v) => v as AgeBand | ''),
  name: z.string().trim().max(200, `${E}.nameTooLong`).default(''),
  postcode: z.string().trim().max(20, `${E}.postcodeInvalid`).default(''),
  /** YYYY-MM-DD (the route reads the GOV.UK date input), or empty. */
  dateOfBirth: z.string().trim().default(''),
});
export type InPersonInput = z.infer<typeof InPersonInput>;

export type IssuedCode = {
  id: string;
  code: string;
  venue: string;
  wardCode: string | null;
  ageBand: AgeBand | null;
  issuedAt: Date;
  used: boolean;
};

/**
 * Records a person checked in person and returns their code. The name, postcode and date of
 * birth are all given or all left out; given, the person must be old enough and must not
 * already be on the register (by any way) or hold an unused code.
 */
export async function issueInPersonCode(
  ctx: ServiceContext,
  slug: string,
  raw: unknown,
  secret: string,
  now: Date = new Date(),
): Promise<IssuedCode> {
  const officerId = actorWho(ctx, VERIFY);
  const input = validated(InPersonInput, raw);
  const process = await getProcess(ctx, slug);
  methodOn(process, 'in-person');
  const problems: Record<string, string> = {};
  const wardCode = (await wardFinder(ctx))(input.ward);
  if (wardCode === undefined) problems.ward = `${E}.wardUnknown`;
  let ageBand: AgeBand | null = input.ageBand || null;
  let hash: string | null = null;
  const given = [input.name, input.postcode, input.dateOfBirth].filter((v) => v !== '').length;
  if (given > 0) {
    const postcode = normalisePostcode(input.postcode);
    const dob = readDateOfBirth(input.dateOfBirth);
    if (!normaliseName(input.name)) problems.name = `${E}.nameMissing`;
    if (!postcode) problems.postcode = `${E}.postcodeMissing`;
    else if (!looksLikePostcode(postcode)) problems.postcode = `${E}.postcodeInvalid`;
    const day = eligibilityDay(process.votingClosesAt, now);
    if (!dob || dob > day) problems.dateOfBirth = `${E}.dateOfBirthInvalid`;
    else if (ageOn(dob, day) < process.minAge) problems.dateOfBirth = `${E}.tooYoung`;
    else {
      ageBand ??= ageBandOf(ageOn(dob, day));
      hash = identityHash(secret, process.id, { name: input.name, postcode, dateOfBirth: dob });
    }
  }
  if (Object.keys(problems).length) throw new Invalid(problems);
  return withTransaction(ctx.db, async (tx) => {
    const p = await getProcessForUpdate(tx, ctx.place.id, slug);
    if (hash) {
      const verified = await tx.query(
        'select 1 from pb_voters where process_id = $1 and identity_hash = $2',
        [p.id, hash],
      );
      if (verified.length) throw new Conflict('budgeting.verification.personAlreadyVerified');
      const holding = await tx.query(
        'select 1 from pb_in_person_codes where process_id = $1 and identity_hash = $2 and used_at is null',
        [p.id, hash],
      );
      if (holding.length) throw new Conflict('budgeting.verification.inPerson.alreadyIssued');
    }
    for (;;) {
      const code = newCode();
      const rows = await tx.query<{ id: string; issued_at: Date }>(
        `insert into pb_in_person_codes (process_id, code, venue, issued_by, ward_code, age_band, identity_hash)
         values ($1, $2, $3, $4, $5, $6, $7) on conflict (process_id, code) do nothing returning id, issued_at`,
        [p.id, code, input.venue, officerId, wardCode ?? null, ageBand, hash],
      );
      const row = rows[0];
      if (!row) continue;
      await audit(tx, {
        placeId: ctx.place.id,
        actorId: officerId,
        action: 'budgeting.in-person.issue',
        targetType: 'pb_in_person_code',
        targetId: row.id,
        after: { venue: input.venue, wardCode: wardCode ?? null, ageBand, identity: hash !== null },
        requestId: ctx.requestId ?? null,
      });
      return {
        id: row.id,
        code,
        venue: input.venue,
        wardCode: wardCode ?? null,
        ageBand,
        issuedAt: new Date(row.issued_at),
        used: false,
      };
    }
  });
}

/** A code an officer issued, to show again or print (officers only). */
export async function getIssuedCode(ctx: ServiceContext, slug: string, id: string): Promise<IssuedCode> {
  actorWho(ctx, VERIFY);
  const process = await getProcess(ctx, slug);
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFound();
  const rows = await ctx.db.query<{
    id: string;
    code: string;
    venue: string;
    ward_code: string | null;
    age_band: AgeBand | null;
    issued_at: Date;
    used_at: Date | null;
  }>(
    'select id, code, venue, ward_code, age_band, issued_at, used_at from pb_in_person_codes where process_id = $1 and id = $2',
    [process.id, id],
  );
  const r = rows[0];
  if (!r) throw new NotFound();
  return {
    id: r.id,
    code: r.code,
    venue: r.venue,
    wardCode: r.ward_code,
    ageBand: r.age_band,
    issuedAt: new Date(r.issued_at),
    used: r.used_at !== null,
  };
}

/** Codes issued so far, by venue, and how many have been used (for the officers' summary). */
export async function inPersonFigures(
  ctx: ServiceContext,
  slug: string,
): Promise<{ venue: string; issued: number; used: number }[]> {
  actorWho(ctx, VERIFY);
  const process = await getProcess(ctx, slug);
  return ctx.db.query<{ venue: string; issued: number; used: number }>(
    `select venue, count(*)::int as issued, count(used_at)::int as used from pb_in_person_codes
     where process_id = $1 group by venue order by venue`,
    [process.id],
  );
}

/** A resident enters the code an officer gave them: it is used up, and they are on the register. */
export async function claimInPersonCode(
  ctx: ServiceContext,
  slug: string,
  typed: string,
  options: { ip?: string | null } = {},
): Promise<void> {
  const userId = actorWho(ctx, VOTE);
  const process = await getProcess(ctx, slug);
  methodOn(process, 'in-person');
  if (!typed.trim()) throw new Invalid({ code: 'budgeting.verification.errors.codeMissing' });
  await countGuess(ctx, 'code', options.ip ?? null);
  const code = readCode(typed);
  if (!code) throw new Invalid({ code: 'budgeting.verification.errors.codeFormat' });
  await withTransaction(ctx.db, async (tx) => {
    const p = await getProcessForUpdate(tx, ctx.place.id, slug);
    await alreadyOnRegister(tx, p, userId);
    const row = await claimSingleUseCode<{
      id: string;
      ward_code: string | null;
      age_band: AgeBand | null;
      identity_hash: string | null;
    }>(tx, 'pb_in_person_codes', 'ward_code, age_band, identity_hash', p.id, code);
    const id = await addVoter(tx, {
      process: p,
      userId,
      method: 'in-person',
      identityHash: row.identity_hash,
      credentialId: row.id,
      wardCode: row.ward_code,
      ageBand: row.age_band,
    });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'budgeting.voter.verify',
      targetType: 'pb_voter',
      targetId: id,
      after: { method: 'in-person' },
      requestId: ctx.requestId ?? null,
    });
  });
}

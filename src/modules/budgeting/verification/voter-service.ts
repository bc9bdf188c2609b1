import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { Conflict, Forbidden, Invalid } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import type { VerificationMethod } from '../processes/process-input.js';
import { getProcessForUpdate, type PbProcess } from '../processes/process-service.js';

/** Residents vote; the verification methods decide which residents. */
export const VOTE = 'budgeting.vote';

export const AGE_BANDS = ['16-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** A row of the voter-has-voted register: never which ballot is theirs. */
export type Voter = {
  id: string;
  method: VerificationMethod;
  wardCode: string | null;
  ageBand: AgeBand | null;
  round: number;
  voted: boolean;
};

type VoterRow = {
  id: string;
  method: VerificationMethod;
  ward_code: string | null;
  age_band: AgeBand | null;
  round: number;
  voted: boolean;
};

const toVoter = (r: VoterRow): Voter => ({
  id: r.id,
  method: r.method,
  wardCode: r.ward_code,
  ageBand: r.age_band,
  round: r.round,
  voted: r.voted,
});

/** The account's place in the register of a process, or null when not verified to vote yet. */
export async function findVoter(db: Db | Tx, processId: string, userId: string): Promise<Voter | null> {
  const rows = await db.query<VoterRow>(
    'select id, method, ward_code, age_band, round, voted from pb_voters where process_id = $1 and user_id = $2',
    [processId, userId],
  );
  return rows[0] ? toVoter(rows[0]) : null;
}

/** The same, locked for the voting transaction so two ballots from one voter cannot cross. */
export async function findVoterForUpdate(tx: Tx, processId: string, userId: string): Promise<Voter | null> {
  const rows = await tx.query<VoterRow>(
    'select id, method, ward_code, age_band, round, voted from pb_voters where process_id = $1 and user_id = $2 for update',
    [processId, userId],
  );
  return rows[0] ? toVoter(rows[0]) : null;
}

export type NewVoter = {
  process: PbProcess;
  userId: string | null;
  method: VerificationMethod;
  identityHash?: string | null;
  credentialId?: string | null;
  wardCode?: string | null;
  ageBand?: AgeBand | null;
};

/**
 * Adds a person to the register, once. The unique keys (account, identity, credential) are what
 * make "one person, one vote" hold across methods: a second verification of the same account,
 * the same name, postcode and date of birth, or the same code is refused with a Conflict.
 */
export async function addVoter(tx: Tx, v: NewVoter): Promise<string> {
  const clash = await tx.query<{
    user_id: string | null;
    identity_hash: string | null;
    credential_id: string | null;
  }>(
    `select user_id, identity_hash, credential_id from pb_voters
     where process_id = $1 and (user_id = $2 or identity_hash = $3 or credential_id = $4)`,
    [v.process.id, v.userId, v.identityHash ?? null, v.credentialId ?? null],
  );
  if (clash.some((c) => v.userId !== null && c.user_id === v.userId))
    throw new Conflict('budgeting.verification.alreadyVerified');
  if (clash.length) throw new Conflict('budgeting.verification.personAlreadyVerified');
  const rows = await tx.query<{ id: string }>(
    `insert into pb_voters (process_id, user_id, method, identity_hash, credential_id, ward_code, age_band, round)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
    [
      v.process.id,
      v.userId,
      v.method,
      v.identityHash ?? null,
      v.credentialId ?? null,
      v.wardCode ?? null,
      v.ageBand ?? null,
      v.process.round,
    ],
  );
  return rows[0]?.id as string;
}

/** What a resident declares to vote when the process verifies by email only. */
export type EmailDeclaration = {
  livesInArea: boolean;
  oldEnough: boolean;
  wardCode?: string | null;
  ageBand?: AgeBand | null;
};

/**
 * "Email verification only": a signed-in resident with a verified email declares they live in
 * the area and are old enough, and is added to the register.
 */
export async function registerEmailVoter(
  ctx: ServiceContext,
  slug: string,
  d: EmailDeclaration,
): Promise<void> {
  if (!ctx.actor || !can(ctx.actor, VOTE)) throw new Forbidden();
  const userId = ctx.actor.userId;
  const problems: Record<string, string> = {};
  if (!d.oldEnough) problems.oldEnough = 'budgeting.verification.errors.ageNotConfirmed';
  if (!d.livesInArea) problems.livesInArea = 'budgeting.verification.errors.residenceNotConfirmed';
  await withTransaction(ctx.db, async (tx) => {
    const process = await getProcessForUpdate(tx, ctx.place.id, slug);
    if (!process.verificationMethods.includes('email'))
      throw new Conflict('budgeting.verification.methodOff');
    if (!process.residenceRequired) delete problems.livesInArea;
    if (Object.keys(problems).length) throw new Invalid(problems);
    const id = await addVoter(tx, {
      process,
      userId,
      method: 'email',
      wardCode: d.wardCode ?? null,
      ageBand: d.ageBand ?? null,
    });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'budgeting.voter.verify',
      targetType: 'pb_voter',
      targetId: id,
      after: { method: 'email' },
      requestId: ctx.requestId ?? null,
    });
  });
}

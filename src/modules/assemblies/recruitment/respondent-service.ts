import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Tx } from '../../../platform/db/types.js';
import { Conflict, Invalid } from '../../../platform/http/errors.js';
import { rateLimit } from '../../../platform/http/rate-limit.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { type Assembly, getAssembly } from '../setup/assembly-service.js';
import { assignedOfficer } from './address-service.js';
import { readInvitationCode } from './invitation-codes.js';

/**
 * Respondents: residents who answer an invitation and register (online, or by phone through an
 * assigned officer), with their answer to each of the assembly's features. Their personal data
 * is for the assigned officers only; the public sees counts.
 */

const E = 'assemblies.recruitment.register.errors';

/** Registration attempts per network address in a window: codes cannot be guessed. */
export const REGISTRATIONS_PER_ADDRESS = 60;
export const REGISTRATION_WINDOW_MS = 15 * 60_000;

/** Counts below this are published as "fewer than 5". */
export const SUPPRESS_BELOW = 5;

export type RegistrationForm = Record<string, string>;

export type Registration = {
  code: string;
  name: string;
  email: string | null;
  phone: string | null;
  features: Record<string, string>;
  accessNeeds: string;
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^[0-9 +()-]{7,25}$/;

/** The form field holding a feature's answer. */
export const featureField = (key: string) => `feature-${key}`;

/**
 * Checks the answers to the registration form against the assembly's features: every field
 * problem at once, as catalogue keys (the code is checked against the invitations later).
 */
export function readRegistration(
  assembly: Assembly,
  form: RegistrationForm,
  byOfficer: boolean,
): Registration {
  const errors: Record<string, string> = {};
  const value = (k: string) => (form[k] ?? '').trim();
  const code = value('code');
  if (!code) errors.code = `${E}.codeMissing`;
  else if (!readInvitationCode(code)) errors.code = `${E}.codeFormat`;
  const name = value('name').replace(/\s+/g, ' ');
  if (!name) errors.name = `${E}.nameMissing`;
  else if (name.length > 120) errors.name = `${E}.nameTooLong`;
  const email = value('email');
  const phone = value('phone');
  if (!email && !phone) errors.email = `${E}.contactMissing`;
  if (email && (email.length > 254 || !EMAIL.test(email))) errors.email = `${E}.emailInvalid`;
  if (phone && (!PHONE.test(phone) || (phone.match(/[0-9]/g)?.length ?? 0) < 7))
    errors.phone = `${E}.phoneInvalid`;
  const features: Record<string, string> = {};
  for (const f of assembly.features) {
    const given = value(featureField(f.key));
    const known = f.values.find((v) => v.value === given);
    if (!known) errors[featureField(f.key)] = `${E}.featureMissing`;
    else features[f.key] = known.value;
  }
  const accessNeeds = value('accessNeeds');
  if (accessNeeds.length > 2000) errors.accessNeeds = `${E}.accessNeedsTooLong`;
  if (value('consent') !== 'yes') errors.consent = byOfficer ? `${E}.consentByPhone` : `${E}.consentMissing`;
  if (Object.keys(errors).length) throw new Invalid(errors);
  return {
    code: readInvitationCode(code) as string,
    name,
    email: email || null,
    phone: phone || null,
    features,
    accessNeeds,
  };
}

/** Registration is open only while the assembly is recruiting. */
export function registrationOpen(assembly: Assembly): boolean {
  return assembly.status === 'recruiting';
}

/**
 * Registers a respondent with the code from their letter; returns their reference (R0001…).
 * Self-registration is public (a signed-in person is linked to the record) and rate limited
 * by network address; `byOfficer` is an assigned officer taking the answers on the phone.
 */
export async function registerRespondent(
  ctx: ServiceContext,
  slug: string,
  form: RegistrationForm,
  options: { byOfficer?: boolean; ip?: string | null; now?: Date } = {},
): Promise<string> {
  const assembly = await getAssembly(ctx, slug);
  const byOfficer = options.byOfficer ?? false;
  const officerId = byOfficer ? await assignedOfficer(ctx, assembly) : null;
  if (!registrationOpen(assembly)) throw new Conflict('assemblies.recruitment.register.closed');
  if (!byOfficer && options.ip)
    await rateLimit(
      ctx.db,
      `assemblies:register:ip:${options.ip}`,
      REGISTRATIONS_PER_ADDRESS,
      REGISTRATION_WINDOW_MS,
      options.now,
    );
  const r = readRegistration(assembly, form, byOfficer);
  try {
    return await withTransaction(ctx.db, async (tx) => {
      await tx.query('select 1 from assemblies where id = $1 for update', [assembly.id]);
      const invitation = await claimInvitation(tx, assembly, r.code);
      const reference = await nextReference(tx, assembly.id);
      const userId = byOfficer ? null : (ctx.actor?.userId ?? null);
      const rows = await tx.query<{ id: string }>(
        `insert into assembly_respondents (assembly_id, reference, invitation_id, user_id, name, email, phone,
           address, postcode, household, features, access_needs, consent_at, registered_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now(), $13) returning id`,
        [
          assembly.id,
          reference,
          invitation.id,
          userId,
          r.name,
          r.email,
          r.phone,
          invitation.address,
          invitation.postcode,
          invitation.household,
          r.features,
          r.accessNeeds,
          byOfficer ? 'officer' : 'self',
        ],
      );
      await audit(tx, {
        placeId: ctx.place.id,
        actorId: officerId ?? userId,
        action: 'assemblies.respondent.register',
        targetType: 'assembly_respondent',
        targetId: rows[0]?.id ?? null,
        // No personal data in the audit log: the reference and how they registered.
        after: { reference, registeredBy: byOfficer ? 'officer' : 'self' },
        requestId: ctx.requestId ?? null,
      });
      return reference;
    });
  } catch (error) {
    // Two people sending the same code at once: the second is told it has been used.
    if ((error as { code?: string }).code === '23505') throw new Invalid({ code: `${E}.codeUsed` });
    throw error;
  }
}

/** The invitation with this code, if it is this assembly's and not used yet (else a field error on `code`). */
async function claimInvitation(tx: Tx, assembly: Assembly, code: string) {
  const rows = await tx.query<{
    id: string;
    assembly_id: string;
    address: string;
    postcode: string;
    household: string;
    used: boolean;
  }>(
    `select i.id, i.assembly_id, i.address, i.postcode, i.household,
       exists (select 1 from assembly_respondents r where r.invitation_id = i.id) as used
     from assembly_invitations i where i.code = $1 for update of i`,
    [code],
  );
  const row = rows[0];
  if (!row) throw new Invalid({ code: `${E}.codeWrong` });
  if (row.assembly_id !== assembly.id) throw new Invalid({ code: `${E}.codeOtherAssembly` });
  if (row.used) throw new Invalid({ code: `${E}.codeUsed` });
  return row;
}

/** The next public reference in this assembly: R0001, R0002, … (the assembly row is locked). */
async function nextReference(tx: Tx, assemblyId: string): Promise<string> {
  const rows = await tx.query<{ n: number }>(
    `select coalesce(max(substring(reference from 2)::int), 0)::int + 1 as n
     from assembly_respondents where assembly_id = $1`,
    [assemblyId],
  );
  return `R${String(rows[0]?.n ?? 1).padStart(4, '0')}`;
}

export type ValueFigure = {
  value: string;
  label: string;
  count: number;
  min: number;
  max: number;
  /** Population share (0–1), when the quota was suggested from one. */
  share: number | null;
  /** Share of respondents (0–1). */
  respondentShare: number;
  /** Fewer respondents than the quota's minimum: the panel cannot be filled. */
  tooFew: boolean;
};
export type FeatureFigures = { key: string; name: string; values: ValueFigure[] };

export type RespondentSummary = {
  reference: string;
  name: string;
  status: string;
  registeredBy: string;
  createdAt: Date;
};

/** Respondents still in the pool (withdrawn people are not counted against quotas). */
const IN_POOL = `status <> 'withdrawn'`;

async function featureCounts(
  ctx: ServiceContext,
  assembly: Assembly,
): Promise<{ total: number; counts: Map<string, Map<string, number>> }> {
  const rows = await ctx.db.query<{ key: string; value: string; n: number }>(
    `select f.key, r.features ->> f.key as value, count(*)::int as n
     from assembly_respondents r cross join assembly_features f
     where r.assembly_id = $1 and f.assembly_id = $1 and r.${IN_POOL}
     group by 1, 2`,
    [assembly.id],
  );
  const total = await ctx.db.query<{ n: number }>(
    `select count(*)::int as n from assembly_respondents where assembly_id = $1 and ${IN_POOL}`,
    [assembly.id],
  );
  const counts = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (!counts.has(r.key)) counts.set(r.key, new Map());
    counts.get(r.key)?.set(r.value, r.n);
  }
  return { total: total[0]?.n ?? 0, counts };
}

/** Counts per feature value against the quotas (assigned officers). */
export async function respondentFigures(
  ctx: ServiceContext,
  assembly: Assembly,
): Promise<{ total: number; features: FeatureFigures[] }> {
  await assignedOfficer(ctx, assembly);
  const { total, counts } = await featureCounts(ctx, assembly);
  return {
    total,
    features: assembly.features.map((f) => ({
      key: f.key,
      name: f.name,
      values: f.values.map((v) => {
        const count = counts.get(f.key)?.get(v.value) ?? 0;
        return {
          value: v.value,
          label: v.label,
          count,
          min: v.min,
          max: v.max,
          share: v.share,
          respondentShare: total ? count / total : 0,
          tooFew: count < v.min,
        };
      }),
    })),
  };
}

/** The respondents, by reference (assigned officers). */
export async function listRespondents(ctx: ServiceContext, assembly: Assembly): Promise<RespondentSummary[]> {
  await assignedOfficer(ctx, assembly);
  const rows = await ctx.db.query<{
    reference: string;
    name: string;
    status: string;
    registered_by: string;
    created_at: Date;
  }>(
    `select reference, name, status, registered_by, created_at from assembly_respondents
     where assembly_id = $1 order by reference`,
    [assembly.id],
  );
  return rows.map((r) => ({
    reference: r.reference,
    name: r.name,
    status: r.status,
    registeredBy: r.registered_by,
    createdAt: new Date(r.created_at),
  }));
}

export type RespondentExport = {
  reference: string;
  name: string;
  email: string | null;
  phone: string | null;
  address: string;
  postcode: string;
  features: Record<string, string>;
  status: string;
};

/** Everything the people CSV needs, for respondents still in the pool (assigned officers). */
export async function respondentsForExport(
  ctx: ServiceContext,
  assembly: Assembly,
): Promise<RespondentExport[]> {
  await assignedOfficer(ctx, assembly);
  return ctx.db.query<RespondentExport>(
    `select reference, name, email, phone, address, postcode, features, status from assembly_respondents
     where assembly_id = $1 and ${IN_POOL} order by reference`,
    [assembly.id],
  );
}

export type PublicValueCount = { value: string; label: string; count: number | null; fewerThan?: number };

/**
 * Public counts per feature value: no personal data. Counts from 1 to 4 are published as
 * "fewer than 5"; when that hides only one value of a feature, the next smallest count is
 * hidden too, so it cannot be worked out from the total.
 */
export async function publicRespondentCounts(
  ctx: ServiceContext,
  assembly: Assembly,
): Promise<{ total: number; features: { key: string; name: string; values: PublicValueCount[] }[] }> {
  const { total, counts } = await featureCounts(ctx, assembly);
  return {
    total,
    features: assembly.features.map((f) => {
      const values = f.values.map((v) => ({
        value: v.value,
        label: v.label,
        n: counts.get(f.key)?.get(v.value) ?? 0,
      }));
      const hidden = new Set(values.filter((v) => v.n > 0 && v.n < SUPPRESS_BELOW).map((v) => v.value));
      if (hidden.size === 1) {
        const next = values.filter((v) => v.n > 0 && !hidden.has(v.value)).sort((a, b) => a.n - b.n)[0];
        if (next) hidden.add(next.value);
      }
      return {
        key: f.key,
        name: f.name,
        values: values.map((v) =>
          hidden.has(v.value)
            ? {
                value: v.value,
                label: v.label,
                count: null,
                fewerThan: v.n < SUPPRESS_BELOW ? SUPPRESS_BELOW : undefined,
              }
            : { value: v.value, label: v.label, count: v.n },
        ),
      };
    }),
  };
}

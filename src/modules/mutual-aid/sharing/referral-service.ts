import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { type GroupName, groupNames, groupsOrganisedBy } from '../../directory/groups/group-lookup.js';
import { getGroup } from '../../directory/groups/group-service.js';
import { agreementFor } from './agreement-service.js';
import { fieldsSent, ReferralInput, RespondInput, type SharedField } from './sharing-input.js';

export type ReferralStatus = 'sent' | 'accepted' | 'declined' | 'withdrawn';

/** How long details sent with consent (not under an agreement) are kept. */
export const CONSENT_REFERRAL_DAYS = 90;
const DAY = 86_400_000;

/**
 * A referral: a hub (or a connector or officer) passes a person's details to a group that
 * can help. Private to whoever made it and the receiving group's organisers.
 */
export type Referral = {
  id: string;
  from: GroupName | null;
  to: GroupName;
  basis: 'agreement' | 'consent';
  agreementId: string | null;
  consentId: string | null;
  fields: SharedField[];
  person: {
    name: string;
    phone: string;
    email: string | null;
    address: string;
    needs: string;
    health: string;
  };
  status: ReferralStatus;
  createdAt: Date;
  respondedAt: Date | null;
  clearAfter: Date;
  cleared: boolean;
  mine: boolean;
};

type ReferralRow = {
  id: string;
  from_group_id: string | null;
  to_group_id: string;
  referred_by: string | null;
  agreement_id: string | null;
  consent_id: string | null;
  fields: SharedField[];
  person_name: string;
  person_phone: string;
  person_email: string | null;
  person_address: string;
  needs: string;
  health: string;
  status: ReferralStatus;
  created_at: Date;
  responded_at: Date | null;
  clear_after: Date;
  cleared_at: Date | null;
};

const COLUMNS = `id, from_group_id, to_group_id, referred_by, agreement_id, consent_id, fields, person_name, person_phone,
  person_email, person_address, needs, health, status, created_at, responded_at, clear_after, cleared_at`;

async function toReferrals(ctx: ServiceContext, rows: ReferralRow[]): Promise<Referral[]> {
  const groups = await groupNames(
    ctx.db,
    ctx.place.id,
    rows.flatMap((r) => [r.to_group_id, ...(r.from_group_id ? [r.from_group_id] : [])]),
  );
  const unknown = (id: string): GroupName => ({ id, slug: '', name: '', isHub: false });
  return rows.map((r) => ({
    id: r.id,
    from: r.from_group_id ? (groups.get(r.from_group_id) ?? unknown(r.from_group_id)) : null,
    to: groups.get(r.to_group_id) ?? unknown(r.to_group_id),
    basis: r.agreement_id ? 'agreement' : 'consent',
    agreementId: r.agreement_id,
    consentId: r.consent_id,
    fields: r.fields,
    person: {
      name: r.person_name,
      phone: r.person_phone,
      email: r.person_email,
      address: r.person_address,
      needs: r.needs,
      health: r.health,
    },
    status: r.status,
    createdAt: new Date(r.created_at),
    respondedAt: r.responded_at ? new Date(r.responded_at) : null,
    clearAfter: new Date(r.clear_after),
    cleared: r.cleared_at !== null,
    mine: r.referred_by !== null && r.referred_by === ctx.actor?.userId,
  }));
}

/** Who may use referrals: connectors and officers, and organisers of any group (to see theirs). */
async function referralUser(ctx: ServiceContext) {
  const organised = await groupsOrganisedBy(ctx.db, ctx.place.id, ctx.actor?.userId);
  const refers = can(ctx.actor, 'mutual-aid.refer');
  if (!refers && !organised.length) throw new Forbidden();
  return { organised, refers };
}

/** The groups someone may refer from: the hubs they organise (a connector may also refer as the council). */
export async function referralStart(ctx: ServiceContext) {
  const { organised, refers } = await referralUser(ctx);
  const hubs = organised.filter((g) => g.isHub);
  if (!refers && !hubs.length) throw new Forbidden();
  return { hubs, asCouncil: refers };
}

/** Referrals made by this person, and those sent to groups they organise, newest first. */
export async function listReferrals(
  ctx: ServiceContext,
): Promise<{ sent: Referral[]; received: Referral[] }> {
  const { organised } = await referralUser(ctx);
  const rows = await ctx.db.query<ReferralRow>(
    `select ${COLUMNS} from aid_referrals where place_id = $1 and (referred_by = $2 or to_group_id = any($3::uuid[]))
     order by created_at desc, id limit 500`,
    [ctx.place.id, ctx.actor?.userId ?? null, organised.map((g) => g.id)],
  );
  const all = await toReferrals(ctx, rows);
  const mineTo = new Set(organised.map((g) => g.id));
  return { sent: all.filter((r) => r.mine), received: all.filter((r) => mineTo.has(r.to.id)) };
}

export type ReferralView = Referral & { canRespond: boolean };

export async function getReferral(ctx: ServiceContext, id: string): Promise<ReferralView> {
  const { organised } = await referralUser(ctx);
  if (!isUuid(id)) throw new NotFound('No such referral');
  const rows = await ctx.db.query<ReferralRow>(
    `select ${COLUMNS} from aid_referrals where place_id = $1 and id = $2`,
    [ctx.place.id, id],
  );
  const [r] = rows[0] ? await toReferrals(ctx, rows) : [];
  const receiving = r ? organised.some((g) => g.id === r.to.id) : false;
  if (!r || (!r.mine && !receiving)) throw new NotFound('No such referral');
  return { ...r, canRespond: receiving && r.status === 'sent' && !r.cleared };
}

/**
 * Refers a person to a group. Lawful only if the group has a signed, not ended agreement
 * covering every detail sent, or the person consented to this group having them: with
 * neither, it is refused with what to do instead. Returns the referral's id.
 */
export async function createReferral(ctx: ServiceContext, raw: unknown, now = new Date()): Promise<string> {
  const start = await referralStart(ctx);
  const input = validated(ReferralInput, raw);
  if (input.fromGroupId ? !start.hubs.some((h) => h.id === input.fromGroupId) : !start.asCouncil)
    throw new Invalid({ fromGroupId: 'mutualAid.sharing.errors.fromGroup' });
  const to = await getGroup(ctx, input.toGroupId).catch(() => null);
  if (!to || to.status === 'closed' || to.moderationStatus !== 'published')
    throw new Invalid({ toGroupId: 'mutualAid.sharing.errors.toGroupMissing' });
  if (to.id === input.fromGroupId) throw new Invalid({ toGroupId: 'mutualAid.sharing.errors.toSameGroup' });
  const fields = fieldsSent(input);
  return withTransaction(ctx.db, async (tx) => {
    let agreementId: string | null = null;
    let consentId: string | null = null;
    let keepDays = CONSENT_REFERRAL_DAYS;
    if (input.basis === 'agreement') {
      const found = await agreementFor(tx, ctx.place.id, to.id, fields, now);
      if (!found.ok)
        throw new Invalid({
          basis: found.missing
            ? 'mutualAid.sharing.errors.fieldsNotCovered'
            : 'mutualAid.sharing.errors.noAgreement',
        });
      agreementId = found.agreement.id;
      keepDays = found.agreement.retentionDays;
    } else if (input.consentId) {
      const [c] = await tx.query<{ withdrawn_at: Date | null; recipient_group_id: string | null }>(
        'select withdrawn_at, recipient_group_id from aid_consents where place_id = $1 and id = $2 for update',
        [ctx.place.id, input.consentId],
      );
      if (!c || c.recipient_group_id !== to.id)
        throw new Invalid({ consentId: 'mutualAid.sharing.errors.consentUnknown' });
      if (c.withdrawn_at) throw new Invalid({ consentId: 'mutualAid.sharing.errors.consentWithdrawn' });
      consentId = input.consentId;
    } else {
      const [c] = await tx.query<{ id: string }>(
        `insert into aid_consents (place_id, recorded_by, how_given, purpose, recipients, recipient_group_id)
         values ($1, $2, $3, $4, $5, $6) returning id`,
        [
          ctx.place.id,
          ctx.actor?.userId ?? null,
          input.consentHow,
          // What they agreed to, not what they told the referrer.
          `Referral to ${to.name}, so that they can help`.slice(0, 500),
          to.name.slice(0, 300),
          to.id,
        ],
      );
      consentId = c?.id ?? null;
    }
    const [row] = await tx.query<{ id: string }>(
      `insert into aid_referrals (place_id, from_group_id, to_group_id, referred_by, agreement_id, consent_id, fields,
         person_name, person_phone, person_email, person_address, needs, health, clear_after)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning id`,
      [
        ctx.place.id,
        input.fromGroupId || null,
        to.id,
        ctx.actor?.userId ?? null,
        agreementId,
        consentId,
        fields,
        input.personName,
        input.personPhone,
        input.personEmail || null,
        input.personAddress,
        input.needs,
        input.health,
        new Date(now.getTime() + keepDays * DAY),
      ],
    );
    const id = row?.id as string;
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'mutual-aid.referral.create',
      targetType: 'aid-referral',
      targetId: id,
      // What was shared and why, never the person's details themselves.
      after: { from: input.fromGroupId || null, to: to.id, fields, agreementId, consentId },
      requestId: ctx.requestId ?? null,
    });
    return id;
  });
}

/** The receiving group's organisers accept or decline a referral. */
export async function respondToReferral(ctx: ServiceContext, id: string, raw: unknown): Promise<void> {
  const r = await getReferral(ctx, id);
  const { decision } = validated(RespondInput, raw);
  if (!r.canRespond) throw new Invalid({ decision: 'mutualAid.sharing.errors.alreadyAnswered' });
  await withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query(
      `update aid_referrals set status = $3, responded_by = $4, responded_at = now()
       where place_id = $1 and id = $2 and status = 'sent' returning id`,
      [ctx.place.id, r.id, decision, ctx.actor?.userId ?? null],
    );
    if (!rows.length) throw new Invalid({ decision: 'mutualAid.sharing.errors.alreadyAnswered' });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: `mutual-aid.referral.${decision === 'accepted' ? 'accept' : 'decline'}`,
      targetType: 'aid-referral',
      targetId: r.id,
      before: { status: 'sent' },
      after: { status: decision },
      requestId: ctx.requestId ?? null,
    });
  });
}

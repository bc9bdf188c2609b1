import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { Forbidden, NotFound } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';

/**
 * Consent records: what someone agreed to, how, when, for whom, and when they changed their
 * mind. Connectors see the ones they recorded; officers see every one in the place.
 */
export type ConsentRecord = {
  id: string;
  howGiven: 'in-person' | 'phone' | 'written';
  purpose: string;
  recipients: string;
  givenAt: Date;
  withdrawnAt: Date | null;
  /** What relies on it: open needs and offers, and referrals. */
  posts: number;
  referrals: number;
  mine: boolean;
};

type ConsentRow = {
  id: string;
  how_given: ConsentRecord['howGiven'];
  purpose: string;
  recipients: string;
  given_at: Date;
  withdrawn_at: Date | null;
  recorded_by: string | null;
  posts: number;
  referrals: number;
};

function seesAll(ctx: ServiceContext) {
  return can(ctx.actor, 'mutual-aid.sharing.manage');
}

export async function listConsents(ctx: ServiceContext, only?: string): Promise<ConsentRecord[]> {
  if (!can(ctx.actor, 'mutual-aid.post-on-behalf')) {
    // A hub organiser who recorded consent for a referral sees (and can withdraw) those records.
    const [own] = await ctx.db.query(
      'select 1 from aid_consents where place_id = $1 and recorded_by = $2 limit 1',
      [ctx.place.id, ctx.actor?.userId ?? null],
    );
    if (!own) throw new Forbidden();
  }
  const rows = await ctx.db.query<ConsentRow>(
    `select c.id, c.how_given, c.purpose, c.recipients, c.given_at, c.withdrawn_at, c.recorded_by,
       (select count(*)::int from aid_posts p where p.consent_id = c.id) as posts,
       (select count(*)::int from aid_referrals r where r.consent_id = c.id) as referrals
     from aid_consents c
     where c.place_id = $1 and ($2 or c.recorded_by = $3) and ($4::uuid is null or c.id = $4)
     order by c.withdrawn_at is not null, c.given_at desc, c.id limit 500`,
    [ctx.place.id, seesAll(ctx), ctx.actor?.userId ?? null, only ?? null],
  );
  return rows.map((r) => ({
    id: r.id,
    howGiven: r.how_given,
    purpose: r.purpose,
    recipients: r.recipients,
    givenAt: new Date(r.given_at),
    withdrawnAt: r.withdrawn_at ? new Date(r.withdrawn_at) : null,
    posts: r.posts,
    referrals: r.referrals,
    mine: r.recorded_by !== null && r.recorded_by === ctx.actor?.userId,
  }));
}

/**
 * The person has changed their mind: the consent is marked withdrawn, their open needs and
 * offers come down, and referrals not yet answered are withdrawn with their details cleared.
 * Returns how many posts and referrals were withdrawn.
 */
export async function withdrawConsent(
  ctx: ServiceContext,
  id: string,
): Promise<{ posts: number; referrals: number }> {
  if (!isUuid(id)) throw new NotFound('No such consent');
  const [consent] = await listConsents(ctx, id);
  if (!consent) throw new NotFound('No such consent');
  if (consent.withdrawnAt) return { posts: 0, referrals: 0 };
  return withTransaction(ctx.db, async (tx) => {
    await tx.query(
      'update aid_consents set withdrawn_at = now() where place_id = $1 and id = $2 and withdrawn_at is null',
      [ctx.place.id, id],
    );
    const posts = await tx.query<{ id: string }>(
      `update aid_posts set status = 'withdrawn', updated_at = now()
       where place_id = $1 and consent_id = $2 and status = 'open' returning id`,
      [ctx.place.id, id],
    );
    const referrals = await tx.query<{ id: string }>(
      `update aid_referrals set status = 'withdrawn', person_name = '', person_phone = '', person_email = null,
         person_address = '', needs = '', health = '', cleared_at = now()
       where place_id = $1 and consent_id = $2 and status = 'sent' returning id`,
      [ctx.place.id, id],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'mutual-aid.consent.withdraw',
      targetType: 'aid-consent',
      targetId: id,
      before: { withdrawnAt: null },
      after: { posts: posts.map((p) => p.id), referrals: referrals.map((r) => r.id) },
      requestId: ctx.requestId ?? null,
    });
    return { posts: posts.length, referrals: referrals.length };
  });
}

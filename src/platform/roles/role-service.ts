import { z } from 'zod';
import { audit } from '../audit/audit.js';
import { consumeToken } from '../auth/account-service.js';
import { hashToken, newToken } from '../auth/secrets.js';
import { withTransaction } from '../db/transaction.js';
import type { Db } from '../db/types.js';
import { queueEmail } from '../email/outbox.js';
import { Forbidden, Invalid } from '../http/errors.js';
import type { Role } from '../module-definition.js';
import type { Place } from '../places/place-service.js';
import { type Actor, allPermissions, can } from './permissions.js';

export const GRANTABLE_ROLES = ['connector', 'officer', 'place-admin', 'accountable-officer'] as const;
const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

export const InviteForm = z.object({
  email: z
    .string()
    .trim()
    .min(1, 'account.errors.emailMissing')
    .max(254, 'account.errors.emailInvalid')
    .pipe(z.email('account.errors.emailInvalid')),
  role: z.enum(GRANTABLE_ROLES, 'people.errors.roleMissing'),
});

export type PeopleContext = {
  db: Db;
  place: Place;
  actor: Actor | null;
  requestId: string;
  baseUrl: string;
  actorEmail: string;
};

export type PersonWithRoles = { userId: string; email: string; displayName: string; roles: Role[] };

export async function listPeopleWithRoles(ctx: PeopleContext): Promise<PersonWithRoles[]> {
  if (!can(ctx.actor, 'roles.manage')) throw new Forbidden();
  const rows = await ctx.db.query<{ user_id: string; email: string; display_name: string; roles: Role[] }>(
    `select u.id as user_id, u.email, u.display_name, array_agg(r.role order by r.role) as roles
     from role_assignments r join users u on u.id = r.user_id
     where r.place_id = $1 and u.deleted_at is null group by u.id order by u.display_name, u.email`,
    [ctx.place.id],
  );
  return rows.map((r) => ({
    userId: r.user_id,
    email: r.email,
    displayName: r.display_name,
    roles: r.roles,
  }));
}

/** A place admin invites someone (by email) to a role; they accept from the emailed link. */
export async function invite(
  ctx: PeopleContext,
  input: z.infer<typeof InviteForm>,
  lang: string,
): Promise<void> {
  if (!can(ctx.actor, 'roles.manage')) throw new Forbidden();
  const data = InviteForm.parse(input);
  await withTransaction(ctx.db, async (tx) => {
    const token = newToken();
    await tx.query(
      `insert into user_tokens (hash, purpose, place_id, email, data, expires_at) values ($1, 'invite', $2, $3, $4, $5)`,
      [
        hashToken(token),
        ctx.place.id,
        data.email,
        JSON.stringify({ role: data.role, invitedBy: ctx.actor?.userId }),
        new Date(Date.now() + INVITE_TTL_MS),
      ],
    );
    await queueEmail(tx, {
      placeId: ctx.place.id,
      to: data.email,
      template: 'invitation',
      lang,
      vars: {
        inviter: ctx.actorEmail,
        role: data.role,
        place: ctx.place.name,
        url: `${ctx.baseUrl}/account/invitation?token=${token}`,
      },
    });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'roles.invite',
      targetType: 'invitation',
      targetId: data.email,
      after: data,
      requestId: ctx.requestId,
    });
  });
}

export async function revokeRole(ctx: PeopleContext, userId: string, role: string): Promise<void> {
  if (!can(ctx.actor, 'roles.manage')) throw new Forbidden();
  if (!(GRANTABLE_ROLES as readonly string[]).includes(role))
    throw new Invalid({ role: 'people.errors.roleMissing' });
  await withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query(
      'delete from role_assignments where place_id = $1 and user_id = $2 and role = $3 returning 1',
      [ctx.place.id, userId, role],
    );
    if (rows.length) {
      await audit(tx, {
        placeId: ctx.place.id,
        actorId: ctx.actor?.userId ?? null,
        action: 'roles.revoke',
        targetType: 'user',
        targetId: userId,
        before: { role },
        requestId: ctx.requestId,
      });
    }
  });
}

export type InvitationView = {
  placeId: string;
  placeName: string;
  placeSlug: string;
  role: string;
  email: string;
};

/** What an invitation link offers, without using it up. */
export async function peekInvitation(db: Db, token: string): Promise<InvitationView | null> {
  if (!/^[\w-]{43}$/.test(token)) return null;
  const rows = await db.query<{
    place_id: string;
    name: string;
    slug: string;
    email: string;
    data: { role: string };
  }>(
    `select t.place_id, p.name, p.slug, t.email, t.data from user_tokens t join places p on p.id = t.place_id
     where t.hash = $1 and t.purpose = 'invite' and t.used_at is null and t.expires_at > now()`,
    [hashToken(token)],
  );
  const r = rows[0];
  return r
    ? { placeId: r.place_id, placeName: r.name, placeSlug: r.slug, role: r.data.role, email: r.email }
    : null;
}

/** Accepting needs the invited address: a forwarded link cannot hand a role to someone else. */
export async function acceptInvitation(
  db: Db,
  token: string,
  user: { userId: string; email: string },
  requestId: string,
): Promise<{ outcome: 'accepted' | 'wrong-account' | 'expired'; offer: InvitationView | null }> {
  const offer = await peekInvitation(db, token);
  if (!offer) return { outcome: 'expired', offer };
  if (offer.email.toLowerCase() !== user.email.toLowerCase()) return { outcome: 'wrong-account', offer };
  const outcome = await withTransaction(db, async (tx) => {
    const t = await consumeToken(tx, token, 'invite');
    if (!t?.place_id) return 'expired' as const;
    const role = String(t.data.role);
    await tx.query(
      `insert into role_assignments (place_id, user_id, role, granted_by) values ($1, $2, $3, $4) on conflict do nothing`,
      [t.place_id, user.userId, role, (t.data.invitedBy as string | undefined) ?? null],
    );
    // Accepting an emailed invitation proves the address.
    await tx.query('update users set email_verified_at = coalesce(email_verified_at, now()) where id = $1', [
      user.userId,
    ]);
    await audit(tx, {
      placeId: t.place_id,
      actorId: user.userId,
      action: 'roles.grant',
      targetType: 'user',
      targetId: user.userId,
      after: { role },
      requestId,
    });
    return 'accepted' as const;
  });
  return { outcome, offer };
}

/**
 * The people a module should tell about something only holders of `permission` act on (an
 * objection to make, an appeal to decide): everyone with a granted role that carries it.
 * Residents are never returned: the resident role is everyone's and is not granted.
 */
export async function staffWithPermission(
  db: Pick<Db, 'query'>,
  placeId: string,
  permission: string,
): Promise<{ userId: string; email: string; lang: string }[]> {
  const roles = allPermissions()[permission]?.roles.filter((r) => r !== 'resident') ?? [];
  if (!roles.length) return [];
  return db.query<{ userId: string; email: string; lang: string }>(
    `select distinct u.id as "userId", u.email, u.preferred_language as lang
       from role_assignments r join users u on u.id = r.user_id
      where r.place_id = $1 and r.role = any($2::text[]) and u.deleted_at is null
      order by u.email`,
    [placeId, roles],
  );
}

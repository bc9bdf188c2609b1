import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { Forbidden, Invalid } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { allPermissions, can } from '../../../platform/roles/permissions.js';
import { assignOfficer, getAssembly, MANAGE } from './assembly-service.js';

/** `email` is masked (first letter and domain): enough to tell two people apart, not to reuse. */
export type PlaceOfficer = { userId: string; name: string; email: string; assigned: boolean };

function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at > 0 ? `${email[0]}…${email.slice(at)}` : '…';
}

/**
 * The place's staff who can run assemblies, each marked if assigned to this one. Only assigned
 * officers (and place admins) see respondents' personal data.
 */
export async function listOfficers(ctx: ServiceContext, slug: string): Promise<PlaceOfficer[]> {
  if (!ctx.actor || !can(ctx.actor, MANAGE)) throw new Forbidden();
  const assembly = await getAssembly(ctx, slug);
  const roles = allPermissions()[MANAGE]?.roles.filter((r) => r !== 'resident') ?? [];
  const rows = await ctx.db.query<{ user_id: string; name: string; email: string; assigned: boolean }>(
    `select u.id as user_id, u.display_name as name, u.email,
            exists (select 1 from assembly_officers o where o.assembly_id = $2 and o.user_id = u.id) as assigned
       from users u
      where u.deleted_at is null and (
            u.id in (select r.user_id from role_assignments r where r.place_id = $1 and r.role = any($3::text[]))
         or u.id in (select o.user_id from assembly_officers o where o.assembly_id = $2))
      order by u.display_name, u.email`,
    [ctx.place.id, assembly.id, roles],
  );
  return rows.map((r) => ({
    userId: r.user_id,
    name: r.name,
    email: maskEmail(r.email),
    assigned: r.assigned,
  }));
}

/** Assigns one of the place's officers (refusing anyone who is not staff of the place). */
export async function assignPlaceOfficer(ctx: ServiceContext, slug: string, userId: unknown): Promise<void> {
  const officers = await listOfficers(ctx, slug);
  const officer = officers.find((o) => o.userId === userId);
  if (!officer) throw new Invalid({ officer: 'assemblies.setup.errors.officerRequired' });
  await assignOfficer(ctx, slug, officer.userId);
}

/** Takes an officer off an assembly; the last assigned officer stays, so someone can see respondents. */
export async function unassignOfficer(ctx: ServiceContext, slug: string, userId: unknown): Promise<void> {
  if (!ctx.actor || !can(ctx.actor, MANAGE)) throw new Forbidden();
  const actorId = ctx.actor.userId;
  const officerId = typeof userId === 'string' ? userId : '';
  await withTransaction(ctx.db, async (tx) => {
    const assembly = await getAssembly(ctx, slug, tx);
    const assigned = await tx.query<{ user_id: string }>(
      'select user_id from assembly_officers where assembly_id = $1',
      [assembly.id],
    );
    if (!assigned.some((a) => a.user_id === officerId))
      throw new Invalid({ officer: 'assemblies.setup.errors.officerRequired' });
    if (assigned.length <= 1) throw new Invalid({ officer: 'assemblies.setup.errors.lastOfficer' });
    await tx.query('delete from assembly_officers where assembly_id = $1 and user_id = $2', [
      assembly.id,
      officerId,
    ]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId,
      action: 'assemblies.officer.unassign',
      targetType: 'assembly',
      targetId: assembly.id,
      before: { officerId },
      requestId: ctx.requestId ?? null,
    });
  });
}

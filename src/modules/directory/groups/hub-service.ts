import { z } from 'zod';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { requireGroupManager } from './group-service.js';

export const HUB_PARTNER_KINDS = [
  'social-care',
  'public-health',
  'employment',
  'housing',
  'money',
  'community',
  'other',
] as const;

export const HubPartnerInput = z.object({
  partnerName: z
    .string()
    .trim()
    .min(1, 'directory.hubs.errors.partnerNameMissing')
    .max(160, 'directory.hubs.errors.partnerNameTooLong'),
  kind: z.enum(HUB_PARTNER_KINDS, 'directory.hubs.errors.kindMissing'),
  offer: z.string().trim().max(500, 'directory.hubs.errors.offerTooLong').default(''),
  linkUrl: z
    .string()
    .trim()
    .max(500, 'directory.hubs.errors.linkInvalid')
    .default('')
    .refine((s) => s === '' || /^https?:\/\/\S+$/i.test(s), 'directory.hubs.errors.linkInvalid'),
});

export type HubPartner = {
  id: string;
  partnerName: string;
  kind: (typeof HUB_PARTNER_KINDS)[number];
  offer: string;
  linkUrl: string | null;
};

/** The partners delivering from a hub (social care, public health, employment support…). */
export async function listHubPartners(ctx: ServiceContext, groupId: string): Promise<HubPartner[]> {
  const rows = await ctx.db.query<{
    id: string;
    partner_name: string;
    kind: HubPartner['kind'];
    offer: string;
    link_url: string | null;
  }>(
    'select id, partner_name, kind, offer, link_url from directory_hub_partners where place_id = $1 and hub_group_id = $2 order by kind, partner_name',
    [ctx.place.id, groupId],
  );
  return rows.map((r) => ({
    id: r.id,
    partnerName: r.partner_name,
    kind: r.kind,
    offer: r.offer,
    linkUrl: r.link_url,
  }));
}

export async function addHubPartner(ctx: ServiceContext, slugOrId: string, raw: unknown): Promise<void> {
  const group = await requireGroupManager(ctx, slugOrId);
  if (!group.isHub) throw new Invalid({ partnerName: 'directory.hubs.errors.notAHub' });
  const input = validated(HubPartnerInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into directory_hub_partners (place_id, hub_group_id, partner_name, kind, offer, link_url)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [ctx.place.id, group.id, input.partnerName, input.kind, input.offer, input.linkUrl || null],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'directory.hub.partner-add',
      targetType: 'directory-group',
      targetId: group.id,
      after: { id: row?.id, ...input },
      requestId: ctx.requestId ?? null,
    });
  });
}

export async function removeHubPartner(
  ctx: ServiceContext,
  slugOrId: string,
  partnerId: string,
): Promise<void> {
  const group = await requireGroupManager(ctx, slugOrId);
  await withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query<{ partner_name: string }>(
      'delete from directory_hub_partners where place_id = $1 and hub_group_id = $2 and id = $3 returning partner_name',
      [ctx.place.id, group.id, partnerId],
    );
    if (!rows.length) throw new NotFound('No such partner');
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'directory.hub.partner-remove',
      targetType: 'directory-group',
      targetId: group.id,
      before: { id: partnerId, partnerName: rows[0]?.partner_name },
      requestId: ctx.requestId ?? null,
    });
  });
}

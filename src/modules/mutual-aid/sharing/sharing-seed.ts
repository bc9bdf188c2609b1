import { withTransaction } from '../../../platform/db/transaction.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { getGroup } from '../../directory/groups/group-service.js';
import { TEMPLATE_VERSION } from './sharing-input.js';

/** The demo's signed agreement (its page is `/trafford/help/data-sharing/agreements/<this id>`). */
export const DEMO_AGREEMENT_ID = '5a7e0c1d-3b2f-4e6a-8c9d-0f1e2d3c0001';
export const DEMO_AGREEMENT_AWAITING_ID = '5a7e0c1d-3b2f-4e6a-8c9d-0f1e2d3c0002';
export const DEMO_REFERRAL_ID = '5a7e0c1d-3b2f-4e6a-8c9d-0f1e2d3c0011';
export const DEMO_CONSENT_ID = '5a7e0c1d-3b2f-4e6a-8c9d-0f1e2d3c0021';

const DAY = 86_400_000;

/**
 * A signed agreement between the council and the demo hub, one waiting for a group to sign,
 * and referrals under each basis. People's details use Ofcom's drama numbers and example domains.
 */
export async function seedSharing({ db, place, log }: SeedContext): Promise<void> {
  if (place.slug !== 'trafford') return;
  const ctx = { db, place, actor: null, requestId: 'seed' };
  const hub = await getGroup(ctx, 'partington-community-hub').catch(() => null);
  const cafe = await getGroup(ctx, 'sale-moor-repair-cafe').catch(() => null);
  if (!hub || !cafe) return;
  const now = Date.now();
  await withTransaction(db, async (tx) => {
    const added = await tx.query(
      `insert into aid_sharing_agreements (id, place_id, group_id, template_version, purpose, fields, retention_days, review_date,
         status, group_signatory_name, group_signed_at, council_signatory_name, council_signatory_role, council_signed_at, created_at)
       values ($1, $2, $3, $4, $5, $6, 90, $7, 'signed', 'Jo Example', $8, 'Sam Sample', 'Community Hubs Lead', $9, $8)
       on conflict (id) do nothing returning id`,
      [
        DEMO_AGREEMENT_ID,
        place.id,
        hub.id,
        TEMPLATE_VERSION,
        'Referring residents who ask the council for practical help (shopping, prescriptions, a friendly call) to the hub, so that its volunteers can contact them.',
        ['name', 'phone', 'address', 'needs'],
        new Date(now + 300 * DAY).toISOString().slice(0, 10),
        new Date(now - 40 * DAY),
        new Date(now - 38 * DAY),
      ],
    );
    if (!added.length) return;
    await tx.query(
      `insert into aid_sharing_agreements (id, place_id, group_id, template_version, purpose, fields, retention_days, review_date, status)
       values ($1, $2, $3, $4, $5, $6, 30, $7, 'awaiting-group') on conflict (id) do nothing`,
      [
        DEMO_AGREEMENT_AWAITING_ID,
        place.id,
        cafe.id,
        TEMPLATE_VERSION,
        'Passing on requests from residents who need a household item repaired and cannot get to the café.',
        ['name', 'phone', 'needs'],
        new Date(now + 365 * DAY).toISOString().slice(0, 10),
      ],
    );
    await tx.query(
      `insert into aid_consents (id, place_id, how_given, purpose, recipients, recipient_group_id, given_at)
       values ($1, $2, 'phone', $3, $4, $5, $6) on conflict (id) do nothing`,
      [
        DEMO_CONSENT_ID,
        place.id,
        'Referral to Sale Moor Repair Café, so that they can help',
        cafe.name,
        cafe.id,
        new Date(now - 3 * DAY),
      ],
    );
    await tx.query(
      `insert into aid_referrals (id, place_id, from_group_id, to_group_id, agreement_id, consent_id, fields, person_name, person_phone,
         person_address, needs, status, clear_after, created_at, responded_at)
       values
         ($1, $2, null, $3, $4, null, '{name,phone,address,needs}', 'Elsie', '0161 496 0501', '9 Example Road, Partington',
          'Weekly shop while recovering from a fall', 'accepted', $5, $6, $6),
         ($7, $2, $3, $8, null, $9, '{name,phone,needs}', 'Bob', '0161 496 0502', '', 'A kettle that trips the fuse', 'sent', $10, $11, null)
       on conflict (id) do nothing`,
      [
        DEMO_REFERRAL_ID,
        place.id,
        hub.id,
        DEMO_AGREEMENT_ID,
        new Date(now + 85 * DAY),
        new Date(now - 5 * DAY),
        '5a7e0c1d-3b2f-4e6a-8c9d-0f1e2d3c0012',
        cafe.id,
        DEMO_CONSENT_ID,
        new Date(now + 87 * DAY),
        new Date(now - 3 * DAY),
      ],
    );
    log('Mutual aid: 2 data-sharing agreements and 2 referrals');
  });
}

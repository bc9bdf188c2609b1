import { withTransaction } from '../../../platform/db/transaction.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { DEMO_MATCHED_NEED_ID, DEMO_MATCHED_OFFER_ID } from '../posts/post-seed.js';

/** The demo match: the shelf request and the odd-jobs offer, agreed, with a message each way. */
export const DEMO_MATCH_ID = '6b1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d0001';

export async function seedAidMatches({ db, place, log }: SeedContext): Promise<void> {
  if (place.slug !== 'trafford') return;
  await withTransaction(db, async (tx) => {
    const rows = await tx.query(
      `insert into aid_matches (id, place_id, need_id, offer_id, status, need_shares, offer_shares, proposed_at, responded_at)
       select $1, $2, $3, $4, 'accepted', array['name', 'address'], array['name'], now() - interval '2 days', now() - interval '1 day'
       where exists (select 1 from aid_posts where id = $3) and exists (select 1 from aid_posts where id = $4)
       on conflict (id) do nothing returning id`,
      [DEMO_MATCH_ID, place.id, DEMO_MATCHED_NEED_ID, DEMO_MATCHED_OFFER_ID],
    );
    if (!rows.length) return;
    await tx.query(`update aid_posts set status = 'matched' where id = $1`, [DEMO_MATCHED_NEED_ID]);
    await tx.query(
      `insert into aid_match_messages (match_id, side, body, via, created_at) values
         ($1, 'need', 'Thank you! Any weekday after 2pm is fine. The shelf and brackets are here already.', 'web', now() - interval '2 days'),
         ($1, 'offer', 'Great, I can come on Thursday at 3. I will bring a drill.', 'email', now() - interval '1 day')`,
      [DEMO_MATCH_ID],
    );
    log('Mutual aid: 1 match');
  });
}

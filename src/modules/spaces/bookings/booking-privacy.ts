import type { PrivacyHooks } from '../../../platform/module-definition.js';

/**
 * Bookings are a contract to use a space (UK GDPR Art. 6(1)(b)): the booker's to download. On
 * account deletion, bookings still to come are cancelled (the space is freed for others) and past
 * ones stay as a record of the space's use, no longer tied to the person.
 */
export const bookingPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'spaces.privacy.bookings.data',
      purposeKey: 'spaces.privacy.bookings.purpose',
      basis: 'contract',
      retentionKey: 'spaces.privacy.bookings.kept',
    },
  ],
  async exportFor(db, person) {
    return {
      space_bookings: await db.query(
        `select s.name as space, b.title, lower(b.during) as starts_at, upper(b.during) as ends_at, b.hirer_type,
           b.status, b.price_pence, b.concession, b.created_at, b.cancelled_at, b.cancel_reason
         from space_bookings b join spaces s on s.id = b.space_id where b.booked_by = $1 order by lower(b.during)`,
        [person.userId],
      ),
    };
  },
  async eraseFor(tx, person) {
    await tx.query(
      `update space_bookings set status = 'cancelled', cancelled_at = now(), updated_at = now()
       where booked_by = $1 and status in ('pending', 'confirmed') and lower(during) > now()`,
      [person.userId],
    );
    await tx.query('update space_bookings set booked_by = null where booked_by = $1', [person.userId]);
    return ['spaces.privacy.bookings.keptOnErase'];
  },
};

import type { PrivacyHooks } from '../module-definition.js';

const DAY = 24 * 3600 * 1000;

/** The platform's own personal data: accounts, sessions, roles, contact messages, emails, audit. */
export const platformPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'privacy.uses.account.data',
      purposeKey: 'privacy.uses.account.purpose',
      basis: 'contract',
      retentionKey: 'privacy.uses.account.kept',
    },
    {
      dataKey: 'privacy.uses.contact.data',
      purposeKey: 'privacy.uses.contact.purpose',
      basis: 'public-task',
      retentionKey: 'privacy.uses.contact.kept',
    },
    {
      dataKey: 'privacy.uses.email.data',
      purposeKey: 'privacy.uses.email.purpose',
      basis: 'contract',
      retentionKey: 'privacy.uses.email.kept',
    },
    {
      dataKey: 'privacy.uses.audit.data',
      purposeKey: 'privacy.uses.audit.purpose',
      basis: 'legal-obligation',
      retentionKey: 'privacy.uses.audit.kept',
    },
    {
      dataKey: 'privacy.uses.logs.data',
      purposeKey: 'privacy.uses.logs.purpose',
      basis: 'legitimate-interests',
      retentionKey: 'privacy.uses.logs.kept',
    },
  ],

  async exportFor(db, person) {
    return {
      account: await db.query(
        `select id, email, display_name, email_verified_at, totp_enabled_at is not null as two_step_sign_in,
                preferred_language, notification_prefs, created_at from users where id = $1`,
        [person.userId],
      ),
      sessions: await db.query(
        'select created_at, last_seen_at, expires_at, user_agent from sessions where user_id = $1',
        [person.userId],
      ),
      roles: await db.query(
        'select p.name as place, r.role, r.granted_at from role_assignments r join places p on p.id = r.place_id where r.user_id = $1',
        [person.userId],
      ),
      contact_messages: await db.query(
        'select reference, name, email, subject, message, created_at from contact_messages where email = $1',
        [person.email],
      ),
      emails_sent_to_you: await db.query(
        'select subject, body, status, created_at, sent_at from outbox where to_email = $1',
        [person.email],
      ),
      your_changes_in_the_audit_log: await db.query(
        'select at, action, target_type, target_id from audit_log where actor_id = $1 order by id',
        [person.userId],
      ),
    };
  },

  async eraseFor(tx, person) {
    await tx.query('delete from contact_messages where email = $1', [person.email]);
    await tx.query('delete from outbox where to_email = $1', [person.email]);
    await tx.query('delete from user_tokens where user_id = $1 or email = $2', [person.userId, person.email]);
    await tx.query('delete from sessions where user_id = $1', [person.userId]);
    await tx.query('delete from role_assignments where user_id = $1', [person.userId]);
    await tx.query(
      `update users set email = 'deleted-' || id || '@deleted.invalid', display_name = '', password_hash = null,
         totp_secret_enc = null, totp_enabled_at = null, notification_prefs = '{}', deleted_at = now()
       where id = $1`,
      [person.userId],
    );
    // The audit log keeps the random account id, which no longer leads to a name or address.
    return ['privacy.kept.audit'];
  },

  async applyRetention(tx, now) {
    let n = 0;
    const older = (days: number) => new Date(now.getTime() - days * DAY);
    n += (await tx.query('delete from contact_messages where created_at < $1 returning 1', [older(730)]))
      .length;
    n += (
      await tx.query("delete from outbox where created_at < $1 and status <> 'queued' returning 1", [
        older(90),
      ])
    ).length;
    n += (await tx.query('delete from sessions where expires_at < $1 returning 1', [now])).length;
    n += (await tx.query('delete from user_tokens where expires_at < $1 returning 1', [older(30)])).length;
    n += (await tx.query('delete from rate_limits where window_start < $1 returning 1', [older(1)])).length;
    n += (
      await tx.query("delete from jobs where status in ('done', 'failed') and finished_at < $1 returning 1", [
        older(90),
      ])
    ).length;
    // Accounts never confirmed within 30 days are removed entirely.
    n += (
      await tx.query(
        'delete from users where email_verified_at is null and deleted_at is null and created_at < $1 returning 1',
        [older(30)],
      )
    ).length;
    return n;
  },
};

import type { Db, Tx } from '../../../platform/db/types.js';

export type Follower = {
  userId: string;
  email: string;
  preferredLanguage: string;
  notificationPrefs: Record<string, unknown> | null;
};

/**
 * The people following an idea, with what an email to them needs. A stand-in until the posting
 * part exports its own `followersOf(db, ideaId)`; swap the import in development-service.ts.
 */
export async function followersOf(db: Db | Tx, ideaId: string): Promise<Follower[]> {
  const rows = await db.query<{
    user_id: string;
    email: string;
    preferred_language: string;
    notification_prefs: Record<string, unknown> | null;
  }>(
    `select f.user_id, u.email, u.preferred_language, u.notification_prefs
     from idea_follows f join users u on u.id = f.user_id
     where f.idea_id = $1 and u.deleted_at is null order by f.created_at, f.user_id`,
    [ideaId],
  );
  return rows.map((r) => ({
    userId: r.user_id,
    email: r.email,
    preferredLanguage: r.preferred_language,
    notificationPrefs: r.notification_prefs,
  }));
}

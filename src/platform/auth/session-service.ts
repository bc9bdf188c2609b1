import type { Db, Tx } from '../db/types.js';
import { type Place, placeFromJson, placeJsonBySlug } from '../places/place-service.js';
import { hashToken, newToken } from './secrets.js';

/** Idle and absolute limits: a forgotten shared computer signs itself out. */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 24 * 60 * 60 * 1000;
export const SESSION_COOKIE = 'kith_session';

export type SessionUser = {
  sessionHash: string;
  userId: string;
  email: string;
  displayName: string;
  emailVerified: boolean;
  twoFactorEnabled: boolean;
  secondFactorDone: boolean;
  platformAdmin: boolean;
  preferredLanguage: string;
  /**
   * The person's roles, by place id, read with the session (one query rather than a second
   * per request); the access hook picks the request's place.
   */
  rolesByPlace: ReadonlyMap<string, string[]>;
};

/** Starts a session and returns the cookie value (the only place the raw token exists). */
export async function createSession(
  db: Db | Tx,
  userId: string,
  userAgent: string,
  now = new Date(),
): Promise<string> {
  const token = newToken();
  await db.query(
    `insert into sessions (id_hash, user_id, created_at, last_seen_at, expires_at, user_agent)
     values ($1, $2, $3, $3, $4, $5)`,
    [hashToken(token), userId, now, new Date(now.getTime() + SESSION_ABSOLUTE_MS), userAgent.slice(0, 300)],
  );
  return token;
}

/** The signed-in person for a cookie, or null when it is unknown, idle too long or expired. */
export async function findSession(db: Db, token: string, now = new Date()): Promise<SessionUser | null> {
  return (await lookUp(db, token, null, now)).session;
}

/**
 * findSession, and the place of the address (by slug) in the same query: a signed-in page of a
 * place costs one round trip to the database rather than two. `place` is undefined when the
 * token is not even well formed, so nothing was read (the caller then looks the place up).
 */
export async function findSessionAndPlace(
  db: Db,
  token: string,
  placeSlug: string,
  now = new Date(),
): Promise<{ session: SessionUser | null; place: Place | null | undefined }> {
  return lookUp(db, token, placeSlug, now);
}

type SessionRow = {
  user_id: string | null;
  email: string;
  display_name: string;
  email_verified_at: Date | null;
  totp_enabled_at: Date | null;
  second_factor_at: Date | null;
  last_seen_at: Date;
  expires_at: Date;
  platform_admin: boolean;
  preferred_language: string;
  place_roles: string[];
  place?: unknown;
};

const SESSION_COLUMNS = `s.user_id, u.email, u.display_name, u.email_verified_at, u.totp_enabled_at, s.second_factor_at,
            s.last_seen_at, s.expires_at, u.preferred_language,
            exists (select 1 from platform_admins p where p.user_id = u.id) as platform_admin,
            array(select r.place_id::text || ' ' || r.role from role_assignments r
                  where r.user_id = u.id order by r.place_id, r.role) as place_roles`;

async function lookUp(
  db: Db,
  token: string,
  placeSlug: string | null,
  now: Date,
): Promise<{ session: SessionUser | null; place: Place | null | undefined }> {
  if (!/^[\w-]{43}$/.test(token)) return { session: null, place: undefined };
  const idHash = hashToken(token);
  const rows =
    placeSlug === null
      ? await db.query<SessionRow>(
          `select ${SESSION_COLUMNS}
           from sessions s join users u on u.id = s.user_id
           where s.id_hash = $1 and u.deleted_at is null`,
          [idHash],
        )
      : await db.query<SessionRow>(
          `select x.*, ${placeJsonBySlug('$2')} as place
           from (select 1) one left join lateral (
             select ${SESSION_COLUMNS}
             from sessions s join users u on u.id = s.user_id
             where s.id_hash = $1 and u.deleted_at is null
           ) x on true`,
          [idHash, placeSlug],
        );
  const r = rows[0];
  const place = placeSlug === null ? undefined : placeFromJson(r?.place);
  if (!r?.user_id) return { session: null, place };
  const lastSeen = new Date(r.last_seen_at).getTime();
  if (new Date(r.expires_at).getTime() <= now.getTime() || now.getTime() - lastSeen > SESSION_IDLE_MS) {
    await db.query('delete from sessions where id_hash = $1', [idHash]);
    return { session: null, place };
  }
  // Touch at most once a minute: one write per page view would be wasteful.
  if (now.getTime() - lastSeen > 60_000) {
    await db.query('update sessions set last_seen_at = $2 where id_hash = $1', [idHash, now]);
  }
  return {
    session: {
      sessionHash: idHash,
      userId: r.user_id,
      email: r.email,
      displayName: r.display_name,
      emailVerified: r.email_verified_at !== null,
      twoFactorEnabled: r.totp_enabled_at !== null,
      secondFactorDone: r.second_factor_at !== null,
      platformAdmin: r.platform_admin,
      preferredLanguage: r.preferred_language,
      rolesByPlace: rolesByPlace(r.place_roles),
    },
    place,
  };
}

function rolesByPlace(pairs: readonly string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const pair of pairs) {
    const [placeId, role] = pair.split(' ') as [string, string];
    const roles = map.get(placeId);
    if (roles) roles.push(role);
    else map.set(placeId, [role]);
  }
  return map;
}

export async function markSecondFactor(db: Db | Tx, sessionHash: string, now = new Date()) {
  await db.query('update sessions set second_factor_at = $2 where id_hash = $1', [sessionHash, now]);
}

export async function endSession(db: Db | Tx, sessionHash: string) {
  await db.query('delete from sessions where id_hash = $1', [sessionHash]);
}

export async function endAllSessions(db: Db | Tx, userId: string): Promise<number> {
  const rows = await db.query('delete from sessions where user_id = $1 returning 1', [userId]);
  return rows.length;
}

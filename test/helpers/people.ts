import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../src/platform/auth/passwords.js';
import { createSession, SESSION_COOKIE } from '../../src/platform/auth/session-service.js';
import type { Db } from '../../src/platform/db/types.js';
import type { Role } from '../../src/platform/module-definition.js';

export const TEST_PASSWORD = 'correct horse battery staple';
let hashed: Promise<string> | undefined;

/** A person with a verified email (unless told otherwise), their roles in a place, and a session cookie. */
export async function makePerson(
  db: Db,
  options: { roles?: Role[]; place?: string; verified?: boolean; email?: string } = {},
): Promise<{ userId: string; email: string; cookie: string }> {
  const email = options.email ?? `person-${randomBytes(4).toString('hex')}@example.org`;
  hashed ??= hashPassword(TEST_PASSWORD);
  const rows = await db.query<{ id: string }>(
    `insert into users (email, display_name, password_hash, email_verified_at) values ($1, 'Test Person', $2, $3) returning id`,
    [email, await hashed, options.verified === false ? null : new Date()],
  );
  const userId = rows[0]?.id as string;
  for (const role of (options.roles ?? []).filter((r) => r !== 'resident')) {
    await db.query(
      `insert into role_assignments (place_id, user_id, role) select id, $2, $3 from places where slug = $1`,
      [options.place ?? 'trafford', userId, role],
    );
  }
  const token = await createSession(db, userId, 'test');
  return { userId, email, cookie: `${SESSION_COOKIE}=${token}` };
}

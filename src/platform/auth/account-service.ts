import { z } from 'zod';
import { audit } from '../audit/audit.js';
import { withTransaction } from '../db/transaction.js';
import type { Db } from '../db/types.js';
import { queueEmail } from '../email/outbox.js';
import { Invalid } from '../http/errors.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { hashToken, newToken } from './secrets.js';
import { endAllSessions } from './session-service.js';

export type AccountContext = { db: Db; requestId: string | null; baseUrl: string; lang: string };

const VERIFY_TTL_MS = 48 * 3600 * 1000;
const RESET_TTL_MS = 60 * 60 * 1000;

const Email = z
  .string()
  .trim()
  .min(1, 'account.errors.emailMissing')
  .max(254, 'account.errors.emailInvalid')
  .pipe(z.email('account.errors.emailInvalid'));

// Fields in page order, so the error summary lists problems in the order people meet them.
const NewPassword = z
  .string()
  .min(10, 'account.errors.passwordTooShort')
  .max(256, 'account.errors.passwordTooLong');

export const SignUpForm = z.object({
  displayName: z.string().trim().min(1, 'account.errors.nameMissing').max(120, 'account.errors.nameTooLong'),
  email: Email,
  password: NewPassword,
});

export const SignInForm = z.object({
  email: z.string().trim().min(1, 'account.errors.emailMissing').max(254, 'account.errors.emailInvalid'),
  password: z.string().min(1, 'account.errors.passwordMissing').max(256, 'account.errors.passwordTooLong'),
});

export const EmailForm = z.object({ email: Email });
export const NewPasswordForm = z.object({ password: NewPassword });

async function issueToken(
  tx: Parameters<Parameters<typeof withTransaction>[1]>[0],
  t: {
    purpose: 'verify-email' | 'reset-password' | 'invite';
    userId: string | null;
    placeId?: string | null;
    email: string;
    ttlMs: number;
    data?: Record<string, unknown>;
  },
): Promise<string> {
  const token = newToken();
  await tx.query(
    `insert into user_tokens (hash, purpose, user_id, place_id, email, data, expires_at) values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      hashToken(token),
      t.purpose,
      t.userId,
      t.placeId ?? null,
      t.email,
      JSON.stringify(t.data ?? {}),
      new Date(Date.now() + t.ttlMs),
    ],
  );
  return token;
}

/** Takes a token once: a second use, an expired one or a wrong purpose all give null. */
export async function consumeToken(
  tx: Parameters<Parameters<typeof withTransaction>[1]>[0],
  token: string,
  purpose: 'verify-email' | 'reset-password' | 'invite',
): Promise<{
  user_id: string | null;
  place_id: string | null;
  email: string;
  data: Record<string, unknown>;
} | null> {
  if (!/^[\w-]{43}$/.test(token)) return null;
  const rows = await tx.query<{
    user_id: string | null;
    place_id: string | null;
    email: string;
    data: Record<string, unknown>;
  }>(
    `update user_tokens set used_at = now()
     where hash = $1 and purpose = $2 and used_at is null and expires_at > now()
     returning user_id, place_id, email, data`,
    [hashToken(token), purpose],
  );
  return rows[0] ?? null;
}

/**
 * Creates an account and sends the verification link. If the address already has an
 * account we say nothing different on screen (no account discovery) and email its owner.
 */
export async function signUp(ctx: AccountContext, input: z.infer<typeof SignUpForm>): Promise<void> {
  const problem = passwordProblem(input.password, input.email);
  if (problem) throw new Invalid({ password: problem });
  const passwordHash = await hashPassword(input.password);
  await withTransaction(ctx.db, async (tx) => {
    const existing = await tx.query<{ id: string }>('select id from users where email = $1', [input.email]);
    if (existing[0]) {
      await queueEmail(tx, {
        placeId: null,
        to: input.email,
        template: 'alreadyRegistered',
        lang: ctx.lang,
        vars: {
          signInUrl: `${ctx.baseUrl}/account/sign-in`,
          resetUrl: `${ctx.baseUrl}/account/forgot-password`,
        },
      });
      return;
    }
    const rows = await tx.query<{ id: string }>(
      'insert into users (email, display_name, password_hash, preferred_language) values ($1, $2, $3, $4) returning id',
      [input.email, input.displayName, passwordHash, ctx.lang],
    );
    const userId = rows[0]?.id as string;
    const token = await issueToken(tx, {
      purpose: 'verify-email',
      userId,
      email: input.email,
      ttlMs: VERIFY_TTL_MS,
    });
    await queueEmail(tx, {
      placeId: null,
      to: input.email,
      template: 'verifyEmail',
      lang: ctx.lang,
      vars: { name: input.displayName, url: `${ctx.baseUrl}/account/verify?token=${token}` },
    });
    await audit(tx, {
      placeId: null,
      actorId: userId,
      action: 'account.sign-up',
      targetType: 'user',
      targetId: userId,
      after: { email: input.email },
      requestId: ctx.requestId,
    });
  });
}

export async function verifyEmail(ctx: AccountContext, token: string): Promise<boolean> {
  return withTransaction(ctx.db, async (tx) => {
    const t = await consumeToken(tx, token, 'verify-email');
    if (!t?.user_id) return false;
    await tx.query('update users set email_verified_at = coalesce(email_verified_at, now()) where id = $1', [
      t.user_id,
    ]);
    await audit(tx, {
      placeId: null,
      actorId: t.user_id,
      action: 'account.verify-email',
      targetType: 'user',
      targetId: t.user_id,
      requestId: ctx.requestId,
    });
    return true;
  });
}

/** The user whose email and password match, or null; takes the same time either way. */
export async function authenticate(
  db: Db,
  email: string,
  password: string,
): Promise<{ id: string; totp: boolean } | null> {
  const rows = await db.query<{ id: string; password_hash: string | null; totp_enabled_at: Date | null }>(
    'select id, password_hash, totp_enabled_at from users where email = $1 and deleted_at is null',
    [email.trim()],
  );
  const user = rows[0];
  const ok = await verifyPassword(user?.password_hash ?? null, password);
  return ok && user ? { id: user.id, totp: user.totp_enabled_at !== null } : null;
}

/** Always looks the same to the person asking, whether or not the account exists. */
export async function requestPasswordReset(ctx: AccountContext, email: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query<{ id: string; display_name: string }>(
      'select id, display_name from users where email = $1 and deleted_at is null',
      [email],
    );
    const user = rows[0];
    if (!user) return;
    const token = await issueToken(tx, {
      purpose: 'reset-password',
      userId: user.id,
      email,
      ttlMs: RESET_TTL_MS,
    });
    await queueEmail(tx, {
      placeId: null,
      to: email,
      template: 'resetPassword',
      lang: ctx.lang,
      vars: { name: user.display_name, url: `${ctx.baseUrl}/account/reset-password?token=${token}` },
    });
  });
}

/** Sets a new password from a reset link, and signs the account out everywhere. */
export async function resetPassword(ctx: AccountContext, token: string, password: string): Promise<boolean> {
  const tokenRow = await ctx.db.query<{ email: string }>('select email from user_tokens where hash = $1', [
    hashToken(token),
  ]);
  const problem = passwordProblem(password, tokenRow[0]?.email ?? '');
  if (problem) throw new Invalid({ password: problem });
  const passwordHash = await hashPassword(password);
  return withTransaction(ctx.db, async (tx) => {
    const t = await consumeToken(tx, token, 'reset-password');
    if (!t?.user_id) return false;
    // Following the emailed link proves the address too.
    await tx.query(
      'update users set password_hash = $2, email_verified_at = coalesce(email_verified_at, now()) where id = $1',
      [t.user_id, passwordHash],
    );
    await endAllSessions(tx, t.user_id);
    await audit(tx, {
      placeId: null,
      actorId: t.user_id,
      action: 'account.reset-password',
      targetType: 'user',
      targetId: t.user_id,
      requestId: ctx.requestId,
    });
    return true;
  });
}

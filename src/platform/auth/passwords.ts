import { Algorithm, hash, verify } from '@node-rs/argon2';

// OWASP's recommended argon2id parameters (19 MiB, 2 passes, 1 lane).
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verifying against this when there is no such account keeps sign-in time the same either way.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('no account has this password');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}

// NCSC guidance: length over complexity rules, and refuse the passwords attackers try first.
const COMMON = new Set([
  'password',
  'password1',
  'password123',
  '12345678',
  '123456789',
  '1234567890',
  'qwertyuiop',
  'iloveyou1',
  'trustno1!',
  'letmein123',
  'welcome123',
  'football1',
  'baseball1',
  'sunshine1',
  'princess1',
  'passw0rd',
  'admin1234',
  'qwerty123',
  '11111111',
  '00000000',
  'abcdefgh',
  'abc12345',
  'changeme',
  'trafford1',
]);

/** A catalogue key saying what is wrong with a new password, or null if it will do. */
export function passwordProblem(password: string, email: string): string | null {
  if (password.length < 10) return 'account.errors.passwordTooShort';
  if (password.length > 256) return 'account.errors.passwordTooLong';
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || lower === email.toLowerCase() || lower === email.split('@')[0]?.toLowerCase()) {
    return 'account.errors.passwordTooCommon';
  }
  return null;
}

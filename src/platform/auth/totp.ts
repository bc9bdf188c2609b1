import { Secret, TOTP } from 'otpauth';

/** RFC 6238 codes: 6 digits, 30 seconds, SHA-1, as every authenticator app expects. */
function totp(secretBase32: string, label = 'Kith') {
  return new TOTP({
    issuer: 'Kith',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secretBase32),
  });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secretBase32: string, email: string): string {
  return totp(secretBase32, email).toString();
}

/** Accepts the current code or one a step either side, for clocks that drift a little. */
export function checkTotp(secretBase32: string, code: string, timestamp = Date.now()): boolean {
  const digits = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(digits)) return false;
  return totp(secretBase32).validate({ token: digits, window: 1, timestamp }) !== null;
}

export function currentTotp(secretBase32: string, timestamp = Date.now()): string {
  return totp(secretBase32).generate({ timestamp });
}

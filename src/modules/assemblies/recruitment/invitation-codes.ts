import { randomInt } from 'node:crypto';

/**
 * Registration codes on invitation letters: 8 characters from an alphabet without letters and
 * digits that look alike on paper (0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, U/V), printed XXXX-XXXX.
 * 21 to the power 8 is about 3.8 × 10¹⁰: with a thousand letters out, one guess in about
 * 38 million hits a code, and guesses are rate limited.
 */
export const CODE_ALPHABET = '34679ACEFGHJKMNPRTWXY';
export const CODE_LENGTH = 8;

export function newInvitationCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** The code as printed and shown: XXXX-XXXX. */
export function formatInvitationCode(code: string): string {
  return code.length === CODE_LENGTH ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

/**
 * A code as a person typed it (spaces, dashes and lower case are fine): the stored form, or
 * null when it cannot be a code (wrong length, or characters we never print).
 */
export function readInvitationCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s\-–—._]/g, '');
  if (code.length !== CODE_LENGTH) return null;
  for (const ch of code) if (!CODE_ALPHABET.includes(ch)) return null;
  return code;
}

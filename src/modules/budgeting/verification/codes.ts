import { randomInt } from 'node:crypto';

/**
 * Single-use voting codes (letters and in person): 12 characters from an alphabet without
 * letters and digits that look alike on paper (0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, U/V), shown as
 * XXXX-XXXX-XXXX. 21 characters to the power 12 is about 2^52, so a code cannot be guessed
 * within the rate limit.
 */
export const CODE_ALPHABET = '34679ACEFGHJKMNPRTWXY';
export const CODE_LENGTH = 12;

/** A new random code, stored as 12 characters (the database checks `^[A-Z0-9]{12}$`). */
export function newCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** The code as printed and shown: XXXX-XXXX-XXXX. */
export function formatCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

/**
 * A code as a person typed it: spaces, dashes and lower case are fine. Returns the stored form,
 * or null when it cannot be a code at all (wrong length or characters we never print).
 */
export function readCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s\-–—._]/g, '');
  if (code.length !== CODE_LENGTH) return null;
  for (const ch of code) if (!CODE_ALPHABET.includes(ch)) return null;
  return code;
}

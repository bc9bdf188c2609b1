import { createHash, randomBytes, randomInt } from 'node:crypto';

/**
 * Receipt codes: the only link between a voter and their ballot, held by the voter alone. The
 * code is shown once; the database keeps only its SHA-256, so nobody reading the tables (or a
 * backup) can go from a ballot to a code, and the code is never emailed, logged or audited.
 */

/** No look-alikes: no 0/O, 1/I/L. 31 symbols × 16 = about 79 bits, too many to guess. */
export const RECEIPT_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const RECEIPT_LENGTH = 16;

/** A new random receipt code, in groups of four for reading aloud and copying: ABCD-EFGH-… */
export function newReceiptCode(): string {
  let code = '';
  for (let i = 0; i < RECEIPT_LENGTH; i++) code += RECEIPT_ALPHABET[randomInt(RECEIPT_ALPHABET.length)];
  return groupReceipt(code);
}

export function groupReceipt(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

/**
 * The code as typed, made canonical: case, spaces and dashes do not matter; null when it cannot
 * be a receipt code (wrong length or a letter the alphabet does not use).
 */
export function canonicalReceipt(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]+/g, '');
  if (code.length !== RECEIPT_LENGTH) return null;
  for (const ch of code) if (!RECEIPT_ALPHABET.includes(ch)) return null;
  return code;
}

/** What pb_ballots.receipt_hash holds for a (canonical) receipt code. */
export function receiptHash(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * A receipt hash for a paper ballot: from a random value nobody keeps, so no code can ever
 * find or change it.
 */
export function unheldReceiptHash(): string {
  return createHash('sha256').update(randomBytes(32)).digest('hex');
}

/**
 * The ballot's id in the published .pb file (its voter_id): a short hash of the receipt hash,
 * so a voter holding their code can find their own ballot among the published ones, and nobody
 * else can tell whose it is. 12 hex characters (48 bits): for a million ballots the chance of
 * any two sharing one is under 0.2%.
 */
export function publicBallotId(receiptHashHex: string): string {
  return createHash('sha256').update(`kith-pb-ballot:${receiptHashHex}`).digest('hex').slice(0, 12);
}

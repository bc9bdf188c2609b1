import { createHmac, hkdfSync } from 'node:crypto';
import { isRealDate } from '../../../lib/civil-date.js';
import { londonParts } from '../../../lib/london-clock.js';
import { AGE_BANDS, type AgeBand } from './voter-service.js';

/**
 * A person as a local register or an officer knows them: name, postcode and date of birth.
 * Kith never stores these; it stores a keyed hash of their normalised form, so the same
 * person typed a little differently (case, spaces, accents, apostrophes) is still the same
 * person, and the hash means nothing outside this installation and this process.
 */
export type PersonDetails = { name: string; postcode: string; dateOfBirth: string };

// Letters that NFKD does not take apart but people write without their marks.
const FOLDS: Record<string, string> = {
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  ı: 'i',
};

const stripMarks = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '');

/**
 * A name as it is compared: compatibility-decomposed with accents removed, case-folded,
 * apostrophes, full stops and other punctuation dropped (O'Brien = OBrien), hyphens and
 * dashes read as spaces (Smith-Jones = Smith Jones), and runs of spaces made one.
 */
export function normaliseName(name: string): string {
  const folded = stripMarks(stripMarks(name).toUpperCase().toLowerCase());
  return [...folded]
    .map((ch) => FOLDS[ch] ?? ch)
    .join('')
    .replace(/[\p{Pd}_]/gu, ' ')
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A postcode as it is compared: upper case with no spaces ("m33 7zp" = "M337ZP"). */
export function normalisePostcode(postcode: string): string {
  return postcode.normalize('NFKC').toUpperCase().replace(/\s+/g, '');
}

const UK_POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$/;

/** Whether a (normalised) postcode has the shape of a UK postcode. */
export function looksLikePostcode(normalised: string): boolean {
  return UK_POSTCODE.test(normalised);
}

/** A postcode written the usual way, outward and inward parts apart ("M33 7ZP"). */
export function displayPostcode(postcode: string): string {
  const p = normalisePostcode(postcode);
  return looksLikePostcode(p) ? `${p.slice(0, -3)} ${p.slice(-3)}` : postcode.trim();
}

/** A date of birth as a register extract writes it, DD/MM/YYYY or YYYY-MM-DD, as YYYY-MM-DD; null if not a real date. */
export function readDateOfBirth(text: string): string | null {
  const s = text.trim();
  let date: string | null = null;
  const uk = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (uk) date = `${uk[3]}-${(uk[2] as string).padStart(2, '0')}-${(uk[1] as string).padStart(2, '0')}`;
  else if (/^\d{4}-\d{2}-\d{2}$/.test(s)) date = s;
  return date && isRealDate(date) ? date : null;
}

/** The key for one process's hashes, derived from the installation secret (as secrets.ts derives its keys). */
function identityKey(secret: string, processId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'kith', `budgeting.identity:${processId}`, 32));
}

/**
 * The identity hash: HMAC-SHA256 of the normalised name, postcode and date of birth, keyed
 * for this installation and process. The same person gives the same hash however they type
 * their details; nobody without the secret can test a guess against it.
 */
export function identityHash(secret: string, processId: string, p: PersonDetails): string {
  return identityHasher(secret, processId)(p);
}

/** The same, with the key derived once (a register upload hashes every row). */
export function identityHasher(secret: string, processId: string): (p: PersonDetails) => string {
  const key = identityKey(secret, processId);
  return (p) =>
    createHmac('sha256', key)
      .update([normaliseName(p.name), normalisePostcode(p.postcode), p.dateOfBirth].join('\u001f'))
      .digest('hex');
}

/** Whole years between a date of birth and a day (both YYYY-MM-DD). */
export function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The turnout band for an age; null under the youngest band (16). */
export function ageBandOf(age: number): AgeBand | null {
  if (age < 16) return null;
  if (age >= 75) return '75+';
  const found = AGE_BANDS.find((b) => {
    const [lo, hi] = b.split('-').map(Number) as [number, number];
    return age >= lo && age <= hi;
  });
  return found ?? null;
}

/**
 * The day eligibility is judged on: the last day of voting when the process has one (so
 * someone who turns 16 before voting closes may vote), otherwise today, in London.
 */
export function eligibilityDay(votingClosesAt: Date | null, now: Date = new Date()): string {
  if (votingClosesAt) return londonParts(new Date(votingClosesAt.getTime() - 1)).date;
  return londonParts(now).date;
}

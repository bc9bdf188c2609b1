import { z } from 'zod';
import { parsePounds } from '../../../lib/money/pounds.js';
import { optionalText } from '../../../platform/http/form-fields.js';

const E = 'ideas.development.errors';

/** Officers (and place admins) may move any idea on; leads and the author move their own. */
export const MANAGE = 'ideas.manage';

/** The largest micro-grant a trial records: £2,500 (in pence). */
export const MAX_GRANT_PENCE = 250_000n;
export const MAX_ROLE = 120;
export const MAX_UPDATE = 4000;
export const MAX_MEASURE = 2000;

export const JoinInput = z.object({
  role: z.string(`${E}.roleMissing`).trim().min(1, `${E}.roleMissing`).max(MAX_ROLE, `${E}.roleTooLong`),
});

export const NoteInput = z.object({
  body: z.string(`${E}.bodyMissing`).trim().min(1, `${E}.bodyMissing`).max(MAX_UPDATE, `${E}.bodyTooLong`),
});

/** The words of any stage change: a note to followers (required when the team starts work). */
export const StageNoteInput = z.object({
  note: optionalText(MAX_UPDATE, `${E}.noteTooLong`),
});

/** What a trial measures and the micro-grant as typed (dates and the booking are read apart). */
export const TrialInput = z.object({
  measure: z
    .string(`${E}.measureMissing`)
    .trim()
    .min(1, `${E}.measureMissing`)
    .max(MAX_MEASURE, `${E}.measureTooLong`),
  space: z.string().trim().max(120).default(''),
  bookingStart: z.string().trim().max(10).default(''),
  bookingEnd: z.string().trim().max(10).default(''),
  grant: z.string().trim().max(40).default(''),
  grantFrom: optionalText(200, `${E}.grantFromTooLong`),
});

export const OutcomeInput = z.object({
  whatHappened: z
    .string(`${E}.whatHappenedMissing`)
    .trim()
    .min(1, `${E}.whatHappenedMissing`)
    .max(4000, `${E}.whatHappenedTooLong`),
  evidence: optionalText(4000, `${E}.evidenceTooLong`),
  carriedOnBy: optionalText(200, `${E}.carriedOnByTooLong`),
  photoAlt: optionalText(300, `${E}.photoAltTooLong`),
});

/** A phone's photo fits with room to spare. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/**
 * A micro-grant typed in pounds ("450", "£1,250.50"): pence, or the catalogue key of what is
 * wrong. Above nothing and at most MAX_GRANT_PENCE.
 */
export function grantPence(text: string): bigint | { error: string } {
  const pence = parsePounds(text);
  if (pence === null) return { error: `${E}.grantInvalid` };
  if (pence < 1n) return { error: `${E}.grantZero` };
  if (pence > MAX_GRANT_PENCE) return { error: `${E}.grantTooMuch` };
  return pence;
}

/** "18:30" or "9:00": the 24-hour time as HH:MM, or null. */
export function clockTime(text: string): string | null {
  const m = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/.exec(text.trim());
  return m ? `${(m[1] as string).padStart(2, '0')}:${m[2]}` : null;
}

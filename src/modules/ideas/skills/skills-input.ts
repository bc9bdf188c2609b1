import { z } from 'zod';
import type { FieldErrors } from '../../../platform/http/errors.js';
import { choiceList, optionalText } from '../../../platform/http/form-fields.js';
import { HOW, LANGUAGES, SKILLS, TIME_BANDS, VISIBILITY } from './skill-taxonomy.js';

const E = 'ideas.skills.errors';

/** Turns a checkbox group as posted (array) or as parseForm gives it (comma-joined) into text. */
const joined = (v: unknown) =>
  Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string').join(',')
    : typeof v === 'string'
      ? v
      : undefined;

/**
 * A skills offer as posted: skills and languages from the fixed lists (anything else is an
 * error, not ignored), at least one skill or a few words, the ward by slug or code.
 */
export const OfferFields = z.object({
  skills: z.preprocess(joined, choiceList(SKILLS, `${E}.skillUnknown`)),
  otherSkills: optionalText(500, `${E}.otherSkillsTooLong`),
  languages: z.preprocess(joined, choiceList(LANGUAGES, `${E}.languageUnknown`)),
  otherLanguages: optionalText(200, `${E}.otherLanguagesTooLong`),
  time: z.enum(TIME_BANDS, `${E}.timeMissing`),
  how: z.enum(HOW, `${E}.howMissing`),
  ward: z.string(`${E}.wardMissing`).trim().min(1, `${E}.wardMissing`).max(80, `${E}.wardUnknown`),
  visibility: z.enum(VISIBILITY, `${E}.visibilityMissing`),
});
export type OfferInput = z.infer<typeof OfferFields>;

/** Checks an offer as posted: every problem at once, by field (catalogue keys). */
export function checkOffer(
  raw: unknown,
): { ok: true; data: OfferInput } | { ok: false; errors: FieldErrors } {
  const fields = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const errors: FieldErrors = {};
  const parsed = OfferFields.safeParse(fields);
  if (!parsed.success)
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
  // At least one skill from the list, or a few words of their own.
  const skills = OfferFields.shape.skills.safeParse(fields.skills);
  const other = OfferFields.shape.otherSkills.safeParse(fields.otherSkills);
  if (skills.success && other.success && !skills.data.length && !other.data)
    errors.skills = `${E}.skillsMissing`;
  if (!parsed.success || Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, data: parsed.data };
}

/** A request for help: on behalf of `idea:<uuid>` or `group:<uuid>`, with a message. */
export const RequestInput = z.object({
  onBehalf: z
    .string(`${E}.onBehalfMissing`)
    .trim()
    .regex(/^(idea|group):[0-9a-f-]{36}$/i, `${E}.onBehalfMissing`),
  message: z
    .string(`${E}.messageMissing`)
    .trim()
    .min(1, `${E}.messageMissing`)
    .max(1000, `${E}.messageTooLong`),
});
export type RequestInput = z.infer<typeof RequestInput>;

/** The search form's filters; anything not on the lists is ignored (a search never fails). */
export type OfferFilters = { skill?: string; ward?: string; how?: 'online' | 'in-person'; language?: string };

export function filtersFrom(q: Record<string, unknown>): OfferFilters {
  const pick = (v: unknown, allowed?: readonly string[]) =>
    typeof v === 'string' && v && v.length <= 80 && (!allowed || allowed.includes(v)) ? v : undefined;
  return {
    skill: pick(q.skill, SKILLS),
    ward: pick(q.ward),
    how: pick(q.how, ['online', 'in-person']) as OfferFilters['how'],
    language: pick(q.language, LANGUAGES),
  };
}

import { z } from 'zod';
import { CIVIL_DATE, isRealDate } from '../../../lib/civil-date.js';

/** What officers and members enter during and after an assembly (messages are catalogue keys). */

const E = 'assemblies.deliberation.errors';

export const SUPPORT_CHOICES = ['support', 'oppose', 'abstain'] as const;
export type SupportChoice = (typeof SUPPORT_CHOICES)[number];
export const RESPONSE_OUTCOMES = ['accepted', 'partly-accepted', 'not-accepted'] as const;
export type ResponseOutcome = (typeof RESPONSE_OUTCOMES)[number];
export const UPDATE_STATUSES = ['on-track', 'delayed', 'done'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

/** A web address people can follow: http or https only, or empty (null, once parsed). */
const optionalLink = (message: string) =>
  z.preprocess(
    (v) => (v === null ? '' : v),
    z
      .string()
      .trim()
      .max(500, message)
      .default('')
      .refine((s) => {
        if (s === '') return true;
        if (!/^https?:\/\//i.test(s)) return false;
        try {
          new URL(s);
          return true;
        } catch {
          return false;
        }
      }, message)
      .transform((s) => (s === '' ? null : s)),
  );

export const SpeakerInput = z.object({
  name: z.string(`${E}.nameMissing`).trim().min(1, `${E}.nameMissing`).max(120, `${E}.nameTooLong`),
  role: z.string().trim().max(200, `${E}.roleTooLong`).default(''),
  topic: z.string(`${E}.topicMissing`).trim().min(1, `${E}.topicMissing`).max(300, `${E}.topicTooLong`),
  link: optionalLink(`${E}.linkInvalid`),
});
export type SpeakerInput = z.infer<typeof SpeakerInput>;

export const DocumentInput = z.object({
  title: z
    .string(`${E}.documentTitleMissing`)
    .trim()
    .min(1, `${E}.documentTitleMissing`)
    .max(200, `${E}.documentTitleTooLong`),
});

export const RecommendationInput = z.object({
  title: z.string(`${E}.titleMissing`).trim().min(1, `${E}.titleMissing`).max(200, `${E}.titleTooLong`),
  body: z.string(`${E}.bodyMissing`).trim().min(1, `${E}.bodyMissing`).max(10000, `${E}.bodyTooLong`),
});
export type RecommendationInput = z.infer<typeof RecommendationInput>;

export const SupportInput = z.object({
  choice: z.enum(SUPPORT_CHOICES, { message: `${E}.choiceMissing` }),
});

export const ResponseInput = z.object({
  outcome: z.enum(RESPONSE_OUTCOMES, { message: `${E}.outcomeMissing` }),
  reasons: z
    .string(`${E}.reasonsMissing`)
    .trim()
    .min(1, `${E}.reasonsMissing`)
    .max(10000, `${E}.reasonsTooLong`),
  decisionUrl: optionalLink(`${E}.decisionUrlInvalid`),
});
export type ResponseInput = z.infer<typeof ResponseInput>;

export const UpdateInput = z.object({
  status: z.enum(UPDATE_STATUSES, { message: `${E}.statusMissing` }),
  body: z.string(`${E}.updateMissing`).trim().min(1, `${E}.updateMissing`).max(4000, `${E}.updateTooLong`),
  date: z
    .string(`${E}.dateMissing`)
    .refine((s) => s !== '', `${E}.dateMissing`)
    .refine((s) => s === '' || (CIVIL_DATE.test(s) && isRealDate(s)), `${E}.dateInvalid`),
});
export type UpdateInput = z.infer<typeof UpdateInput>;

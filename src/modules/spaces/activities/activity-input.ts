import { z } from 'zod';
import { choiceList, optionalText } from '../../../platform/http/form-fields.js';

export const ACTIVITY_CATEGORIES = [
  'arts',
  'games',
  'film',
  'exercise',
  'learning',
  'social',
  'children',
  'food',
  'other',
] as const;
export type ActivityCategory = (typeof ACTIVITY_CATEGORIES)[number];

export const ACCESSIBILITY_FEATURES = [
  'step-free',
  'accessible-toilet',
  'hearing-loop',
  'quiet',
  'bsl',
  'large-print',
] as const;
export type AccessibilityFeature = (typeof ACCESSIBILITY_FEATURES)[number];

export const ACTIVITY_MULTIPLE_FIELDS = ['accessibility'] as const;

const age = (message: string) =>
  z
    .string()
    .trim()
    .default('')
    .refine((s) => s === '' || (/^\d{1,3}$/.test(s) && Number(s) <= 120), message)
    .transform((s) => (s === '' ? null : Number(s)));

const TIME = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/;
const time = (message: string) =>
  z
    .string(message)
    .trim()
    .regex(TIME, message)
    .transform((s) => {
      const m = TIME.exec(s) as RegExpExecArray;
      return Number(m[1]) * 60 + Number(m[2]);
    });

/** What an activity is and who it is for: the fields that can be changed after it is added. */
const details = {
  title: z
    .string('spaces.activities.errors.titleMissing')
    .trim()
    .min(1, 'spaces.activities.errors.titleMissing')
    .max(120, 'spaces.activities.errors.titleTooLong'),
  description: optionalText(2000, 'spaces.activities.errors.descriptionTooLong'),
  category: z.enum(ACTIVITY_CATEGORIES, 'spaces.activities.errors.categoryMissing'),
  ageMin: age('spaces.activities.errors.ageInvalid'),
  ageMax: age('spaces.activities.errors.ageInvalid'),
  cost: z
    .string()
    .trim()
    .default('')
    .refine((s) => s === '' || /^£?\d{1,4}(\.\d{1,2})?$/.test(s), 'spaces.activities.errors.costInvalid')
    .transform((s) => (s === '' ? 0 : Math.round(Number(s.replace('£', '')) * 100))),
  accessibility: choiceList(ACCESSIBILITY_FEATURES, 'spaces.activities.errors.accessibilityInvalid'),
};

const agesInOrder = (v: { ageMin: number | null; ageMax: number | null }) =>
  v.ageMin === null || v.ageMax === null || v.ageMax >= v.ageMin;
const agesOrderError = () => ({ path: ['ageMax'], message: 'spaces.activities.errors.ageOrder' });

/** The activity form: messages are catalogue keys. Times are on the London clock. */
export const ActivityInput = z
  .object({
    ...details,
    space: z
      .string('spaces.activities.errors.spaceMissing')
      .trim()
      .min(1, 'spaces.activities.errors.spaceMissing')
      .max(80, 'spaces.activities.errors.spaceMissing'),
    group: z.string().trim().max(80, 'spaces.activities.errors.groupMissing').default(''),
    'date-day': z
      .string('spaces.activities.errors.dateInvalid')
      .trim()
      .regex(/^\d{1,2}$/, 'spaces.activities.errors.dateInvalid'),
    'date-month': z
      .string('spaces.activities.errors.dateInvalid')
      .trim()
      .regex(/^\d{1,2}$/, 'spaces.activities.errors.dateInvalid'),
    'date-year': z
      .string('spaces.activities.errors.dateInvalid')
      .trim()
      .regex(/^\d{4}$/, 'spaces.activities.errors.dateInvalid'),
    startTime: time('spaces.activities.errors.startTimeInvalid'),
    endTime: time('spaces.activities.errors.endTimeInvalid'),
    repeat: z.enum(['once', 'weekly'], 'spaces.activities.errors.repeatMissing'),
    weeks: z
      .string()
      .trim()
      .default('')
      .refine(
        (s) => s === '' || (/^\d{1,2}$/.test(s) && Number(s) >= 2 && Number(s) <= 52),
        'spaces.activities.errors.weeksInvalid',
      )
      .transform((s) => (s === '' ? 12 : Number(s))),
  })
  .refine(agesInOrder, agesOrderError())
  .refine((v) => v.endTime > v.startTime, {
    path: ['endTime'],
    message: 'spaces.activities.errors.endBeforeStart',
  });
export type ActivityInput = z.infer<typeof ActivityInput>;

/** Changing an activity: its details only. Where and when it happens stay as they are. */
export const ActivityDetailsInput = z.object(details).refine(agesInOrder, agesOrderError());
export type ActivityDetailsInput = z.infer<typeof ActivityDetailsInput>;

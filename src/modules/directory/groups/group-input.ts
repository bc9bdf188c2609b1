import { z } from 'zod';
import { choiceList, optionalText } from '../../../platform/http/form-fields.js';
import { DAYS, TIMES_OF_DAY } from '../../../platform/search/search-index.js';
import { CATEGORIES } from '../categories.js';

/**
 * What an organiser (or a CSV row) gives us about a group. Every field is a string as a form
 * posts it; lists arrive comma- or semicolon-separated. Messages are catalogue keys.
 */
const freeList = (max: number, message: string) =>
  z
    .string()
    .default('')
    .transform((s) => [
      ...new Set(
        s
          .split(/[,;]/)
          .map((x) => x.trim().toLowerCase())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(z.string().max(40, message)).max(max, message));

const yesNo = z
  .string()
  .default('')
  .transform((s) => ['yes', 'true', 'on', '1', 'y'].includes(s.trim().toLowerCase()));

const age = (message: string) =>
  z
    .string()
    .trim()
    .default('')
    .refine((s) => s === '' || /^\d{1,3}$/.test(s), message)
    .transform((s) => (s === '' ? null : Number.parseInt(s, 10)))
    .refine((n) => n === null || n <= 120, message);

const UK_POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i;
const URL_LIKE = /^https?:\/\/[^\s/$.?#][^\s]*$/i;

const optionalUrl = (message: string) =>
  z
    .string()
    .trim()
    .max(500, message)
    .default('')
    .refine((s) => s === '' || URL_LIKE.test(s), message);

/** ISO 639-1 codes, so "Polish" in one record and "polski" in another still filter together. */
export const LANGUAGES = [
  'cy',
  'pl',
  'ur',
  'pa',
  'bn',
  'ar',
  'so',
  'zh',
  'ro',
  'gu',
  'fa',
  'ku',
  'uk',
  'es',
  'fr',
  'bsl',
] as const;

export const GroupInput = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'directory.groups.errors.nameMissing')
      .max(120, 'directory.groups.errors.nameTooLong'),
    summary: z
      .string()
      .trim()
      .min(1, 'directory.groups.errors.summaryMissing')
      .max(300, 'directory.groups.errors.summaryTooLong'),
    description: optionalText(5000, 'directory.groups.errors.descriptionTooLong'),
    category: z.enum(CATEGORIES, 'directory.groups.errors.categoryMissing'),
    whoFor: optionalText(500, 'directory.groups.errors.whoForTooLong'),
    whereWhen: optionalText(500, 'directory.groups.errors.whereWhenTooLong'),
    ward: z
      .string()
      .trim()
      .min(1, 'directory.groups.errors.wardMissing')
      .max(80, 'directory.groups.errors.wardMissing'),
    address: optionalText(300, 'directory.groups.errors.addressTooLong'),
    postcode: z
      .string()
      .trim()
      .default('')
      .refine((s) => s === '' || UK_POSTCODE.test(s), 'directory.groups.errors.postcodeInvalid')
      .transform((s) =>
        s === ''
          ? null
          : s
              .toUpperCase()
              .replace(/\s+/g, '')
              .replace(/(\w{3})$/, ' $1'),
      ),
    lat: z
      .string()
      .trim()
      .default('')
      .refine(
        (s) => s === '' || (Number.isFinite(Number(s)) && Math.abs(Number(s)) <= 90),
        'directory.groups.errors.pointInvalid',
      ),
    lon: z
      .string()
      .trim()
      .default('')
      .refine(
        (s) => s === '' || (Number.isFinite(Number(s)) && Math.abs(Number(s)) <= 180),
        'directory.groups.errors.pointInvalid',
      ),
    days: choiceList(DAYS, 'directory.groups.errors.daysInvalid', /[,;]/),
    times: choiceList(TIMES_OF_DAY, 'directory.groups.errors.timesInvalid', /[,;]/),
    languages: choiceList(LANGUAGES, 'directory.groups.errors.languagesInvalid', /[,;]/),
    tags: freeList(10, 'directory.groups.errors.tagsInvalid'),
    ageMin: age('directory.groups.errors.ageInvalid'),
    ageMax: age('directory.groups.errors.ageInvalid'),
    cost: z.enum(['free', 'donation', 'paid'], 'directory.groups.errors.costMissing').default('free'),
    accessibility: optionalText(1000, 'directory.groups.errors.accessibilityTooLong'),
    stepFree: yesNo,
    contactName: optionalText(120, 'directory.groups.errors.contactNameTooLong'),
    contactEmail: z
      .string()
      .trim()
      .max(254, 'directory.groups.errors.emailInvalid')
      .default('')
      .refine((s) => s === '' || z.email().safeParse(s).success, 'directory.groups.errors.emailInvalid'),
    contactPhone: z
      .string()
      .trim()
      .max(40, 'directory.groups.errors.phoneInvalid')
      .default('')
      .refine((s) => s === '' || /^[+()\d\s-]{6,}$/.test(s), 'directory.groups.errors.phoneInvalid'),
    contactVisibility: z
      .enum(['public', 'signed-in', 'hidden'], 'directory.groups.errors.visibilityMissing')
      .default('public'),
    website: optionalUrl('directory.groups.errors.websiteInvalid'),
    socialLinks: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(/[\s,;]+/)
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(z.string().max(300).regex(URL_LIKE, 'directory.groups.errors.websiteInvalid'))
          .max(5, 'directory.groups.errors.tooManyLinks'),
      ),
    lookingForVolunteers: yesNo,
    volunteerDetails: optionalText(1000, 'directory.groups.errors.volunteerDetailsTooLong'),
    status: z.enum(['active', 'paused', 'closed'], 'directory.groups.errors.statusMissing').default('active'),
  })
  .refine((g) => g.ageMin === null || g.ageMax === null || g.ageMax >= g.ageMin, {
    path: ['ageMax'],
    message: 'directory.groups.errors.ageOrder',
  })
  .refine((g) => (g.lat === '') === (g.lon === ''), {
    path: ['lat'],
    message: 'directory.groups.errors.pointInvalid',
  });

export type GroupInput = z.infer<typeof GroupInput>;

/** Fields posted as checkbox groups. */
export const GROUP_MULTIPLE_FIELDS = ['days', 'times', 'languages'] as const;

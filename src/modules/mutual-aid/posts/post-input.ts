import { z } from 'zod';
import { choiceList, optionalText } from '../../../platform/http/form-fields.js';
import { DAYS, TIMES_OF_DAY } from '../../../platform/search/search-index.js';
import { AID_CATEGORIES } from '../categories.js';

/** Form fields for needs and offers; messages are catalogue keys. */
// Contact details that must never sit in the public part of a post.
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const PHONE = /(?:\+44|\b0)\s*\d(?:[\s-]?\d){8,10}\b/;
const POSTCODE = /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/i;
const noContactDetails = (s: string) => !EMAIL.test(s) && !PHONE.test(s) && !POSTCODE.test(s);

const privateFields = {
  privateName: optionalText(120, 'mutualAid.errors.nameTooLong'),
  privateAddress: optionalText(300, 'mutualAid.errors.addressTooLong'),
  privatePhone: z
    .string()
    .trim()
    .max(40, 'mutualAid.errors.phoneInvalid')
    .default('')
    .refine((s) => s === '' || /^[+()\d\s-]{6,}$/.test(s), 'mutualAid.errors.phoneInvalid'),
  // A connector posting for someone else records how they agreed (SPEC §3.2: with consent).
  onBehalf: z
    .string()
    .default('')
    .transform((s) => s === 'yes'),
  consentHow: z.enum(['', 'in-person', 'phone', 'written'], 'mutualAid.errors.consentHow').default(''),
  consentConfirmed: z
    .string()
    .default('')
    .transform((s) => s === 'yes'),
};

const publicText = {
  title: z
    .string()
    .trim()
    .min(1, 'mutualAid.errors.titleMissing')
    .max(120, 'mutualAid.errors.titleTooLong')
    .refine(noContactDetails, 'mutualAid.errors.contactInPublic'),
  details: optionalText(2000, 'mutualAid.errors.detailsTooLong').refine(
    noContactDetails,
    'mutualAid.errors.contactInPublic',
  ),
  ward: z.string().trim().min(1, 'mutualAid.errors.wardMissing').max(80, 'mutualAid.errors.wardMissing'),
};

const consentRule = <T extends { onBehalf: boolean; consentHow: string; consentConfirmed: boolean }>(p: T) =>
  !p.onBehalf || (p.consentHow !== '' && p.consentConfirmed);

export const NEED_WHEN = ['today', 'this-week', 'two-weeks', 'ongoing'] as const;

export const NeedInput = z
  .object({
    ...publicText,
    category: z.enum(AID_CATEGORIES, 'mutualAid.errors.categoryMissing'),
    when: z.enum(NEED_WHEN, 'mutualAid.errors.whenMissing'),
    ...privateFields,
  })
  .refine(consentRule, { path: ['consentConfirmed'], message: 'mutualAid.errors.consentMissing' });
export type NeedInput = z.infer<typeof NeedInput>;

export const OFFER_DISTANCES = ['500', '1000', '2000', '5000'] as const;
export const OFFER_FOR = ['week', 'month', 'three-months'] as const;

export const OfferInput = z
  .object({
    ...publicText,
    categories: choiceList(AID_CATEGORIES, 'mutualAid.errors.categoryMissing').refine(
      (xs) => xs.length > 0,
      'mutualAid.errors.categoriesMissing',
    ),
    days: choiceList(DAYS, 'mutualAid.errors.daysMissing').refine(
      (xs) => xs.length > 0,
      'mutualAid.errors.daysMissing',
    ),
    times: choiceList(TIMES_OF_DAY, 'mutualAid.errors.timesMissing').refine(
      (xs) => xs.length > 0,
      'mutualAid.errors.timesMissing',
    ),
    distance: z.enum(OFFER_DISTANCES, 'mutualAid.errors.distanceMissing'),
    offerFor: z.enum(OFFER_FOR, 'mutualAid.errors.offerForMissing'),
    ...privateFields,
  })
  .refine(consentRule, { path: ['consentConfirmed'], message: 'mutualAid.errors.consentMissing' });
export type OfferInput = z.infer<typeof OfferInput>;

export const NEED_MULTIPLE_FIELDS = [] as const;
export const OFFER_MULTIPLE_FIELDS = ['categories', 'days', 'times'] as const;

import { z } from 'zod';
import { choiceList, optionalText, poundsToPence } from '../../../platform/http/form-fields.js';

export const SPACE_KINDS = [
  'library',
  'community-centre',
  'hall',
  'park',
  'pitch',
  'room',
  'shop-front',
  'other',
] as const;
export type SpaceKind = (typeof SPACE_KINDS)[number];
export const OWNER_TYPES = ['council', 'community', 'private'] as const;
export const HIRER_TYPES = ['community-group', 'resident', 'charity', 'commercial'] as const;
export type HirerType = (typeof HIRER_TYPES)[number];
export const ACCESSIBILITY = [
  'step-free',
  'accessible-toilet',
  'hearing-loop',
  'changing-places',
  'quiet-room',
  'parking',
] as const;
export const FACILITIES = [
  'kitchen',
  'wifi',
  'projector',
  'tables-chairs',
  'toilets',
  'outdoor',
  'floodlights',
] as const;
/** ISO weekdays, Monday first. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const time = z
  .string()
  .trim()
  .default('')
  .refine((s) => s === '' || TIME.test(s), 'spaces.spaces.errors.timeInvalid');
const pounds = poundsToPence('spaces.spaces.errors.priceInvalid');

const hours = Object.fromEntries(
  WEEKDAYS.flatMap((d) => [
    [`opens${d}`, time],
    [`closes${d}`, time],
  ]),
) as Record<`opens${(typeof WEEKDAYS)[number]}` | `closes${(typeof WEEKDAYS)[number]}`, typeof time>;

/** The officer's form for a space; messages are catalogue keys. */
export const SpaceInput = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'spaces.spaces.errors.nameMissing')
      .max(120, 'spaces.spaces.errors.nameTooLong'),
    description: optionalText(2000, 'spaces.spaces.errors.descriptionTooLong'),
    kind: z.enum(SPACE_KINDS, 'spaces.spaces.errors.kindMissing'),
    ownerType: z.enum(OWNER_TYPES, 'spaces.spaces.errors.ownerMissing'),
    capacity: z
      .string()
      .trim()
      .default('')
      .refine(
        (s) => s === '' || (/^\d{1,6}$/.test(s) && Number(s) >= 1 && Number(s) <= 100000),
        'spaces.spaces.errors.capacityInvalid',
      )
      .transform((s) => (s === '' ? null : Number(s))),
    accessibility: choiceList(ACCESSIBILITY, 'spaces.spaces.errors.choiceInvalid'),
    facilities: choiceList(FACILITIES, 'spaces.spaces.errors.choiceInvalid'),
    address: optionalText(300, 'spaces.spaces.errors.addressTooLong'),
    postcode: optionalText(10, 'spaces.spaces.errors.postcodeTooLong'),
    ward: z
      .string()
      .trim()
      .min(1, 'spaces.spaces.errors.wardMissing')
      .max(80, 'spaces.spaces.errors.wardMissing'),
    requiresApproval: z
      .string()
      .default('')
      .transform((s) => s === 'yes'),
    priceResident: pounds,
    priceCharity: pounds,
    priceCommercial: pounds,
    priceCommunityGroup: pounds,
    ...hours,
  })
  .superRefine((v, ctx) => {
    for (const d of WEEKDAYS) {
      const opens = v[`opens${d}`];
      const closes = v[`closes${d}`];
      if ((opens === '') !== (closes === ''))
        ctx.addIssue({ code: 'custom', path: [`opens${d}`], message: 'spaces.spaces.errors.hoursBoth' });
      else if (opens !== '' && closes <= opens)
        ctx.addIssue({ code: 'custom', path: [`closes${d}`], message: 'spaces.spaces.errors.hoursOrder' });
    }
  });
export type SpaceInput = z.infer<typeof SpaceInput>;
export const SPACE_MULTIPLE_FIELDS = ['accessibility', 'facilities'] as const;

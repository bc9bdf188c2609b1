import { z } from 'zod';
import { isUuid } from '../../../platform/http/ids.js';
import { HIRER_TYPES } from '../spaces/space-input.js';
import { isRealDate, TIME } from './booking-time.js';

const date = (missing: string) => z.string().trim().refine(isRealDate, missing);
const time = (missing: string) => z.string().trim().regex(TIME, missing);

export const REPEATS = ['none', 'weeks', 'until'] as const;
/** Longest run of weekly bookings in one go: a year. */
export const MAX_OCCURRENCES = 52;

const when = {
  date: date('spaces.bookings.errors.dateInvalid'),
  start: time('spaces.bookings.errors.startInvalid'),
  end: time('spaces.bookings.errors.endInvalid'),
};

const endAfterStart = <T extends { start: string; end: string }>(v: T) => v.end > v.start;

/** Who a booking is for: the person themselves, or a directory group they belong to (its id). */
export const FOR_MYSELF = 'self';

/**
 * A booking of one slot, or of the same slot each week. Messages are catalogue keys. A booking
 * for a group is always as a community group, so the kind of hirer is asked only for oneself.
 */
export const BookingInput = z
  .object({
    ...when,
    title: z
      .string()
      .trim()
      .min(1, 'spaces.bookings.errors.titleMissing')
      .max(120, 'spaces.bookings.errors.titleTooLong'),
    bookingFor: z
      .string()
      .trim()
      .default(FOR_MYSELF)
      .refine((v) => v === FOR_MYSELF || isUuid(v), 'spaces.bookings.errors.notYourGroup'),
    hirerType: z.enum(HIRER_TYPES, 'spaces.bookings.errors.hirerMissing').optional(),
    // A single checkbox: "yes" when the hirer says they qualify for the concession rate.
    concession: z
      .string()
      .default('')
      .transform((s) => s === 'yes'),
    repeat: z.enum(REPEATS, 'spaces.bookings.errors.repeatMissing').default('none'),
    weeks: z.string().trim().default(''),
    until: z.string().trim().default(''),
  })
  .refine(endAfterStart, { path: ['end'], message: 'spaces.bookings.errors.endBeforeStart' })
  .refine((v) => v.bookingFor !== FOR_MYSELF || v.hirerType !== undefined, {
    path: ['hirerType'],
    message: 'spaces.bookings.errors.hirerMissing',
  })
  .refine(
    (v) =>
      v.repeat !== 'weeks' ||
      (/^\d{1,2}$/.test(v.weeks) && Number(v.weeks) >= 2 && Number(v.weeks) <= MAX_OCCURRENCES),
    { path: ['weeks'], message: 'spaces.bookings.errors.weeksInvalid' },
  )
  .refine((v) => v.repeat !== 'until' || (isRealDate(v.until) && v.until > v.date), {
    path: ['until'],
    message: 'spaces.bookings.errors.untilInvalid',
  });
export type BookingInput = z.infer<typeof BookingInput>;

/** A new time for one booking. */
export const ChangeInput = z.object(when).refine(endAfterStart, {
  path: ['end'],
  message: 'spaces.bookings.errors.endBeforeStart',
});
export type ChangeInput = z.infer<typeof ChangeInput>;

export const CancelInput = z.object({
  scope: z.enum(['one', 'rest'], 'spaces.bookings.errors.scopeMissing').default('one'),
  reason: z.string().trim().max(500, 'spaces.bookings.errors.reasonTooLong').default(''),
});

export const DecisionInput = z.object({
  decision: z.enum(['approve', 'decline'], 'spaces.bookings.errors.decisionMissing'),
});

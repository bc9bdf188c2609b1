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

/** Opening spans an officer can give for one weekday (the form shows this many rows a day). */
export const SPANS_PER_DAY = 3;
export const SPAN_ROWS = [1, 2, 3] as const;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const time = z
  .string()
  .trim()
  .default('')
  .refine((s) => s === '' || TIME.test(s), 'spaces.spaces.errors.timeInvalid');
const pounds = poundsToPence('spaces.spaces.errors.priceInvalid');

type Weekday = (typeof WEEKDAYS)[number];
type SpanRow = (typeof SPAN_ROWS)[number];
/** Form field names of one row of a day's opening hours, like `opens1-2` (Monday, second span). */
export const opensField = (d: number, n: number) => `opens${d}-${n}` as `opens${Weekday}-${SpanRow}`;
export const closesField = (d: number, n: number) => `closes${d}-${n}` as `closes${Weekday}-${SpanRow}`;

const hourFields = Object.fromEntries(
  WEEKDAYS.flatMap((d) =>
    SPAN_ROWS.flatMap((n) => [
      [opensField(d, n), time],
      [closesField(d, n), time],
    ]),
  ),
) as Record<`opens${Weekday}-${SpanRow}` | `closes${Weekday}-${SpanRow}`, typeof time>;

export type WeeklySpan = { weekday: number; opens: string; closes: string };

/**
 * A week's opening hours from the form's rows: each filled row a span, each day's spans in order.
 * Adds an issue for a half-filled row, a span that closes before it opens, or spans of one day
 * that overlap (touching is fine: 09:00–12:00 and 12:00–17:00). Messages name the day.
 */
export function weeklySpans(v: Record<string, unknown>, ctx: z.RefinementCtx | null): WeeklySpan[] {
  const spans: WeeklySpan[] = [];
  for (const d of WEEKDAYS) {
    const day: (WeeklySpan & { row: number })[] = [];
    let rowsOk = true;
    for (const n of SPAN_ROWS) {
      const opens = String(v[opensField(d, n)] ?? '');
      const closes = String(v[closesField(d, n)] ?? '');
      if (opens === '' && closes === '') continue;
      if (!TIME.test(opens) || !TIME.test(closes)) {
        rowsOk = false;
        if ((opens === '') !== (closes === ''))
          ctx?.addIssue({
            code: 'custom',
            path: [opens === '' ? opensField(d, n) : closesField(d, n)],
            message: `spaces.spaces.errors.hoursBoth.${d}`,
          });
        continue;
      }
      if (closes <= opens) {
        rowsOk = false;
        ctx?.addIssue({
          code: 'custom',
          path: [closesField(d, n)],
          message: `spaces.spaces.errors.hoursOrder.${d}`,
        });
        continue;
      }
      day.push({ weekday: d, opens, closes, row: n });
    }
    day.sort((a, b) => (a.opens < b.opens ? -1 : 1));
    if (rowsOk)
      for (let i = 1; i < day.length; i++) {
        const [before, after] = [day[i - 1], day[i]] as [WeeklySpan, WeeklySpan & { row: number }];
        if (after.opens < before.closes) {
          ctx?.addIssue({
            code: 'custom',
            path: [opensField(d, after.row)],
            message: `spaces.spaces.errors.hoursOverlap.${d}`,
          });
          break;
        }
      }
    spans.push(...day.map(({ weekday, opens, closes }) => ({ weekday, opens, closes })));
  }
  return spans;
}

/** The price fields of the space form; each has a `…Concession` field beside it. */
export const PRICE_FIELDS = [
  'priceCommunityGroup',
  'priceResident',
  'priceCharity',
  'priceCommercial',
] as const;

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
    // Concession rates (means-tested benefits, under 18, over 65, students), when there are any.
    priceResidentConcession: pounds,
    priceCharityConcession: pounds,
    priceCommercialConcession: pounds,
    priceCommunityGroupConcession: pounds,
    ...hourFields,
  })
  .superRefine((v, ctx) => {
    for (const field of PRICE_FIELDS) {
      const full = v[field] ?? (field === 'priceCommunityGroup' ? 0 : null);
      const concession = v[`${field}Concession`];
      if (concession === null) continue;
      if (full === null)
        ctx.addIssue({
          code: 'custom',
          path: [`${field}Concession`],
          message: 'spaces.spaces.errors.concessionWithoutPrice',
        });
      else if (concession > full)
        ctx.addIssue({
          code: 'custom',
          path: [`${field}Concession`],
          message: 'spaces.spaces.errors.concessionTooHigh',
        });
    }
    weeklySpans(v, ctx);
  })
  .transform((v) => ({ ...v, hours: weeklySpans(v, null) }));
export type SpaceInput = z.infer<typeof SpaceInput>;
export const SPACE_MULTIPLE_FIELDS = ['accessibility', 'facilities'] as const;

const datePart = (pattern: RegExp) =>
  z
    .string()
    .trim()
    .default('')
    .refine((s) => pattern.test(s), 'spaces.spaces.errors.exceptionDateInvalid');

/** `YYYY-MM-DD` from the three boxes of a GOV.UK date input, or null when it is not a real date. */
export function dateFromParts(day: string, month: string, year: string): string | null {
  const [d, m, y] = [Number(day), Number(month), Number(year)];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** A day that differs from the weekly hours: closed all day, or open for special hours. */
export const ExceptionInput = z
  .object({
    'date-day': datePart(/^\d{1,2}$/),
    'date-month': datePart(/^\d{1,2}$/),
    'date-year': datePart(/^\d{4}$/),
    kind: z.enum(['closed', 'hours'], 'spaces.spaces.errors.exceptionKindMissing'),
    opens: time,
    closes: time,
    reason: optionalText(200, 'spaces.spaces.errors.reasonTooLong'),
  })
  .superRefine((v, ctx) => {
    if (
      /^\d{1,2}$/.test(v['date-day']) &&
      /^\d{1,2}$/.test(v['date-month']) &&
      /^\d{4}$/.test(v['date-year']) &&
      !dateFromParts(v['date-day'], v['date-month'], v['date-year'])
    )
      ctx.addIssue({
        code: 'custom',
        path: ['date-day'],
        message: 'spaces.spaces.errors.exceptionDateInvalid',
      });
    if (v.kind !== 'hours') return;
    if (v.opens === '' || v.closes === '') {
      if (v.opens === '')
        ctx.addIssue({
          code: 'custom',
          path: ['opens'],
          message: 'spaces.spaces.errors.exceptionHoursMissing',
        });
      if (v.closes === '')
        ctx.addIssue({
          code: 'custom',
          path: ['closes'],
          message: 'spaces.spaces.errors.exceptionHoursMissing',
        });
    } else if (TIME.test(v.opens) && TIME.test(v.closes) && v.closes <= v.opens)
      ctx.addIssue({ code: 'custom', path: ['closes'], message: 'spaces.spaces.errors.exceptionHoursOrder' });
  })
  .transform((v) => ({
    date: dateFromParts(v['date-day'], v['date-month'], v['date-year']) as string,
    opens: v.kind === 'hours' ? v.opens : null,
    closes: v.kind === 'hours' ? v.closes : null,
    reason: v.reason,
  }));
export type ExceptionInput = z.infer<typeof ExceptionInput>;

/** The year of the "Add bank holidays" button. */
export const BankHolidaysInput = z.object({
  year: z
    .string()
    .trim()
    .default('')
    .refine((s) => /^\d{4}$/.test(s), 'spaces.spaces.errors.bankHolidayYear')
    .transform(Number),
});

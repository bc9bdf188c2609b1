import { z } from 'zod';
import { readDateInput } from '../../../platform/http/date-input.js';
import { optionalText } from '../../../platform/http/form-fields.js';
import type { NoticeType } from '../types/type-service.js';

/**
 * The resident's journey is one question page a step (GOV.UK "one thing per page"). Each step's
 * input is checked here; whether the date gives enough notice is the service's to check, since
 * it depends on the type's rules and the place's bank holidays.
 */
const E = 'streets.notices.errors';

export const STEPS = ['where', 'when', 'what', 'questions', 'contact'] as const;
export type Step = (typeof STEPS)[number];
/** The documents step is a page of its own (files, not fields), after the questions. */
export type JourneyStep = Step | 'documents';

/** The steps a type asks, in order: questions and documents only when the type has some. */
export function journeySteps(type: Pick<NoticeType, 'questions' | 'documents'>): JourneyStep[] {
  const steps: JourneyStep[] = [];
  for (const s of STEPS) {
    if (s === 'questions' && !type.questions.length) continue;
    if (s === 'contact' && type.documents.length) steps.push('documents');
    steps.push(s);
  }
  return steps;
}

const coordinate = (min: number, max: number) =>
  z
    .string()
    .trim()
    .default('')
    .refine(
      (s) => s === '' || (/^-?\d{1,3}(\.\d{1,8})?$/.test(s) && Number(s) >= min && Number(s) <= max),
      `${E}.pointInvalid`,
    )
    .transform((s) => (s === '' ? null : Number(s)));

export const WhereInput = z
  .object({
    wardCode: z.string().trim().max(20).default(''),
    street: optionalText(200, `${E}.streetTooLong`),
    fromPoint: optionalText(200, `${E}.fromTooLong`),
    toPoint: optionalText(200, `${E}.toTooLong`),
    locationText: optionalText(500, `${E}.locationTooLong`),
    lon: coordinate(-180, 180),
    lat: coordinate(-90, 90),
  })
  .superRefine((v, c) => {
    if (!v.street && !v.locationText)
      c.addIssue({ code: 'custom', path: ['street'], message: `${E}.whereMissing` });
    if ((v.lon === null) !== (v.lat === null))
      c.addIssue({ code: 'custom', path: ['lon'], message: `${E}.pointInvalid` });
  });
export type WhereInput = z.infer<typeof WhereInput>;

const TIME = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/;
/** "9:30", "09.30" or "21:00" as minutes past midnight; 24-hour clock as GOV.UK asks for. */
export function readTime(value: unknown): number | null {
  const m = typeof value === 'string' ? TIME.exec(value.trim()) : null;
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

export type WhenInput = { startDate: string; startMinutes: number; endDate: string; endMinutes: number };

/** The when page: a start date and time, an end time, and an end date if it runs past midnight. */
export function readWhen(body: Record<string, unknown>): {
  value: WhenInput | null;
  errors: Record<string, string>;
} {
  const errors: Record<string, string> = {};
  const start = readDateInput(body, 'start');
  if ('error' in start)
    errors['start-day'] = `${E}.startDate${start.error === 'missing' ? 'Missing' : 'Invalid'}`;
  const endRaw = readDateInput(body, 'end');
  const end =
    'error' in endRaw && endRaw.error === 'missing' && 'date' in start ? { date: start.date } : endRaw;
  if ('error' in end) errors['end-day'] = `${E}.endDateInvalid`;
  const startMinutes = readTime(body.startTime);
  if (startMinutes === null) errors.startTime = `${E}.startTime${body.startTime ? 'Invalid' : 'Missing'}`;
  const endMinutes = readTime(body.endTime);
  if (endMinutes === null) errors.endTime = `${E}.endTime${body.endTime ? 'Invalid' : 'Missing'}`;
  if (
    Object.keys(errors).length ||
    !('date' in start) ||
    !('date' in end) ||
    startMinutes === null ||
    endMinutes === null
  )
    return { value: null, errors };
  if (end.date < start.date || (end.date === start.date && endMinutes <= startMinutes))
    return { value: null, errors: { endTime: `${E}.endBeforeStart` } };
  return { value: { startDate: start.date, startMinutes, endDate: end.date, endMinutes }, errors };
}

export const WhatInput = z.object({
  title: z.string().trim().min(1, `${E}.titleMissing`).max(120, `${E}.titleTooLong`),
  description: optionalText(2000, `${E}.descriptionTooLong`),
  expectedPeople: z
    .string()
    .trim()
    .regex(/^\d{1,6}$/, `${E}.peopleInvalid`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= 100000, `${E}.peopleInvalid`),
  roadClosure: z.enum(['yes', 'no'], `${E}.roadClosureMissing`).transform((v) => v === 'yes'),
});
export type WhatInput = z.infer<typeof WhatInput>;

export const ContactInput = z.object({
  organiserName: z.string().trim().min(1, `${E}.nameMissing`).max(120, `${E}.nameTooLong`),
  organiserPhone: z
    .string()
    .trim()
    .default('')
    .refine((s) => s === '' || /^\+?[\d ()-]{7,20}$/.test(s), `${E}.phoneInvalid`),
  showOrganiser: z.enum(['yes', 'no'], `${E}.showOrganiserMissing`).transform((v) => v === 'yes'),
});
export type ContactInput = z.infer<typeof ContactInput>;

export const ReasonInput = z.object({
  reason: z.string().trim().min(1, `${E}.reasonMissing`).max(2000, `${E}.reasonTooLong`),
});

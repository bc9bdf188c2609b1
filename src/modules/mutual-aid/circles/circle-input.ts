import { z } from 'zod';
import { isRealDate } from './circle-time.js';

/** Form fields for care circles; messages are catalogue keys. */

const yes = z
  .string()
  .default('')
  .transform((s) => s === 'yes');

export const CONSENT_HOW = ['in-person', 'phone', 'written'] as const;

export const NewCircleInput = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'mutualAid.circles.errors.nameMissing')
      .max(80, 'mutualAid.circles.errors.nameTooLong'),
    // A connector setting the circle up for someone records who it is for and how they agreed.
    onBehalf: yes,
    personName: z.string().trim().max(80, 'mutualAid.circles.errors.personNameTooLong').default(''),
    consentHow: z.enum(['', ...CONSENT_HOW], 'mutualAid.circles.errors.consentHow').default(''),
    consentConfirmed: yes,
  })
  .superRefine((v, issue) => {
    if (!v.onBehalf) return;
    if (!v.personName)
      issue.addIssue({
        code: 'custom',
        path: ['personName'],
        message: 'mutualAid.circles.errors.personNameMissing',
      });
    if (!v.consentHow)
      issue.addIssue({
        code: 'custom',
        path: ['consentHow'],
        message: 'mutualAid.circles.errors.consentHow',
      });
    if (!v.consentConfirmed)
      issue.addIssue({
        code: 'custom',
        path: ['consentConfirmed'],
        message: 'mutualAid.circles.errors.consentMissing',
      });
  });
export type NewCircleInput = z.infer<typeof NewCircleInput>;

export const InviteInput = z.object({
  email: z
    .string()
    .trim()
    .min(1, 'mutualAid.circles.errors.emailMissing')
    .max(254, 'mutualAid.circles.errors.emailInvalid')
    .pipe(z.email('mutualAid.circles.errors.emailInvalid')),
  // A connector hands the circle to the person it is for, once they have an account.
  asPerson: yes,
});

const TIME = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/;
const minutesOf = (s: string) => {
  const m = TIME.exec(s) as RegExpExecArray;
  return Number(m[1]) * 60 + Number(m[2]);
};
const time = (missing: string) =>
  z.string().trim().min(1, missing).regex(TIME, 'mutualAid.circles.errors.timeInvalid').transform(minutesOf);
const datePart = z
  .string()
  .trim()
  .regex(/^\d{1,4}$/, 'mutualAid.circles.errors.dateInvalid');

/** A rota slot: a date and times on the London clock, and what needs doing. */
export const RotaInput = z
  .object({
    'date-day': datePart,
    'date-month': datePart,
    'date-year': datePart,
    startTime: time('mutualAid.circles.errors.startMissing'),
    endTime: time('mutualAid.circles.errors.endMissing'),
    task: z
      .string()
      .trim()
      .min(1, 'mutualAid.circles.errors.taskMissing')
      .max(200, 'mutualAid.circles.errors.taskTooLong'),
  })
  .superRefine((v, issue) => {
    const [d, m, y] = [v['date-day'], v['date-month'], v['date-year']].map(Number) as [
      number,
      number,
      number,
    ];
    if (y < 2000 || !isRealDate(y, m, d))
      issue.addIssue({ code: 'custom', path: ['date'], message: 'mutualAid.circles.errors.dateInvalid' });
    if (v.endTime <= v.startTime)
      issue.addIssue({
        code: 'custom',
        path: ['endTime'],
        message: 'mutualAid.circles.errors.endBeforeStart',
      });
  })
  .transform((v) => ({
    year: Number(v['date-year']),
    month: Number(v['date-month']),
    day: Number(v['date-day']),
    startMinutes: v.startTime,
    endMinutes: v.endTime,
    task: v.task,
  }));
export type RotaInput = z.infer<typeof RotaInput>;

export const NoteInput = z.object({
  body: z
    .string()
    .trim()
    .min(1, 'mutualAid.circles.errors.noteMissing')
    .max(1000, 'mutualAid.circles.errors.noteTooLong'),
});

export const NotesRuleInput = z.object({ helpersMayAddNotes: yes });

import { z } from 'zod';
import { optionalText, poundsToPence } from '../../../platform/http/form-fields.js';
import { QUESTION_KINDS } from './questions.js';
import { LEGAL_INSTRUMENTS, NOTICE_KINDS } from './type-service.js';

/**
 * A place admin's forms for notification types: the type's rules, and the questions and
 * documents it asks for, one at a time (a builder that works without JavaScript).
 */
const E = 'streets.types.errors';

const wholeNumber = (min: number, max: number, message: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,3}$/, message)
    .transform(Number)
    .refine((n) => n >= min && n <= max, message);

/**
 * The longest objection window (and decision time) a notice period leaves room for: an event
 * notified with exactly the minimum notice must still give the council a working day after
 * the notice arrives. Working days are counted as a plain week (five in seven); bank
 * holidays then only push the earliest date a day or two later, never make it impossible.
 */
export function longestWindow(noticeAmount: number, noticeUnit: 'calendar-days' | 'working-days'): number {
  const workingDays = noticeUnit === 'working-days' ? noticeAmount : Math.floor((noticeAmount * 5) / 7);
  return Math.max(0, workingDays - 1);
}

export const TypeInput = z.object({
  name: z.string().trim().min(1, `${E}.nameMissing`).max(120, `${E}.nameTooLong`),
  summary: optionalText(300, `${E}.summaryTooLong`),
  guidance: optionalText(5000, `${E}.guidanceTooLong`),
  kind: z.enum(NOTICE_KINDS, `${E}.kindMissing`),
  noticeAmount: wholeNumber(0, 365, `${E}.noticeInvalid`),
  noticeUnit: z.enum(['calendar-days', 'working-days'], `${E}.noticeUnitMissing`),
  legalInstrument: z.enum(LEGAL_INSTRUMENTS, `${E}.instrumentMissing`),
  fee: poundsToPence(`${E}.feeInvalid`).transform((p) => p ?? 0),
  objectionWorkingDays: wholeNumber(0, 60, `${E}.objectionInvalid`),
  decisionWorkingDays: wholeNumber(0, 60, `${E}.decisionInvalid`),
  active: z.enum(['yes', 'no'], `${E}.activeMissing`).transform((v) => v === 'yes'),
});
export type TypeInput = z.infer<typeof TypeInput>;

/**
 * The objection window and the decision time must fit inside the notice period (see
 * longestWindow): field → message key, empty when they fit. The message names the limit.
 */
export function windowProblems(
  v: Pick<TypeInput, 'noticeAmount' | 'noticeUnit' | 'objectionWorkingDays' | 'decisionWorkingDays'>,
): Record<string, string> {
  const longest = longestWindow(v.noticeAmount, v.noticeUnit);
  const problems: Record<string, string> = {};
  if (v.objectionWorkingDays > longest) problems.objectionWorkingDays = `${E}.objectionTooLong`;
  if (v.decisionWorkingDays > longest) problems.decisionWorkingDays = `${E}.decisionTooLong`;
  return problems;
}

const yes = z
  .string()
  .default('')
  .transform((s) => s === 'yes');

/**
 * Adding a question: its kind, wording, and for a choice the options, one a line. The fields
 * are named apart from the type form's (the edit page has both), and come out as a Question.
 */
export const QuestionInput = z
  .object({
    questionKind: z.enum(QUESTION_KINDS, `${E}.questionKindMissing`),
    questionLabel: z.string().trim().min(1, `${E}.labelMissing`).max(200, `${E}.labelTooLong`),
    questionHint: optionalText(300, `${E}.hintTooLong`),
    questionRequired: yes,
    questionOptions: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(/\r?\n/)
          .map((o) => o.trim())
          .filter(Boolean),
      )
      .refine((os) => os.length <= 12 && os.every((o) => o.length <= 100), `${E}.optionsInvalid`)
      .refine((os) => new Set(os).size === os.length, `${E}.optionsRepeated`),
  })
  .superRefine((v, c) => {
    if (v.questionKind === 'choice' && v.questionOptions.length < 2)
      c.addIssue({ code: 'custom', path: ['questionOptions'], message: `${E}.optionsTooFew` });
  })
  .transform((v) => ({
    kind: v.questionKind,
    label: v.questionLabel,
    hint: v.questionHint,
    required: v.questionRequired,
    // Options only mean something for a choice.
    options: v.questionKind === 'choice' ? v.questionOptions : [],
  }));
export type QuestionInput = z.infer<typeof QuestionInput>;

/** Adding a document to provide. */
export const DocumentInput = z
  .object({
    documentName: z.string().trim().min(1, `${E}.documentNameMissing`).max(120, `${E}.documentNameTooLong`),
    documentHint: optionalText(300, `${E}.hintTooLong`),
    documentRequired: yes,
  })
  .transform((v) => ({ name: v.documentName, hint: v.documentHint, required: v.documentRequired }));
export type DocumentInput = z.infer<typeof DocumentInput>;

/** Moving or removing a question or document: which one, and what to do. */
export const ListChange = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,59}$/, `${E}.itemUnknown`),
  change: z.enum(['up', 'down', 'remove'], `${E}.itemUnknown`),
});
export type ListChange = z.infer<typeof ListChange>;

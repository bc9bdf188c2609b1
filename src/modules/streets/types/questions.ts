import { z } from 'zod';

/**
 * The questions a place can add to a notification type, from a fixed set of kinds so that every
 * one renders as a known GOV.UK component and validates the same way on every form.
 */
export const QUESTION_KINDS = ['text', 'textarea', 'yes-no', 'number', 'choice'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

const questionId = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);

/** One question as configured (stored in street_notice_types.questions). */
export const Question = z.object({
  id: questionId,
  kind: z.enum(QUESTION_KINDS),
  label: z.string().trim().min(1).max(200),
  hint: z.string().trim().max(300).default(''),
  required: z.boolean().default(false),
  /** Choices, for kind "choice" only. */
  options: z.array(z.string().trim().min(1).max(100)).max(12).default([]),
});
export type Question = z.infer<typeof Question>;

export const Questions = z
  .array(Question)
  .max(20)
  .refine((qs) => new Set(qs.map((q) => q.id)).size === qs.length, 'duplicate question id')
  .refine(
    (qs) => qs.every((q) => q.kind !== 'choice' || q.options.length >= 2),
    'a choice needs two options',
  );

/** An answer as stored: the text typed, "yes"/"no", a whole number, or the option chosen. */
export type Answer = string | number;

export const ANSWER_ERRORS = {
  missing: 'streets.notices.errors.answerMissing',
  tooLong: 'streets.notices.errors.answerTooLong',
  notNumber: 'streets.notices.errors.answerNotNumber',
  notChoice: 'streets.notices.errors.answerNotChoice',
} as const;

const MAX = { text: 200, textarea: 2000 } as const;

/**
 * Checks a form's answers (fields named `q-<id>`) against the questions: returns the answers
 * to store and an error key per question that is wrong. Unknown fields are ignored.
 */
export function readAnswers(
  questions: readonly Question[],
  body: Record<string, unknown>,
): { answers: Record<string, Answer>; errors: Record<string, string> } {
  const answers: Record<string, Answer> = {};
  const errors: Record<string, string> = {};
  for (const q of questions) {
    const raw = body[`q-${q.id}`];
    const value = typeof raw === 'string' ? raw.trim() : '';
    if (value === '') {
      if (q.required) errors[`q-${q.id}`] = ANSWER_ERRORS.missing;
      continue;
    }
    switch (q.kind) {
      case 'text':
      case 'textarea':
        if (value.length > MAX[q.kind]) errors[`q-${q.id}`] = ANSWER_ERRORS.tooLong;
        else answers[q.id] = value;
        break;
      case 'number':
        if (!/^\d{1,6}$/.test(value)) errors[`q-${q.id}`] = ANSWER_ERRORS.notNumber;
        else answers[q.id] = Number(value);
        break;
      case 'yes-no':
        if (value !== 'yes' && value !== 'no') errors[`q-${q.id}`] = ANSWER_ERRORS.notChoice;
        else answers[q.id] = value;
        break;
      case 'choice':
        if (!q.options.includes(value)) errors[`q-${q.id}`] = ANSWER_ERRORS.notChoice;
        else answers[q.id] = value;
        break;
    }
  }
  return { answers, errors };
}

/** Required questions without an answer (a type's questions can change after a draft began). */
export function unanswered(questions: readonly Question[], answers: Record<string, unknown>): Question[] {
  return questions.filter((q) => q.required && (answers[q.id] === undefined || answers[q.id] === ''));
}

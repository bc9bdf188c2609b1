import { z } from 'zod';
import { THEMES } from '../idea-kinds.js';

const E = 'ideas.posting.errors';

export const MAX_TITLE = 120;
export const MAX_SUMMARY = 4000;
export const MAX_WHO = 1000;
export const MAX_AREA = 120;
export const MAX_COMMENT = 2000;
export const MAX_ALT = 300;
/** Photos on one idea. */
export const MAX_PHOTOS = 3;
/** The ward select's choice for "not one ward": the area in words is then needed. */
export const ELSEWHERE = 'elsewhere';

const text = (max: number, missing: string, tooLong: string) =>
  z.string(`${E}.${missing}`).trim().min(1, `${E}.${missing}`).max(max, `${E}.${tooLong}`);

/**
 * A new idea as the form posts it. `answers` is `call:<id>`, `challenge:<id>` or empty (the
 * service checks the call is open and the challenge published); `group` is a group the
 * person organises, or empty.
 */
export const IdeaInput = z
  .object({
    title: text(MAX_TITLE, 'titleMissing', 'titleTooLong'),
    summary: text(MAX_SUMMARY, 'summaryMissing', 'summaryTooLong'),
    whoItHelps: text(MAX_WHO, 'whoMissing', 'whoTooLong'),
    ward: z.string().trim().min(1, `${E}.wardMissing`).max(40, `${E}.wardMissing`),
    area: z.string().trim().max(MAX_AREA, `${E}.areaTooLong`).default(''),
    theme: z.enum(THEMES, `${E}.themeMissing`),
    answers: z
      .string()
      .trim()
      .regex(/^((call|challenge):[0-9a-f-]{36})?$/i, `${E}.answersUnknown`)
      .default(''),
    group: z
      .string()
      .trim()
      .regex(/^([0-9a-f-]{36})?$/i, `${E}.groupUnknown`)
      .default(''),
    photo1Alt: z.string().trim().max(MAX_ALT, `${E}.altTooLong`).default(''),
    photo2Alt: z.string().trim().max(MAX_ALT, `${E}.altTooLong`).default(''),
    photo3Alt: z.string().trim().max(MAX_ALT, `${E}.altTooLong`).default(''),
    confirmedNotDuplicate: z.string().default(''),
  })
  .refine((d) => d.ward !== ELSEWHERE || d.area.length > 0, {
    path: ['area'],
    message: `${E}.areaMissing`,
  });
export type IdeaInput = z.infer<typeof IdeaInput>;

export const CommentInput = z.object({
  body: text(MAX_COMMENT, 'commentMissing', 'commentTooLong'),
  parentId: z
    .string()
    .trim()
    .regex(/^([0-9a-f-]{36})?$/i, `${E}.parentUnknown`)
    .default(''),
});
export type CommentInput = z.infer<typeof CommentInput>;

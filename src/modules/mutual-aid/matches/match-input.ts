import { z } from 'zod';
import { choiceList, optionalText } from '../../../platform/http/form-fields.js';

/** What each side may choose to show the other once the helper says yes. */
export const NEED_SHARES = ['name', 'address', 'phone', 'email'] as const;
export const OFFER_SHARES = ['name', 'phone', 'email'] as const;
export type ShareField = (typeof NEED_SHARES)[number];

export const AskInput = z.object({
  shares: choiceList(NEED_SHARES, 'mutualAid.matches.errors.shares'),
  message: optionalText(2000, 'mutualAid.matches.errors.messageTooLong'),
});
export type AskInput = z.infer<typeof AskInput>;

export const AcceptInput = z.object({
  shares: choiceList(OFFER_SHARES, 'mutualAid.matches.errors.shares'),
});

export const MessageInput = z.object({
  body: z
    .string()
    .trim()
    .min(1, 'mutualAid.matches.errors.messageMissing')
    .max(4000, 'mutualAid.matches.errors.messageTooLong'),
});

export const CancelInput = z.object({
  reason: optionalText(500, 'mutualAid.matches.errors.reasonTooLong'),
});

export const FEEDBACK_OUTCOMES = ['went-well', 'some-problems', 'did-not-happen'] as const;
export const FeedbackInput = z.object({
  outcome: z.enum(FEEDBACK_OUTCOMES, 'mutualAid.matches.errors.outcomeMissing'),
  comment: optionalText(1000, 'mutualAid.matches.errors.commentTooLong'),
});

export const MATCH_MULTIPLE_FIELDS = ['shares'];

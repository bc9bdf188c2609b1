import { z } from 'zod';
import { optionalText } from '../../../platform/http/form-fields.js';

const E = 'streets.events.errors';

export const RESPONSE_KINDS = ['coming', 'help', 'concern'] as const;
export type ResponseKind = (typeof RESPONSE_KINDS)[number];

/**
 * A neighbour's answer to the letter. Saying you're coming needs nothing else; offering help or
 * raising a concern needs a message; an email address is only kept for a concern, so the
 * officer can reply.
 */
export const NeighbourInput = z
  .object({
    kind: z.enum(RESPONSE_KINDS, `${E}.kindMissing`),
    name: optionalText(120, `${E}.nameTooLong`),
    message: optionalText(2000, `${E}.messageTooLong`),
    email: z
      .string()
      .trim()
      .max(254, `${E}.emailInvalid`)
      .default('')
      .refine((s) => s === '' || z.email().safeParse(s).success, `${E}.emailInvalid`),
  })
  .superRefine((v, c) => {
    if (v.kind !== 'coming' && !v.message)
      c.addIssue({
        code: 'custom',
        path: ['message'],
        message: v.kind === 'help' ? `${E}.helpMissing` : `${E}.concernMissing`,
      });
  })
  .transform((v) => ({ ...v, email: v.kind === 'concern' && v.email ? v.email : null }));
export type NeighbourInput = z.infer<typeof NeighbourInput>;

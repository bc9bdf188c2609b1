import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { withTransaction } from '../db/transaction.js';
import type { ServiceContext } from '../http/request-context.js';

// No 0/O, 1/I/L: references get read out over the phone.
const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function newReference(prefix = 'KC'): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return `${prefix}-${s.slice(0, 4)}-${s.slice(4)}`;
}

/** Messages are catalogue keys, shown in the GOV.UK error summary. */
export const ContactForm = z.object({
  // Page order, so the error summary lists problems in the order people meet them.
  subject: z
    .string()
    .trim()
    .min(1, 'contact.errors.subjectMissing')
    .max(150, 'contact.errors.subjectTooLong'),
  message: z
    .string()
    .trim()
    .min(1, 'contact.errors.messageMissing')
    .max(5000, 'contact.errors.messageTooLong'),
  name: z.string().trim().max(120, 'contact.errors.nameTooLong').default(''),
  email: z
    .string()
    .trim()
    .max(254, 'contact.errors.emailInvalid')
    .refine((v) => v === '' || z.email().safeParse(v).success, 'contact.errors.emailInvalid')
    .default(''),
});
export type ContactInput = z.infer<typeof ContactForm>;

/** Stores a message for the place's team and returns the reference the sender is given. */
export async function submitContactMessage(ctx: ServiceContext, input: ContactInput): Promise<string> {
  const data = ContactForm.parse(input);
  const reference = newReference();
  await withTransaction(ctx.db, async (tx) => {
    await tx.query(
      `insert into contact_messages (place_id, reference, name, email, subject, message)
       values ($1, $2, $3, $4, $5, $6)`,
      [ctx.place.id, reference, data.name, data.email, data.subject, data.message],
    );
  });
  return reference;
}

export async function findContactMessage(ctx: ServiceContext, reference: string) {
  const rows = await ctx.db.query<{ reference: string; subject: string; created_at: Date }>(
    'select reference, subject, created_at from contact_messages where place_id = $1 and reference = $2',
    [ctx.place.id, reference],
  );
  return rows[0] ?? null;
}

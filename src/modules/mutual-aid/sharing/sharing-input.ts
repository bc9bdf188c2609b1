import { z } from 'zod';
import { choiceList, optionalText } from '../../../platform/http/form-fields.js';
import { UUID } from '../../../platform/http/ids.js';

/** Form fields for agreements, signatures, referrals and consents; messages are catalogue keys. */

/** The details about a person that an agreement may let flow, and a referral may carry. */
export const SHARED_FIELDS = ['name', 'phone', 'email', 'address', 'needs', 'health'] as const;
export type SharedField = (typeof SHARED_FIELDS)[number];

/** The version of the agreement template in code (its clauses are in the message catalogue). */
export const TEMPLATE_VERSION = 'kith-dsa-1';

const datePart = z.string().trim().max(4, 'mutualAid.sharing.errors.reviewDate').default('');

export const AgreementInput = z
  .object({
    groupId: z.string().trim().regex(UUID, 'mutualAid.sharing.errors.groupMissing'),
    purpose: z
      .string()
      .trim()
      .min(1, 'mutualAid.sharing.errors.purposeMissing')
      .max(1000, 'mutualAid.sharing.errors.purposeTooLong'),
    fields: choiceList(SHARED_FIELDS, 'mutualAid.sharing.errors.fieldsMissing').refine(
      (xs) => xs.length > 0,
      'mutualAid.sharing.errors.fieldsMissing',
    ),
    retentionDays: z
      .string()
      .trim()
      .regex(/^\d{1,4}$/, 'mutualAid.sharing.errors.retentionDays')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 3650, 'mutualAid.sharing.errors.retentionDays'),
    'reviewDate-day': datePart,
    'reviewDate-month': datePart,
    'reviewDate-year': datePart,
  })
  .transform((v, ctx) => {
    const [y, m, d] = [v['reviewDate-year'], v['reviewDate-month'], v['reviewDate-day']].map((x) =>
      /^\d+$/.test(x) ? Number(x) : Number.NaN,
    ) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    if (y < 2000 || y > 2100 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
      ctx.addIssue({ code: 'custom', path: ['reviewDate'], message: 'mutualAid.sharing.errors.reviewDate' });
      return z.NEVER;
    }
    return {
      groupId: v.groupId,
      purpose: v.purpose,
      fields: v.fields,
      retentionDays: v.retentionDays,
      reviewDate: date,
    };
  });
export type AgreementInput = z.infer<typeof AgreementInput>;

export const SignInput = z.object({
  fullName: z
    .string()
    .trim()
    .min(1, 'mutualAid.sharing.errors.fullNameMissing')
    .max(120, 'mutualAid.sharing.errors.fullNameTooLong'),
  jobTitle: optionalText(120, 'mutualAid.sharing.errors.jobTitleTooLong'),
  authority: z.literal('yes', 'mutualAid.sharing.errors.authorityMissing'),
});
export type SignInput = z.infer<typeof SignInput>;

export const CONSENT_HOW = ['in-person', 'phone', 'written'] as const;

export const ReferralInput = z
  .object({
    fromGroupId: z
      .string()
      .trim()
      .default('')
      .refine((s) => s === '' || UUID.test(s), 'mutualAid.sharing.errors.fromGroup'),
    toGroupId: z.string().trim().regex(UUID, 'mutualAid.sharing.errors.toGroupMissing'),
    personName: z
      .string()
      .trim()
      .min(1, 'mutualAid.sharing.errors.personNameMissing')
      .max(120, 'mutualAid.sharing.errors.personNameTooLong'),
    personPhone: z
      .string()
      .trim()
      .max(40, 'mutualAid.sharing.errors.phoneInvalid')
      .default('')
      .refine((s) => s === '' || /^[+()\d\s-]{6,}$/.test(s), 'mutualAid.sharing.errors.phoneInvalid'),
    personEmail: z
      .string()
      .trim()
      .max(254, 'mutualAid.sharing.errors.emailInvalid')
      .default('')
      .refine(
        (s) => s === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s),
        'mutualAid.sharing.errors.emailInvalid',
      ),
    personAddress: optionalText(300, 'mutualAid.sharing.errors.addressTooLong'),
    needs: z
      .string()
      .trim()
      .min(1, 'mutualAid.sharing.errors.needsMissing')
      .max(1000, 'mutualAid.sharing.errors.needsTooLong'),
    health: optionalText(1000, 'mutualAid.sharing.errors.healthTooLong'),
    basis: z.enum(['agreement', 'consent'], 'mutualAid.sharing.errors.basisChoice'),
    consentHow: z.enum(['', ...CONSENT_HOW], 'mutualAid.sharing.errors.consentHow').default(''),
    consentConfirmed: z
      .string()
      .default('')
      .transform((s) => s === 'yes'),
    /** A consent already recorded (by a connector, earlier) that names this group. */
    consentId: z
      .string()
      .trim()
      .default('')
      .refine((s) => s === '' || UUID.test(s), 'mutualAid.sharing.errors.consentUnknown'),
  })
  .refine((r) => r.personPhone !== '' || r.personEmail !== '' || r.personAddress !== '', {
    path: ['personPhone'],
    message: 'mutualAid.sharing.errors.contactMissing',
  })
  .refine((r) => r.basis !== 'consent' || r.consentId !== '' || (r.consentHow !== '' && r.consentConfirmed), {
    path: ['consentConfirmed'],
    message: 'mutualAid.sharing.errors.consentMissing',
  });
export type ReferralInput = z.infer<typeof ReferralInput>;

/** The fields a referral actually carries: the ones filled in. */
export function fieldsSent(r: ReferralInput): SharedField[] {
  const sent: SharedField[] = ['name', 'needs'];
  if (r.personPhone) sent.push('phone');
  if (r.personEmail) sent.push('email');
  if (r.personAddress) sent.push('address');
  if (r.health) sent.push('health');
  return SHARED_FIELDS.filter((f) => sent.includes(f));
}

export const RespondInput = z.object({
  decision: z.enum(['accepted', 'declined'], 'mutualAid.sharing.errors.decisionMissing'),
});

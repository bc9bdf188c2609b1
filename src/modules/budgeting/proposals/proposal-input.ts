import { z } from 'zod';
import { parsePounds } from '../../../lib/money/pounds.js';
import type { FieldErrors } from '../../../platform/http/errors.js';
import { optionalText } from '../../../platform/http/form-fields.js';

const E = 'budgeting.proposals.errors';

/** What a proposal is about; each has a label in the catalogue (budgeting.proposals.categories.*). */
export const CATEGORIES = [
  'green-spaces',
  'streets-and-transport',
  'play-and-sport',
  'community-spaces',
  'arts-and-culture',
  'safety',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const STATUSES = ['submitted', 'feasible', 'not-feasible', 'withdrawn', 'merged'] as const;
export type ProposalStatus = (typeof STATUSES)[number];

/** A breakdown has at least one line and at most this many. */
export const MAX_COST_LINES = 10;
export const MAX_LINE_PENCE = 100_000_000_000n;

/** A cost line's pounds as typed: exact pence up to MAX_LINE_PENCE, or null when not an amount. */
export function penceOf(text: string): bigint | null {
  const pence = parsePounds(text);
  return pence !== null && pence <= MAX_LINE_PENCE ? pence : null;
}

/** The words of a proposal (the cost lines are read by costLines). */
export const ProposalText = z.object({
  title: z.string(`${E}.titleMissing`).trim().min(1, `${E}.titleMissing`).max(120, `${E}.titleTooLong`),
  summary: z
    .string(`${E}.summaryMissing`)
    .trim()
    .min(1, `${E}.summaryMissing`)
    .max(300, `${E}.summaryTooLong`),
  description: optionalText(5000, `${E}.descriptionTooLong`),
  // A ward slug, or '' for none (or the process's own ward).
  ward: z.string().trim().max(80).default(''),
  category: z.enum(CATEGORIES, `${E}.categoryMissing`),
  location: optionalText(200, `${E}.locationTooLong`),
  // A directory group id the author organises, or '' for themselves.
  group: z.string().trim().max(60).default(''),
});
export type ProposalText = z.infer<typeof ProposalText>;

export type CostLine = { label: string; pence: bigint };

/** Field names of cost line n (1-based), shared by the form, the service and its errors. */
export const costLabelField = (n: number) => `costLabel${n}`;
export const costAmountField = (n: number) => `costAmount${n}`;

/**
 * The cost lines from the flat form (`costLabel1`, `costAmount1` … `costLabel10`,
 * `costAmount10`). A line left wholly empty is skipped; a half-filled one is an error on the
 * missing half. Problems go into `errors` by field.
 */
export function costLines(raw: Record<string, unknown>, errors: FieldErrors): CostLine[] {
  const lines: CostLine[] = [];
  const text = (name: string) => {
    const v = raw[name];
    return typeof v === 'string' ? v.trim() : '';
  };
  for (let n = 1; n <= MAX_COST_LINES; n++) {
    const label = text(costLabelField(n));
    const amount = text(costAmountField(n));
    if (!label && !amount) continue;
    if (!label) errors[costLabelField(n)] = `${E}.costLabelMissing`;
    else if (label.length > 120) errors[costLabelField(n)] = `${E}.costLabelTooLong`;
    const pence = amount ? penceOf(amount) : null;
    if (!amount) errors[costAmountField(n)] = `${E}.costAmountMissing`;
    else if (pence === null) errors[costAmountField(n)] = `${E}.costAmountInvalid`;
    if (label && label.length <= 120 && pence !== null) lines.push({ label, pence });
  }
  return lines;
}

/** The officer's feasibility decision: feasible or not, with the reason that is published. */
export const FeasibilityInput = z.object({
  feasible: z.enum(['yes', 'no'], `${E}.feasibleMissing`).transform((v) => v === 'yes'),
  reason: z
    .string(`${E}.feasibilityReasonMissing`)
    .trim()
    .min(1, `${E}.feasibilityReasonMissing`)
    .max(2000, `${E}.feasibilityReasonTooLong`),
});
export type FeasibilityInput = z.infer<typeof FeasibilityInput>;

/** An officer's change to the cost voters see, with the reason shown in its history. */
export const CostAdjustmentInput = z.object({
  pounds: z.string(`${E}.adjustedCostInvalid`).transform((s, ctx) => {
    const pence = penceOf(s);
    if (pence === null || pence < 1n) {
      ctx.addIssue({ code: 'custom', message: `${E}.adjustedCostInvalid` });
      return z.NEVER;
    }
    return pence;
  }),
  reason: z
    .string(`${E}.costReasonMissing`)
    .trim()
    .min(1, `${E}.costReasonMissing`)
    .max(1000, `${E}.costReasonTooLong`),
});
export type CostAdjustmentInput = z.infer<typeof CostAdjustmentInput>;

const proposalNumber = (message: string) =>
  z.union([z.number(), z.string().trim()]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : /^\d{1,6}$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isInteger(n) || n < 1) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return n;
  });

/** An officer's suggestion that one proposal (`from`) joins another (`into`). */
export const MergeInput = z.object({
  from: proposalNumber(`${E}.mergeFromMissing`),
  into: proposalNumber(`${E}.mergeIntoMissing`),
  reason: z
    .string(`${E}.mergeReasonMissing`)
    .trim()
    .min(1, `${E}.mergeReasonMissing`)
    .max(1000, `${E}.mergeReasonTooLong`),
});
export type MergeInput = z.infer<typeof MergeInput>;

/** The image's words for someone who cannot see it. */
export const ImageAltInput = z.object({
  altText: z.string(`${E}.altMissing`).trim().min(1, `${E}.altMissing`).max(250, `${E}.altTooLong`),
});

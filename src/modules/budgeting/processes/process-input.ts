import { z } from 'zod';
import { isRealDate } from '../../../lib/civil-date.js';
import { parsePounds } from '../../../lib/money/pounds.js';
import { BALLOT_TYPES } from '../../../lib/pb-ballot/ballot-rules.js';
import { choiceList, optionalText } from '../../../platform/http/form-fields.js';

const E = 'budgeting.processes.errors';

export const PHASES = ['ideas', 'proposals', 'feasibility', 'voting', 'results', 'delivery'] as const;
export type Phase = (typeof PHASES)[number];

export const COUNTING_RULES = ['mes-cost', 'greedy', 'phragmen'] as const;
export type CountingRule = (typeof COUNTING_RULES)[number];

export const VERIFICATION_METHODS = ['email', 'letter', 'register', 'in-person'] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

/** A budget as typed in pounds ("250000", "£250,000"): exact pence, from £1 to £1,000,000,000. */
export const budgetPounds = (message: string) =>
  z
    .string()
    .transform((s) => parsePounds(s))
    .refine((p): p is bigint => p !== null && p >= 100n && p <= 100_000_000_000n, message)
    .transform((p) => p as bigint);

const whole = (min: number, max: number, message: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,4}$/, message)
    .transform(Number)
    .refine((n) => n >= min && n <= max, message);

const optionalWhole = (min: number, max: number, message: string) =>
  z
    .string()
    .trim()
    .default('')
    .transform((s) => (s === '' ? null : s))
    .pipe(whole(min, max, message).nullable());

const optionalDate = (message: string) =>
  z
    .string()
    .trim()
    .default('')
    .refine((s) => s === '' || isRealDate(s), message)
    .transform((s) => (s === '' ? null : s));

/**
 * A process as the officer's form posts it (dates as YYYY-MM-DD, already read from GOV.UK date
 * inputs by the route). Cross-field rules are in processProblems.
 */
export const ProcessInput = z.object({
  title: z.string().trim().min(1, `${E}.titleMissing`).max(120, `${E}.titleTooLong`),
  summary: optionalText(2000, `${E}.summaryTooLong`),
  // A ward slug, or '' for the whole place.
  ward: z.string().trim().max(60).default(''),
  budget: budgetPounds(`${E}.budgetInvalid`),
  minAge: whole(0, 120, `${E}.minAgeInvalid`),
  residenceRequired: z.enum(['yes', 'no'], `${E}.residenceMissing`).transform((v) => v === 'yes'),
  ballotType: z.enum(BALLOT_TYPES, `${E}.ballotTypeMissing`),
  minSelections: whole(0, 100, `${E}.minSelectionsInvalid`),
  maxSelections: optionalWhole(1, 100, `${E}.maxSelectionsInvalid`),
  pointsTotal: optionalWhole(1, 1000, `${E}.pointsTotalInvalid`),
  rule: z.enum(COUNTING_RULES, `${E}.ruleMissing`),
  verificationMethods: choiceList(VERIFICATION_METHODS, `${E}.methodsMissing`).refine(
    (m) => m.length > 0,
    `${E}.methodsMissing`,
  ),
  ideasFrom: optionalDate(`${E}.dateInvalid`),
  proposalsFrom: optionalDate(`${E}.dateInvalid`),
  feasibilityFrom: optionalDate(`${E}.dateInvalid`),
  votingOpens: optionalDate(`${E}.dateInvalid`),
  votingCloses: optionalDate(`${E}.dateInvalid`),
  resultsFrom: optionalDate(`${E}.dateInvalid`),
  deliveryFrom: optionalDate(`${E}.dateInvalid`),
});
export type ProcessInput = z.infer<typeof ProcessInput>;

/** Rules across fields: field → message key; empty when the process makes sense. */
export function processProblems(i: ProcessInput): Record<string, string> {
  const problems: Record<string, string> = {};
  if (i.maxSelections !== null && i.maxSelections < i.minSelections)
    problems.maxSelections = `${E}.maxBelowMin`;
  if (i.ballotType === 'cumulative' && i.pointsTotal === null)
    problems.pointsTotal = `${E}.pointsTotalMissing`;
  if (i.ballotType === 'ranked' && i.maxSelections === null) problems.maxSelections = `${E}.rankedNeedsMax`;
  if (i.votingOpens && i.votingCloses && i.votingCloses < i.votingOpens)
    problems.votingCloses = `${E}.closesBeforeOpens`;
  return problems;
}

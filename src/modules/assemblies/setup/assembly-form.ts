import { z } from 'zod';
import { parsePounds, poundsText } from '../../../lib/money/pounds.js';
import { ASSEMBLY_ALGORITHMS } from './assembly-kinds.js';
import type { Assembly } from './assembly-service.js';

const E = 'assemblies.setup.errors';

/**
 * The officer's assembly form as posted: the panel size as typed, members' expenses in pounds
 * ("12,000", "£12,000.50"; empty for none). `toServiceInput` gives what createAssembly takes.
 */
export const AssemblyForm = z.object({
  title: z.string().trim().min(1, `${E}.titleRequired`).max(120, `${E}.titleTooLong`),
  question: z.string().trim().min(1, `${E}.questionRequired`).max(500, `${E}.questionTooLong`),
  summary: z.string().trim().max(4000, `${E}.summaryTooLong`).default(''),
  panelSize: z
    .string()
    .trim()
    .regex(/^\d{1,4}$/, `${E}.panelSizeNumber`)
    .transform(Number)
    .refine((n) => n >= 5 && n <= 500, `${E}.panelSizeRange`),
  expenses: z
    .string()
    .trim()
    .default('')
    .transform((s) => (s === '' ? 0n : parsePounds(s)))
    .refine((p): p is bigint => p !== null && p >= 0n && p <= 100_000_000_000n, `${E}.budgetNumber`),
  algorithm: z.enum(ASSEMBLY_ALGORITHMS, `${E}.algorithmRequired`),
});
export type AssemblyForm = z.infer<typeof AssemblyForm>;

export function toServiceInput(form: AssemblyForm) {
  const { expenses, ...rest } = form;
  return { ...rest, expensesBudgetPence: expenses as bigint };
}

/** The service's field names back to the form's. */
export const formField = (field: string) => (field === 'expensesBudgetPence' ? 'expenses' : field);

export function assemblyFormValues(a: Assembly): Record<string, string> {
  return {
    title: a.title,
    question: a.question,
    summary: a.summary,
    panelSize: String(a.panelSize),
    expenses: a.expensesBudgetPence === 0n ? '' : poundsText(a.expensesBudgetPence),
    algorithm: a.algorithm,
  };
}

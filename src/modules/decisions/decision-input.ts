import { z } from 'zod';
import { parsePounds } from '../../lib/money/pounds.js';

/** What decisions are, who makes them, and how they move on. */
export const KINDS = ['ordinary', 'strategic-review', 'budget-allocation'] as const;
export const STATUSES = ['draft', 'upcoming', 'open', 'made', 'reviewed'] as const;
export const PUBLIC_STATUSES = ['upcoming', 'open', 'made', 'reviewed'] as const;
export const DECIDERS = ['cabinet', 'committee', 'officer', 'full-council'] as const;
export const CONSTRAINT_KINDS = ['money', 'law', 'time', 'capacity', 'other'] as const;
export const LINK_KINDS = ['consultation', 'assembly', 'petition', 'other'] as const;
/** Kinds that may be marked as co-produced with named community partners (seed 003). */
export const CO_PRODUCIBLE: readonly Kind[] = ['strategic-review', 'budget-allocation'];

export type Kind = (typeof KINDS)[number];
export type Status = (typeof STATUSES)[number];
export type Decider = (typeof DECIDERS)[number];

/** The moves a decision may make; a draft can be announced as upcoming or opened straight away. */
export const NEXT: Record<Status, readonly Status[]> = {
  draft: ['upcoming', 'open'],
  upcoming: ['open', 'made'],
  open: ['made'],
  made: ['reviewed'],
  reviewed: [],
};

export const MAX_TITLE = 200;
export const MAX_BACKGROUND = 8000;
export const MAX_DECIDER = 120;
export const MAX_LONG = 4000;
export const MAX_SHORT = 2000;
export const MAX_PARTNERS = 10;
export const MAX_PARTNER = 120;
/** A hundred million pounds: no decision here weighs more, and more is a typing slip. */
export const MAX_COST_PENCE = 10_000_000_000n;

const E = 'decisions.errors';

const text = (max: number, key: string) => z.string().trim().max(max, `${E}.${key}TooLong`).default('');
const required = (max: number, key: string) =>
  z
    .string({ error: `${E}.${key}Missing` })
    .trim()
    .min(1, `${E}.${key}Missing`)
    .max(max, `${E}.${key}TooLong`);

/** A date from a GOV.UK date input's three boxes; null when all are empty. */
export function dateFrom(raw: Record<string, unknown>, name: string): string | null | 'invalid' {
  const part = (p: string) =>
    typeof raw[`${name}-${p}`] === 'string' ? String(raw[`${name}-${p}`]).trim() : '';
  const [d, m, y] = [part('day'), part('month'), part('year')];
  if (!d && !m && !y) return null;
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return 'invalid';
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(m) - 1) return 'invalid';
  if (Number(y) < 2000 || Number(y) > 2100) return 'invalid';
  return date.toISOString().slice(0, 10);
}

/** A date field already as `YYYY-MM-DD` (the API) or from three boxes (the forms). */
function dateField(raw: Record<string, unknown>, name: string): unknown {
  if (typeof raw[name] === 'string') return raw[name] === '' ? null : raw[name];
  return dateFrom(raw, name);
}

const IsoDate = (key: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${E}.${key}Invalid`)
    .refine(
      (s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().startsWith(s),
      `${E}.${key}Invalid`,
    )
    .nullable();

export const DecisionInput = z
  .object({
    title: required(MAX_TITLE, 'title'),
    background: text(MAX_BACKGROUND, 'background'),
    kind: z.enum(KINDS, { error: `${E}.kindMissing` }),
    deciderKind: z.enum(DECIDERS, { error: `${E}.deciderMissing` }),
    deciderName: text(MAX_DECIDER, 'deciderName'),
    dueOn: IsoDate('dueOn'),
    ward: z.string().trim().max(60, `${E}.wardUnknown`).default(''),
    coProduced: z.enum(['yes', '']).default(''),
    partners: z
      .string()
      .max(MAX_PARTNERS * (MAX_PARTNER + 2), `${E}.partnersTooLong`)
      .default(''),
  })
  .superRefine((v, ctx) => {
    if ((v.deciderKind === 'committee' || v.deciderKind === 'officer') && !v.deciderName)
      ctx.addIssue({ code: 'custom', path: ['deciderName'], message: `${E}.deciderNameMissing` });
    const names = partnerNames(v.partners);
    if (names.length > MAX_PARTNERS || names.some((n) => n.length > MAX_PARTNER))
      ctx.addIssue({ code: 'custom', path: ['partners'], message: `${E}.partnersTooLong` });
    if (v.coProduced === 'yes') {
      if (!CO_PRODUCIBLE.includes(v.kind))
        ctx.addIssue({ code: 'custom', path: ['coProduced'], message: `${E}.coProducedKind` });
      else if (!names.length)
        ctx.addIssue({ code: 'custom', path: ['partners'], message: `${E}.partnersMissing` });
    }
  });

/** One partner a line; blank lines and repeats dropped. */
export function partnerNames(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/** The raw input with each named date read from its three boxes (or given whole, by the API). */
export function withDates(raw: unknown, names: string[]): Record<string, unknown> {
  const body = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  return { ...body, ...Object.fromEntries(names.map((n) => [n, dateField(body, n)])) };
}

/** Cost in pounds as typed ("£1,250.50"), or empty for not known. */
const Cost = z
  .string()
  .trim()
  .default('')
  .transform((s, ctx) => {
    if (!s) return null;
    const pence = parsePounds(s);
    if (pence === null || pence > MAX_COST_PENCE) {
      ctx.addIssue({ code: 'custom', message: `${E}.costInvalid` });
      return z.NEVER;
    }
    return pence;
  });

export const OptionInput = z.object({
  title: required(MAX_TITLE, 'optionTitle'),
  description: text(MAX_LONG, 'optionDescription'),
  cost: Cost,
  pros: text(MAX_LONG, 'pros'),
  cons: text(MAX_LONG, 'cons'),
});

export const ConstraintInput = z.object({
  kind: z.enum(CONSTRAINT_KINDS, { error: `${E}.constraintKindMissing` }),
  body: required(MAX_SHORT, 'constraintBody'),
});

const httpsUrl = (key: string) =>
  z
    .string({ error: `${E}.${key}Missing` })
    .trim()
    .min(1, `${E}.${key}Missing`)
    .max(2000, `${E}.${key}Invalid`)
    .refine((s) => {
      try {
        const u = new URL(s);
        return u.protocol === 'https:' && Boolean(u.hostname) && !/\s/.test(s);
      } catch {
        return false;
      }
    }, `${E}.${key}Invalid`);

export const EvidenceInput = z.object({
  title: required(MAX_TITLE, 'evidenceTitle'),
  url: httpsUrl('evidenceUrl'),
});

/** A page on this site ("/trafford/consultations/…") or an https address elsewhere. */
export const LinkInput = z.object({
  kind: z.enum(LINK_KINDS, { error: `${E}.linkKindMissing` }),
  title: required(MAX_TITLE, 'linkTitle'),
  url: z
    .string({ error: `${E}.linkUrlMissing` })
    .trim()
    .min(1, `${E}.linkUrlMissing`)
    .max(2000, `${E}.linkUrlInvalid`)
    .refine((s) => {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are refused
      if (/[\s\u0000-\u001f\\]/.test(s)) return false;
      if (s.startsWith('/')) return !s.startsWith('//');
      try {
        const u = new URL(s);
        return u.protocol === 'https:' && Boolean(u.hostname);
      } catch {
        return false;
      }
    }, `${E}.linkUrlInvalid`),
});

export const ResponseInput = z.object({
  youSaid: required(MAX_SHORT, 'youSaid'),
  weDid: required(MAX_SHORT, 'weDid'),
});

export const CommentInput = z.object({
  body: required(MAX_SHORT, 'comment'),
});

export const OpenInput = z.object({ inputClosesOn: IsoDate('inputClosesOn') });

export const RecordInput = z.object({
  option: z.string().trim().max(60).default(''),
  decisionText: text(MAX_LONG, 'decisionText'),
  reasons: required(MAX_BACKGROUND, 'reasons'),
});

export const ReviewInput = z.object({ review: required(MAX_BACKGROUND, 'review') });

export const ListFilters = z.object({
  status: z.enum(STATUSES).optional().catch(undefined),
  kind: z.enum(KINDS).optional().catch(undefined),
  ward: z.string().max(60).optional().catch(undefined),
  sort: z.enum(['newest', 'due']).default('newest').catch('newest'),
});
export type ListFilters = z.infer<typeof ListFilters>;

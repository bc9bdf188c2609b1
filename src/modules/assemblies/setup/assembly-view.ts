import { oneDecimal, percent } from '../../../lib/sortition/quota-suggestions.js';
import { STATUSES, type Status } from './assembly-kinds.js';
import type { Assembly } from './assembly-service.js';

/** A quota with the arithmetic behind it: share of residents → seats of the panel → min to max. */
export type QuotaView = {
  value: string;
  label: string;
  share: number | null;
  percent: number | null;
  target: number | null;
  min: number;
  max: number;
};

export function quotaViews(a: Pick<Assembly, 'features' | 'panelSize'>) {
  return a.features.map((f) => ({
    key: f.key,
    name: f.name,
    source: f.source,
    values: f.values.map(
      (v): QuotaView => ({
        value: v.value,
        label: v.label,
        share: v.share,
        percent: v.share === null ? null : percent(v.share),
        target: v.share === null ? null : oneDecimal(v.share * a.panelSize),
        min: v.min,
        max: v.max,
      }),
    ),
  }));
}

/** The stages in order, each marked done, current or to come (for the public timeline). */
export function stages(status: Status) {
  const at = STATUSES.indexOf(status);
  return STATUSES.map((s, i) => ({ status: s, state: i < at ? 'done' : i === at ? 'current' : 'next' }));
}

export const nextStatus = (s: Status): Status | null => STATUSES[STATUSES.indexOf(s) + 1] ?? null;
export const previousStatus = (s: Status): Status | null => STATUSES[STATUSES.indexOf(s) - 1] ?? null;

export const ASSEMBLY_CSV_COLUMNS: (keyof ReturnType<typeof assemblyRow>)[] = [
  'slug',
  'title',
  'question',
  'status',
  'panel_size',
  'expenses_budget_pence',
  'algorithm',
  'url',
];

export function assemblyRow(a: Assembly, base: string) {
  return {
    slug: a.slug,
    title: a.title,
    question: a.question,
    status: a.status,
    panel_size: a.panelSize,
    expenses_budget_pence: a.expensesBudgetPence.toString(),
    algorithm: a.algorithm,
    url: `${base}/${a.slug}`,
  };
}

/** An assembly as open data; with `full`, its quotas (with the arithmetic) and timetable. */
export function assemblyJson(a: Assembly, base: string, full = false) {
  const summary = {
    slug: a.slug,
    title: a.title,
    question: a.question,
    summary: a.summary,
    status: a.status,
    panelSize: a.panelSize,
    expensesBudgetPence: Number(a.expensesBudgetPence),
    algorithm: a.algorithm,
    url: `${base}/${a.slug}`,
  };
  if (!full) return summary;
  return {
    ...summary,
    features: quotaViews(a).map((f) => ({
      ...f,
      values: f.values.map((v) => ({
        value: v.value,
        label: v.label,
        share: v.share,
        target: v.share === null ? null : v.share * a.panelSize,
        min: v.min,
        max: v.max,
      })),
    })),
    sessions: a.sessions.map((s) => ({
      position: s.position,
      title: s.title,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      location: s.location,
      summary: s.summary,
    })),
  };
}

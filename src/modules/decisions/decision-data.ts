import type { Decision, DecisionSummary } from './decision-service.js';

/**
 * The open data shapes. The list's JSON and CSV share one row, so they always agree. No
 * person is named: comments are counted, never listed, and followers only counted.
 */
export function summaryRow(d: DecisionSummary, base: string) {
  return {
    id: d.id,
    title: d.title,
    kind: d.kind,
    status: d.status,
    decider_kind: d.deciderKind,
    decider_name: d.deciderName,
    due_on: d.dueOn,
    input_closes_on: d.inputClosesOn,
    ward_code: d.ward?.code ?? null,
    ward_name: d.ward?.name ?? null,
    co_produced: d.coProduced,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
    url: `${base}${d.url}`,
  };
}
export type SummaryRow = ReturnType<typeof summaryRow>;
export const CSV_COLUMNS: (keyof SummaryRow & string)[] = [
  'id',
  'title',
  'kind',
  'status',
  'decider_kind',
  'decider_name',
  'due_on',
  'input_closes_on',
  'ward_code',
  'ward_name',
  'co_produced',
  'created_at',
  'updated_at',
  'url',
];

/** A link on this site becomes a full address; one elsewhere stays as it is. */
const absolute = (url: string, base: string) => (url.startsWith('/') ? `${base}${url}` : url);

export function decisionJson(d: Decision, base: string) {
  return {
    ...summaryRow(d, base),
    background: d.background,
    options: d.options.map((o) => ({
      id: o.id,
      position: o.position,
      title: o.title,
      description: o.description,
      cost_pence: o.costPence,
      pros: o.pros,
      cons: o.cons,
      chosen: o.id === d.chosenOptionId,
    })),
    constraints: d.constraints.map((c) => ({ kind: c.kind, text: c.body })),
    evidence: d.evidence.map((e) => ({
      title: e.title,
      url: e.url ?? `${base}${d.url}/evidence/${e.id}`,
      format: e.url ? null : 'PDF',
      size_bytes: e.sizeBytes,
    })),
    residents_said: d.links.map((l) => ({ kind: l.kind, title: l.title, url: absolute(l.url, base) })),
    co_production_partners: d.partners.map((p) => ({
      name: p.name,
      group_url: p.group ? `${base}/${d.url.split('/')[1]}/groups/${p.group.slug}` : null,
    })),
    decision:
      d.status === 'made' || d.status === 'reviewed'
        ? {
            chosen_option_id: d.chosenOptionId,
            text: d.decisionText,
            reasons: d.reasons,
            decided_on: d.decidedOn,
          }
        : null,
    you_said_we_did: d.responses.map((r) => ({ you_said: r.youSaid, we_did: r.weDid })),
    review: d.status === 'reviewed' ? { text: d.review, reviewed_on: d.reviewedOn } : null,
    timeline: d.timeline
      .filter((x) => x.to !== 'draft')
      .map((x) => ({ status: x.to, at: x.at.toISOString() })),
    followers_count: d.followerCount,
    comments_count: d.commentCount,
  };
}

import type { PbProcess } from './process-service.js';

/** A budget as open data: the same fields in the JSON API and the CSV. */
export const PROCESS_CSV_COLUMNS = [
  'slug',
  'title',
  'ward',
  'budget_pence',
  'phase',
  'ballot_type',
  'min_selections',
  'max_selections',
  'points_total',
  'rule',
  'min_age',
  'residence_required',
  'verification_methods',
  'voting_opens_at',
  'voting_closes_at',
  'round',
];

export function processRow(p: PbProcess): Record<string, unknown> {
  return {
    slug: p.slug,
    title: p.title,
    ward: p.wardCode ?? '',
    budget_pence: p.budgetPence.toString(),
    phase: p.phase,
    ballot_type: p.ballotType,
    min_selections: p.minSelections,
    max_selections: p.maxSelections ?? '',
    points_total: p.pointsTotal ?? '',
    rule: p.rule,
    min_age: p.minAge,
    residence_required: p.residenceRequired,
    verification_methods: p.verificationMethods.join(';'),
    voting_opens_at: p.votingOpensAt?.toISOString() ?? '',
    voting_closes_at: p.votingClosesAt?.toISOString() ?? '',
    round: p.round,
  };
}

/** Budgets are at most £1bn (1e11 pence), so pence are exact as a JSON number. */
export function processJson(p: PbProcess, base: string) {
  return {
    slug: p.slug,
    title: p.title,
    summary: p.summary,
    url: `${base}/${p.slug}`,
    ward: p.wardCode ? { code: p.wardCode, name: p.wardName } : null,
    budget_pence: Number(p.budgetPence),
    phase: p.phase,
    ballot: {
      type: p.ballotType,
      min_selections: p.minSelections,
      max_selections: p.maxSelections,
      points_total: p.pointsTotal,
    },
    rule: p.rule,
    completion: p.completion,
    eligibility: { min_age: p.minAge, residence_required: p.residenceRequired },
    verification_methods: p.verificationMethods,
    timetable: {
      ideas_from: p.ideasFrom,
      proposals_from: p.proposalsFrom,
      feasibility_from: p.feasibilityFrom,
      voting_opens_at: p.votingOpensAt?.toISOString() ?? null,
      voting_closes_at: p.votingClosesAt?.toISOString() ?? null,
      results_from: p.resultsFrom,
      delivery_from: p.deliveryFrom,
    },
    round: p.round,
    locked: p.lockedAt !== null,
    stopped_votes: p.stops.map((s) => ({
      round: s.round,
      reason: s.reason,
      stopped_at: s.stoppedAt.toISOString(),
    })),
  };
}

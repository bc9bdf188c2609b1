import type { Translate } from '../../../platform/i18n/i18n.js';
import type { ProcessResults, ResultProject } from './result-service.js';

/**
 * What the results page and its open data show, built from the service's results: the bar chart
 * (an SVG whose every bar carries its number and says "funded" in words, so colour is never the
 * only signal, with the table behind it), and the rows of the CSV, which the JSON repeats exactly.
 */

const BAR = { left: 8, labelHeight: 18, barHeight: 20, gap: 14, width: 640, valueRoom: 170 } as const;
/** GOV.UK green and mid-grey: text on each passes WCAG AA contrast. */
const FUNDED_FILL = '#00703c';
const UNFUNDED_FILL = '#505a5f';

export function resultsChart(r: ProcessResults, t: Translate) {
  const cumulative = r.projects.some((x) => x.points !== null);
  const value = (x: ResultProject) => (cumulative ? (x.points ?? 0) : x.votes);
  const top = Math.max(1, ...r.projects.map(value));
  const track = BAR.width - BAR.left - BAR.valueRoom;
  const rowHeight = BAR.labelHeight + BAR.barHeight + BAR.gap;
  const unit = cumulative ? 'points' : 'votes';
  const bars = r.projects.map((x, i) => {
    const y = 4 + i * rowHeight;
    const width = Math.max(2, Math.round((value(x) / top) * track));
    return {
      label: t('budgeting.results.chart.barLabel', { number: x.number, title: x.title }),
      labelY: y + BAR.labelHeight - 5,
      barY: y + BAR.labelHeight,
      width,
      fill: x.funded ? FUNDED_FILL : UNFUNDED_FILL,
      valueX: BAR.left + width + 6,
      valueY: y + BAR.labelHeight + BAR.barHeight - 5,
      value: t(`budgeting.results.chart.${unit}${value(x) === 1 ? 'One' : ''}${x.funded ? 'Funded' : ''}`, {
        n: value(x),
      }),
    };
  });
  const fundedCount = r.funded.length;
  return {
    width: BAR.width,
    height: 8 + r.projects.length * rowHeight,
    left: BAR.left,
    barHeight: BAR.barHeight,
    bars,
    funded: FUNDED_FILL,
    unfunded: UNFUNDED_FILL,
    title: t(`budgeting.results.chart.title.${unit}`),
    desc: t('budgeting.results.chart.desc', {
      projects: r.projects.length,
      funded: fundedCount,
      most:
        r.projects.reduce((a, b) => (value(b) > value(a) ? b : a), r.projects[0] as ResultProject)?.title ??
        '',
    }),
    unitColumn: t(`budgeting.results.chart.${unit}Column`),
    rows: r.projects.map((x) => ({ ...x, value: value(x) })),
  };
}

/** The CSV's column for "funded under this rule". */
export const ruleColumn = (rule: string) => `funded_under_${rule.replace(/-/g, '_')}`;

export const PROJECT_COLUMNS = [
  'number',
  'title',
  'category',
  'ward_code',
  'ward_name',
  'cost_pence',
  'votes',
  'points',
  'funded',
  'funded_order',
  'explanation',
] as const;

/** One row per project, the same in the CSV and the JSON. */
export function projectRows(r: ProcessResults) {
  const rules = r.whatIf.map((w) => w.rule);
  const columns = [...PROJECT_COLUMNS, ...rules.map(ruleColumn)];
  const rows = r.projects.map((x) => ({
    number: x.number,
    title: x.title,
    category: x.category,
    ward_code: x.wardCode,
    ward_name: x.wardName,
    cost_pence: Number(x.costPence),
    votes: x.votes,
    points: x.points,
    funded: x.funded,
    funded_order: x.fundedOrder,
    explanation: x.explanation,
    ...Object.fromEntries(rules.map((rule) => [ruleColumn(rule), x.fundedUnder[rule] ?? false])),
  }));
  return { columns, rows };
}

/** The results as open data (`/{place}/api/budgets/{slug}/results`). Money in pence. */
export function resultsJson(
  r: ProcessResults,
  urls: { page: string; pb: string; csv: string },
  recount: string,
) {
  const { rows } = projectRows(r);
  return {
    process: {
      slug: r.process.slug,
      title: r.process.title,
      ward_code: r.process.wardCode,
      ward_name: r.process.wardName,
      ballot_type: r.process.ballotType,
      round: r.process.round,
      url: urls.page,
    },
    rule: r.rule,
    completion: r.completion,
    tie_break: r.tieBreak,
    counted_at: r.countedAt.toISOString(),
    ballots: r.ballots,
    budget_pence: Number(r.budgetPence),
    spent_pence: Number(r.spentPence),
    left_pence: Number(r.leftPence),
    summary: r.summary,
    notes: r.notes,
    funded: r.funded.map((f) => f.number),
    projects: rows,
    wards: r.wards.map((w) => ({
      ward_code: w.wardCode,
      ward_name: w.wardName,
      projects: w.projects,
      pence: Number(w.pence),
    })),
    what_if: r.whatIf.map((w) => ({
      rule: w.rule,
      completion: w.completion,
      official: w.official,
      funded: w.funded,
      spent_pence: Number(w.spentPence),
      gained: w.gained,
      lost: w.lost,
    })),
    turnout: {
      ballots: r.turnout.ballots,
      verified: r.turnout.verified,
      by_channel: r.turnout.byChannel,
      by_ward: r.turnout.byWard.map((w) => ({
        ward_code: w.wardCode,
        ward_name: w.wardName,
        voters: w.voters,
      })),
      by_age_band: r.turnout.byAgeBand.map((a) => ({ age_band: a.ageBand, voters: a.voters })),
      by_method: r.turnout.byMethod,
    },
    downloads: { pb: urls.pb, csv: urls.csv },
    recount,
  };
}

import type { BallotRules } from '../../../lib/pb-ballot/ballot-rules.js';
import type { FormError } from '../../../platform/http/forms.js';
import { formatPence, type Language, type Translate } from '../../../platform/i18n/i18n.js';
import { type BallotValues, rankCount } from './ballot-form.js';
import type { BallotProject } from './voting-service.js';

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * Pounds for pence, exactly, in the page's language: the same words as formatPence, with its
 * Intl formatters made once rather than for every amount (a ballot page shows dozens, and
 * making them was the single largest cost of the page in bench/pb-vote.ts).
 */
export const moneyIn = (lang: Language) => (pence: bigint) => {
  const whole = pence % 100n === 0n;
  const key = `${lang}:${whole}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang === 'cy' ? 'cy-GB' : 'en-GB', {
      style: 'currency',
      currency: 'GBP',
      minimumFractionDigits: whole ? 0 : 2,
      maximumFractionDigits: 2,
    });
    formatters.set(key, format);
  }
  const sign = pence < 0n ? '-' : '';
  const abs = pence < 0n ? -pence : pence;
  // A decimal string, as formatPence does, so large sums stay exact.
  return format.format(`${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}` as unknown as number);
};

/** For the tests: the platform's own formatting, which moneyIn must match. */
export const platformMoney = (lang: Language) => (pence: bigint) => formatPence(Number(pence), lang);

function choiceHint(t: Translate, rules: BallotRules): string {
  const min = rules.minSelections;
  const max = rules.maxSelections;
  if (max !== null && min > 0) return t('budgeting.voting.ballot.approvalHintRange', { min, max });
  if (max !== null) return t('budgeting.voting.ballot.approvalHintMax', { max });
  if (min === 1) return t('budgeting.voting.ballot.approvalHintMinOne');
  if (min > 1) return t('budgeting.voting.ballot.approvalHintMin', { min });
  return t('budgeting.voting.ballot.approvalHintAny');
}

/**
 * What the ballot-fields template needs for one ballot type, built here so the template stays
 * free of rules: the boxes, inputs or selects with their values and errors, and the running
 * total's words for the page's script.
 */
export function ballotFieldsView(
  t: Translate,
  lang: Language,
  rules: BallotRules,
  projects: readonly BallotProject[],
  values: BallotValues,
  errors: FormError[],
) {
  const money = moneyIn(lang);
  const fieldErrors = Object.fromEntries(errors.map((e) => [e.field, { text: e.text }]));
  const base = { type: rules.type, fieldErrors };
  if (rules.type === 'approval' || rules.type === 'knapsack') {
    const knapsack = rules.type === 'knapsack';
    return {
      ...base,
      legend: t(`budgeting.voting.ballot.${knapsack ? 'knapsackLegend' : 'approvalLegend'}`),
      hint: knapsack
        ? t('budgeting.voting.ballot.knapsackHint', { budget: money(rules.budgetPence) })
        : choiceHint(t, rules),
      items: projects.map((p) => ({
        value: String(p.number),
        html: `<span class="govuk-!-font-weight-bold">${escapeHtml(`${p.number}. ${p.title}`)}</span>`,
        hint: { text: `${t('budgeting.voting.ballot.cost', { cost: money(p.costPence) })}. ${p.summary}` },
        checked: values.chosen.includes(String(p.number)),
        attributes: { 'data-cost': p.costPence.toString() },
      })),
      total: knapsack
        ? {
            kind: 'money',
            limit: rules.budgetPence.toString(),
            template: t('budgeting.voting.ballot.knapsackTotal'),
            over: t('budgeting.voting.ballot.knapsackOver'),
          }
        : null,
    };
  }
  if (rules.type === 'cumulative') {
    return {
      ...base,
      legend: t('budgeting.voting.ballot.cumulativeLegend'),
      hint: t('budgeting.voting.ballot.cumulativeHint', { points: rules.pointsTotal ?? 0 }),
      inputs: projects.map((p) => ({
        id: `points-${p.number}`,
        name: `points-${p.number}`,
        label: `${p.number}. ${p.title}`,
        hint: `${t('budgeting.voting.ballot.cost', { cost: money(p.costPence) })}. ${p.summary}`,
        value: values.points[String(p.number)] ?? '',
        errorMessage: fieldErrors[`points-${p.number}`],
      })),
      total: {
        kind: 'points',
        limit: String(rules.pointsTotal ?? 0),
        template: t('budgeting.voting.ballot.cumulativeTotal'),
        over: t('budgeting.voting.ballot.cumulativeOver'),
      },
    };
  }
  const count = rankCount(rules, projects);
  return {
    ...base,
    legend: t('budgeting.voting.ballot.rankedLegend'),
    hint: t('budgeting.voting.ballot.rankedHint', { max: count }),
    projects: projects.map((p) => ({
      title: `${p.number}. ${p.title}`,
      detail: `${t('budgeting.voting.ballot.cost', { cost: money(p.costPence) })}. ${p.summary}`,
    })),
    selects: Array.from({ length: count }, (_, i) => {
      const rank = String(i + 1);
      return {
        id: `rank-${rank}`,
        name: `rank-${rank}`,
        label: t('budgeting.voting.ballot.rankLabel', { rank }),
        errorMessage: fieldErrors[`rank-${rank}`],
        items: [
          { value: '', text: t('budgeting.voting.ballot.noChoice'), selected: !values.ranks[rank] },
          ...projects.map((p) => ({
            value: String(p.number),
            text: t('budgeting.voting.ballot.projectOption', {
              number: p.number,
              title: p.title,
              cost: money(p.costPence),
            }),
            selected: values.ranks[rank] === String(p.number),
          })),
        ],
      };
    }),
    total: null,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { assessCheck, RULESET } from '../../../lib/dbs-rules/index.js';
import { PUBLIC } from '../../../platform/http/access.js';
import type { FormError } from '../../../platform/http/forms.js';
import { requirePlace } from '../../../platform/http/request-context.js';
import type { Translate } from '../../../platform/i18n/i18n.js';
import {
  type Answers,
  answersQuery,
  firstUnanswered,
  groupPolicy,
  hiddenFields,
  parseAnswers,
  previousQuestion,
  QUESTIONS,
  type Question,
} from './dbs-questions.js';

const V = 'mutual-aid/dbs/views';
const M = 'mutualAid.dbs';
export const DBS_ELIGIBILITY_TOOL = 'https://www.gov.uk/find-out-dbs-check';

type Query = Record<string, unknown>;

const base = (request: FastifyRequest) => `/${requirePlace(request).slug}/help/dbs-check`;

/** Where to go once a question is answered: the next unanswered question, or check answers. */
function nextUrl(request: FastifyRequest, a: Answers): string {
  const next = firstUnanswered(a);
  return `${base(request)}/${next ? next.slug : 'check-answers'}${answersQuery(a)}`;
}

function backUrl(request: FastifyRequest, a: Answers, slug: string): string {
  const previous = previousQuestion(a, slug);
  return previous ? `${base(request)}/${previous.slug}${answersQuery(a)}` : base(request);
}

function optionText(t: Translate, q: Question, option: string) {
  return t(`${M}.questions.${q.slug}.options.${option}`);
}

function questionPage(
  request: FastifyRequest,
  reply: FastifyReply,
  q: Question,
  a: Answers,
  errors: FormError[],
) {
  const t = request.t;
  const id = q.field;
  const current = a[q.field];
  const items = q.options.map((option, i) => ({
    ...(i === 0 ? { id } : {}),
    value: option,
    text: optionText(t, q, option),
    hint: hintFor(t, q, option),
    checked: Array.isArray(current) ? current.includes(option as never) : current === option,
  }));
  if (q.kind === 'checkboxes') {
    items.push({
      divider: t(`${M}.questions.or`),
    } as never);
    items.push({
      value: 'none',
      text: t(`${M}.questions.${q.slug}.options.none`),
      behaviour: 'exclusive',
      checked: Array.isArray(current) && current.length === 0,
    } as never);
  }
  return reply.code(errors.length ? 422 : 200).page(`${V}/question.njk`, {
    pageTitle: t(`${M}.questions.${q.slug}.title`),
    hint: t(`${M}.questions.${q.slug}.hint`),
    errors,
    errorSummary: errors.length > 0,
    fieldError: errors[0] ? { text: errors[0].text } : undefined,
    kind: q.kind,
    name: q.field,
    idPrefix: id,
    items,
    hidden: [...hiddenFields(a, q.field), { name: 'asked', value: q.slug }],
    action: `${base(request)}/${q.slug}`,
    backHref: backUrl(request, a, q.slug),
  });
}

/** Hints only where an option needs explaining; a missing hint key means none. */
function hintFor(t: Translate, q: Question, option: string) {
  const key = `${M}.questions.${q.slug}.hints.${option}`;
  const text = t(key);
  return text === key ? undefined : { text };
}

/** The public "Do I need a DBS check?" questions and answer, built on `src/lib/dbs-rules`. */
export async function dbsRoutes(app: FastifyInstance) {
  app.get('/help/dbs-check', PUBLIC, async (request, reply) => {
    const t = request.t;
    return reply.page(`${V}/start.njk`, {
      pageTitle: t(`${M}.start.title`),
      startHref: `${base(request)}/${QUESTIONS[0]?.slug}`,
      eligibilityTool: DBS_ELIGIBILITY_TOOL,
    });
  });

  for (const q of QUESTIONS) {
    app.get<{ Querystring: Query }>(`/help/dbs-check/${q.slug}`, PUBLIC, async (request, reply) => {
      const a = parseAnswers(request.query);
      // A question that no longer applies (say, after changing an earlier answer) is skipped.
      if (!q.applies(a)) return reply.redirect(nextUrl(request, a), 303);
      if (request.query.asked !== q.slug) return questionPage(request, reply, q, a, []);
      if (a[q.field] === undefined) {
        const error = {
          field: q.field,
          text: request.t(`${M}.questions.${q.slug}.error`),
          href: `#${q.field}`,
        };
        return questionPage(request, reply, q, a, [error]);
      }
      return reply.redirect(nextUrl(request, a), 303);
    });
  }

  app.get<{ Querystring: Query }>('/help/dbs-check/check-answers', PUBLIC, async (request, reply) => {
    const t = request.t;
    const a = parseAnswers(request.query);
    if (firstUnanswered(a)) return reply.redirect(nextUrl(request, a), 303);
    const query = answersQuery(a);
    const rows = QUESTIONS.filter((q) => q.applies(a)).map((q) => {
      const value = a[q.field];
      const values = Array.isArray(value) ? (value.length ? value : ['none']) : [String(value)];
      return {
        key: { text: t(`${M}.questions.${q.slug}.short`) },
        value: { html: values.map((v) => escapeHtml(optionText(t, q, v))).join('<br>') },
        actions: {
          items: [
            {
              href: `${base(request)}/${q.slug}${query}`,
              text: t(`${M}.checkAnswers.change`),
              visuallyHiddenText: t(`${M}.questions.${q.slug}.short`),
            },
          ],
        },
      };
    });
    const last = QUESTIONS.filter((q) => q.applies(a)).at(-1);
    return reply.page(`${V}/check-answers.njk`, {
      pageTitle: t(`${M}.checkAnswers.title`),
      rows,
      answerHref: `${base(request)}/answer${query}`,
      backHref: `${base(request)}/${last?.slug}${query}`,
    });
  });

  app.get<{ Querystring: Query }>('/help/dbs-check/answer', PUBLIC, async (request, reply) => {
    const t = request.t;
    const a = parseAnswers(request.query);
    if (firstUnanswered(a)) return reply.redirect(nextUrl(request, a), 303);
    const policy = groupPolicy(a);
    const result = assessCheck(
      {
        setting: a.setting ?? 'neighbours',
        helps: a.helps ?? 'general-public',
        tasks: a.tasks ?? [],
        frequency: a.frequency ?? 'once',
        supervised: a.supervised === 'yes',
        inSpecifiedEstablishment: a.establishment === 'yes',
      },
      policy ? { groupPolicy: policy } : {},
    );
    const query = answersQuery(a);
    return reply.page(`${V}/answer.njk`, {
      pageTitle: t(`${M}.answer.title`),
      result,
      levelTitle: t(`${M}.levels.${result.level}.title`),
      levelSummary: t(`${M}.levels.${result.level}.summary`),
      legalLevelTitle: t(`${M}.levels.${result.legalLevel}.title`),
      groupRaised: result.level !== result.legalLevel,
      hasGroupPolicy: result.groupPolicyLevel !== undefined,
      reasons: result.reasons.map((r) => ({ text: t(r.key), source: r.source })),
      ruleset: RULESET,
      eligibilityTool: DBS_ELIGIBILITY_TOOL,
      checkAnswersHref: `${base(request)}/check-answers${query}`,
      startAgainHref: base(request),
      backHref: `${base(request)}/check-answers${query}`,
    });
  });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

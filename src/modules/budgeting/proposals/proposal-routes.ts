import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { poundsText } from '../../../lib/money/pounds.js';
import { withApi } from '../../../platform/api/api-doc.js';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { conflictBack } from '../../../platform/http/conflict-page.js';
import { Conflict, Invalid, NotFound } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { formatDate, formatPence } from '../../../platform/i18n/i18n.js';
import { pageOfList, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { can } from '../../../platform/roles/permissions.js';
import { listWards } from '../../wards/ward-service.js';
import { getProcess, MANAGE, type PbProcess } from '../processes/process-service.js';
import { imageRoutes } from './image-routes.js';
import { CATEGORIES, costAmountField, costLabelField, MAX_COST_LINES, STATUSES } from './proposal-input.js';
import {
  adjustCost,
  answerMerge,
  getMerge,
  getProposal,
  listProposals,
  mergesAwaiting,
  OWNER_ONLY,
  PROPOSE,
  type Proposal,
  type ProposalDetail,
  type ProposalFilters,
  proposalFormValues,
  proposalGroupChoices,
  proposalPath,
  proposeMerge,
  recordFeasibility,
  submitProposal,
  updateProposal,
  withdrawProposal,
} from './proposal-service.js';

type SlugParams = { Params: { process: string } };
type NumberParams = { Params: { process: string; proposal: string } };
type MergeParams = { Params: { process: string; merge: string } };
type ListQuery = SlugParams & { Querystring: Record<string, unknown> };
type FormState = { values?: Record<string, string>; errors?: FormError[] };

const V = 'budgeting/proposals/views';
const DONE: Record<string, string> = {
  submitted: 'budgeting.proposals.proposal.submitted',
  saved: 'budgeting.proposals.proposal.saved',
  withdrawn: 'budgeting.proposals.proposal.withdrawnDone',
  checked: 'budgeting.proposals.proposal.checked',
  cost: 'budgeting.proposals.proposal.costChanged',
  merge: 'budgeting.proposals.proposal.mergeSuggested',
  image: 'budgeting.proposals.proposal.imageSaved',
  'image-removed': 'budgeting.proposals.proposal.imageRemoved',
};

function filtersFrom(q: Record<string, unknown>): ProposalFilters {
  const pick = (v: unknown, allowed?: readonly string[]) =>
    typeof v === 'string' && v && v.length <= 80 && (!allowed || allowed.includes(v)) ? v : null;
  return { ward: pick(q.ward), category: pick(q.category, CATEGORIES), status: pick(q.status, STATUSES) };
}

/** A proposal as open data: the same fields in the JSON list and the CSV. Money in pence. */
function proposalJson(placeSlug: string, processSlug: string) {
  return (p: Proposal) => ({
    number: p.number,
    title: p.title,
    summary: p.summary,
    description: p.description,
    status: p.status,
    category: p.category,
    ward_code: p.wardCode,
    ward_name: p.wardName,
    location: p.location,
    group_name: p.group?.name ?? null,
    cost_pence: Number(p.costPence),
    feasibility_reason: p.feasibilityReason,
    checked_at: p.checkedAt,
    merged_into: p.mergedInto,
    image_url: p.image?.url ?? null,
    image_alt: p.image?.alt ?? null,
    created_at: p.createdAt,
    url: proposalPath(placeSlug, processSlug, p.number),
  });
}
const CSV_COLUMNS = [
  'number',
  'title',
  'summary',
  'description',
  'status',
  'category',
  'ward_code',
  'ward_name',
  'location',
  'group_name',
  'cost_pence',
  'feasibility_reason',
  'checked_at',
  'merged_into',
  'image_url',
  'image_alt',
  'created_at',
  'url',
] as const;

/** How many cost lines the form shows: as many as were posted or filled, at least one. */
function lineCount(values: Record<string, string>): number {
  let filled = 0;
  for (let n = 1; n <= MAX_COST_LINES; n++)
    if ((values[costLabelField(n)] ?? '').trim() || (values[costAmountField(n)] ?? '').trim()) filled = n;
  const asked = Number(values.lines);
  const shown = Number.isInteger(asked) ? asked : 1;
  return Math.min(MAX_COST_LINES, Math.max(1, filled, shown));
}

function flatStrings(body: unknown): Record<string, string> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );
}

/** Proposals: the public list and pages, open data, the author's journey and officers' forms. */
export async function proposalRoutes(app: FastifyInstance) {
  await app.register(imageRoutes);
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const money = (request: FastifyRequest, pence: bigint) => formatPence(Number(pence), request.lang);
  const base = (request: FastifyRequest, slug: string) => `/${requirePlace(request).slug}/budgets/${slug}`;
  const pageOf = (request: FastifyRequest, slug: string, number: number) =>
    proposalPath(requirePlace(request).slug, slug, number);

  /** Where a change refused because of where the process or proposal is leads back to. */
  const backOnConflict = (request: FastifyRequest, href: string) =>
    conflictBack(request, href, 'budgeting.proposals.proposal.back');

  /** Runs a write; an Invalid goes back to the form, a Conflict's page leads back to `back`. */
  async function attempt(
    request: FastifyRequest,
    back: string,
    write: () => Promise<unknown>,
    onInvalid: (errors: FormError[]) => unknown,
  ): Promise<{ done: true } | { done: false; sent: unknown }> {
    backOnConflict(request, back);
    try {
      await write();
      return { done: true };
    } catch (error) {
      if (error instanceof Invalid) return { done: false, sent: onInvalid(formErrorsFrom(error, request.t)) };
      throw error;
    }
  }

  // --- The list and open data -------------------------------------------------------------

  app.get<ListQuery>('/budgets/:process/proposals', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const process = await getProcess(c, request.params.process);
    const filters = filtersFrom(request.query);
    const [items, wards, awaiting] = await Promise.all([
      listProposals(c, process.slug, filters),
      listWards(c),
      mergesAwaiting(c, process.slug),
    ]);
    const select = (
      all: string,
      options: { value: string; text: string }[],
      chosen: string | null | undefined,
    ) => [{ value: '', text: all }, ...options.map((o) => ({ ...o, selected: o.value === chosen }))];
    const query = new URLSearchParams(
      Object.entries(filters).filter((e): e is [string, string] => typeof e[1] === 'string'),
    ).toString();
    return reply.page(`${V}/list.njk`, {
      pageTitle: t('budgeting.proposals.list.title', { process: process.title }),
      process,
      items: items.map((p) => ({ ...p, cost: money(request, p.costPence) })),
      wardItems: select(
        t('budgeting.proposals.list.anyWard'),
        wards.map((w) => ({ value: w.slug, text: w.name })),
        filters.ward,
      ),
      categoryItems: select(
        t('budgeting.proposals.list.anyCategory'),
        CATEGORIES.map((k) => ({ value: k, text: t(`budgeting.proposals.categories.${k}`) })),
        filters.category,
      ),
      statusItems: select(
        t('budgeting.proposals.list.anyStatus'),
        STATUSES.map((k) => ({ value: k, text: t(`budgeting.proposals.statuses.${k}`) })),
        filters.status,
      ),
      canPropose:
        can(c.actor, PROPOSE) && !process.lockedAt && ['ideas', 'proposals'].includes(process.phase),
      canManage: can(c.actor, MANAGE),
      awaiting,
      query: query ? `?${query}` : '',
    });
  });

  async function listJson(request: FastifyRequest<ListQuery>) {
    const c = ctx(request);
    const process = await getProcess(c, request.params.process);
    const items = await listProposals(c, process.slug, filtersFrom(request.query));
    return items.map(proposalJson(c.place.slug, process.slug));
  }

  app.get<ListQuery>(
    '/api/budgets/:process/proposals',
    withApi(PUBLIC, {
      summaryKey: 'api.docs.summaries.proposals',
      paged: true,
      query: z.object({
        ward: z.string().max(80).optional().describe('api.docs.params.ward'),
        category: z.enum(CATEGORIES).optional().describe('api.docs.params.proposalCategory'),
        status: z.enum(STATUSES).optional().describe('api.docs.params.proposalStatus'),
      }),
    }),
    async (request, reply) => sendOpenJson(reply, pageOfList(request, await listJson(request))),
  );

  const csv = async (request: FastifyRequest<ListQuery>, reply: FastifyReply) =>
    sendCsv(
      reply,
      `${requirePlace(request).slug}-${request.params.process}-proposals.csv`,
      [...CSV_COLUMNS],
      await listJson(request),
    );
  app.get<ListQuery>('/budgets/:process/proposals.csv', PUBLIC, csv);
  app.get<ListQuery>('/api/budgets/:process/proposals.csv', PUBLIC, csv);

  app.get<NumberParams>('/api/budgets/:process/proposals/:proposal', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const p = await getProposal(c, request.params.process, request.params.proposal);
    return sendOpenJson(reply, {
      ...proposalJson(c.place.slug, request.params.process)(p),
      mine: undefined,
      costs: p.costs.map((l) => ({ label: l.label, amount_pence: Number(l.pence) })),
      proposed_pence: Number(p.proposedPence),
      cost_changes: p.costChanges.map((h) => ({
        before_pence: Number(h.beforePence),
        after_pence: Number(h.afterPence),
        reason: h.reason,
        changed_at: h.changedAt,
      })),
      merges: p.merges.map((m) => ({
        from: m.from.number,
        into: m.into.number,
        reason: m.reason,
        status: m.status,
        created_at: m.createdAt,
        decided_at: m.decidedAt,
      })),
    });
  });

  // --- Putting a proposal forward, and changing it ----------------------------------------

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    process: PbProcess,
    state: FormState & { proposal?: ProposalDetail },
  ) {
    const t = request.t;
    const c = ctx(request);
    const values = state.values ?? {};
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const [wards, groups] = await Promise.all([listWards(c), proposalGroupChoices(c)]);
    const count = lineCount(values);
    const lines = Array.from({ length: count }, (_, i) => ({
      n: i + 1,
      label: values[costLabelField(i + 1)] ?? '',
      amount: values[costAmountField(i + 1)] ?? '',
      labelField: costLabelField(i + 1),
      amountField: costAmountField(i + 1),
    }));
    const p = state.proposal;
    return reply.page(`${V}/form.njk`, {
      pageTitle: p
        ? t('budgeting.proposals.form.editTitle', { number: p.number })
        : t('budgeting.proposals.form.newTitle'),
      process,
      proposal: p ?? null,
      action: p
        ? `${pageOf(request, process.slug, p.number)}/edit`
        : `${base(request, process.slug)}/proposals`,
      back: p ? pageOf(request, process.slug, p.number) : `${base(request, process.slug)}/proposals`,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values,
      lines,
      lineCount: count,
      canAddLine: count < MAX_COST_LINES,
      costsFixed: p?.costAdjusted ?? false,
      currentCost: p ? money(request, p.costPence) : '',
      budget: money(request, process.budgetPence),
      categoryItems: CATEGORIES.map((k) => ({
        value: k,
        text: t(`budgeting.proposals.categories.${k}`),
        checked: values.category === k,
      })),
      wardItems: [
        { value: '', text: t('budgeting.proposals.form.noWard') },
        ...wards.map((w) => ({ value: w.slug, text: w.name, selected: values.ward === w.slug })),
      ],
      wardOnly: process.wardName,
      groupItems: groups.length
        ? [
            { value: '', text: t('budgeting.proposals.form.groupSelf'), checked: !values.group },
            ...groups.map((g) => ({ value: g.id, text: g.name, checked: values.group === g.id })),
          ]
        : [],
    });
  }

  /** The form's "add another cost line" button: the same form again, one line longer. */
  const addingLine = (values: Record<string, string>) => values.action === 'add-line';
  const withExtraLine = (values: Record<string, string>) => ({
    ...values,
    lines: String(Math.min(MAX_COST_LINES, lineCount(values) + 1)),
  });

  app.get<SlugParams>('/budgets/:process/proposals/new', needs(PROPOSE), async (request, reply) => {
    const process = await getProcess(ctx(request), request.params.process);
    return formPage(request, reply, process, { values: { lines: '3' } });
  });

  app.post<SlugParams>(
    '/budgets/:process/proposals',
    { ...needs(PROPOSE), ...csrf },
    async (request, reply) => {
      const c = ctx(request);
      const process = await getProcess(c, request.params.process);
      const values = flatStrings(request.body);
      if (addingLine(values)) return formPage(request, reply, process, { values: withExtraLine(values) });
      let number = 0;
      const outcome = await attempt(
        request,
        `${base(request, process.slug)}/proposals`,
        async () => {
          number = await submitProposal(c, process.slug, values);
        },
        (errors) => formPage(request, reply, process, { values, errors }),
      );
      if (!outcome.done) return outcome.sent;
      return reply.redirect(`${pageOf(request, process.slug, number)}?done=submitted`, 303);
    },
  );

  app.get<NumberParams & { Querystring: { done?: string } }>(
    '/budgets/:process/proposals/:proposal',
    PUBLIC,
    async (request, reply) => {
      const c = ctx(request);
      const t = request.t;
      const process = await getProcess(c, request.params.process);
      const p = await getProposal(c, process.slug, request.params.proposal);
      const done = DONE[request.query.done ?? ''];
      const officer = can(c.actor, MANAGE);
      const open = !process.lockedAt && ['ideas', 'proposals', 'feasibility'].includes(process.phase);
      const active = ['submitted', 'feasible', 'not-feasible'].includes(p.status);
      return reply.page(`${V}/proposal.njk`, {
        pageTitle: p.title,
        process,
        p,
        url: pageOf(request, process.slug, p.number),
        listUrl: `${base(request, process.slug)}/proposals`,
        cost: money(request, p.costPence),
        proposed: money(request, p.proposedPence),
        paragraphs: p.description
          .split(/\n+/)
          .map((s) => s.trim())
          .filter(Boolean),
        breakdownRows: [
          ...p.costs.map((l) => [{ text: l.label }, { text: money(request, l.pence), format: 'numeric' }]),
          [
            { text: t('budgeting.proposals.proposal.breakdownTotal'), classes: 'govuk-!-font-weight-bold' },
            { text: money(request, p.proposedPence), format: 'numeric', classes: 'govuk-!-font-weight-bold' },
          ],
        ],
        history: p.costChanges,
        historyRows: p.costChanges.map((h) => [
          { text: formatDate(h.changedAt, request.lang) },
          { text: money(request, h.beforePence), format: 'numeric' },
          { text: money(request, h.afterPence), format: 'numeric' },
          { text: h.reason },
        ]),
        mergedIntoUrl: p.mergedInto ? pageOf(request, process.slug, p.mergedInto) : null,
        notice: done ? t(done, { number: p.number }) : null,
        canEdit: p.editable,
        canWithdraw: p.mine && open && active,
        canImage: open && active && (officer || p.editable),
        officer: officer && open && active,
        mergeBase: `${base(request, process.slug)}/merges`,
      });
    },
  );

  async function authorsProposal(request: FastifyRequest<NumberParams>) {
    const c = ctx(request);
    const process = await getProcess(c, request.params.process);
    const p = await getProposal(c, process.slug, request.params.proposal);
    return { process, p };
  }

  app.get<NumberParams>(
    '/budgets/:process/proposals/:proposal/edit',
    needs(PROPOSE),
    async (request, reply) => {
      const { process, p } = await authorsProposal(request);
      if (!p.editable) {
        if (!p.mine) throw new NotFound(OWNER_ONLY);
        backOnConflict(request, pageOf(request, process.slug, p.number));
        throw new Conflict(
          process.lockedAt ? 'budgeting.proposals.errors.locked' : 'budgeting.proposals.errors.notEditable',
        );
      }
      const ward =
        p.wardCode && !process.wardCode
          ? (await listWards(ctx(request))).find((w) => w.code === p.wardCode)
          : null;
      return formPage(request, reply, process, {
        proposal: p,
        values: proposalFormValues(p, ward?.slug ?? ''),
      });
    },
  );

  app.post<NumberParams>(
    '/budgets/:process/proposals/:proposal/edit',
    { ...needs(PROPOSE), ...csrf },
    async (request, reply) => {
      const { process, p } = await authorsProposal(request);
      const values = flatStrings(request.body);
      if (addingLine(values))
        return formPage(request, reply, process, { proposal: p, values: withExtraLine(values) });
      const url = pageOf(request, process.slug, p.number);
      const outcome = await attempt(
        request,
        url,
        () => updateProposal(ctx(request), process.slug, p.number, values),
        (errors) => formPage(request, reply, process, { proposal: p, values, errors }),
      );
      if (!outcome.done) return outcome.sent;
      return reply.redirect(`${url}?done=saved`, 303);
    },
  );

  app.get<NumberParams>(
    '/budgets/:process/proposals/:proposal/withdraw',
    needs(PROPOSE),
    async (request, reply) => {
      const { process, p } = await authorsProposal(request);
      const url = pageOf(request, process.slug, p.number);
      return reply.page(`${V}/withdraw.njk`, {
        pageTitle: request.t('budgeting.proposals.withdraw.title', { number: p.number }),
        p,
        action: `${url}/withdraw`,
        back: url,
        csrfToken: reply.generateCsrf(),
      });
    },
  );

  app.post<NumberParams>(
    '/budgets/:process/proposals/:proposal/withdraw',
    { ...needs(PROPOSE), ...csrf },
    async (request, reply) => {
      const { process, p } = await authorsProposal(request);
      const url = pageOf(request, process.slug, p.number);
      const outcome = await attempt(
        request,
        url,
        () => withdrawProposal(ctx(request), process.slug, p.number),
        () => reply.redirect(url, 303),
      );
      if (!outcome.done) return outcome.sent;
      return reply.redirect(`${url}?done=withdrawn`, 303);
    },
  );

  // --- Officers: feasibility, cost, merges -----------------------------------------------

  /** One of the officers' small forms about one proposal. */
  function officerForm(
    kind: 'feasibility' | 'cost',
    write: typeof recordFeasibility,
    fieldsOf: (body: Record<string, string>) => Record<string, string>,
    done: string,
  ) {
    const page = async (
      request: FastifyRequest<NumberParams>,
      reply: FastifyReply,
      state: FormState = {},
    ) => {
      const { process, p } = await authorsProposal(request);
      const errors = state.errors ?? [];
      if (errors.length) reply.code(422);
      const values =
        state.values ??
        (kind === 'feasibility'
          ? {
              feasible: p.status === 'feasible' ? 'yes' : p.status === 'not-feasible' ? 'no' : '',
              reason: p.feasibilityReason,
            }
          : { pounds: poundsText(p.costPence), reason: '' });
      return reply.page(`${V}/${kind}.njk`, {
        pageTitle: request.t(`budgeting.proposals.${kind}.title`, { number: p.number }),
        p,
        current: money(request, p.costPence),
        action: `${pageOf(request, process.slug, p.number)}/${kind}`,
        back: pageOf(request, process.slug, p.number),
        csrfToken: reply.generateCsrf(),
        errors,
        fieldErrors: errorsByField(errors),
        values,
      });
    };
    app.get<NumberParams>(`/budgets/:process/proposals/:proposal/${kind}`, needs(MANAGE), (request, reply) =>
      page(request, reply),
    );
    app.post<NumberParams>(
      `/budgets/:process/proposals/:proposal/${kind}`,
      { ...needs(MANAGE), ...csrf },
      async (request, reply) => {
        const values = flatStrings(request.body);
        const url = pageOf(request, request.params.process, Number(request.params.proposal));
        const outcome = await attempt(
          request,
          url,
          () => write(ctx(request), request.params.process, request.params.proposal, fieldsOf(values)),
          (errors) => page(request, reply, { values, errors }),
        );
        if (!outcome.done) return outcome.sent;
        return reply.redirect(`${url}?done=${done}`, 303);
      },
    );
  }
  officerForm(
    'feasibility',
    recordFeasibility,
    (v) => ({ feasible: v.feasible ?? '', reason: v.reason ?? '' }),
    'checked',
  );
  officerForm('cost', adjustCost, (v) => ({ pounds: v.pounds ?? '', reason: v.reason ?? '' }), 'cost');

  async function mergePage(request: FastifyRequest<SlugParams>, reply: FastifyReply, state: FormState = {}) {
    const process = await getProcess(ctx(request), request.params.process);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    return reply.page(`${V}/merge.njk`, {
      pageTitle: request.t('budgeting.proposals.merge.title'),
      process,
      action: `${base(request, process.slug)}/merges`,
      back: `${base(request, process.slug)}/proposals`,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values: state.values ?? {},
    });
  }

  app.get<SlugParams & { Querystring: { from?: string } }>(
    '/budgets/:process/merges/new',
    needs(MANAGE),
    (request, reply) =>
      mergePage(request, reply, {
        values: { from: typeof request.query.from === 'string' ? request.query.from.slice(0, 6) : '' },
      }),
  );

  app.post<SlugParams>('/budgets/:process/merges', { ...needs(MANAGE), ...csrf }, async (request, reply) => {
    const values = flatStrings(request.body);
    const slug = request.params.process;
    const outcome = await attempt(
      request,
      `${base(request, slug)}/proposals`,
      () =>
        proposeMerge(ctx(request), slug, {
          from: values.from ?? '',
          into: values.into ?? '',
          reason: values.reason ?? '',
        }),
      (errors) => mergePage(request, reply, { values, errors }),
    );
    if (!outcome.done) return outcome.sent;
    const from = Number(values.from);
    return reply.redirect(`${pageOf(request, slug, from)}?done=merge`, 303);
  });

  async function answerPage(
    request: FastifyRequest<MergeParams & { Querystring: { done?: string } }>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const c = ctx(request);
    const process = await getProcess(c, request.params.process);
    const merge = await getMerge(c, request.params.merge);
    if (merge.processSlug !== process.slug) throw new NotFound('No such merge');
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const done = request.query?.done;
    return reply.page(`${V}/answer.njk`, {
      pageTitle: request.t('budgeting.proposals.answer.title', {
        from: merge.from.number,
        into: merge.into.number,
      }),
      merge,
      fromUrl: pageOf(request, process.slug, merge.from.number),
      intoUrl: pageOf(request, process.slug, merge.into.number),
      action: `${base(request, process.slug)}/merges/${merge.id}`,
      back: `${base(request, process.slug)}/proposals`,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      notice:
        done && ['agreed', 'declined', 'pending'].includes(done)
          ? request.t(`budgeting.proposals.answer.done-${done}`)
          : null,
    });
  }

  app.get<MergeParams & { Querystring: { done?: string } }>(
    '/budgets/:process/merges/:merge',
    needs(PROPOSE),
    (request, reply) => answerPage(request, reply),
  );

  app.post<MergeParams>(
    '/budgets/:process/merges/:merge',
    { ...needs(PROPOSE), ...csrf },
    async (request, reply) => {
      const values = flatStrings(request.body);
      const url = `${base(request, request.params.process)}/merges/${request.params.merge}`;
      if (values.agree !== 'yes' && values.agree !== 'no') {
        return answerPage(
          request as FastifyRequest<MergeParams & { Querystring: { done?: string } }>,
          reply,
          {
            errors: [
              { field: 'agree', text: request.t('budgeting.proposals.errors.answerMissing'), href: '#agree' },
            ],
          },
        );
      }
      let status = 'pending';
      const outcome = await attempt(
        request,
        url,
        async () => {
          status = await answerMerge(ctx(request), request.params.merge, values.agree === 'yes');
        },
        () => reply.redirect(url, 303),
      );
      if (!outcome.done) return outcome.sent;
      return reply.redirect(`${url}?done=${status}`, 303);
    },
  );
}

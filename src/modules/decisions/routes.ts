import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fileSizeText } from '../../lib/file-kind/file-kind.js';
import { poundsText } from '../../lib/money/pounds.js';
import { withApi } from '../../platform/api/api-doc.js';
import { needs, PUBLIC, SIGNED_IN } from '../../platform/http/access.js';
import { Conflict, Invalid } from '../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom } from '../../platform/http/forms.js';
import { pageNumbers } from '../../platform/http/pagination.js';
import { requirePlace, serviceContext, siteUrl } from '../../platform/http/request-context.js';
import { formatDate, formatDateTime, formatPence } from '../../platform/i18n/i18n.js';
import { siteOf } from '../../platform/module-definition.js';
import { paged, pageRequest, sendCsv, sendOpenJson } from '../../platform/opendata/formats.js';
import { listWards } from '../wards/ward-service.js';
import { addComment, commentsOn } from './comment-service.js';
import { CSV_COLUMNS, decisionJson, summaryRow } from './decision-data.js';
import {
  CO_PRODUCIBLE,
  CONSTRAINT_KINDS,
  DECIDERS,
  KINDS,
  LINK_KINDS,
  ListFilters,
  MAX_BACKGROUND,
  MAX_LONG,
  MAX_SHORT,
  NEXT,
  PUBLIC_STATUSES,
  STATUSES,
} from './decision-input.js';
import {
  addPart,
  createDecision,
  type Decision,
  decisionPath,
  followDecision,
  formValues,
  getDecision,
  getOption,
  isManager,
  listDecisions,
  moveStatus,
  type PartKind,
  removePart,
  unfollowDecision,
  updateDecision,
  updateOption,
} from './decision-service.js';
import { evidenceRoutes } from './evidence-routes.js';
import { MAX_EVIDENCE_BYTES } from './evidence-service.js';

type DecisionParams = { Params: { decision: string } };
type State = { values?: Record<string, string>; errors?: FormError[] };
type Req = FastifyRequest<DecisionParams>;

const V = 'decisions/views';
const M = 'decisions';
const PER_PAGE = 20;

/** A posted form's string fields only (anything odd is left out). */
function strings(body: unknown): Record<string, string> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );
}

/** A London date (`YYYY-MM-DD`) as people read it; noon, so no time zone moves the day. */
const dayText = (day: string | null, lang: FastifyRequest['lang']) =>
  day ? formatDate(new Date(`${day}T12:00:00Z`), lang) : null;

/** The parts officers add from the manage page, by the path their form posts to. */
const PART_PATHS: [string, PartKind][] = [
  ['options', 'option'],
  ['constraints', 'constraint'],
  ['evidence', 'evidence'],
  ['links', 'link'],
  ['responses', 'response'],
];

export async function decisionsRoutes(app: FastifyInstance) {
  await app.register(evidenceRoutes);
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  /** Open data is what a visitor sees, whoever asks: never an officer's drafts. */
  const publicCtx = (request: FastifyRequest) => ({ ...ctx(request), actor: null });
  const manage = { ...needs('decisions.manage'), ...csrf };

  function deciderText(request: FastifyRequest, d: { deciderKind: string; deciderName: string }) {
    const kind = request.t(`${M}.deciders.${d.deciderKind}`);
    return d.deciderName ? `${kind}: ${d.deciderName}` : kind;
  }

  function summaryView(
    request: FastifyRequest,
    d: Awaited<ReturnType<typeof listDecisions>>['items'][number],
  ) {
    return {
      ...d,
      statusText: request.t(`${M}.statuses.${d.status}`),
      kindText: request.t(`${M}.kinds.${d.kind}`),
      deciderText: deciderText(request, d),
      dueText: dayText(d.dueOn, request.lang),
      closesText: dayText(d.inputClosesOn, request.lang),
    };
  }

  // --- The log ----------------------------------------------------------------------------------

  app.get('/decisions', PUBLIC, async (request, reply) => {
    const t = request.t;
    const place = requirePlace(request);
    const q = request.query as Record<string, unknown>;
    const filters = ListFilters.parse({
      status: typeof q.status === 'string' && q.status ? q.status : undefined,
      kind: typeof q.kind === 'string' && q.kind ? q.kind : undefined,
      ward: typeof q.ward === 'string' && q.ward ? q.ward : undefined,
      sort: typeof q.sort === 'string' ? q.sort : undefined,
    });
    const pageNo = Math.min(Math.max(1, Number.parseInt(String(q.page ?? '1'), 10) || 1), 100_000);
    const c = ctx(request);
    const { items, total } = await listDecisions(c, filters, {
      limit: PER_PAGE,
      offset: (pageNo - 1) * PER_PAGE,
    });
    const wards = await listWards(c);
    const manager = isManager(c);
    const totalPages = Math.max(1, Math.ceil(total / PER_PAGE));
    const query = (page: number) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(filters))
        if (v && !(k === 'sort' && v === 'newest')) params.set(k, v);
      if (page > 1) params.set('page', String(page));
      const s = params.toString();
      return `/${place.slug}/decisions${s ? `?${s}` : ''}`;
    };
    const statuses = manager ? STATUSES : PUBLIC_STATUSES;
    return reply.page(`${V}/list.njk`, {
      pageTitle: t(`${M}.list.title`),
      decisions: items.map((d) => summaryView(request, d)),
      total,
      manager,
      newUrl: `/${place.slug}/decisions/new`,
      csvUrl: `/${place.slug}/decisions.csv`,
      jsonUrl: `/${place.slug}/api/decisions`,
      action: `/${place.slug}/decisions`,
      statusItems: [
        { value: '', text: t(`${M}.list.any`) },
        ...statuses.map((s) => ({ value: s, text: t(`${M}.statuses.${s}`), selected: filters.status === s })),
      ],
      kindItems: [
        { value: '', text: t(`${M}.list.any`) },
        ...KINDS.map((k) => ({ value: k, text: t(`${M}.kinds.${k}`), selected: filters.kind === k })),
      ],
      wardItems: [
        { value: '', text: t(`${M}.list.anyWard`) },
        ...wards.map((w) => ({ value: w.slug, text: w.name, selected: filters.ward === w.slug })),
      ],
      sortItems: [
        { value: 'newest', text: t(`${M}.list.sortNewest`), selected: filters.sort === 'newest' },
        { value: 'due', text: t(`${M}.list.sortDue`), selected: filters.sort === 'due' },
      ],
      pagination:
        totalPages > 1
          ? {
              ...(pageNo > 1 ? { previous: { href: query(pageNo - 1) } } : {}),
              ...(pageNo < totalPages ? { next: { href: query(pageNo + 1) } } : {}),
              items: pageNumbers(pageNo, totalPages).map((n) =>
                n === null ? { ellipsis: true } : { number: n, href: query(n), current: n === pageNo },
              ),
            }
          : null,
    });
  });

  function apiFilters(request: FastifyRequest) {
    const q = request.query as Record<string, unknown>;
    const pick = (k: string) => (typeof q[k] === 'string' && q[k] ? (q[k] as string) : undefined);
    return ListFilters.parse({
      status: pick('status'),
      kind: pick('kind'),
      ward: pick('ward'),
      sort: pick('sort'),
    });
  }

  app.get(
    '/api/decisions',
    withApi(PUBLIC, {
      summaryKey: 'api.docs.summaries.decisions',
      paged: true,
      query: ListFilters.extend({
        status: ListFilters.shape.status.describe('api.docs.params.decisionStatus'),
        kind: ListFilters.shape.kind.describe('api.docs.params.decisionKind'),
        ward: ListFilters.shape.ward.describe('api.docs.params.ward'),
        sort: ListFilters.shape.sort.describe('api.docs.params.sort'),
      }),
    }),
    async (request, reply) => {
      const p = pageRequest(request);
      const { items, total } = await listDecisions(publicCtx(request), apiFilters(request), {
        limit: p.perPage,
        offset: p.offset,
      });
      const base = siteUrl(request);
      return sendOpenJson(
        reply,
        paged(
          request,
          items.map((d) => summaryRow(d, base)),
          total,
          p,
        ),
      );
    },
  );

  app.get('/decisions.csv', PUBLIC, async (request, reply) => {
    const { items } = await listDecisions(publicCtx(request), apiFilters(request), {
      limit: 100_000,
      offset: 0,
    });
    const base = siteUrl(request);
    return sendCsv(
      reply,
      'decisions.csv',
      CSV_COLUMNS,
      items.map((d) => summaryRow(d, base)),
    );
  });

  app.get<DecisionParams>('/api/decisions/:decision', PUBLIC, async (request, reply) => {
    const d = await getDecision(publicCtx(request), request.params.decision);
    return sendOpenJson(reply, decisionJson(d, siteUrl(request)));
  });

  // --- A decision's page ------------------------------------------------------------------------

  function decisionView(request: FastifyRequest, d: Decision) {
    const t = request.t;
    const chosen = d.options.find((o) => o.id === d.chosenOptionId) ?? null;
    return {
      ...d,
      statusText: t(`${M}.statuses.${d.status}`),
      kindText: t(`${M}.kinds.${d.kind}`),
      deciderText: deciderText(request, d),
      dueText: dayText(d.dueOn, request.lang),
      closesText: dayText(d.inputClosesOn, request.lang),
      decidedText: dayText(d.decidedOn, request.lang),
      reviewedText: dayText(d.reviewedOn, request.lang),
      chosen,
      options: d.options.map((o) => ({
        ...o,
        costText: o.costPence === null ? null : formatPence(o.costPence, request.lang),
        chosen: o.id === d.chosenOptionId,
      })),
      constraints: d.constraints.map((c) => ({ ...c, kindText: t(`${M}.constraintKinds.${c.kind}`) })),
      links: d.links.map((l) => ({ ...l, kindText: t(`${M}.linkKinds.${l.kind}`) })),
      evidence: d.evidence.map((e) => ({
        ...e,
        href: e.url ?? `${d.url}/evidence/${e.id}`,
        sizeText: e.sizeBytes === null ? null : t(`${M}.page.pdf`, { size: fileSizeText(e.sizeBytes) }),
      })),
      timeline: d.timeline
        .filter((x) => x.to !== 'draft' || d.viewer.manager)
        .map((x) => ({ text: t(`${M}.timeline.${x.to}`), when: formatDate(x.at, request.lang) })),
    };
  }

  async function decisionPage(
    request: FastifyRequest<DecisionParams & { Querystring: { done?: string } }>,
    reply: FastifyReply,
    state: State = {},
  ) {
    const c = ctx(request);
    const place = requirePlace(request);
    const d = await getDecision(c, request.params.decision);
    const comments = await commentsOn(c, d);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const done = request.query?.done;
    return reply.page(`${V}/decision.njk`, {
      pageTitle: d.title,
      d: decisionView(request, d),
      comments: comments.map((cm) => ({ ...cm, when: formatDateTime(cm.createdAt, request.lang) })),
      notice:
        done && ['followed', 'unfollowed', 'comment', 'comment-pending', 'saved', 'moved'].includes(done)
          ? request.t(`${M}.done.${done}`)
          : null,
      csrfToken: request.session ? reply.generateCsrf() : '',
      errors,
      fieldErrors: errorsByField(errors),
      values: state.values ?? {},
      maxComment: MAX_SHORT,
      listUrl: `/${place.slug}/decisions`,
      manageUrl: `${d.url}/manage`,
      signInUrl: `/account/sign-in?return=${encodeURIComponent(d.url)}`,
      reportBase: `/${place.slug}/report?item=`,
      rulesUrl: `/${place.slug}/rules`,
    });
  }

  app.get<DecisionParams & { Querystring: { done?: string } }>(
    '/decisions/:decision',
    PUBLIC,
    (request, reply) => decisionPage(request, reply),
  );

  for (const [path, action, done] of [
    ['follow', followDecision, 'followed'],
    ['unfollow', unfollowDecision, 'unfollowed'],
  ] as const)
    app.post<DecisionParams>(
      `/decisions/:decision/${path}`,
      { ...SIGNED_IN, ...csrf },
      async (request, reply) => {
        await action(ctx(request), request.params.decision);
        return reply.redirect(
          `${decisionPath(requirePlace(request).slug, request.params.decision)}?done=${done}`,
          303,
        );
      },
    );

  app.post<DecisionParams>(
    '/decisions/:decision/comments',
    { ...SIGNED_IN, ...csrf },
    async (request, reply) => {
      const values = strings(request.body);
      const place = requirePlace(request);
      let added: Awaited<ReturnType<typeof addComment>>;
      try {
        added = await addComment(ctx(request), request.params.decision, values, {
          ip: request.ip,
          honeypot: values.website_url,
        });
      } catch (error) {
        if (error instanceof Conflict) {
          // Closed for comment: a page that says so and where to go, not a bare error.
          reply.code(409);
          return reply.page(`${V}/closed.njk`, {
            pageTitle: request.t(`${M}.closed.title`),
            decisionUrl: decisionPath(place.slug, request.params.decision),
          });
        }
        if (!(error instanceof Invalid)) throw error;
        return decisionPage(request as FastifyRequest<DecisionParams & { Querystring: object }>, reply, {
          values,
          errors: formErrorsFrom(error, request.t),
        });
      }
      const url = decisionPath(place.slug, request.params.decision);
      if (!added) return reply.redirect(url, 303);
      const done = added.status === 'published' ? 'comment' : 'comment-pending';
      return reply.redirect(`${url}?done=${done}#comment-${added.id}`, 303);
    },
  );

  // --- Officers: the decision itself ------------------------------------------------------------

  async function decisionForm(
    request: FastifyRequest,
    reply: FastifyReply,
    d: Decision | null,
    state: State = {},
  ) {
    const t = request.t;
    const place = requirePlace(request);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const values = state.values ?? (d ? formValues(d) : { kind: 'ordinary', deciderKind: 'cabinet' });
    const wards = await listWards(ctx(request));
    return reply.page(`${V}/form.njk`, {
      pageTitle: t(d ? `${M}.form.editTitle` : `${M}.form.newTitle`),
      action: d ? `${d.url}/edit` : `/${place.slug}/decisions/new`,
      back: d ? `${d.url}/manage` : `/${place.slug}/decisions`,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      dueOnError: errorsByField(errors).dueOn,
      values,
      maxBackground: MAX_BACKGROUND,
      kindItems: KINDS.map((k) => ({
        value: k,
        text: t(`${M}.kinds.${k}`),
        hint: { text: t(`${M}.kindHints.${k}`) },
        checked: values.kind === k,
      })),
      deciderItems: DECIDERS.map((k) => ({
        value: k,
        text: t(`${M}.deciders.${k}`),
        checked: values.deciderKind === k,
      })),
      wardItems: [
        { value: '', text: t(`${M}.form.wholePlace`) },
        ...wards.map((w) => ({ value: w.slug, text: w.name, selected: values.ward === w.slug })),
      ],
      coProducibleText: CO_PRODUCIBLE.map((k) => t(`${M}.kinds.${k}`)).join(', '),
    });
  }

  app.get('/decisions/new', needs('decisions.manage'), (request, reply) =>
    decisionForm(request, reply, null),
  );

  app.post('/decisions/new', manage, async (request, reply) => {
    const values = strings(request.body);
    try {
      const id = await createDecision(ctx(request), values);
      return reply.redirect(`${decisionPath(requirePlace(request).slug, id)}/manage?done=created`, 303);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return decisionForm(request, reply, null, { values, errors: formErrorsFrom(error, request.t) });
    }
  });

  app.get<DecisionParams>('/decisions/:decision/edit', needs('decisions.manage'), async (request, reply) =>
    decisionForm(request, reply, await getDecision(ctx(request), request.params.decision)),
  );

  app.post<DecisionParams>('/decisions/:decision/edit', manage, async (request, reply) => {
    const values = strings(request.body);
    const c = ctx(request);
    try {
      await updateDecision(c, request.params.decision, values);
      return reply.redirect(
        `${decisionPath(requirePlace(request).slug, request.params.decision)}/manage?done=saved`,
        303,
      );
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      const d = await getDecision(c, request.params.decision);
      return decisionForm(request, reply, d, { values, errors: formErrorsFrom(error, request.t) });
    }
  });

  // --- Officers: the manage page with its small forms ---------------------------------------------

  async function managePage(
    request: FastifyRequest<DecisionParams>,
    reply: FastifyReply,
    state: State & { form?: PartKind } = {},
  ) {
    const t = request.t;
    const d = await getDecision(ctx(request), request.params.decision);
    // The small forms share field names, so their ids (and the error summary's links) carry the form's name.
    const prefixed = state.form === 'constraint' || state.form === 'evidence' || state.form === 'link';
    const errors = (state.errors ?? []).map((e) =>
      prefixed ? { ...e, href: `#${state.form}-${e.field}` } : e,
    );
    if (errors.length) reply.code(422);
    const done = (request.query as { done?: string } | undefined)?.done;
    const next = NEXT[d.status];
    // Each small form keeps its own values and errors: only the one posted gets them back.
    const formState = (kind: PartKind) =>
      state.form === kind
        ? { values: state.values ?? {}, fieldErrors: errorsByField(errors) }
        : { values: {}, fieldErrors: {} };
    return reply.page(`${V}/manage.njk`, {
      pageTitle: t(`${M}.manage.title`),
      d: decisionView(request, d),
      notice:
        done && ['created', 'saved', 'added', 'removed', 'moved'].includes(done)
          ? t(`${M}.done.${done}`)
          : null,
      csrfToken: reply.generateCsrf(),
      errors,
      forms: {
        option: formState('option'),
        constraint: formState('constraint'),
        evidence: formState('evidence'),
        link: formState('link'),
        response: formState('response'),
      },
      maxLong: MAX_LONG,
      maxUpload: fileSizeText(MAX_EVIDENCE_BYTES),
      constraintItems: CONSTRAINT_KINDS.map((k) => ({
        value: k,
        text: t(`${M}.constraintKinds.${k}`),
        checked: formState('constraint').values.kind === k,
      })),
      linkItems: LINK_KINDS.map((k) => ({
        value: k,
        text: t(`${M}.linkKinds.${k}`),
        checked: formState('link').values.kind === k,
      })),
      moves: next.map((to) => ({
        to,
        text: t(`${M}.manage.move.${to}`),
        href:
          to === 'upcoming'
            ? null
            : `${d.url}/${to === 'open' ? 'open' : to === 'made' ? 'record' : 'review'}`,
      })),
      youSaidNeeded: Boolean(d.openedAt) && !d.responses.length && next.includes('made'),
    });
  }

  app.get<DecisionParams>('/decisions/:decision/manage', needs('decisions.manage'), (request, reply) =>
    managePage(request, reply),
  );

  for (const [path, kind] of PART_PATHS)
    app.post<DecisionParams>(`/decisions/:decision/${path}`, manage, async (request, reply) => {
      const values = strings(request.body);
      try {
        await addPart(ctx(request), request.params.decision, kind, values);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        return managePage(request, reply, { form: kind, values, errors: formErrorsFrom(error, request.t) });
      }
      return reply.redirect(
        `${decisionPath(requirePlace(request).slug, request.params.decision)}/manage?done=added#${path}`,
        303,
      );
    });

  app.post<DecisionParams>('/decisions/:decision/remove', manage, async (request, reply) => {
    const values = strings(request.body);
    await removePart(ctx(request), request.params.decision, values.part, values.id, app.files);
    return reply.redirect(
      `${decisionPath(requirePlace(request).slug, request.params.decision)}/manage?done=removed`,
      303,
    );
  });

  type OptionParams = { Params: { decision: string; decisionOption: string } };
  async function optionForm(request: FastifyRequest<OptionParams>, reply: FastifyReply, state: State = {}) {
    const c = ctx(request);
    const o = await getOption(c, request.params.decision, request.params.decisionOption);
    const d = await getDecision(c, request.params.decision);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    return reply.page(`${V}/option-form.njk`, {
      pageTitle: request.t(`${M}.option.editTitle`),
      d,
      action: `${d.url}/options/${o.id}/edit`,
      back: `${d.url}/manage`,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values: state.values ?? {
        title: o.title,
        description: o.description,
        cost: o.costPence === null ? '' : poundsText(BigInt(o.costPence)),
        pros: o.pros,
        cons: o.cons,
      },
      maxLong: MAX_LONG,
    });
  }

  app.get<OptionParams>(
    '/decisions/:decision/options/:decisionOption/edit',
    needs('decisions.manage'),
    (request, reply) => optionForm(request, reply),
  );

  app.post<OptionParams>(
    '/decisions/:decision/options/:decisionOption/edit',
    manage,
    async (request, reply) => {
      const values = strings(request.body);
      try {
        await updateOption(ctx(request), request.params.decision, request.params.decisionOption, values);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        return optionForm(request, reply, { values, errors: formErrorsFrom(error, request.t) });
      }
      return reply.redirect(
        `${decisionPath(requirePlace(request).slug, request.params.decision)}/manage?done=saved#options`,
        303,
      );
    },
  );

  // --- Officers: moving a decision on ------------------------------------------------------------

  app.post<DecisionParams>('/decisions/:decision/announce', manage, async (request, reply) => {
    await moveStatus(ctx(request), siteOf(app.config), request.params.decision, 'upcoming');
    return reply.redirect(
      `${decisionPath(requirePlace(request).slug, request.params.decision)}/manage?done=moved`,
      303,
    );
  });

  const steps = [
    ['open', 'open', 'open.njk'],
    ['record', 'made', 'record.njk'],
    ['review', 'reviewed', 'review.njk'],
  ] as const;
  for (const [path, to, view] of steps) {
    const page = async (request: Req, reply: FastifyReply, state: State = {}) => {
      const d = await getDecision(ctx(request), request.params.decision);
      const errors = state.errors ?? [];
      if (errors.length) reply.code(422);
      const values = state.values ?? {};
      return reply.page(`${V}/${view}`, {
        pageTitle: request.t(`${M}.${path}.title`),
        d: decisionView(request, d),
        allowed: NEXT[d.status].includes(to),
        action: `${d.url}/${path}`,
        back: `${d.url}/manage`,
        csrfToken: reply.generateCsrf(),
        errors,
        fieldErrors: errorsByField(errors),
        values,
        maxLong: MAX_LONG,
        maxBackground: MAX_BACKGROUND,
        optionItems: [
          ...d.options.map((o) => ({ value: o.id, text: o.title, checked: values.option === o.id })),
          ...(d.options.length ? [{ divider: request.t(`${M}.record.or`) }] : []),
          {
            value: '',
            text: request.t(`${M}.record.noOption`),
            checked: Boolean(state.values) && !values.option,
          },
        ],
        youSaidNeeded: Boolean(d.openedAt) && !d.responses.length,
      });
    };
    app.get<DecisionParams>(`/decisions/:decision/${path}`, needs('decisions.manage'), (request, reply) =>
      page(request, reply),
    );
    app.post<DecisionParams>(`/decisions/:decision/${path}`, manage, async (request, reply) => {
      const values = strings(request.body);
      try {
        await moveStatus(ctx(request), siteOf(app.config), request.params.decision, to, values);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        return page(request, reply, { values, errors: formErrorsFrom(error, request.t) });
      }
      return reply.redirect(
        `${decisionPath(requirePlace(request).slug, request.params.decision)}?done=moved`,
        303,
      );
    });
  }
}

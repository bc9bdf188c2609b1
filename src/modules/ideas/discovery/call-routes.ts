import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { withApi } from '../../../platform/api/api-doc.js';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { dateInputValues, readDateInput } from '../../../platform/http/date-input.js';
import { Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom } from '../../../platform/http/forms.js';
import { serviceContext } from '../../../platform/http/request-context.js';
import { formatDate } from '../../../platform/i18n/i18n.js';
import { paged, pageRequest, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { can } from '../../../platform/roles/permissions.js';
import {
  callFormValues,
  challengeTitles,
  createCall,
  getCall,
  type IdeaCall,
  listCalls,
  MANAGE,
  updateCall,
} from './call-service.js';
import { CALL_CSV_COLUMNS, callJson, ideaJson } from './discovery-data.js';
import { NO_FILTERS } from './discovery-filters.js';
import { listIdeas } from './discovery-service.js';
import { callDates, STAGE_TAG } from './discovery-view.js';

type CallParams = { Params: { call: string } };
type Done = { Querystring: { done?: string } };
type FormState = { values?: Record<string, string>; errors?: FormError[] };

const P = 'ideas.discovery.calls';
const V = 'ideas/discovery/views';
const DATE_FIELDS = ['opens', 'closes'] as const;

/**
 * A posted call form as the service wants it: each GOV.UK date input read as YYYY-MM-DD, ''
 * when left empty, or 'not-a-date' (which the service refuses as not a real date).
 */
function readCallForm(body: unknown): { input: Record<string, string>; values: Record<string, string> } {
  const raw = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<
    string,
    unknown
  >;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL bytes cannot be stored, so they go
  const text = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string).replace(/\u0000/g, '') : '');
  const input: Record<string, string> = {
    question: text('question'),
    description: text('description'),
    challenge: text('challenge'),
  };
  const values: Record<string, string> = { ...input };
  for (const name of DATE_FIELDS) {
    const read = readDateInput(raw, name);
    input[name] = 'date' in read ? read.date : read.error === 'missing' ? '' : 'not-a-date';
    for (const part of ['day', 'month', 'year']) values[`${name}-${part}`] = text(`${name}-${part}`);
  }
  return { input, values };
}

/** A stored call's values with its dates split for the date inputs. */
function withDateParts(values: Record<string, string>): Record<string, string> {
  const out = { ...values };
  for (const name of DATE_FIELDS) {
    const parts = dateInputValues(values[name]);
    out[`${name}-day`] = parts.day;
    out[`${name}-month`] = parts.month;
    out[`${name}-year`] = parts.year;
  }
  return out;
}

/** Open calls: the public list and pages, their open data, and officers' forms to run them. */
export async function callRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const base = (request: FastifyRequest) => `/${ctx(request).place.slug}/ideas/calls`;
  const shown = (request: FastifyRequest, call: IdeaCall) => ({
    ...call,
    ...callDates(request.t, call, (d) => formatDate(d, request.lang)),
  });

  app.get<Done>('/ideas/calls', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const { items } = await listCalls(c);
    return reply.page(`${V}/calls.njk`, {
      pageTitle: request.t(`${P}.list.title`),
      calls: items.map((call) => shown(request, call)),
      canManage: can(c.actor, MANAGE),
    });
  });

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    call: IdeaCall | null,
    state: FormState = {},
  ) {
    const c = ctx(request);
    const t = request.t;
    const values = state.values ?? withDateParts(call ? callFormValues(call) : {});
    const challenges = await challengeTitles(c);
    if (state.errors?.length) reply.code(422);
    return reply.page(`${V}/call-form.njk`, {
      pageTitle: call ? t(`${P}.form.editTitle`) : t(`${P}.form.newTitle`),
      action: call ? `${base(request)}/${call.id}/edit` : `${base(request)}/new`,
      back: call ? `${base(request)}/${call.id}` : base(request),
      call,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      challengeItems: [
        { value: '', text: t(`${P}.form.noChallenge`), selected: !values.challenge },
        ...[...challenges].map(([value, text]) => ({ value, text, selected: values.challenge === value })),
      ],
    });
  }

  /** Saves the form; a field error goes back to the form with the date's first box to fix. */
  async function save(
    request: FastifyRequest,
    reply: FastifyReply,
    call: IdeaCall | null,
    write: (input: Record<string, string>) => Promise<string>,
  ) {
    const { input, values } = readCallForm(request.body);
    try {
      const id = await write(input);
      return reply.redirect(`${base(request)}/${id}?done=${call ? 'saved' : 'created'}`, 303);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      const errors = formErrorsFrom(error, request.t).map((e) =>
        (DATE_FIELDS as readonly string[]).includes(e.field) ? { ...e, href: `#${e.field}-day` } : e,
      );
      return formPage(request, reply, call, { values, errors });
    }
  }

  app.get('/ideas/calls/new', needs(MANAGE), async (request, reply) => formPage(request, reply, null));

  app.post('/ideas/calls/new', { ...needs(MANAGE), ...csrf }, async (request, reply) =>
    save(request, reply, null, (input) => createCall(ctx(request), input)),
  );

  app.get<CallParams>('/ideas/calls/:call/edit', needs(MANAGE), async (request, reply) =>
    formPage(request, reply, await getCall(ctx(request), request.params.call)),
  );

  app.post<CallParams>('/ideas/calls/:call/edit', { ...needs(MANAGE), ...csrf }, async (request, reply) => {
    const call = await getCall(ctx(request), request.params.call);
    return save(request, reply, call, async (input) => {
      await updateCall(ctx(request), call.id, input);
      return call.id;
    });
  });

  app.get<CallParams & Done>('/ideas/calls/:call', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const call = await getCall(c, request.params.call);
    const [{ items }, challenges] = await Promise.all([
      listIdeas(c, { ...NO_FILTERS, callId: call.id }),
      challengeTitles(c),
    ]);
    const done = request.query.done;
    return reply.page(`${V}/call.njk`, {
      pageTitle: call.question,
      call: shown(request, call),
      challenge:
        call.challengeId && challenges.has(call.challengeId)
          ? { id: call.challengeId, title: challenges.get(call.challengeId) }
          : null,
      ideas: items.map((i) => ({
        ...i,
        stageTag: STAGE_TAG[i.stage],
        where: i.wardName ?? (i.area || null),
      })),
      banner: done === 'created' || done === 'saved' ? t(`${P}.banners.${done}`) : null,
      canManage: can(c.actor, MANAGE),
    });
  });

  // Open data: every call, and one call with the ideas answering it.
  app.get(
    '/api/ideas/calls',
    withApi(PUBLIC, { summaryKey: 'api.docs.summaries.calls', paged: true }),
    async (request, reply) => {
      const c = ctx(request);
      const p = pageRequest(request);
      const { items, total } = await listCalls(c, { limit: p.perPage, offset: p.offset });
      return sendOpenJson(reply, paged(request, items.map(callJson(c.place.slug)), total, p));
    },
  );

  app.get('/ideas/calls.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const { items } = await listCalls(c);
    return sendCsv(
      reply,
      `${c.place.slug}-idea-calls.csv`,
      CALL_CSV_COLUMNS,
      items.map(callJson(c.place.slug)),
    );
  });

  app.get<CallParams>('/api/ideas/calls/:call', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const call = await getCall(c, request.params.call);
    const { items } = await listIdeas(c, { ...NO_FILTERS, callId: call.id });
    return sendOpenJson(reply, {
      ...callJson(c.place.slug)(call),
      answers: items.map(ideaJson(c.place.slug)),
    });
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { withApi } from '../../../platform/api/api-doc.js';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { dateInputValues, readDateInput } from '../../../platform/http/date-input.js';
import { Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { formatDate } from '../../../platform/i18n/i18n.js';
import { pageOfList, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { can } from '../../../platform/roles/permissions.js';
import { AssemblyForm, assemblyFormValues, formField, toServiceInput } from './assembly-form.js';
import {
  ASSEMBLY_ALGORITHMS,
  type Assembly,
  createAssembly,
  getAssembly,
  listAssemblies,
  MANAGE,
  STATUSES,
  type Status,
  setStatus,
  updateAssembly,
} from './assembly-service.js';
import {
  ASSEMBLY_CSV_COLUMNS,
  assemblyJson,
  assemblyRow,
  nextStatus,
  previousStatus,
  quotaViews,
  stages,
} from './assembly-view.js';
import { CENSUS_PLACES } from './census-shares.js';
import { assignPlaceOfficer, listOfficers, unassignOfficer } from './officer-service.js';
import {
  addCustomFeature,
  CustomFeatureInput,
  fillFromCensus,
  quotaId,
  quotaName,
  quotaProblemsById,
  readQuotaForm,
  saveQuotas,
} from './quota-service.js';
import {
  addSession,
  getSession,
  removeSession,
  SessionInput,
  sessionFormValues,
  updateSession,
} from './session-service.js';

type A = { Params: { assembly: string } };
type S = { Params: { assembly: string; assemblySession: string } };
type Done = { Querystring: { done?: string } };
type FormState = { values?: Record<string, string>; errors?: FormError[] };

const P = 'assemblies.setup';
const BANNERS = [
  'created',
  'saved',
  'status',
  'quotas',
  'census',
  'feature',
  'session',
  'removed',
  'officer',
];

/** Field errors from the service, with the form's names and hrefs. */
function errorsFrom(error: Invalid, request: FastifyRequest, rename = (f: string) => f): FormError[] {
  return formErrorsFrom(error, request.t).map((e) => ({
    ...e,
    field: rename(e.field),
    href: `#${rename(e.field)}`,
  }));
}

/** The session form: a GOV.UK date input read as YYYY-MM-DD, and the rest as typed. */
function readSessionForm(request: FastifyRequest) {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const read = readDateInput(body, 'date');
  const fields = { ...body, date: 'date' in read ? read.date : '' };
  const form = parseForm(SessionInput, fields, request.t);
  const values = { ...form.values };
  for (const p of ['day', 'month', 'year']) {
    const v = body[`date-${p}`];
    values[`date-${p}`] = typeof v === 'string' ? v : '';
  }
  if (form.ok) return { ok: true as const, data: form.data, values };
  const errors = form.errors.map((e) => (e.field === 'date' ? { ...e, href: '#date-day' } : e));
  return { ok: false as const, values, errors };
}

function withDateParts(values: Record<string, string>) {
  if ('date-day' in values) return values;
  const parts = dateInputValues(values.date);
  return { ...values, 'date-day': parts.day, 'date-month': parts.month, 'date-year': parts.year };
}

/** Citizens' assemblies: the public list and pages, and the officers' set-up pages. */
export async function setupRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const base = (request: FastifyRequest) => `/${requirePlace(request).slug}/assemblies`;
  const banner = (request: FastifyRequest<Done>) => {
    const done = request.query.done;
    return done && BANNERS.includes(done) ? request.t(`${P}.banners.${done}`) : null;
  };

  app.get('/assemblies', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    return reply.page('assemblies/setup/views/list.njk', {
      pageTitle: request.t(`${P}.list.title`),
      assemblies: await listAssemblies(c),
      canManage: can(c.actor, MANAGE),
    });
  });

  app.get('/assemblies.csv', PUBLIC, async (request, reply) => {
    const assemblies = await listAssemblies(ctx(request));
    return sendCsv(
      reply,
      'assemblies.csv',
      ASSEMBLY_CSV_COLUMNS,
      assemblies.map((a) => assemblyRow(a, base(request))),
    );
  });

  app.get(
    '/api/assemblies',
    withApi(PUBLIC, { summaryKey: 'api.docs.summaries.assemblies', paged: true }),
    async (request, reply) => {
      const assemblies = await listAssemblies(ctx(request));
      return sendOpenJson(
        reply,
        pageOfList(
          request,
          assemblies.map((a) => assemblyJson(a, base(request))),
        ),
      );
    },
  );

  app.get<A>('/api/assemblies/:assembly', PUBLIC, async (request, reply) => {
    const assembly = await getAssembly(ctx(request), request.params.assembly);
    return sendOpenJson(reply, assemblyJson(assembly, base(request), true));
  });

  // ---- The assembly's details ----

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    assembly: Assembly | null,
    state: FormState = {},
  ) {
    const values =
      state.values ?? (assembly ? assemblyFormValues(assembly) : { panelSize: '40', algorithm: 'leximin' });
    if (state.errors?.length) reply.code(422);
    return reply.page('assemblies/setup/views/form.njk', {
      pageTitle: assembly
        ? request.t(`${P}.form.editTitle`, { title: assembly.title })
        : request.t(`${P}.form.newTitle`),
      action: assembly ? `${base(request)}/${assembly.slug}` : base(request),
      back: assembly ? `${base(request)}/${assembly.slug}` : base(request),
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      assembly,
      algorithmItems: ASSEMBLY_ALGORITHMS.map((a) => ({
        value: a,
        text: request.t(`${P}.algorithms.${a}`),
        hint: { text: request.t(`${P}.algorithms.${a}Hint`) },
        checked: values.algorithm === a,
      })),
    });
  }

  async function saveAssembly(
    request: FastifyRequest,
    reply: FastifyReply,
    assembly: Assembly | null,
    run: (input: ReturnType<typeof toServiceInput>) => Promise<string>,
  ) {
    const form = parseForm(AssemblyForm, request.body, request.t);
    if (!form.ok) return formPage(request, reply, assembly, form);
    try {
      const slug = await run(toServiceInput(form.data));
      return reply.redirect(`${base(request)}/${slug}?done=${assembly ? 'saved' : 'created'}`, 303);
    } catch (error) {
      if (error instanceof Invalid)
        return formPage(request, reply, assembly, {
          values: form.values,
          errors: errorsFrom(error, request, formField),
        });
      throw error;
    }
  }

  app.get('/assemblies/new', needs(MANAGE), async (request, reply) => formPage(request, reply, null));

  app.post('/assemblies', { ...needs(MANAGE), ...csrf }, async (request, reply) =>
    saveAssembly(request, reply, null, (input) => createAssembly(ctx(request), input)),
  );

  app.get<A & Done>('/assemblies/:assembly', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const assembly = await getAssembly(c, request.params.assembly);
    const manage = can(c.actor, MANAGE);
    return reply.page('assemblies/setup/views/assembly.njk', {
      pageTitle: assembly.title,
      assembly,
      banner: banner(request),
      stageItems: stages(assembly.status).map((s) => ({
        title: { text: request.t(`${P}.stages.${s.status}`) },
        hint: { text: request.t(`${P}.stageHints.${s.status}`) },
        status:
          s.state === 'done'
            ? { text: request.t(`${P}.page.stateDone`) }
            : s.state === 'current'
              ? { tag: { text: request.t(`${P}.page.stateNow`), classes: 'govuk-tag--blue' } }
              : {
                  text: request.t(`${P}.page.stateNext`),
                  classes: 'govuk-task-list__status--cannot-start-yet',
                },
      })),
      features: quotaViews(assembly),
      sessions: assembly.sessions.map((s) => ({
        ...s,
        day: formatDate(s.startsAt, request.lang),
        from: sessionFormValues(s).startTime,
        to: sessionFormValues(s).endTime,
      })),
      expensesPence: Number(assembly.expensesBudgetPence),
      canManage: manage,
      csrfToken: manage ? reply.generateCsrf() : null,
      next: nextStatus(assembly.status),
      previous: previousStatus(assembly.status),
    });
  });

  app.get<A>('/assemblies/:assembly/edit', needs(MANAGE), async (request, reply) => {
    const assembly = await getAssembly(ctx(request), request.params.assembly);
    return formPage(request, reply, assembly);
  });

  app.post<A>('/assemblies/:assembly', { ...needs(MANAGE), ...csrf }, async (request, reply) => {
    const assembly = await getAssembly(ctx(request), request.params.assembly);
    return saveAssembly(request, reply, assembly, async (input) => {
      await updateAssembly(ctx(request), assembly.slug, input);
      return assembly.slug;
    });
  });

  app.post<A>('/assemblies/:assembly/status', { ...needs(MANAGE), ...csrf }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const status = typeof body.status === 'string' ? body.status : '';
    if (!(STATUSES as readonly string[]).includes(status))
      throw new Invalid({ status: `${P}.errors.statusInvalid` });
    await setStatus(ctx(request), request.params.assembly, status as Status);
    return reply.redirect(`${base(request)}/${request.params.assembly}?done=status`, 303);
  });

  // ---- Quotas ----

  async function quotasPage(
    request: FastifyRequest<A & Done>,
    reply: FastifyReply,
    assembly: Assembly,
    state: { errors?: Record<string, string>; values?: Record<string, string>; custom?: FormState } = {},
  ) {
    const errors = state.errors ?? {};
    const features = quotaViews(assembly);
    const names = new Map<string, string>();
    for (const f of features) {
      names.set(`q-${f.key}-name`, f.name);
      for (const v of f.values)
        for (const end of ['min', 'max', 'label'] as const)
          names.set(quotaId(f.key, v.value, end), `${f.name}: ${v.label}`);
    }
    const errorList: FormError[] = Object.entries(errors).map(([id, key]) => ({
      field: id,
      text: request.t(`${P}.quotas.errorFor`, { what: names.get(id) ?? '', problem: request.t(key) }),
      href: `#${id}`,
    }));
    const customErrors = state.custom?.errors ?? [];
    if (errorList.length || customErrors.length) reply.code(422);
    const values = state.values ?? {};
    return reply.page('assemblies/setup/views/quotas.njk', {
      pageTitle: request.t(`${P}.quotas.title`, { title: assembly.title }),
      assembly,
      banner: banner(request),
      back: `${base(request)}/${assembly.slug}`,
      action: `${base(request)}/${assembly.slug}/quotas`,
      csrfToken: reply.generateCsrf(),
      hasCensus: CENSUS_PLACES.has(requirePlace(request).slug),
      // Quotas saved for another panel size (the details were changed since) no longer fit.
      misfit:
        !state.errors && Object.keys(quotaProblemsById(assembly.features, assembly.panelSize)).length > 0,
      errors: [...errorList, ...customErrors],
      features: features.map((f) => ({
        ...f,
        nameField: `${f.key}.name`,
        nameValue: values[`${f.key}.name`] ?? f.name,
        nameError: errors[`q-${f.key}-name`]
          ? { text: request.t(errors[`q-${f.key}-name`] as string) }
          : undefined,
        values: f.values.map((v) => {
          const field = (end: 'min' | 'max' | 'label') => ({
            id: quotaId(f.key, v.value, end),
            name: quotaName(f.key, v.value, end),
            value: values[quotaName(f.key, v.value, end)] ?? String(v[end]),
            error: errors[quotaId(f.key, v.value, end)]
              ? { text: request.t(errors[quotaId(f.key, v.value, end)] as string) }
              : undefined,
          });
          return { ...v, min: field('min'), max: field('max'), labelField: field('label') };
        }),
      })),
      custom: {
        values: state.custom?.values ?? {},
        fieldErrors: errorsByField(customErrors),
      },
    });
  }

  app.get<A & Done>('/assemblies/:assembly/quotas', needs(MANAGE), async (request, reply) => {
    const assembly = await getAssembly(ctx(request), request.params.assembly);
    return quotasPage(request, reply, assembly);
  });

  app.post<A & Done>(
    '/assemblies/:assembly/quotas',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const assembly = await getAssembly(ctx(request), request.params.assembly);
      const form = readQuotaForm(assembly, request.body);
      if (!form.ok) return quotasPage(request, reply, assembly, { errors: form.errors, values: form.values });
      try {
        await saveQuotas(ctx(request), assembly, form.features);
      } catch (error) {
        if (error instanceof Invalid)
          return quotasPage(request, reply, assembly, { errors: error.fieldErrors });
        throw error;
      }
      return reply.redirect(`${base(request)}/${assembly.slug}/quotas?done=quotas`, 303);
    },
  );

  app.post<A & Done>(
    '/assemblies/:assembly/quotas/census',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const filled = await fillFromCensus(ctx(request), request.params.assembly, request.t);
      return reply.redirect(
        `${base(request)}/${request.params.assembly}/quotas${filled ? '?done=census' : ''}`,
        303,
      );
    },
  );

  app.post<A & Done>(
    '/assemblies/:assembly/quotas/features',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const assembly = await getAssembly(ctx(request), request.params.assembly);
      const form = parseForm(CustomFeatureInput, request.body, request.t);
      const custom = (errors: FormError[]) =>
        quotasPage(request, reply, assembly, {
          custom: { values: form.values, errors: errors.map((e) => ({ ...e, href: `#feature-${e.field}` })) },
        });
      if (!form.ok) return custom(form.errors);
      try {
        await addCustomFeature(ctx(request), assembly.slug, request.body);
      } catch (error) {
        if (error instanceof Invalid) return custom(formErrorsFrom(error, request.t));
        throw error;
      }
      return reply.redirect(`${base(request)}/${assembly.slug}/quotas?done=feature`, 303);
    },
  );

  // ---- The timetable ----

  async function sessionsPage(
    request: FastifyRequest<A & Done>,
    reply: FastifyReply,
    assembly: Assembly,
    state: FormState = {},
  ) {
    if (state.errors?.length) reply.code(422);
    return reply.page('assemblies/setup/views/sessions.njk', {
      pageTitle: request.t(`${P}.sessions.title`, { title: assembly.title }),
      assembly,
      banner: banner(request),
      back: `${base(request)}/${assembly.slug}`,
      action: `${base(request)}/${assembly.slug}/sessions`,
      csrfToken: reply.generateCsrf(),
      sessions: assembly.sessions.map((s) => ({
        ...s,
        day: formatDate(s.startsAt, request.lang),
        from: sessionFormValues(s).startTime,
        to: sessionFormValues(s).endTime,
      })),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values: withDateParts(state.values ?? {}),
    });
  }

  app.get<A & Done>('/assemblies/:assembly/sessions', needs(MANAGE), async (request, reply) => {
    const assembly = await getAssembly(ctx(request), request.params.assembly);
    return sessionsPage(request, reply, assembly);
  });

  app.post<A & Done>(
    '/assemblies/:assembly/sessions',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const assembly = await getAssembly(ctx(request), request.params.assembly);
      const form = readSessionForm(request);
      if (!form.ok) return sessionsPage(request, reply, assembly, form);
      try {
        await addSession(ctx(request), assembly.slug, form.data);
      } catch (error) {
        if (error instanceof Invalid)
          return sessionsPage(request, reply, assembly, {
            values: form.values,
            errors: errorsFrom(error, request),
          });
        throw error;
      }
      return reply.redirect(`${base(request)}/${assembly.slug}/sessions?done=session`, 303);
    },
  );

  async function sessionPage(request: FastifyRequest<S>, reply: FastifyReply, state: FormState = {}) {
    const assembly = await getAssembly(ctx(request), request.params.assembly);
    const session = await getSession(ctx(request), assembly.slug, request.params.assemblySession);
    if (state.errors?.length) reply.code(422);
    const at = `${base(request)}/${assembly.slug}/sessions/${session.position}`;
    return reply.page('assemblies/setup/views/session.njk', {
      pageTitle: request.t(`${P}.sessions.editTitle`, { title: session.title }),
      assembly,
      session,
      action: at,
      removeAction: `${at}/remove`,
      back: `${base(request)}/${assembly.slug}/sessions`,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values: withDateParts(state.values ?? sessionFormValues(session)),
    });
  }

  app.get<S>('/assemblies/:assembly/sessions/:assemblySession/edit', needs(MANAGE), async (request, reply) =>
    sessionPage(request, reply),
  );

  app.post<S>(
    '/assemblies/:assembly/sessions/:assemblySession',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const form = readSessionForm(request);
      if (!form.ok) return sessionPage(request, reply, form);
      try {
        await updateSession(ctx(request), request.params.assembly, request.params.assemblySession, form.data);
      } catch (error) {
        if (error instanceof Invalid)
          return sessionPage(request, reply, { values: form.values, errors: errorsFrom(error, request) });
        throw error;
      }
      return reply.redirect(`${base(request)}/${request.params.assembly}/sessions?done=session`, 303);
    },
  );

  app.post<S>(
    '/assemblies/:assembly/sessions/:assemblySession/remove',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      await removeSession(ctx(request), request.params.assembly, request.params.assemblySession);
      return reply.redirect(`${base(request)}/${request.params.assembly}/sessions?done=removed`, 303);
    },
  );

  // ---- Officers ----

  async function officersPage(request: FastifyRequest<A & Done>, reply: FastifyReply, state: FormState = {}) {
    const assembly = await getAssembly(ctx(request), request.params.assembly);
    const officers = await listOfficers(ctx(request), assembly.slug);
    if (state.errors?.length) reply.code(422);
    return reply.page('assemblies/setup/views/officers.njk', {
      pageTitle: request.t(`${P}.officers.title`, { title: assembly.title }),
      assembly,
      banner: banner(request),
      back: `${base(request)}/${assembly.slug}`,
      action: `${base(request)}/${assembly.slug}/officers`,
      csrfToken: reply.generateCsrf(),
      assigned: officers.filter((o) => o.assigned),
      officerItems: [
        { value: '', text: request.t(`${P}.officers.choose`) },
        ...officers
          .filter((o) => !o.assigned)
          .map((o) => ({ value: o.userId, text: o.name ? `${o.name} (${o.email})` : o.email })),
      ],
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
    });
  }

  app.get<A & Done>('/assemblies/:assembly/officers', needs(MANAGE), async (request, reply) =>
    officersPage(request, reply),
  );

  app.post<A & Done>(
    '/assemblies/:assembly/officers',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      try {
        await assignPlaceOfficer(ctx(request), request.params.assembly, body.officer);
      } catch (error) {
        if (error instanceof Invalid)
          return officersPage(request, reply, { errors: errorsFrom(error, request) });
        throw error;
      }
      return reply.redirect(`${base(request)}/${request.params.assembly}/officers?done=officer`, 303);
    },
  );

  app.post<A & Done>(
    '/assemblies/:assembly/officers/remove',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      try {
        await unassignOfficer(ctx(request), request.params.assembly, body.officer);
      } catch (error) {
        if (error instanceof Invalid)
          return officersPage(request, reply, { errors: errorsFrom(error, request) });
        throw error;
      }
      return reply.redirect(`${base(request)}/${request.params.assembly}/officers?done=officer`, 303);
    },
  );
}

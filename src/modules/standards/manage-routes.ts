import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatScaled, UNITS } from '../../lib/standards/performance.js';
import { needs } from '../../platform/http/access.js';
import { Invalid } from '../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom } from '../../platform/http/forms.js';
import { serviceContext } from '../../platform/http/request-context.js';
import { formStrings, monthInputValues, readMonthInput } from './standards-input.js';
import {
  type CouncilService,
  createService,
  createStandard,
  figureFor,
  getService,
  getStandard,
  latestReportableMonth,
  MANAGE,
  type Standard,
  saveFigure,
  updateService,
  updateStandard,
} from './standards-service.js';
import { monthName, targetText } from './standards-view.js';

type ServiceParams = { Params: { councilService: string } };
type StandardParams = { Params: { councilService: string; standard: string } };
type MonthQuery = { Querystring: { month?: string } };
type FormState = { values?: Record<string, string>; errors?: FormError[] };

const V = 'standards/views';
const P = 'standards.forms';

/** Month inputs' errors point at their first box. */
const atFirstBox = (monthFields: string[]) => (e: FormError) =>
  monthFields.includes(e.field) ? { ...e, href: `#${e.field}-month` } : e;

/** Officers' forms: services, their standards, and a month's figure. */
export async function standardsManageRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const access = needs(MANAGE);
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const root = (request: FastifyRequest) => `/${ctx(request).place.slug}/standards`;

  // --- Services --------------------------------------------------------------------------

  const servicePage = (
    request: FastifyRequest,
    reply: FastifyReply,
    service: CouncilService | null,
    state: FormState = {},
  ) => {
    const t = request.t;
    const values = state.values ?? {
      name: service?.name ?? '',
      slug: service?.slug ?? '',
      description: service?.description ?? '',
      contactUrl: service?.contactUrl ?? '',
    };
    if (state.errors?.length) reply.code(422);
    return reply.page(`${V}/service-form.njk`, {
      pageTitle: service ? t(`${P}.service.editTitle`, { name: service.name }) : t(`${P}.service.newTitle`),
      action: service ? `${root(request)}/${service.slug}/edit` : `${root(request)}/new-service`,
      back: service ? `${root(request)}/${service.slug}` : root(request),
      service,
      values,
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      csrfToken: reply.generateCsrf(),
    });
  };

  const saveService = async (
    request: FastifyRequest,
    reply: FastifyReply,
    service: CouncilService | null,
    write: (input: Record<string, string>) => Promise<string>,
  ) => {
    const values = formStrings(request.body);
    try {
      const slug = await write(values);
      return reply.redirect(`${root(request)}/${slug}`, 303);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return servicePage(request, reply, service, { values, errors: formErrorsFrom(error, request.t) });
    }
  };

  app.get('/standards/new-service', access, async (request, reply) => servicePage(request, reply, null));
  app.post('/standards/new-service', { ...access, ...csrf }, async (request, reply) =>
    saveService(request, reply, null, (input) => createService(ctx(request), input)),
  );
  app.get<ServiceParams>('/standards/:councilService/edit', access, async (request, reply) =>
    servicePage(request, reply, await getService(ctx(request), request.params.councilService)),
  );
  app.post<ServiceParams>(
    '/standards/:councilService/edit',
    { ...access, ...csrf },
    async (request, reply) => {
      const service = await getService(ctx(request), request.params.councilService);
      return saveService(request, reply, service, (input) =>
        updateService(ctx(request), service.slug, input),
      );
    },
  );

  // --- Standards -------------------------------------------------------------------------

  const standardPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    service: CouncilService,
    standard: Standard | null,
    state: FormState = {},
  ) => {
    const t = request.t;
    const values = state.values ?? {
      promise: standard?.promise ?? '',
      measure: standard?.measure ?? '',
      slug: standard?.slug ?? '',
      unit: standard?.unit ?? '',
      target: standard ? formatScaled(standard.target) : '',
      direction: standard?.direction ?? '',
      ...monthInputValues('since', standard?.sinceMonth ?? latestReportableMonth()),
    };
    if (state.errors?.length) reply.code(422);
    const base = `${root(request)}/${service.slug}`;
    return reply.page(`${V}/standard-form.njk`, {
      pageTitle: standard
        ? t(`${P}.standard.editTitle`)
        : t(`${P}.standard.newTitle`, { service: service.name }),
      action: standard ? `${base}/${standard.slug}/edit` : `${base}/new-standard`,
      back: standard ? `${base}/${standard.slug}` : base,
      service,
      standard,
      values,
      units: UNITS.map((u) => ({
        value: u,
        text: t(`standards.unitNames.${u}`),
        checked: values.unit === u,
      })),
      directions: (['higher-is-better', 'lower-is-better'] as const).map((d) => ({
        value: d,
        text: t(`standards.directions.${d}`),
        checked: values.direction === d,
      })),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      csrfToken: reply.generateCsrf(),
    });
  };

  const saveStandard = async (
    request: FastifyRequest,
    reply: FastifyReply,
    service: CouncilService,
    standard: Standard | null,
    write: (input: Record<string, string>) => Promise<string>,
  ) => {
    const values = formStrings(request.body);
    try {
      const slug = await write({ ...values, since: readMonthInput(values, 'since') });
      return reply.redirect(
        `${root(request)}/${service.slug}/${slug}?done=${standard ? 'saved' : 'added'}`,
        303,
      );
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      const errors = formErrorsFrom(error, request.t).map(atFirstBox(['since']));
      return standardPage(request, reply, service, standard, { values, errors });
    }
  };

  app.get<ServiceParams>('/standards/:councilService/new-standard', access, async (request, reply) =>
    standardPage(request, reply, await getService(ctx(request), request.params.councilService), null),
  );
  app.post<ServiceParams>(
    '/standards/:councilService/new-standard',
    { ...access, ...csrf },
    async (request, reply) => {
      const service = await getService(ctx(request), request.params.councilService);
      return saveStandard(request, reply, service, null, (input) =>
        createStandard(ctx(request), service.slug, input),
      );
    },
  );
  app.get<StandardParams>('/standards/:councilService/:standard/edit', access, async (request, reply) => {
    const c = ctx(request);
    const standard = await getStandard(c, request.params.councilService, request.params.standard);
    return standardPage(request, reply, await getService(c, standard.serviceSlug), standard);
  });
  app.post<StandardParams>(
    '/standards/:councilService/:standard/edit',
    { ...access, ...csrf },
    async (request, reply) => {
      const c = ctx(request);
      const standard = await getStandard(c, request.params.councilService, request.params.standard);
      const service = await getService(c, standard.serviceSlug);
      return saveStandard(request, reply, service, standard, (input) =>
        updateStandard(c, service.slug, standard.slug, input),
      );
    },
  );

  // --- A month's figure ------------------------------------------------------------------

  const figurePage = async (
    request: FastifyRequest<StandardParams & MonthQuery>,
    reply: FastifyReply,
    standard: Standard,
    state: FormState = {},
  ) => {
    const t = request.t;
    const c = ctx(request);
    const asked = typeof request.query.month === 'string' ? request.query.month : '';
    const existing = state.values ? null : await figureFor(c, standard, asked);
    const values = state.values ?? {
      ...monthInputValues('month', existing?.month ?? (asked || latestReportableMonth())),
      value: existing && existing.numerator === null ? formatScaled(existing.value) : '',
      numerator: existing?.numerator === null || !existing ? '' : String(existing.numerator),
      denominator: existing?.denominator === null || !existing ? '' : String(existing.denominator),
      note: existing?.note ?? '',
      action: existing?.action ?? '',
    };
    if (state.errors?.length) reply.code(422);
    const path = `${root(request)}/${standard.serviceSlug}/${standard.slug}`;
    return reply.page(`${V}/figure-form.njk`, {
      pageTitle: existing
        ? t(`${P}.figure.editTitle`, { month: monthName(t, existing.month) })
        : t(`${P}.figure.newTitle`),
      standard,
      targetText: targetText(t, standard.target, standard.unit, standard.direction),
      action: `${path}/figure`,
      back: path,
      existing,
      values,
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      csrfToken: reply.generateCsrf(),
    });
  };

  app.get<StandardParams & MonthQuery>(
    '/standards/:councilService/:standard/figure',
    access,
    async (request, reply) =>
      figurePage(
        request,
        reply,
        await getStandard(ctx(request), request.params.councilService, request.params.standard),
      ),
  );

  app.post<StandardParams & MonthQuery>(
    '/standards/:councilService/:standard/figure',
    { ...access, ...csrf },
    async (request, reply) => {
      const c = ctx(request);
      const standard = await getStandard(c, request.params.councilService, request.params.standard);
      const values = formStrings(request.body);
      try {
        const saved = await saveFigure(c, standard.serviceSlug, standard.slug, {
          ...values,
          month: readMonthInput(values, 'month'),
        });
        return reply.redirect(
          `${root(request)}/${standard.serviceSlug}/${standard.slug}?done=${saved.result}&month=${saved.month}#months`,
          303,
        );
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        const errors = formErrorsFrom(error, request.t).map(atFirstBox(['month']));
        return figurePage(request, reply, standard, { values, errors });
      }
    },
  );
}

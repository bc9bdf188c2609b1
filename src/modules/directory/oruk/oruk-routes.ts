import type { FastifyInstance, FastifyReply, FastifyRequest, RouteGenericInterface } from 'fastify';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { pageNumbers } from '../../../platform/http/pagination.js';
import { PROBLEM_CONTENT_TYPE, problem } from '../../../platform/http/problem.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { can } from '../../../platform/roles/permissions.js';
import { lookupPostcode } from '../../../platform/search/postcode-lookup.js';
import { listWards } from '../../wards/ward-service.js';
import { CATEGORIES, type Category, isCategory } from '../categories.js';
import { flattenFormBody, formValuesFor, ServiceForm } from './oruk-form.js';
import { kithTermId } from './oruk-ids.js';
import { isObject, type Json, WEEKDAYS } from './oruk-normalise.js';
import {
  BadQuery,
  orukPage,
  postcodeToPoint,
  readPagingOnly,
  readServiceQuery,
  readTermQuery,
} from './oruk-query.js';
import {
  createService,
  getOrganization,
  getService,
  getServiceAtLocation,
  getServiceRecord,
  getTaxonomy,
  getTaxonomyTerm,
  listOrganizations,
  listServiceAtLocations,
  listServices,
  listTaxonomies,
  listTaxonomyTerms,
  serviceListItem,
  updateService,
} from './oruk-service.js';
import { serviceView } from './oruk-view.js';

type ServiceParams = { Params: { service: string } };
type Query = { Querystring: Record<string, unknown> };

const HTML_PER_PAGE = 20;
/** A record nobody has confirmed for a year may be out of date (SPEC §3.1: annual nudge). */
const STALE_AFTER_MS = 365 * 24 * 60 * 60 * 1000;

// ORUK: the HSDS version this API speaks, the UK profile, and the UK OpenAPI definition.
const API_DETAILS = {
  version: 'HSDS-UK-3.0',
  profile: 'https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md',
  openapi_url: 'https://openreferraluk.org/specifications/3.0/openapi.json',
};

/** The Open Referral UK API and the services pages (issue 5). */
export async function orukRoutes(app: FastifyInstance) {
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const csrf = { preHandler: app.csrfProtection };

  /** A query the API cannot understand: 400 problem+json naming each parameter. */
  const badQuery = (request: FastifyRequest, reply: FastifyReply, error: BadQuery) =>
    reply
      .code(400)
      .type(PROBLEM_CONTENT_TYPE)
      .header('access-control-allow-origin', '*')
      .send(
        JSON.stringify(
          problem(400, {
            detail: error.message,
            instance: request.url.split('?')[0],
            requestId: request.id,
            errors: error.problems,
          }),
        ),
      );

  const api = <R extends RouteGenericInterface>(
    path: string,
    handler: (request: FastifyRequest<R>) => Promise<unknown>,
  ) => {
    app.get(path, PUBLIC, async (request, reply) => {
      try {
        return sendOpenJson(reply, await handler(request as unknown as FastifyRequest<R>));
      } catch (error) {
        if (error instanceof BadQuery) return badQuery(request, reply, error);
        throw error;
      }
    });
  };

  // --- ORUK API -------------------------------------------------------------------------------

  for (const root of ['/api/oruk', '/api/oruk/']) api(root, async () => API_DETAILS);

  const lookupUrl = app.config.search.postcodeLookupUrl;
  const lookup = lookupUrl ? (postcode: string) => lookupPostcode(lookupUrl, postcode) : null;

  api<Query>('/api/oruk/services', async (request) => {
    const { paging, filters } = readServiceQuery(await postcodeToPoint(request.query, lookup));
    const { total, items } = await listServices(ctx(request), filters, paging);
    return orukPage(
      items.map((i) => serviceListItem(i.service)),
      total,
      paging,
    );
  });
  api<{ Params: { service: string } }>('/api/oruk/services/:service', async (request) =>
    getService(ctx(request), request.params.service),
  );

  api<Query>('/api/oruk/service_at_locations', async (request) => {
    const { paging, filters } = readServiceQuery(await postcodeToPoint(request.query, lookup));
    const { total, items } = await listServiceAtLocations(ctx(request), filters, paging);
    return orukPage(items, total, paging);
  });
  api<{ Params: { serviceAtLocation: string } }>(
    '/api/oruk/service_at_locations/:serviceAtLocation',
    async (request) => getServiceAtLocation(ctx(request), request.params.serviceAtLocation),
  );

  api<Query>('/api/oruk/taxonomies', async (request) => {
    const paging = readPagingOnly(request.query);
    const { total, items } = await listTaxonomies(ctx(request), paging);
    return orukPage(items, total, paging);
  });
  api<{ Params: { taxonomy: string } }>('/api/oruk/taxonomies/:taxonomy', async (request) =>
    getTaxonomy(ctx(request), request.params.taxonomy),
  );

  api<Query>('/api/oruk/taxonomy_terms', async (request) => {
    const { paging, filters } = readTermQuery(request.query);
    const { total, items } = await listTaxonomyTerms(ctx(request), filters, paging);
    return orukPage(items, total, paging);
  });
  api<{ Params: { taxonomyTerm: string } }>('/api/oruk/taxonomy_terms/:taxonomyTerm', async (request) =>
    getTaxonomyTerm(ctx(request), request.params.taxonomyTerm),
  );

  api<Query>('/api/oruk/organizations', async (request) => {
    const paging = readPagingOnly(request.query);
    const search = typeof request.query.search === 'string' ? request.query.search.slice(0, 200) : undefined;
    const { total, items } = await listOrganizations(ctx(request), search ? { search } : {}, paging);
    return orukPage(items, total, paging);
  });
  api<{ Params: { organization: string } }>('/api/oruk/organizations/:organization', async (request) =>
    getOrganization(ctx(request), request.params.organization),
  );

  // --- Pages ----------------------------------------------------------------------------------

  /** The list page's own filters: forgiving, since people type into them. */
  const pageFilters = (request: FastifyRequest<Query>) => {
    const q = request.query;
    const category: Category | '' =
      typeof q.category === 'string' && isCategory(q.category) ? q.category : '';
    const search = typeof q.q === 'string' ? q.q.trim().slice(0, 200) : '';
    const pageNumber =
      typeof q.page === 'string' && /^\d{1,6}$/.test(q.page) ? Math.max(1, Number(q.page)) : 1;
    return { category, search, pageNumber };
  };

  app.get<Query>('/services', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const { category, search, pageNumber } = pageFilters(request);
    const { total, items } = await listServices(
      c,
      {
        current: true,
        ...(category ? { taxonomyTermId: kithTermId(category) } : {}),
        ...(search ? { search } : {}),
      },
      { limit: HTML_PER_PAGE, offset: (pageNumber - 1) * HTML_PER_PAGE },
    );
    const wards = new Map((await listWards(c)).map((w) => [w.code, w.name]));
    const totalPages = Math.max(1, Math.ceil(total / HTML_PER_PAGE));
    const base = `/${c.place.slug}/services`;
    const query = (page: number) => {
      const p = new URLSearchParams();
      if (search) p.set('q', search);
      if (category) p.set('category', category);
      if (page > 1) p.set('page', String(page));
      const s = p.toString();
      return s ? `${base}?${s}` : base;
    };
    const csvQuery = new URLSearchParams();
    if (search) csvQuery.set('q', search);
    if (category) csvQuery.set('category', category);
    return reply.page('directory/oruk/views/list.njk', {
      pageTitle: t('directory.oruk.list.title'),
      total,
      search,
      category,
      categoryItems: [
        { value: '', text: t('directory.oruk.list.allCategories') },
        ...CATEGORIES.map((code) => ({
          value: code,
          text: t(`directory.categories.${code}`),
          selected: code === category,
        })),
      ],
      services: items.map((i) => ({
        id: i.service.id,
        name: i.service.name,
        description: truncate(String(i.service.description ?? ''), 240),
        organization: isObject(i.service.organization) ? i.service.organization.name : '',
        ward: i.extras.wardCode ? (wards.get(i.extras.wardCode) ?? '') : '',
        categories: i.extras.categories.map((code) => t(`directory.categories.${code}`)),
        status: i.service.status,
      })),
      pagination:
        totalPages > 1
          ? {
              ...(pageNumber > 1 ? { previous: { href: query(pageNumber - 1) } } : {}),
              ...(pageNumber < totalPages ? { next: { href: query(pageNumber + 1) } } : {}),
              items: pageNumbers(pageNumber, totalPages, 2).map((n) =>
                n === null ? { ellipsis: true } : { number: n, href: query(n), current: n === pageNumber },
              ),
            }
          : null,
      pageNumber,
      totalPages,
      csvHref: `/${c.place.slug}/api/services.csv${csvQuery.size ? `?${csvQuery}` : ''}`,
      apiHref: `/${c.place.slug}/api/oruk/services`,
      canManage: can(request.actor, 'directory.service.manage'),
    });
  });

  app.get<Query>('/api/services.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const { category, search } = pageFilters(request);
    const { items } = await listServices(
      c,
      { ...(category ? { taxonomyTermId: kithTermId(category) } : {}), ...(search ? { search } : {}) },
      { limit: 100_000, offset: 0 },
    );
    const rows = items.map(({ service: s, extras }) => {
      const sal = list(s.service_at_locations)[0];
      const location = sal && isObject(sal.location) ? sal.location : {};
      const address = list(location.addresses)[0] ?? {};
      const phone = list(s.contacts).flatMap((x) => list(x.phones))[0];
      return {
        id: s.id,
        name: s.name,
        organization: isObject(s.organization) ? s.organization.name : '',
        description: s.description ?? '',
        status: s.status,
        categories: extras.categories.join(';'),
        address: address.address_1 ?? '',
        town: address.city ?? '',
        postcode: address.postal_code ?? '',
        ward_code: extras.wardCode ?? '',
        latitude: location.latitude ?? '',
        longitude: location.longitude ?? '',
        url: s.url ?? '',
        email: s.email ?? '',
        phone: phone?.number ?? '',
        minimum_age: s.minimum_age ?? '',
        maximum_age: s.maximum_age ?? '',
        source: extras.source,
        last_confirmed: s.assured_date ?? '',
        last_modified: s.last_modified ?? '',
      };
    });
    return sendCsv(
      reply,
      `${c.place.slug}-services.csv`,
      [
        'id',
        'name',
        'organization',
        'description',
        'status',
        'categories',
        'address',
        'town',
        'postcode',
        'ward_code',
        'latitude',
        'longitude',
        'url',
        'email',
        'phone',
        'minimum_age',
        'maximum_age',
        'source',
        'last_confirmed',
        'last_modified',
      ],
      rows,
    );
  });

  const formPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    options: {
      action: string;
      title: string;
      values: Record<string, string>;
      errors?: FormError[];
      cancel: string;
    },
  ) => {
    const t = request.t;
    const errors = options.errors ?? [];
    const chosen = (field: string) => new Set((options.values[field] ?? '').split(',').filter(Boolean));
    const categories = chosen('categories');
    const days = chosen('days');
    if (errors.length) reply.code(422);
    return reply.page('directory/oruk/views/form.njk', {
      pageTitle: options.title,
      action: options.action,
      cancelHref: options.cancel,
      csrfToken: reply.generateCsrf(),
      errors,
      errorSummary: errors.length > 0,
      fieldErrors: errorsByField(errors),
      values: options.values,
      categoryItems: CATEGORIES.map((code) => ({
        value: code,
        text: t(`directory.categories.${code}`),
        checked: categories.has(code),
      })),
      dayItems: WEEKDAYS.map((d) => ({
        value: d,
        text: t(`directory.oruk.days.${d}`),
        checked: days.has(d),
      })),
      statusItems: ['active', 'temporarily closed', 'inactive', 'defunct'].map((s) => ({
        value: s,
        text: t(`directory.oruk.status.${s.replace(' ', '-')}`),
        checked: (options.values.status || 'active') === s,
      })),
      costItems: [
        { value: 'free', text: t('directory.oruk.form.costFree'), checked: options.values.cost === 'free' },
        { value: 'paid', text: t('directory.oruk.form.costPaid'), checked: options.values.cost === 'paid' },
        { value: '', text: t('directory.oruk.form.costUnknown'), checked: !options.values.cost },
      ],
    });
  };

  const submitted = (request: FastifyRequest) => {
    const body = flattenFormBody(request.body);
    const values: Record<string, string> = {};
    if (isObject(body)) for (const [k, v] of Object.entries(body)) if (typeof v === 'string') values[k] = v;
    return { body, values };
  };

  app.get('/services/new', needs('directory.service.manage'), async (request, reply) => {
    const place = requirePlace(request);
    return formPage(request, reply, {
      action: `/${place.slug}/services/new`,
      title: request.t('directory.oruk.form.newTitle'),
      values: { status: 'active' },
      cancel: `/${place.slug}/services`,
    });
  });

  app.post('/services/new', { ...needs('directory.service.manage'), ...csrf }, async (request, reply) => {
    const place = requirePlace(request);
    const { body, values } = submitted(request);
    const page = {
      action: `/${place.slug}/services/new`,
      title: request.t('directory.oruk.form.newTitle'),
      cancel: `/${place.slug}/services`,
    };
    const form = parseForm(ServiceForm, body, request.t);
    if (!form.ok) return formPage(request, reply, { ...page, values, errors: form.errors });
    try {
      // The service validates again (it is the rule); it takes what was posted, not the parsed form.
      const id = await createService(ctx(request), values);
      return reply.redirect(`/${place.slug}/services/${id}?created=1`, 303);
    } catch (error) {
      if (error instanceof Invalid)
        return formPage(request, reply, { ...page, values, errors: formErrorsFrom(error, request.t) });
      throw error;
    }
  });

  app.get<ServiceParams & Query>('/services/:service', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const { service, extras } = await getServiceRecord(c, request.params.service);
    if (request.params.service !== service.id)
      return reply.redirect(`/${c.place.slug}/services/${service.id}`, 301);
    const ward = extras.wardCode ? (await listWards(c)).find((w) => w.code === extras.wardCode) : undefined;
    const view = serviceView(service, t);
    const summaryRows = [
      [t('directory.oruk.service.organization'), view.organization?.name ?? ''],
      [t('directory.oruk.service.whoFor'), view.ages],
      [t('directory.oruk.service.cost'), view.cost],
    ]
      .filter(([, value]) => value)
      .map(([key, value]) => ({ key: { text: key }, value: { text: value } }));
    return reply.page('directory/oruk/views/service.njk', {
      pageTitle: service.name,
      service,
      view,
      summaryRows,
      categories: extras.categories.map((code) => ({
        label: t(`directory.categories.${code}`),
        href: `/${c.place.slug}/services?category=${code}`,
      })),
      ward: ward ? { name: ward.name, href: `/${c.place.slug}/wards/${ward.slug}` } : null,
      source: extras.source,
      sourceIsUrl: /^https?:\/\//.test(extras.source),
      lastConfirmed: extras.lastConfirmedAt,
      stale: Date.now() - extras.lastConfirmedAt.getTime() > STALE_AFTER_MS,
      statusText: t(`directory.oruk.status.${String(service.status).replace(' ', '-')}`),
      created: request.query.created === '1',
      updated: request.query.updated === '1',
      canManage: can(request.actor, 'directory.service.manage'),
      apiHref: `/${c.place.slug}/api/oruk/services/${service.id}`,
    });
  });

  app.get<ServiceParams>(
    '/services/:service/edit',
    needs('directory.service.manage'),
    async (request, reply) => {
      const place = requirePlace(request);
      const { service } = await getServiceRecord(ctx(request), request.params.service);
      return formPage(request, reply, {
        action: `/${place.slug}/services/${service.id}/edit`,
        title: request.t('directory.oruk.form.editTitle', { name: String(service.name) }),
        values: formValuesFor(service),
        cancel: `/${place.slug}/services/${service.id}`,
      });
    },
  );

  app.post<ServiceParams>(
    '/services/:service/edit',
    { ...needs('directory.service.manage'), ...csrf },
    async (request, reply) => {
      const place = requirePlace(request);
      const c = ctx(request);
      const { service } = await getServiceRecord(c, request.params.service);
      const { body, values } = submitted(request);
      const page = {
        action: `/${place.slug}/services/${service.id}/edit`,
        title: request.t('directory.oruk.form.editTitle', { name: String(service.name) }),
        cancel: `/${place.slug}/services/${service.id}`,
      };
      const form = parseForm(ServiceForm, body, request.t);
      if (!form.ok) return formPage(request, reply, { ...page, values, errors: form.errors });
      try {
        await updateService(c, service.id as string, values);
      } catch (error) {
        if (error instanceof Invalid)
          return formPage(request, reply, { ...page, values, errors: formErrorsFrom(error, request.t) });
        throw error;
      }
      return reply.redirect(`/${place.slug}/services/${service.id}?updated=1`, 303);
    },
  );
}

function list(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s;
}

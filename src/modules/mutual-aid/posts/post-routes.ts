import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { withApi } from '../../../platform/api/api-doc.js';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { paged, pageRequest, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { can } from '../../../platform/roles/permissions.js';
import { DAYS, TIMES_OF_DAY } from '../../../platform/search/search-index.js';
import { listWards } from '../../wards/ward-service.js';
import { AID_CATEGORIES, type AidCategory } from '../categories.js';
import { liveMatchFor } from '../matches/match-service.js';
import {
  NEED_WHEN,
  NeedInput,
  OFFER_DISTANCES,
  OFFER_FOR,
  OFFER_MULTIPLE_FIELDS,
  OfferInput,
} from './post-input.js';
import {
  createPost,
  getPost,
  listOpenPosts,
  type PostFilters,
  type PostKind,
  type PublicPost,
} from './post-service.js';
import { suggestOffers } from './suggestions.js';

type PostParams = { Params: { post: string } };
type ListQuery = { Querystring: Record<string, unknown> };

function filtersFrom(q: Record<string, unknown>): PostFilters {
  return {
    kind: q.kind === 'need' || q.kind === 'offer' ? q.kind : null,
    ward: typeof q.ward === 'string' && q.ward.length <= 80 && q.ward ? q.ward : null,
    category: (AID_CATEGORIES as readonly string[]).includes(q.category as string)
      ? (q.category as AidCategory)
      : null,
  };
}

/** The open-data shape of a post: the public fields only, by construction. */
function postJson(placeSlug: string) {
  return (p: PublicPost) => ({
    id: p.id,
    kind: p.kind,
    categories: p.categories,
    title: p.title,
    details: p.details,
    ward_code: p.wardCode,
    ward_name: p.wardName,
    approx_lon: p.approxPoint?.lon ?? null,
    approx_lat: p.approxPoint?.lat ?? null,
    needed_by: p.windowTo?.toISOString() ?? null,
    days: p.availability?.days ?? [],
    times: p.availability?.times ?? [],
    max_distance_metres: p.maxDistanceMetres,
    expires_at: p.expiresAt.toISOString(),
    created_at: p.createdAt.toISOString(),
    url: `/${placeSlug}/help/${p.kind}s/${p.id}`,
  });
}

/** Needs and offers: the public board, posting forms, and open data without personal details. */
export async function postRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  app.get<ListQuery>('/help', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const filters = filtersFrom(request.query);
    const p = pageRequest(request);
    const [{ items, total }, wards] = await Promise.all([
      listOpenPosts(c, filters, { limit: p.perPage, offset: p.offset }),
      listWards(c),
    ]);
    return reply.page('mutual-aid/posts/views/board.njk', {
      pageTitle: t('mutualAid.board.title'),
      items,
      total,
      filters,
      canPost: can(request.actor, 'mutual-aid.post'),
      wardItems: [
        { value: '', text: t('mutualAid.board.allWards') },
        ...wards.map((w) => ({ value: w.slug, text: w.name, selected: filters.ward === w.slug })),
      ],
      categoryItems: [
        { value: '', text: t('mutualAid.board.allCategories') },
        ...AID_CATEGORIES.map((cat) => ({
          value: cat,
          text: t(`mutualAid.categories.${cat}`),
          selected: filters.category === cat,
        })),
      ],
      kindItems: [
        { value: '', text: t('mutualAid.board.both'), checked: !filters.kind },
        { value: 'need', text: t('mutualAid.board.needs'), checked: filters.kind === 'need' },
        { value: 'offer', text: t('mutualAid.board.offers'), checked: filters.kind === 'offer' },
      ],
    });
  });

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: PostKind,
    state: { values?: Record<string, string>; errors?: FormError[] } = {},
  ) {
    const t = request.t;
    const values = state.values ?? {};
    const chosen = (f: string) => new Set((values[f] ?? '').split(',').filter(Boolean));
    const [cats, days, times] = [chosen('categories'), chosen('days'), chosen('times')];
    if (state.errors?.length) reply.code(422);
    const wards = await listWards(ctx(request));
    return reply.page('mutual-aid/posts/views/form.njk', {
      pageTitle: t(`mutualAid.form.${kind}Title`),
      kind,
      action: `/${requirePlace(request).slug}/help/${kind}s`,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      canPostOnBehalf: can(request.actor, 'mutual-aid.post-on-behalf'),
      categoryItems: AID_CATEGORIES.map((c) => ({
        value: c,
        text: t(`mutualAid.categories.${c}`),
        checked: kind === 'need' ? values.category === c : cats.has(c),
      })),
      wardItems: [
        { value: '', text: t('mutualAid.form.chooseWard') },
        ...wards.map((w) => ({ value: w.slug, text: w.name, selected: values.ward === w.slug })),
      ],
      whenItems: NEED_WHEN.map((w) => ({
        value: w,
        text: t(`mutualAid.when.${w}`),
        checked: values.when === w,
      })),
      dayItems: DAYS.map((d) => ({ value: d, text: t(`directory.days.${d}`), checked: days.has(d) })),
      timeItems: TIMES_OF_DAY.map((d) => ({
        value: d,
        text: t(`directory.times.${d}`),
        checked: times.has(d),
      })),
      distanceItems: OFFER_DISTANCES.map((d) => ({
        value: d,
        text: t(`mutualAid.distance.${d}`),
        checked: values.distance === d,
      })),
      forItems: OFFER_FOR.map((d) => ({
        value: d,
        text: t(`mutualAid.offerFor.${d}`),
        checked: values.offerFor === d,
      })),
      consentItems: (['in-person', 'phone', 'written'] as const).map((h) => ({
        value: h,
        text: t(`mutualAid.consent.${h}`),
        checked: values.consentHow === h,
      })),
    });
  }

  for (const kind of ['need', 'offer'] as const) {
    const schema = kind === 'need' ? NeedInput : OfferInput;
    app.get(`/help/${kind}s/new`, needs('mutual-aid.post'), async (request, reply) =>
      formPage(request, reply, kind),
    );
    app.post(`/help/${kind}s`, { ...needs('mutual-aid.post'), ...csrf }, async (request, reply) => {
      const form = parseForm(schema, request.body, request.t, {
        multiple: kind === 'offer' ? OFFER_MULTIPLE_FIELDS : [],
      });
      if (!form.ok) return formPage(request, reply, kind, form);
      try {
        const body = request.body as Record<string, unknown>;
        const id = await createPost(ctx(request), kind, form.values, {
          ip: request.ip,
          honeypot: body.website_url,
        });
        const place = requirePlace(request);
        return reply.redirect(
          id ? `/${place.slug}/help/${kind}s/${id}?posted=1` : `/${place.slug}/help`,
          303,
        );
      } catch (error) {
        if (error instanceof Invalid)
          return formPage(request, reply, kind, {
            values: form.values,
            errors: formErrorsFrom(error, request.t),
          });
        throw error;
      }
    });
    app.get<PostParams & { Querystring: { posted?: string } }>(
      `/help/${kind}s/:post`,
      PUBLIC,
      async (request, reply) => {
        const post = await getPost(ctx(request), request.params.post);
        if (post.kind !== kind)
          return reply.redirect(`/${requirePlace(request).slug}/help/${post.kind}s/${post.id}`, 301);
        const chooses =
          post.kind === 'need' && (post.own !== null || can(request.actor, 'mutual-aid.match-on-behalf'));
        const liveMatch = chooses ? await liveMatchFor(ctx(request), post.id) : null;
        return reply.page('mutual-aid/posts/views/post.njk', {
          pageTitle: post.title,
          post,
          liveMatch,
          // Suggestions only while nobody is asked: one helper at a time is told "you're on".
          suggestions:
            chooses && post.status === 'open' && !liveMatch ? await suggestOffers(ctx(request), post) : null,
          justPosted: request.query.posted === '1',
        });
      },
    );
  }

  // Open data: what is public about each open need and offer, and nothing else.
  app.get<ListQuery>(
    '/api/help',
    withApi(PUBLIC, {
      summaryKey: 'api.docs.summaries.help',
      paged: true,
      query: z.object({
        kind: z.enum(['need', 'offer']).optional().describe('api.docs.params.helpKind'),
        ward: z.string().max(80).optional().describe('api.docs.params.ward'),
        category: z.enum(AID_CATEGORIES).optional().describe('api.docs.params.helpCategory'),
      }),
    }),
    async (request, reply) => {
      const c = ctx(request);
      const p = pageRequest(request);
      const { items, total } = await listOpenPosts(c, filtersFrom(request.query), {
        limit: p.perPage,
        offset: p.offset,
      });
      return sendOpenJson(reply, paged(request, items.map(postJson(c.place.slug)), total, p));
    },
  );

  app.get<ListQuery>('/api/help.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const { items } = await listOpenPosts(c, filtersFrom(request.query));
    const rows = items.map(postJson(c.place.slug)).map((r) => ({
      ...r,
      categories: r.categories.join(';'),
      days: r.days.join(';'),
      times: r.times.join(';'),
    }));
    return sendCsv(
      reply,
      `${c.place.slug}-help.csv`,
      [
        'id',
        'kind',
        'categories',
        'title',
        'details',
        'ward_code',
        'ward_name',
        'approx_lon',
        'approx_lat',
        'needed_by',
        'days',
        'times',
        'max_distance_metres',
        'expires_at',
        'created_at',
        'url',
      ],
      rows,
    );
  });
}

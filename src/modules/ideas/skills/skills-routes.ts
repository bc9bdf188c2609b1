import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PUBLIC, SIGNED_IN } from '../../../platform/http/access.js';
import { conflictBack } from '../../../platform/http/conflict-page.js';
import { Conflict, Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { pageNumbers } from '../../../platform/http/pagination.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { formatDate } from '../../../platform/i18n/i18n.js';
import { siteOf } from '../../../platform/module-definition.js';
import { listWards } from '../../wards/ward-service.js';
import {
  HOW,
  LANGUAGES,
  languageLabelKey,
  SKILL_GROUPS,
  SKILLS,
  skillGroupKey,
  skillLabelKey,
  TIME_BANDS,
  VISIBILITY,
} from './skill-taxonomy.js';
import { filtersFrom } from './skills-input.js';
import {
  deleteMyOffer,
  getMyOffer,
  getPublicOffer,
  getRequest,
  listMyRequests,
  type Offer,
  offerFormValues,
  onBehalfName,
  onBehalfValue,
  PAGE_SIZE,
  type PublicOffer,
  type RequestSummary,
  requestChoices,
  respondToRequest,
  saveMyOffer,
  searchOffers,
  sendRequest,
  withdrawRequest,
} from './skills-service.js';

const V = 'ideas/skills/views';
/** Forms are only flattened here (checkbox groups arrive as arrays); the service checks them. */
const FLAT = z.record(z.string(), z.string());
const K = 'ideas.skills';

type OfferParams = { Params: { skillOffer: string } };
type RequestParams = { Params: { skillRequest: string } };
type Query = { Querystring: Record<string, unknown> };

const NOTICES: Record<string, string> = {
  saved: `${K}.mine.saved`,
  deleted: `${K}.mine.deleted`,
  sent: `${K}.request.sent`,
  accepted: `${K}.request.acceptedNotice`,
  declined: `${K}.request.declinedNotice`,
  withdrawn: `${K}.request.withdrawnNotice`,
};

/** Skills and talents: the public search, a resident's own offer, and requests between teams and people. */
export async function skillsRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const site = () => siteOf(app.config);
  const base = (request: FastifyRequest) => `/${requirePlace(request).slug}/ideas/skills`;
  const notice = (request: FastifyRequest, q: Record<string, unknown>) =>
    typeof q.done === 'string' && NOTICES[q.done] ? request.t(NOTICES[q.done] as string) : null;

  /** An offer's words for a page: labels instead of codes. */
  function describe(request: FastifyRequest, o: PublicOffer | Offer) {
    const t = request.t;
    return {
      ref: o.id.slice(-8),
      skills: o.skills.map((s) => t(skillLabelKey(s))),
      languages: o.languages.map((l) => t(languageLabelKey(l))),
      time: t(`${K}.time.${o.time}`),
      how: t(`${K}.how.${o.how}`),
      ward: o.wardName ?? o.wardCode,
    };
  }

  /** Where a change refused because of where things stand leads back to. */
  const backOnConflict = (request: FastifyRequest, href: string) => conflictBack(request, href, `${K}.back`);

  // --- Finding people ------------------------------------------------------------------------

  app.get<Query>('/ideas/skills', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const filters = filtersFrom(request.query);
    const page = /^\d{1,4}$/.test(String(request.query.page ?? '')) ? Number(request.query.page) : 1;
    const [{ items, total }, wards] = await Promise.all([searchOffers(c, filters, page), listWards(c)]);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const query = (n: number) =>
      `?${new URLSearchParams({
        ...Object.fromEntries(Object.entries(filters).filter((e): e is [string, string] => Boolean(e[1]))),
        page: String(n),
      }).toString()}`;
    const select = (all: string, options: { value: string; text: string }[], chosen?: string) => [
      { value: '', text: all },
      ...options.map((o) => ({ ...o, selected: o.value === chosen })),
    ];
    return reply.page(`${V}/search.njk`, {
      pageTitle: t(`${K}.search.title`),
      notice: notice(request, request.query),
      signedIn: Boolean(c.actor),
      searched: Object.values(filters).some(Boolean),
      total,
      items: items.map((o) => ({ ...o, ...describe(request, o) })),
      skillItems: select(
        t(`${K}.search.anySkill`),
        SKILLS.map((s) => ({ value: s, text: t(skillLabelKey(s)) })),
        filters.skill,
      ),
      wardItems: select(
        t(`${K}.search.anyWard`),
        wards.map((w) => ({ value: w.slug, text: w.name })),
        filters.ward,
      ),
      howItems: select(
        t(`${K}.search.anyHow`),
        (['online', 'in-person'] as const).map((h) => ({ value: h, text: t(`${K}.search.how.${h}`) })),
        filters.how,
      ),
      languageItems: select(
        t(`${K}.search.anyLanguage`),
        LANGUAGES.map((l) => ({ value: l, text: t(languageLabelKey(l)) })),
        filters.language,
      ),
      pagination:
        pages > 1
          ? {
              previous: page > 1 ? { href: query(page - 1) } : undefined,
              next: page < pages ? { href: query(page + 1) } : undefined,
              items: pageNumbers(page, pages).map((n) =>
                n === null ? { ellipsis: true } : { number: n, href: query(n), current: n === page },
              ),
            }
          : null,
    });
  });

  // --- One's own offer -----------------------------------------------------------------------

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string>,
    errors: FormError[] = [],
    offer: Offer | null = null,
  ) {
    const t = request.t;
    if (errors.length) reply.code(422);
    const wards = await listWards(ctx(request));
    const chosen = (field: string) => new Set((values[field] ?? '').split(',').filter(Boolean));
    const skills = chosen('skills');
    const languages = chosen('languages');
    return reply.page(`${V}/form.njk`, {
      pageTitle: t(offer ? `${K}.form.changeTitle` : `${K}.form.title`),
      action: `${base(request)}/mine`,
      back: offer ? `${base(request)}/mine` : base(request),
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values,
      skillGroups: SKILL_GROUPS.map((g, i) => ({
        idPrefix: i === 0 ? 'skills' : `skills-${g.group}`,
        legend: t(skillGroupKey(g.group)),
        items: g.skills.map((s) => ({ value: s, text: t(skillLabelKey(s)), checked: skills.has(s) })),
      })),
      languageItems: LANGUAGES.map((l) => ({
        value: l,
        text: t(languageLabelKey(l)),
        checked: languages.has(l),
      })),
      timeItems: TIME_BANDS.map((b) => ({ value: b, text: t(`${K}.time.${b}`), checked: values.time === b })),
      howItems: HOW.map((h) => ({ value: h, text: t(`${K}.how.${h}`), checked: values.how === h })),
      wardItems: [
        { value: '', text: t(`${K}.form.chooseWard`) },
        ...wards.map((w) => ({ value: w.slug, text: w.name, selected: values.ward === w.slug })),
      ],
      visibilityItems: VISIBILITY.map((v) => ({
        value: v,
        text: t(`${K}.visibility.${v}`),
        hint: { text: t(`${K}.visibility.${v}Hint`) },
        checked: (values.visibility || 'private') === v,
      })),
    });
  }

  app.get<Query>('/ideas/skills/mine', SIGNED_IN, async (request, reply) => {
    const offer = await getMyOffer(ctx(request));
    if (!offer || request.query.change === '1')
      return formPage(request, reply, offer ? offerFormValues(offer) : {}, [], offer);
    const t = request.t;
    const d = describe(request, offer);
    return reply.page(`${V}/mine.njk`, {
      pageTitle: t(`${K}.mine.title`),
      notice: notice(request, request.query),
      offer,
      d,
      visibility: t(`${K}.visibility.${offer.visibility}`),
      updated: formatDate(offer.updatedAt, request.lang),
      change: `${base(request)}/mine?change=1`,
      base: base(request),
    });
  });

  app.post('/ideas/skills/mine', { ...SIGNED_IN, ...csrf }, async (request, reply) => {
    // Only to flatten the body (checkbox groups arrive as arrays); the service checks it all.
    const form = parseForm(FLAT, request.body, request.t, { multiple: ['skills', 'languages'] });
    const c = ctx(request);
    try {
      await saveMyOffer(c, form.values);
    } catch (error) {
      if (error instanceof Invalid)
        return formPage(request, reply, form.values, formErrorsFrom(error, request.t), await getMyOffer(c));
      throw error;
    }
    return reply.redirect(`${base(request)}/mine?done=saved`, 303);
  });

  app.get('/ideas/skills/mine/delete', SIGNED_IN, async (request, reply) => {
    const offer = await getMyOffer(ctx(request));
    if (!offer) return reply.redirect(`${base(request)}/mine`, 303);
    return reply.page(`${V}/delete.njk`, {
      pageTitle: request.t(`${K}.delete.title`),
      action: `${base(request)}/mine/delete`,
      back: `${base(request)}/mine`,
      csrfToken: reply.generateCsrf(),
    });
  });

  app.post('/ideas/skills/mine/delete', { ...SIGNED_IN, ...csrf }, async (request, reply) => {
    await deleteMyOffer(ctx(request));
    return reply.redirect(`${base(request)}?done=deleted`, 303);
  });

  // --- Asking for help -----------------------------------------------------------------------

  async function requestPage(
    request: FastifyRequest<OfferParams>,
    reply: FastifyReply,
    values: Record<string, string>,
    errors: FormError[] = [],
  ) {
    const t = request.t;
    const c = ctx(request);
    const offer = await getPublicOffer(c, request.params.skillOffer);
    backOnConflict(request, base(request));
    if (offer.mine) throw new Conflict(`${K}.errors.ownOffer`);
    const choices = await requestChoices(c);
    if (errors.length) reply.code(422);
    return reply.page(`${V}/request-form.njk`, {
      pageTitle: t(`${K}.request.title`),
      offer: { ...offer, ...describe(request, offer) },
      action: `${base(request)}/${offer.id}/request`,
      back: base(request),
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values,
      noTeam: !choices.length,
      ideasUrl: `/${requirePlace(request).slug}/ideas`,
      choiceItems: choices.map((o, i) => ({
        value: onBehalfValue(o),
        text:
          o.kind === 'idea'
            ? t(`${K}.request.forIdea`, { title: o.title })
            : t(`${K}.request.forGroup`, { name: o.name }),
        checked: values.onBehalf ? values.onBehalf === onBehalfValue(o) : choices.length === 1 && i === 0,
      })),
    });
  }

  app.get<OfferParams>('/ideas/skills/:skillOffer/request', SIGNED_IN, async (request, reply) =>
    requestPage(request, reply, {}),
  );

  app.post<OfferParams>(
    '/ideas/skills/:skillOffer/request',
    { ...SIGNED_IN, ...csrf },
    async (request, reply) => {
      const form = parseForm(FLAT, request.body, request.t);
      backOnConflict(request, base(request));
      let id: string;
      try {
        id = await sendRequest(ctx(request), site(), request.params.skillOffer, form.values);
      } catch (error) {
        if (error instanceof Invalid)
          return requestPage(request, reply, form.values, formErrorsFrom(error, request.t));
        throw error;
      }
      return reply.redirect(`${base(request)}/requests/${id}?done=sent`, 303);
    },
  );

  // --- Requests: the two parties only --------------------------------------------------------

  const summaryItem = (request: FastifyRequest, r: RequestSummary) => ({
    ...r,
    href: `${base(request)}/requests/${r.id}`,
    team: r.onBehalf ? onBehalfName(r.onBehalf) : request.t(`${K}.request.teamGone`),
    status: request.t(`${K}.status.${r.status}`),
    date: formatDate(r.createdAt, request.lang),
  });

  app.get<Query>('/ideas/skills/requests', SIGNED_IN, async (request, reply) => {
    const { received, sent } = await listMyRequests(ctx(request));
    return reply.page(`${V}/requests.njk`, {
      pageTitle: request.t(`${K}.requests.title`),
      received: received.map((r) => summaryItem(request, r)),
      sent: sent.map((r) => summaryItem(request, r)),
      base: base(request),
    });
  });

  app.get<RequestParams & Query>(
    '/ideas/skills/requests/:skillRequest',
    SIGNED_IN,
    async (request, reply) => {
      const r = await getRequest(ctx(request), request.params.skillRequest);
      const t = request.t;
      const here = `${base(request)}/requests/${r.id}`;
      const slug = requirePlace(request).slug;
      return reply.page(`${V}/request.njk`, {
        pageTitle: t(r.role === 'offerer' ? `${K}.request.receivedTitle` : `${K}.request.sentTitle`),
        notice: notice(request, request.query),
        r: { ...summaryItem(request, r), message: r.message, counterpart: r.counterpart, role: r.role },
        statusCode: r.status,
        offer: { ...r.offer, ...describe(request, r.offer) },
        teamUrl: r.onBehalf
          ? r.onBehalf.kind === 'idea'
            ? `/${slug}/ideas/${r.onBehalf.id}`
            : `/${slug}/groups/${r.onBehalf.slug}`
          : null,
        csrfToken: reply.generateCsrf(),
        here,
        back: `${base(request)}/requests`,
      });
    },
  );

  const answer = (what: 'accept' | 'decline' | 'withdraw', done: string) =>
    app.post<RequestParams>(
      `/ideas/skills/requests/:skillRequest/${what}`,
      { ...SIGNED_IN, ...csrf },
      async (request, reply) => {
        const c = ctx(request);
        const here = `${base(request)}/requests/${request.params.skillRequest}`;
        backOnConflict(request, here);
        if (what === 'withdraw') await withdrawRequest(c, request.params.skillRequest);
        else await respondToRequest(c, site(), request.params.skillRequest, what);
        return reply.redirect(`${here}?done=${done}`, 303);
      },
    );
  answer('accept', 'accepted');
  answer('decline', 'declined');
  answer('withdraw', 'withdrawn');
}

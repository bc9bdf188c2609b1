import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { Invalid, NotFound } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext, siteUrl } from '../../../platform/http/request-context.js';
import type { Translate } from '../../../platform/i18n/i18n.js';
import { sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { can } from '../../../platform/roles/permissions.js';
import { getWard, listWards, type Ward } from '../../wards/ward-service.js';
import { CATEGORIES, isCategory } from '../categories.js';
import {
  type DateRange,
  DESTINATION_TEXT_MAX,
  type DemandReport,
  defaultRange,
  demandAndSupply,
  GAP_MIN_DEMAND,
  GAP_RATIO,
  type Listing,
  myRecentSignpostings,
  NOTE_MAX,
  recordSignposting,
  SignpostingInput,
  wardLeafletPdf,
  whatsNear,
  whenText,
} from './signposting-service.js';

const V = 'directory/signposting/views';
const M = 'directory.signposting';

type Query = Record<string, string | undefined>;

/** The ward select's items, with a "choose" first so nothing is picked by accident. */
function wardItems(wards: Ward[], selected: string | undefined, t: Translate) {
  return [
    { value: '', text: t(`${M}.form.chooseWard`) },
    ...wards.map((w) => ({ value: w.slug, text: w.name, selected: w.slug === selected })),
  ];
}

function categoryItems(selected: string | undefined, t: Translate, chooseKey = `${M}.form.chooseCategory`) {
  return [
    { value: '', text: t(chooseKey) },
    ...CATEGORIES.map((c) => ({
      value: c,
      text: t(`directory.categories.${c}`),
      selected: c === selected,
    })),
  ];
}

/** A listing as the pages show it. */
function listingView(l: Listing, t: Translate) {
  return {
    ...l,
    kindLabel: t(`${M}.leaflet.kinds.${l.kind}`),
    categoryLabels: l.categories.filter(isCategory).map((c) => t(`directory.categories.${c}`)),
    when: l.whereWhen || whenText(l, t),
  };
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** `from`/`to` as YYYY-MM-DD, or as the day, month and year boxes of the GOV.UK date input. */
function rangeFromQuery(q: Query): { values: Record<string, string>; given: boolean } {
  const values: Record<string, string> = {};
  let given = false;
  for (const end of ['from', 'to'] as const) {
    const day = str(q[`${end}-day`])?.trim() ?? '';
    const month = str(q[`${end}-month`])?.trim() ?? '';
    const year = str(q[`${end}-year`])?.trim() ?? '';
    const whole = str(q[end])?.trim();
    if (day || month || year) {
      given = true;
      values[end] =
        /^\d{1,2}$/.test(day) && /^\d{1,2}$/.test(month) && /^\d{4}$/.test(year)
          ? `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`
          : 'invalid';
    } else if (whole !== undefined && whole !== '') {
      given = true;
      values[end] = whole;
    }
  }
  return { values, given };
}

/** Connector signposting, the connector toolkit, ward leaflets and demand against supply. */
export async function signpostingRoutes(app: FastifyInstance) {
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const csrf = { preHandler: app.csrfProtection };

  // The toolkit: how to signpost, what is near a ward, leaflets, and your recent records.
  app.get<{ Querystring: Query }>('/connectors', needs('directory.signpost'), async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const wards = await listWards(c);
    const wardQuery = str(request.query.ward) || undefined;
    const categoryQuery = str(request.query.category) || undefined;
    let near: Awaited<ReturnType<typeof whatsNear>> | null = null;
    const errors: FormError[] = [];
    if (wardQuery) {
      try {
        near = await whatsNear(c, wardQuery, categoryQuery ? { category: categoryQuery } : {});
      } catch (error) {
        if (!(error instanceof NotFound)) throw error;
        errors.push({ field: 'ward', text: t(`${M}.errors.wardMissing`), href: '#ward' });
      }
    }
    return reply.code(errors.length ? 422 : 200).page(`${V}/toolkit.njk`, {
      pageTitle: t(`${M}.toolkit.title`),
      errors,
      errorSummary: errors.length > 0,
      fieldErrors: errorsByField(errors),
      wardItems: wardItems(wards, near?.ward.slug ?? wardQuery, t),
      categoryItems: categoryItems(
        categoryQuery && isCategory(categoryQuery) ? categoryQuery : undefined,
        t,
        `${M}.toolkit.anyCategory`,
      ),
      near: near
        ? {
            ward: near.ward,
            category: categoryQuery && isCategory(categoryQuery) ? categoryQuery : null,
            matching: near.matching.map((l) => listingView(l, t)),
            others: near.others.map((l) => listingView(l, t)),
          }
        : null,
      wards,
      recent: await myRecentSignpostings(c),
      canSeeDemand: can(c.actor, 'directory.signposting.view'),
    });
  });

  // Recording: step 1 chooses the ward and the subject (a GET form, so it works without
  // JavaScript); step 2 chooses where they were pointed, from that ward's listings.
  const signpostPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values: Record<string, string>; errors: FormError[] },
  ) => {
    const c = ctx(request);
    const t = request.t;
    const { values, errors } = state;
    const wards = await listWards(c);
    const ward = values.ward
      ? wards.find((w) => w.slug === values.ward || w.code === values.ward)
      : undefined;
    const category = values.category && isCategory(values.category) ? values.category : undefined;
    const stepOneErrors = errors.filter((e) => e.field === 'ward' || e.field === 'category');
    const common = {
      errors,
      errorSummary: errors.length > 0,
      fieldErrors: errorsByField(errors),
      values,
    };
    if (!ward || !category || stepOneErrors.length) {
      return reply.page(`${V}/signpost-start.njk`, {
        pageTitle: t(`${M}.form.title`),
        ...common,
        // Only the questions on this page: the rest are asked on the next.
        errors: stepOneErrors,
        errorSummary: stepOneErrors.length > 0,
        fieldErrors: errorsByField(stepOneErrors),
        wardItems: wardItems(wards, ward?.slug ?? values.ward, t),
        categoryItems: categoryItems(category, t),
      });
    }
    const near = await whatsNear(c, ward.slug, { category });
    // Explicit ids: the error summary links to #destination, the first radio, and a divider
    // first in the list would otherwise take that id.
    let n = 0;
    const item = (l: Listing) => {
      const value = `${l.kind}:${l.refId}`;
      n++;
      return {
        id: n === 1 ? 'destination' : `destination-${n}`,
        value,
        text: l.title,
        hint: { text: [t(`${M}.leaflet.kinds.${l.kind}`), l.summary].filter(Boolean).join(' – ') },
        checked: values.destination === value,
      };
    };
    const destinationItems = [
      ...(near.matching.length && near.others.length
        ? [{ divider: t(`${M}.form.inCategory`, { category: t(`directory.categories.${category}`) }) }]
        : []),
      ...near.matching.map(item),
      ...(near.matching.length && near.others.length ? [{ divider: t(`${M}.form.otherListings`) }] : []),
      ...near.others.map(item),
      ...(near.matching.length || near.others.length ? [{ divider: t(`${M}.form.or`) }] : []),
    ];
    return reply.page(`${V}/signpost.njk`, {
      pageTitle: t(`${M}.form.whereTitle`),
      ...common,
      csrfToken: reply.generateCsrf(),
      ward,
      category,
      categoryLabel: t(`directory.categories.${category}`),
      // "Somewhere else" is added by the template, which holds its conditional text box.
      destinationItems,
      otherChecked: values.destination === 'other',
      otherId: near.matching.length + near.others.length ? 'destination-other' : 'destination',
      changeHref: `/${c.place.slug}/connectors/signpost?ward=${ward.slug}&category=${category}&change=1`,
      noteMax: NOTE_MAX,
      destinationTextMax: DESTINATION_TEXT_MAX,
    });
  };

  app.get<{ Querystring: Query }>(
    '/connectors/signpost',
    needs('directory.signpost'),
    async (request, reply) => {
      const q = request.query;
      const values = { ward: str(q.ward) ?? '', category: str(q.category) ?? '' };
      // Only a submitted step 1 is checked; the first visit and "change" links show no errors.
      if (str(q.change) || (!values.ward && !values.category)) {
        return signpostPage(request, reply, { values, errors: [] });
      }
      const errors: FormError[] = [];
      const wards = await listWards(ctx(request));
      if (!wards.some((w) => w.slug === values.ward || w.code === values.ward)) {
        errors.push({ field: 'ward', text: request.t(`${M}.errors.wardMissing`), href: '#ward' });
      }
      if (!isCategory(values.category)) {
        errors.push({ field: 'category', text: request.t(`${M}.errors.categoryMissing`), href: '#category' });
      }
      return signpostPage(request, reply.code(errors.length ? 422 : 200), { values, errors });
    },
  );

  app.post('/connectors/signpost', { ...needs('directory.signpost'), ...csrf }, async (request, reply) => {
    const form = parseForm(SignpostingInput, request.body, request.t);
    if (!form.ok) return signpostPage(request, reply.code(422), form);
    const t = request.t;
    const c = ctx(request);
    try {
      await recordSignposting(c, form.data);
    } catch (error) {
      if (error instanceof Invalid) {
        const values = Object.fromEntries(
          Object.entries(form.data).map(([k, v]) => [k, String(v ?? '')]),
        ) as Record<string, string>;
        return signpostPage(request, reply.code(422), { values, errors: formErrorsFrom(error, t) });
      }
      throw error;
    }
    const ward = await getWard(c, form.data.ward);
    return reply.page('message-page.njk', {
      pageTitle: t(`${M}.done.title`),
      panel: true,
      paragraphs: [t(`${M}.done.body`)],
      links: [
        { href: `/${c.place.slug}/connectors/signpost?ward=${ward.slug}`, text: t(`${M}.done.another`) },
        { href: `/${c.place.slug}/connectors`, text: t(`${M}.done.toolkit`) },
      ],
    });
  });

  // Public: a leaflet holds only what the directory already publishes, and anyone (a library,
  // a GP surgery, a group) may print one for their noticeboard.
  app.get<{ Params: { ward: string } }>('/connectors/leaflets/:ward.pdf', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const ward = await getWard(c, request.params.ward);
    const pdf = await wardLeafletPdf(c, ward.slug, request.t, {
      baseUrl: siteUrl(request),
      lang: request.lang,
    });
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="${c.place.slug}-${ward.slug}-leaflet.pdf"`)
      .header('cache-control', 'public, max-age=3600')
      .send(pdf);
  });

  // Demand against supply. Not public: see the note in the report page template.
  const demandFor = async (request: FastifyRequest<{ Querystring: Query }>) => {
    const { values, given } = rangeFromQuery(request.query);
    const range = given ? { ...defaultRange(), ...values } : defaultRange();
    return { report: await demandAndSupply(ctx(request), range as DateRange), values: range };
  };

  app.get<{ Querystring: Query }>(
    '/connectors/demand',
    needs('directory.signposting.view'),
    async (request, reply) => {
      const t = request.t;
      let report: DemandReport | null = null;
      let errors: FormError[] = [];
      let range: Record<string, string>;
      try {
        const result = await demandFor(request);
        report = result.report;
        range = result.values;
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        errors = formErrorsFrom(error, t).map((e) => ({ ...e, href: `#${e.field}-day` }));
        range = { ...defaultRange(), ...rangeFromQuery(request.query).values };
      }
      const parts = (iso: string | undefined) => {
        const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
        return m ? { year: m[1], month: String(Number(m[2])), day: String(Number(m[3])) } : null;
      };
      const place = requirePlace(request);
      const query = report ? `?from=${report.range.from}&to=${report.range.to}` : '';
      const detailWard = str(request.query.ward);
      return reply.code(errors.length ? 422 : 200).page(`${V}/demand.njk`, {
        pageTitle: t(`${M}.demand.title`),
        errors,
        errorSummary: errors.length > 0,
        fieldErrors: errorsByField(errors),
        from: parts(range.from) ?? rawParts(request.query, 'from'),
        to: parts(range.to) ?? rawParts(request.query, 'to'),
        report: report && {
          ...report,
          categoryLabel: Object.fromEntries(CATEGORIES.map((cat) => [cat, t(`directory.categories.${cat}`)])),
        },
        // One ward's every subject, on asking: all wards × all subjects is the CSV's job.
        detail: report && detailWard ? report.cells.filter((cell) => cell.wardSlug === detailWard) : [],
        detailWard: report?.byWard.find((w) => w.wardSlug === detailWard) ?? null,
        gapRule: { minDemand: GAP_MIN_DEMAND, ratio: GAP_RATIO },
        // Noon UTC is the same calendar day in London all year round.
        periodFrom: report ? new Date(`${report.range.from}T12:00:00Z`) : null,
        periodTo: report ? new Date(`${report.range.to}T12:00:00Z`) : null,
        pageHref: `/${place.slug}/connectors/demand${query}`,
        csvHref: `/${place.slug}/api/signposting/demand.csv${query}`,
        jsonHref: `/${place.slug}/api/signposting/demand.json${query}`,
        canSignpost: can(request.actor, 'directory.signpost'),
      });
    },
  );

  app.get<{ Querystring: Query }>(
    '/api/signposting/demand.json',
    needs('directory.signposting.view'),
    async (request, reply) => {
      const { report } = await demandFor(request);
      return sendOpenJson(reply, demandJson(report));
    },
  );

  app.get<{ Querystring: Query }>(
    '/api/signposting/demand.csv',
    needs('directory.signposting.view'),
    async (request, reply) => {
      const { report } = await demandFor(request);
      const t = request.t;
      const rows = report.cells.map((cell) => ({
        from: report.range.from,
        to: report.range.to,
        ward_code: cell.wardCode,
        ward_name: cell.wardName,
        category: cell.category,
        category_name: t(`directory.categories.${cell.category}`),
        signpostings: cell.demand,
        listings: cell.supply,
        gap: cell.gap,
      }));
      const place = requirePlace(request);
      return sendCsv(
        reply,
        `${place.slug}-signposting-demand-${report.range.from}-to-${report.range.to}.csv`,
        [
          'from',
          'to',
          'ward_code',
          'ward_name',
          'category',
          'category_name',
          'signpostings',
          'listings',
          'gap',
        ],
        rows,
      );
    },
  );
}

function rawParts(q: Query, end: 'from' | 'to') {
  return {
    day: str(q[`${end}-day`]) ?? '',
    month: str(q[`${end}-month`]) ?? '',
    year: str(q[`${end}-year`]) ?? '',
  };
}

function demandJson(r: DemandReport) {
  return {
    from: r.range.from,
    to: r.range.to,
    gap_rule: { min_signpostings: r.gapRule.minDemand, signpostings_per_listing: r.gapRule.ratio },
    totals: {
      signpostings: r.totals.demand,
      listings: r.totals.supply,
      gaps: r.totals.gaps,
      signpostings_in_former_wards: r.totals.demandInOldWards,
      listings_without_ward: r.totals.supplyWithoutWard,
    },
    by_ward: r.byWard.map((w) => ({
      ward_code: w.wardCode,
      ward_name: w.wardName,
      signpostings: w.demand,
      listings: w.supply,
      gaps: w.gaps,
    })),
    by_category: r.byCategory.map((c) => ({
      category: c.category,
      signpostings: c.demand,
      listings: c.supply,
      gaps: c.gaps,
    })),
    cells: r.cells.map((c) => ({
      ward_code: c.wardCode,
      ward_name: c.wardName,
      category: c.category,
      signpostings: c.demand,
      listings: c.supply,
      gap: c.gap,
    })),
  };
}

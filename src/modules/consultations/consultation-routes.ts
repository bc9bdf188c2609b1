import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { withApi } from '../../platform/api/api-doc.js';
import { needs, PUBLIC, SIGNED_IN } from '../../platform/http/access.js';
import { conflictBack } from '../../platform/http/conflict-page.js';
import { Conflict, Invalid } from '../../platform/http/errors.js';
import { acceptFileUploads, fileIn } from '../../platform/http/file-uploads.js';
import { errorsByField, type FormError, formErrorsFrom } from '../../platform/http/forms.js';
import { requirePlace, serviceContext, siteUrl } from '../../platform/http/request-context.js';
import { formatDate } from '../../platform/i18n/i18n.js';
import { paged, pageRequest, sendCsv, sendOpenJson } from '../../platform/opendata/formats.js';
import { listWards } from '../wards/ward-service.js';
import { mapResult, questionResults, responsesCsv, responsesJson } from './consultation-results.js';
import { type Answer, fieldOf, KINDS, scaleValues } from './consultation-rules.js';
import {
  addMapComment,
  addQuestion,
  anonymousResponses,
  type Consultation,
  canManage,
  changeStatus,
  createConsultation,
  getConsultation,
  listConsultations,
  MANAGE,
  MAX_PLAN_BYTES,
  type MyResponse,
  mapImage,
  moveQuestion,
  myResponse,
  removeMapComment,
  removeQuestion,
  resultsVisible,
  saveAnswers,
  setMap,
  submitResponse,
  updateConsultation,
} from './consultation-service.js';

type Params = { Params: { consultation: string } };
type QParams = { Params: { consultation: string; consultationQuestion: string } };
type CParams = { Params: { consultation: string; mapComment: string } };
type FormState = { values?: Record<string, unknown>; errors?: FormError[] };

const V = 'consultations/views';
const M = 'consultations';

/** A form's fields with NUL bytes taken out (PostgreSQL text cannot hold them); lists stay lists. */
export function cleanFields(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping NUL bytes is the point
  const clean = (v: string) => v.replace(/\u0000/g, '');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = clean(v);
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string').map(clean);
  }
  return out;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export async function consultationRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const manage = needs(MANAGE);
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const base = (request: FastifyRequest) => `/${requirePlace(request).slug}/consultations`;
  const day = (request: FastifyRequest, iso: string) =>
    formatDate(new Date(`${iso}T12:00:00Z`), request.lang);
  const origins = (request: FastifyRequest) => [siteUrl(request)];

  // A change refused on a consultation's pages (closed, already answered) leads back to it.
  app.addHook('preHandler', async (request) => {
    const id = (request.params as { consultation?: string }).consultation;
    if (id) conflictBack(request, `${base(request)}/${id}`, `${M}.back`);
  });

  /** A consultation's facts as every page shows them. */
  function view(request: FastifyRequest, c: Consultation) {
    const t = request.t;
    return {
      ...c,
      url: `${base(request)}/${c.id}`,
      opens: day(request, c.opensOn),
      closes: day(request, c.closesOn),
      statusText: t(`${M}.status.${c.status}`),
      where: c.wardName ?? t(`${M}.placeWide`),
    };
  }

  // --- Lists and open data --------------------------------------------------------------------

  app.get('/consultations', PUBLIC, async (request, reply) => {
    const { items } = await listConsultations(ctx(request));
    return reply.page(`${V}/index.njk`, {
      pageTitle: request.t(`${M}.index.title`),
      consultations: items.map((c) => view(request, c)),
      manager: canManage(ctx(request)),
      base: base(request),
    });
  });

  const dataRow = (request: FastifyRequest, c: Consultation) => ({
    id: c.id,
    title: c.title,
    summary: c.summary,
    run_by: c.runBy,
    status: c.status,
    opens_on: c.opensOn,
    closes_on: c.closesOn,
    ward_code: c.wardCode,
    decision: c.decisionPath,
    responses: c.responseCount,
    url: `${siteUrl(request)}${base(request)}/${c.id}`,
  });

  app.get(
    '/api/consultations',
    withApi(PUBLIC, { summaryKey: 'api.docs.summaries.consultations', paged: true }),
    async (request, reply) => {
      const p = pageRequest(request);
      const { items, total } = await listConsultations(ctx(request), {
        limit: p.perPage,
        offset: p.offset,
        publicOnly: true,
      });
      return sendOpenJson(
        reply,
        paged(
          request,
          items.map((c) => dataRow(request, c)),
          total,
          p,
        ),
      );
    },
  );

  app.get('/consultations.csv', PUBLIC, async (request, reply) => {
    const { items } = await listConsultations(ctx(request), { limit: 100_000, publicOnly: true });
    // sendCsv guards every text cell against spreadsheet formulas.
    const rows = items.map((c) => dataRow(request, c));
    return sendCsv(
      reply,
      'consultations.csv',
      Object.keys(dataRow(request, items[0] ?? ({} as Consultation))) as never,
      rows,
    );
  });

  // --- Officers: starting and editing ---------------------------------------------------------

  async function detailsForm(
    request: FastifyRequest,
    reply: FastifyReply,
    c: Consultation | null,
    state: FormState = {},
  ) {
    const t = request.t;
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const dateValues = (iso: string | undefined, name: string) => {
      const v = state.values;
      if (v)
        return { day: str(v[`${name}-day`]), month: str(v[`${name}-month`]), year: str(v[`${name}-year`]) };
      if (!iso) return { day: '', month: '', year: '' };
      return {
        day: String(Number(iso.slice(8, 10))),
        month: String(Number(iso.slice(5, 7))),
        year: iso.slice(0, 4),
      };
    };
    const values = state.values ?? {
      title: c?.title ?? '',
      summary: c?.summary ?? '',
      runBy: c?.runBy ?? '',
      ward: c?.wardCode ?? '',
      decision: c?.decisionPath ?? '',
    };
    const items = (name: string, iso?: string) => {
      const d = dateValues(iso, name) as Record<string, string>;
      return ['day', 'month', 'year'].map((p) => ({
        name: p,
        label: t(`${M}.form.${p}`),
        value: d[p],
        classes: `govuk-input--width-${p === 'year' ? 4 : 2}${errors.some((e) => e.field === name) ? ' govuk-input--error' : ''}`,
      }));
    };
    let wards: { code: string; name: string }[] = [];
    try {
      wards = await listWards(ctx(request));
    } catch {
      wards = [];
    }
    return reply.page(`${V}/details-form.njk`, {
      pageTitle: c ? t(`${M}.form.editTitle`) : t(`${M}.form.newTitle`),
      action: c ? `${base(request)}/${c.id}/edit` : base(request),
      back: c ? `${base(request)}/${c.id}` : base(request),
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values,
      opensItems: items('opensOn', c?.opensOn),
      closesItems: items('closesOn', c?.closesOn),
      wardItems: [
        { value: '', text: t(`${M}.placeWide`) },
        ...wards.map((w) => ({ value: w.code, text: w.name, selected: str(values.ward) === w.code })),
      ],
    });
  }

  app.get('/consultations/new', manage, (request, reply) => detailsForm(request, reply, null));
  app.post('/consultations', { ...manage, ...csrf }, async (request, reply) => {
    const fields = cleanFields(request.body);
    try {
      const id = await createConsultation(ctx(request), fields, origins(request));
      return reply.redirect(`${base(request)}/${id}/questions`, 303);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return detailsForm(request, reply, null, { values: fields, errors: formErrorsFrom(error, request.t) });
    }
  });
  app.get<Params>('/consultations/:consultation/edit', manage, async (request, reply) =>
    detailsForm(request, reply, await getConsultation(ctx(request), request.params.consultation)),
  );
  app.post<Params>('/consultations/:consultation/edit', { ...manage, ...csrf }, async (request, reply) => {
    const fields = cleanFields(request.body);
    const c = await getConsultation(ctx(request), request.params.consultation);
    try {
      await updateConsultation(ctx(request), c.id, fields, origins(request));
      return reply.redirect(`${base(request)}/${c.id}?done=saved`, 303);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return detailsForm(request, reply, c, { values: fields, errors: formErrorsFrom(error, request.t) });
    }
  });

  app.post<Params>('/consultations/:consultation/status', { ...manage, ...csrf }, async (request, reply) => {
    const c = await getConsultation(ctx(request), request.params.consultation);
    const url = `${base(request)}/${c.id}`;
    try {
      await changeStatus(ctx(request), c.id, str(cleanFields(request.body).step));
    } catch (error) {
      // The buttons only offer the next step, so any other is a page out of date.
      throw error instanceof Invalid ? new Conflict(`${M}.errors.step`) : error;
    }
    return reply.redirect(`${url}?done=status`, 303);
  });

  // --- Officers: the survey builder -------------------------------------------------------------

  async function builder(request: FastifyRequest<Params>, reply: FastifyReply, state: FormState = {}) {
    const t = request.t;
    const c = await getConsultation(ctx(request), request.params.consultation);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const values = state.values ?? {
      kind: 'radios',
      required: 'yes',
      scaleMin: '1',
      scaleMax: '5',
      maxLength: '500',
    };
    return reply.page(`${V}/questions.njk`, {
      pageTitle: t(`${M}.builder.title`),
      consultation: view(request, c),
      locked: c.status !== 'draft' || c.responseCount > 0,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values,
      kinds: KINDS,
      questions: c.questions.map((q, i) => ({
        ...q,
        number: i + 1,
        kindText: t(`${M}.kinds.${q.kind}`),
        first: i === 0,
        last: i === c.questions.length - 1,
        url: `${base(request)}/${c.id}/questions/${q.id}`,
      })),
    });
  }

  app.get<Params>('/consultations/:consultation/questions', manage, (request, reply) =>
    builder(request, reply),
  );
  app.post<Params>(
    '/consultations/:consultation/questions',
    { ...manage, ...csrf },
    async (request, reply) => {
      const fields = cleanFields(request.body);
      const url = `${base(request)}/${request.params.consultation}`;
      // Each kind with options has its own box on the page (all are sent without JavaScript).
      const optionsField =
        { checkboxes: 'checkboxOptions', ranking: 'rankingOptions' }[str(fields.kind)] ?? 'options';
      try {
        await addQuestion(ctx(request), request.params.consultation, {
          ...fields,
          options: fields[optionsField],
        });
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        const errors = formErrorsFrom(error, request.t).map((e) =>
          e.field === 'options' ? { ...e, field: optionsField, href: `#${optionsField}` } : e,
        );
        return builder(request, reply, { values: fields, errors });
      }
      return reply.redirect(`${url}/questions?done=added`, 303);
    },
  );
  app.post<QParams>(
    '/consultations/:consultation/questions/:consultationQuestion/move',
    { ...manage, ...csrf },
    async (request, reply) => {
      const url = `${base(request)}/${request.params.consultation}`;
      try {
        await moveQuestion(
          ctx(request),
          request.params.consultation,
          request.params.consultationQuestion,
          str(cleanFields(request.body).direction),
        );
      } catch (error) {
        if (error instanceof Invalid) return reply.redirect(`${url}/questions`, 303);
        throw error;
      }
      return reply.redirect(`${url}/questions`, 303);
    },
  );
  app.post<QParams>(
    '/consultations/:consultation/questions/:consultationQuestion/remove',
    { ...manage, ...csrf },
    async (request, reply) => {
      const url = `${base(request)}/${request.params.consultation}`;
      await removeQuestion(ctx(request), request.params.consultation, request.params.consultationQuestion);
      return reply.redirect(`${url}/questions?done=removed`, 303);
    },
  );

  // --- The map's settings (a site plan upload) -----------------------------------------------

  async function mapForm(request: FastifyRequest<Params>, reply: FastifyReply, state: FormState = {}) {
    const t = request.t;
    const c = await getConsultation(ctx(request), request.params.consultation);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const values = state.values ?? {
      mapKind: c.map ? 'keep' : 'none',
      areas: c.mapAreas.join('\n'),
      mapAlt: c.map?.alt ?? '',
      mapPrompt: c.map?.prompt ?? '',
    };
    return reply.page(`${V}/map-form.njk`, {
      pageTitle: t(`${M}.mapForm.title`),
      consultation: view(request, c),
      locked: c.status !== 'draft' || c.responseCount > 0,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values,
      planMegabytes: MAX_PLAN_BYTES / (1024 * 1024),
    });
  }
  app.get<Params>('/consultations/:consultation/map-settings', manage, (request, reply) =>
    mapForm(request, reply),
  );
  await app.register(async (uploads) => {
    await acceptFileUploads(uploads, { maxBytes: MAX_PLAN_BYTES, files: 1, fieldBytes: 10_000 });
    uploads.post<Params>(
      '/consultations/:consultation/map-settings',
      { ...manage, preHandler: uploads.csrfProtection },
      async (request, reply) => {
        const fields = cleanFields(request.body);
        const url = `${base(request)}/${request.params.consultation}`;
        try {
          await setMap(ctx(request), request.params.consultation, fields, fileIn(request.body, 'plan'), {
            title: request.t(`${M}.map.wardTitle`),
            description: request.t(`${M}.map.wardDescription`),
          });
        } catch (error) {
          if (!(error instanceof Invalid)) throw error;
          return mapForm(request, reply, { values: fields, errors: formErrorsFrom(error, request.t) });
        }
        return reply.redirect(`${url}/questions?done=map`, 303);
      },
    );
  });

  // --- A consultation's page and its map image -------------------------------------------------

  app.get<Params & { Querystring: { done?: string } }>(
    '/consultations/:consultation',
    PUBLIC,
    async (request, reply) => {
      const t = request.t;
      const c = await getConsultation(ctx(request), request.params.consultation);
      const manager = canManage(ctx(request));
      const mine = request.actor ? await myResponse(ctx(request), c.id) : null;
      const done = request.query.done;
      const next = { draft: 'open', open: 'close', closed: 'publish', published: null }[c.status];
      return reply.page(`${V}/consultation.njk`, {
        pageTitle: c.title,
        consultation: view(request, c),
        manager,
        mine,
        notice: done && ['saved', 'status', 'sent'].includes(done) ? t(`${M}.done.${done}`) : null,
        sent: done === 'sent',
        nextStep: manager ? next : null,
        csrfToken: manager ? reply.generateCsrf() : '',
        showResults: resultsVisible(ctx(request), c),
      });
    },
  );

  app.get<Params>('/consultations/:consultation/map', PUBLIC, async (request, reply) => {
    const image = await mapImage(ctx(request), request.params.consultation);
    return reply
      .header('content-type', image.type)
      .header('cache-control', 'private, max-age=300')
      .header('content-disposition', 'inline')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(image.bytes);
  });

  // --- Residents: answering -------------------------------------------------------------------

  function answeredValue(
    q: Consultation['questions'][number],
    a: Answer | undefined,
    values?: Record<string, unknown>,
  ) {
    if (values) return values[fieldOf(q.id)];
    return a;
  }

  async function answerForm(request: FastifyRequest<Params>, reply: FastifyReply, state: FormState = {}) {
    const t = request.t;
    const c = await getConsultation(ctx(request), request.params.consultation);
    const url = `${base(request)}/${c.id}`;
    if (!c.taking) throw new Conflict(`${M}.errors.notOpen`);
    const mine = await myResponse(ctx(request), c.id);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const fe = errorsByField(errors);
    const questions = c.questions.map((q, i) => {
      const name = fieldOf(q.id);
      const value = answeredValue(q, mine?.answers[q.id], state.values);
      const label = `${i + 1}. ${q.prompt}${q.required ? '' : ` ${t(`${M}.answer.optional`)}`}`;
      const chosen = Array.isArray(value)
        ? value.map(String)
        : value === undefined || value === null
          ? []
          : [String(value)];
      const ranked =
        q.kind === 'ranking'
          ? q.options.map((_, r) =>
              state.values
                ? str(state.values[`${name}-${r + 1}`])
                : Array.isArray(value)
                  ? str(value[r])
                  : '',
            )
          : [];
      return {
        ...q,
        name,
        label,
        error: fe[name],
        value: typeof value === 'string' || typeof value === 'number' ? String(value) : '',
        items:
          q.kind === 'scale'
            ? scaleValues(q.settings).map((v, vi, all) => ({
                value: String(v),
                text:
                  vi === 0
                    ? `${v} – ${q.settings.lowLabel}`
                    : vi === all.length - 1
                      ? `${v} – ${q.settings.highLabel}`
                      : String(v),
                checked: chosen.includes(String(v)),
              }))
            : q.options.map((o) => ({ value: o, text: o, checked: chosen.includes(o) })),
        ranks: ranked.map((r, ri) => ({
          id: `${name}-${ri + 1}`,
          label: t(`${M}.answer.rank`, { n: ri + 1 }),
          items: [
            { value: '', text: t(`${M}.answer.choose`) },
            ...q.options.map((o) => ({ value: o, text: o, selected: r === o })),
          ],
        })),
        choicesHint:
          q.kind === 'checkboxes' && (q.settings.minChoices || q.settings.maxChoices)
            ? t(`${M}.answer.choices`, {
                min: q.settings.minChoices ?? 1,
                max: q.settings.maxChoices ?? q.options.length,
              })
            : '',
      };
    });
    return reply.page(`${V}/answer.njk`, {
      pageTitle: t(`${M}.answer.title`, { title: c.title }),
      consultation: view(request, c),
      questions,
      action: `${url}/respond`,
      csrfToken: reply.generateCsrf(),
      errors,
    });
  }

  app.get<Params>('/consultations/:consultation/respond', SIGNED_IN, async (request, reply) => {
    const c = await getConsultation(ctx(request), request.params.consultation);
    // With no questions, the map is all there is to answer.
    if (c.taking && c.questions.length === 0 && c.map)
      return reply.redirect(`${base(request)}/${c.id}/respond/where`, 303);
    return answerForm(request, reply);
  });
  app.post<Params>(
    '/consultations/:consultation/respond',
    { ...SIGNED_IN, ...csrf },
    async (request, reply) => {
      const fields = cleanFields(request.body);
      const url = `${base(request)}/${request.params.consultation}`;
      try {
        await saveAnswers(ctx(request), request.params.consultation, fields);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        return answerForm(request, reply, { values: fields, errors: formErrorsFrom(error, request.t) });
      }
      const c = await getConsultation(ctx(request), request.params.consultation);
      return reply.redirect(c.map ? `${url}/respond/where` : `${url}/respond/check`, 303);
    },
  );

  async function whereForm(request: FastifyRequest<Params>, reply: FastifyReply, state: FormState = {}) {
    const t = request.t;
    const c = await getConsultation(ctx(request), request.params.consultation);
    const url = `${base(request)}/${c.id}`;
    if (!c.taking) throw new Conflict(`${M}.errors.notOpen`);
    if (!c.map) return reply.redirect(`${url}/respond/check`, 303);
    const mine = await myResponse(ctx(request), c.id);
    const { shownWidth, shownHeight } = c.map;
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const values = state.values ?? {};
    return reply.page(`${V}/where.njk`, {
      pageTitle: t(`${M}.where.title`),
      consultation: view(request, c),
      map: c.map,
      mapUrl: `${url}/map`,
      action: `${url}/respond/where`,
      next: `${url}/respond/check`,
      back: c.questions.length ? `${url}/respond` : url,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values,
      areaItems: [
        { value: '', text: t(`${M}.where.noArea`) },
        ...c.map.areas.map((a) => ({ value: a, text: a, selected: str(values.area) === a })),
      ],
      comments: (mine?.comments ?? []).map((m, i) => ({
        ...m,
        n: i + 1,
        where: whereText(request, m),
        removeUrl: `${url}/respond/where/${m.id}/remove`,
      })),
      pins: (mine?.comments ?? [])
        .map((m, i) => ({ n: i + 1, x: m.x, y: m.y }))
        .filter((p) => p.x !== null && p.y !== null)
        .map((p) => ({
          n: p.n,
          cx: Math.round((p.x as number) * shownWidth),
          cy: Math.round((p.y as number) * shownHeight),
        })),
    });
  }

  function whereText(
    request: FastifyRequest,
    m: { x: number | null; y: number | null; area: string | null; placeWords: string },
  ) {
    const parts = [m.x !== null ? request.t(`${M}.where.pinned`) : null, m.area, m.placeWords || null].filter(
      Boolean,
    );
    return parts.join(' · ');
  }

  app.get<Params>('/consultations/:consultation/respond/where', SIGNED_IN, (request, reply) =>
    whereForm(request, reply),
  );
  app.post<Params>(
    '/consultations/:consultation/respond/where',
    { ...SIGNED_IN, ...csrf },
    async (request, reply) => {
      const fields = cleanFields(request.body);
      const url = `${base(request)}/${request.params.consultation}`;
      conflictBack(request, `${url}/respond/where`, `${M}.back`);
      try {
        await addMapComment(ctx(request), request.params.consultation, fields);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        return whereForm(request, reply, { values: fields, errors: formErrorsFrom(error, request.t) });
      }
      return reply.redirect(`${url}/respond/where?done=added`, 303);
    },
  );
  app.post<CParams>(
    '/consultations/:consultation/respond/where/:mapComment/remove',
    { ...SIGNED_IN, ...csrf },
    async (request, reply) => {
      const url = `${base(request)}/${request.params.consultation}`;
      await removeMapComment(ctx(request), request.params.consultation, request.params.mapComment);
      return reply.redirect(`${url}/respond/where`, 303);
    },
  );

  async function checkPage(request: FastifyRequest<Params>, reply: FastifyReply, errors: FormError[] = []) {
    const t = request.t;
    const c = await getConsultation(ctx(request), request.params.consultation);
    const url = `${base(request)}/${c.id}`;
    if (!c.taking) throw new Conflict(`${M}.errors.notOpen`);
    const mine: MyResponse | null = await myResponse(ctx(request), c.id);
    if (errors.length) reply.code(422);
    return reply.page(`${V}/check.njk`, {
      pageTitle: t(`${M}.check.title`),
      consultation: view(request, c),
      rows: c.questions.map((q) => {
        const a = mine?.answers[q.id];
        return {
          key: { text: q.prompt },
          value: {
            text:
              a === undefined
                ? t(`${M}.check.notAnswered`)
                : Array.isArray(a)
                  ? q.kind === 'ranking'
                    ? a.map((o, i) => `${i + 1}. ${o}`).join('\n')
                    : a.join('\n')
                  : String(a),
          },
          actions: {
            items: [
              {
                href: `${url}/respond#${fieldOf(q.id)}`,
                text: t(`${M}.check.change`),
                visuallyHiddenText: q.prompt,
              },
            ],
          },
        };
      }),
      map: c.map,
      comments: (mine?.comments ?? []).map((m) => ({ ...m, where: whereText(request, m) })),
      whereUrl: `${url}/respond/where`,
      action: `${url}/respond/check`,
      submitted: Boolean(mine?.submittedOn),
      csrfToken: reply.generateCsrf(),
      errors,
    });
  }
  app.get<Params>('/consultations/:consultation/respond/check', SIGNED_IN, (request, reply) =>
    checkPage(request, reply),
  );
  app.post<Params>(
    '/consultations/:consultation/respond/check',
    { ...SIGNED_IN, ...csrf },
    async (request, reply) => {
      const url = `${base(request)}/${request.params.consultation}`;
      try {
        await submitResponse(ctx(request), request.params.consultation);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        return checkPage(
          request,
          reply,
          formErrorsFrom(error, request.t).map((e) => ({ ...e, href: `${url}/respond` })),
        );
      }
      return reply.redirect(`${url}?done=sent`, 303);
    },
  );

  // --- Results --------------------------------------------------------------------------------

  app.get<Params>('/consultations/:consultation/results', PUBLIC, async (request, reply) => {
    const t = request.t;
    const { consultation: c, responses } = await anonymousResponses(
      ctx(request),
      request.params.consultation,
    );
    const url = `${base(request)}/${c.id}`;
    const results = questionResults(c, responses);
    const map = c.map ? mapResult(c, responses, t(`${M}.results.otherArea`)) : null;
    const shownWidth = c.map?.shownWidth ?? 0;
    const shownHeight = c.map?.shownHeight ?? 0;
    return reply.page(`${V}/results.njk`, {
      pageTitle: t(`${M}.results.title`, { title: c.title }),
      consultation: view(request, c),
      responseCount: responses.length,
      results,
      map: c.map,
      mapUrl: `${url}/map`,
      mapResult: map
        ? {
            ...map,
            pins: map.pins.map((p) => ({
              n: p.n,
              cx: Math.round(p.x * shownWidth),
              cy: Math.round(p.y * shownHeight),
            })),
          }
        : null,
      csvUrl: `${url}/responses.csv`,
      jsonUrl: `${url}/responses.json`,
      published: c.status === 'published',
    });
  });

  app.get<Params>('/consultations/:consultation/responses.json', PUBLIC, async (request, reply) => {
    const { consultation: c, responses } = await anonymousResponses(
      ctx(request),
      request.params.consultation,
    );
    return sendOpenJson(reply, responsesJson(c, responses));
  });
  app.get<Params>('/consultations/:consultation/responses.csv', PUBLIC, async (request, reply) => {
    const { consultation: c, responses } = await anonymousResponses(
      ctx(request),
      request.params.consultation,
    );
    const { columns, rows } = responsesCsv(c, responses);
    return sendCsv(reply, `consultation-${c.id}-responses.csv`, columns, rows as Record<string, unknown>[]);
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Disclosed } from '../../../lib/disclosure/index.js';
import { withApi } from '../../../platform/api/api-doc.js';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { paged, pageRequest, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { can } from '../../../platform/roles/permissions.js';
import { listWards } from '../../wards/ward-service.js';
import {
  challengeInput,
  FIGURE_ROWS,
  RESPONSE_KINDS,
  responseInput,
  STEP_ROWS,
  updateInput,
} from './challenge-input.js';
import {
  addProgressUpdate,
  type ChallengeSummary,
  type ChallengeView,
  challengeFormValues,
  createChallenge,
  getChallenge,
  groupsToAnswerFor,
  listChallenges,
  MANAGE,
  RESPOND,
  respondToChallenge,
  setChallengeStatus,
  updateChallenge,
} from './challenge-service.js';
import { outcomeChart } from './outcome-chart.js';

type Params = { Params: { challenge: string } };
type FormState = { values?: Record<string, string>; errors?: FormError[] };
const VIEWS = 'mutual-aid/challenges/views';

/** In open data a suppressed count is null, with a note saying why; never the number. */
const NOTES = { shown: null, low: 'fewer-than-10', withheld: 'withheld-to-protect-a-small-count' } as const;
const shownValue = (d: Disclosed | null) => (d?.status === 'shown' ? d.value : null);
const noteOf = (d: Disclosed | null) => (d ? NOTES[d.status] : null);
const day = (d: Date) => d.toISOString().slice(0, 10);

function summaryJson(placeSlug: string) {
  return (c: ChallengeSummary) => ({
    id: c.id,
    title: c.title,
    summary: c.summary,
    ward_code: c.wardCode,
    ward_name: c.wardName,
    area: c.area,
    status: c.status,
    published_at: c.publishedAt?.toISOString() ?? null,
    how_to_help: c.howToHelp,
    measure_name: c.measureName,
    measure_baseline: shownValue(c.measureBaseline),
    measure_baseline_note: noteOf(c.measureBaseline),
    measure_target: c.measureTarget,
    measure_latest: shownValue(c.latestMeasure),
    measure_latest_note: noteOf(c.latestMeasure),
    pledges: c.counts.pledge,
    groups_started: c.counts['start-group'],
    ideas: c.counts.idea,
    url: `/${placeSlug}/help/challenges/${c.id}`,
  });
}

function detailJson(placeSlug: string, c: ChallengeView) {
  return {
    ...summaryJson(placeSlug)(c),
    figures: c.figures.map((f) => ({
      position: f.position,
      label: f.label,
      value: shownValue(f.value),
      value_note: noteOf(f.value),
      part_of: f.partOf,
      source_name: f.sourceName,
      source_url: f.sourceUrl,
      as_of: day(f.asOf),
    })),
    impact_chain: c.steps.map((s) => ({
      position: s.position,
      step: s.step,
      evidence_url: s.evidenceUrl,
      evidence_text: s.evidenceText || null,
    })),
    progress: c.updates.map((u) => ({
      as_of: day(u.asOf),
      update: u.body,
      measure_value: shownValue(u.measureValue),
      measure_value_note: noteOf(u.measureValue),
    })),
    answers: c.responses.map((r) => ({
      kind: r.kind,
      text: r.body,
      name: r.name,
      group: r.groupName,
      created_at: r.createdAt.toISOString(),
    })),
  };
}

/** Council challenges: the public pages, the officers' forms, residents' answers, open data. */
export async function challengeRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const base = (request: FastifyRequest) => `/${requirePlace(request).slug}/help/challenges`;

  app.get('/help/challenges', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const all = await listChallenges(c, { drafts: true });
    return reply.page(`${VIEWS}/list.njk`, {
      pageTitle: request.t('mutualAid.challenges.list.title'),
      open: all.filter((x) => x.status === 'published'),
      closed: all.filter((x) => x.status === 'closed'),
      drafts: all.filter((x) => x.status === 'draft'),
      canManage: can(request.actor, MANAGE),
    });
  });

  async function challengeForm(
    request: FastifyRequest,
    reply: FastifyReply,
    mode: { id: string | null },
    state: FormState = {},
  ) {
    const t = request.t;
    const values = state.values ?? {};
    if (state.errors?.length) reply.code(422);
    const wards = await listWards(ctx(request));
    const rows = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    return reply.page(`${VIEWS}/form.njk`, {
      pageTitle: t(mode.id ? 'mutualAid.challenges.form.editTitle' : 'mutualAid.challenges.form.newTitle'),
      action: mode.id ? `${base(request)}/${mode.id}/edit` : base(request),
      back: mode.id ? `${base(request)}/${mode.id}` : base(request),
      isNew: !mode.id,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      wardItems: [
        { value: '', text: t('mutualAid.challenges.form.noWard') },
        ...wards.map((w) => ({ value: w.slug, text: w.name, selected: values.ward === w.slug })),
      ],
      figureRows: rows(FIGURE_ROWS).map((n) => ({
        n,
        partOfItems: [
          { value: '', text: t('mutualAid.challenges.form.notAPart') },
          ...rows(FIGURE_ROWS)
            .filter((m) => m !== n)
            .map((m) => ({
              value: String(m),
              text: t('mutualAid.challenges.form.partOfFigure', { n: m }),
              selected: values[`figure${n}PartOf`] === String(m),
            })),
        ],
      })),
      stepRows: rows(STEP_ROWS),
    });
  }

  app.get('/help/challenges/new', needs(MANAGE), async (request, reply) =>
    challengeForm(request, reply, { id: null }),
  );

  app.post('/help/challenges', { ...needs(MANAGE), ...csrf }, async (request, reply) => {
    const form = parseForm(challengeInput(), request.body, request.t);
    if (!form.ok) return challengeForm(request, reply, { id: null }, form);
    try {
      const id = await createChallenge(ctx(request), form.values);
      return reply.redirect(`${base(request)}/${id}?saved=1`, 303);
    } catch (error) {
      if (error instanceof Invalid)
        return challengeForm(
          request,
          reply,
          { id: null },
          { values: form.values, errors: formErrorsFrom(error, request.t) },
        );
      throw error;
    }
  });

  app.get<Params & { Querystring: { saved?: string } }>(
    '/help/challenges/:challenge',
    PUBLIC,
    async (request, reply) => {
      const c = ctx(request);
      const challenge = await getChallenge(c, request.params.challenge);
      const t = request.t;
      return reply.page(`${VIEWS}/challenge.njk`, {
        pageTitle: challenge.title,
        challenge,
        notice: (
          ['saved', 'published', 'closed', 'progress', 'answered', 'pending', 'start-group'] as const
        ).find((k) => request.query.saved === k || (k === 'saved' && request.query.saved === '1')),
        canManage: can(request.actor, MANAGE),
        canRespond: can(request.actor, RESPOND),
        csrfToken: can(request.actor, MANAGE) ? reply.generateCsrf() : null,
        chart: outcomeChart(challenge, t),
      });
    },
  );

  app.get<Params>('/help/challenges/:challenge/edit', needs(MANAGE), async (request, reply) => {
    const values = await challengeFormValues(ctx(request), request.params.challenge);
    return challengeForm(request, reply, { id: request.params.challenge }, { values });
  });

  app.post<Params>(
    '/help/challenges/:challenge/edit',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const id = request.params.challenge;
      await challengeFormValues(ctx(request), id); // 404 before anything else for a challenge that is not there
      const form = parseForm(challengeInput(), request.body, request.t);
      if (!form.ok) return challengeForm(request, reply, { id }, form);
      try {
        await updateChallenge(ctx(request), id, form.values);
        return reply.redirect(`${base(request)}/${id}?saved=saved`, 303);
      } catch (error) {
        if (error instanceof Invalid)
          return challengeForm(
            request,
            reply,
            { id },
            { values: form.values, errors: formErrorsFrom(error, request.t) },
          );
        throw error;
      }
    },
  );

  app.post<Params>(
    '/help/challenges/:challenge/status',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const id = request.params.challenge;
      const status = (request.body as Record<string, unknown> | null)?.status;
      if (status === 'published' || status === 'closed') {
        await setChallengeStatus(ctx(request), id, status);
        return reply.redirect(`${base(request)}/${id}?saved=${status}`, 303);
      }
      await getChallenge(ctx(request), id);
      return reply.redirect(`${base(request)}/${id}`, 303);
    },
  );

  async function progressForm(request: FastifyRequest<Params>, reply: FastifyReply, state: FormState = {}) {
    const challenge = await getChallenge(ctx(request), request.params.challenge);
    if (state.errors?.length) reply.code(422);
    return reply.page(`${VIEWS}/progress-form.njk`, {
      pageTitle: request.t('mutualAid.challenges.progress.title'),
      challenge,
      action: `${base(request)}/${challenge.id}/progress`,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values: state.values ?? {},
    });
  }

  app.get<Params>('/help/challenges/:challenge/progress/new', needs(MANAGE), async (request, reply) =>
    progressForm(request, reply),
  );

  app.post<Params>(
    '/help/challenges/:challenge/progress',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const form = parseForm(updateInput(), request.body, request.t);
      if (!form.ok) return progressForm(request, reply, form);
      const id = request.params.challenge;
      await addProgressUpdate(ctx(request), id, form.values);
      return reply.redirect(`${base(request)}/${id}?saved=progress`, 303);
    },
  );

  async function respondForm(request: FastifyRequest<Params>, reply: FastifyReply, state: FormState = {}) {
    const t = request.t;
    const c = ctx(request);
    const [challenge, groups] = await Promise.all([
      getChallenge(c, request.params.challenge),
      groupsToAnswerFor(c),
    ]);
    const values = state.values ?? {};
    if (state.errors?.length) reply.code(422);
    return reply.page(`${VIEWS}/respond.njk`, {
      pageTitle: t('mutualAid.challenges.respond.title'),
      challenge,
      action: `${base(request)}/${challenge.id}/respond`,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      kindItems: RESPONSE_KINDS.map((k) => ({
        value: k,
        text: t(`mutualAid.challenges.respond.kinds.${k}`),
        hint: { text: t(`mutualAid.challenges.respond.kindHints.${k}`) },
        checked: values.kind === k,
      })),
      groupItems: groups.length
        ? [
            { value: '', text: t('mutualAid.challenges.respond.justMe') },
            ...groups.map((g) => ({ value: g.id, text: g.name, selected: values.group === g.id })),
          ]
        : null,
    });
  }

  app.get<Params>('/help/challenges/:challenge/respond', needs(RESPOND), async (request, reply) =>
    respondForm(request, reply),
  );

  app.post<Params>(
    '/help/challenges/:challenge/respond',
    { ...needs(RESPOND), ...csrf },
    async (request, reply) => {
      const form = parseForm(responseInput, request.body, request.t);
      if (!form.ok) return respondForm(request, reply, form);
      const id = request.params.challenge;
      try {
        const body = request.body as Record<string, unknown>;
        const answer = await respondToChallenge(ctx(request), id, form.values, {
          ip: request.ip,
          honeypot: body.website_url,
        });
        const c = answer ? await getChallenge(ctx(request), id) : null;
        const pending = c?.own.find((o) => o.id === answer)?.moderationStatus === 'pending';
        const next = form.data.kind === 'start-group' ? 'start-group' : pending ? 'pending' : 'answered';
        return reply.redirect(`${base(request)}/${id}?saved=${next}#answers`, 303);
      } catch (error) {
        if (error instanceof Invalid)
          return respondForm(request, reply, {
            values: form.values,
            errors: formErrorsFrom(error, request.t),
          });
        throw error;
      }
    },
  );

  // Open data: published and closed challenges; every count already suppressed by the service.
  app.get(
    '/api/help/challenges',
    withApi(PUBLIC, { summaryKey: 'api.docs.summaries.helpChallenges', paged: true }),
    async (request, reply) => {
      const c = ctx(request);
      const p = pageRequest(request);
      const all = (await listChallenges(c)).map(summaryJson(c.place.slug));
      return sendOpenJson(reply, paged(request, all.slice(p.offset, p.offset + p.perPage), all.length, p));
    },
  );

  app.get('/api/help/challenges.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const rows = (await listChallenges(c)).map(summaryJson(c.place.slug));
    const columns = Object.keys(summaryJson('x')(EMPTY_SUMMARY)) as (keyof (typeof rows)[number])[];
    return sendCsv(reply, `${c.place.slug}-challenges.csv`, columns, rows);
  });

  app.get('/api/help/challenges/figures.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const rows = [];
    for (const s of await listChallenges(c)) {
      const detail = detailJson(c.place.slug, await getChallenge(c, s.id));
      for (const f of detail.figures) rows.push({ challenge_id: s.id, challenge_title: s.title, ...f });
    }
    return sendCsv(
      reply,
      `${c.place.slug}-challenge-figures.csv`,
      [
        'challenge_id',
        'challenge_title',
        'position',
        'label',
        'value',
        'value_note',
        'part_of',
        'source_name',
        'source_url',
        'as_of',
      ],
      rows,
    );
  });

  app.get<Params>('/api/help/challenges/:challenge', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    // Open data is what the public sees: a draft is not there, whoever asks.
    const challenge = await getChallenge({ ...c, actor: null }, request.params.challenge);
    return sendOpenJson(reply, detailJson(c.place.slug, challenge));
  });
}

const EMPTY_SUMMARY: ChallengeSummary = {
  id: '',
  title: '',
  summary: '',
  wardCode: null,
  wardName: null,
  wardSlug: null,
  area: '',
  howToHelp: '',
  measureName: '',
  measureBaseline: null,
  measureTarget: null,
  latestMeasure: null,
  status: 'published',
  publishedAt: null,
  counts: { pledge: 0, 'start-group': 0, idea: 0 },
};

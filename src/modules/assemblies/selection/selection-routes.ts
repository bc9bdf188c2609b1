import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatProbability, lotteryCsv, summaryJson } from '../../../lib/sortition/csv-output.js';
import { needs, PUBLIC, SIGNED_IN } from '../../../platform/http/access.js';
import { Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext, siteUrl } from '../../../platform/http/request-context.js';
import { siteOf } from '../../../platform/module-definition.js';
import { sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { MANAGE } from '../setup/assembly-service.js';
import { chanceBands } from './selection-problem.js';
import {
  DropoutInput,
  drawReplacement,
  LOTTERY_SIZE,
  membersOverview,
  myChance,
  publicSelection,
  publishSelection,
  RandomInput,
  recordDropout,
  remakeReplacementLottery,
  replacementLotteries,
  requireRun,
  runChancesByReference,
  runSelection,
  type SeatOutcome,
  SelectionInfeasible,
  selectionOverview,
  TIME_LIMIT_SECONDS,
} from './selection-service.js';
import { chanceChart, describeRandom, percent } from './selection-view.js';

type Params = { Params: { assembly: string } };
type Done = { Querystring: { done?: string } };

const V = 'assemblies/selection/views/';

/** Selection: the public record and its files, a respondent's own chance, and officers' pages. */
export async function selectionRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const notify = () => ({ site: siteOf(app.config) });
  const base = (request: FastifyRequest<Params>) =>
    `/${requirePlace(request).slug}/assemblies/${request.params.assembly}`;

  app.get<Params>('/assemblies/:assembly/selection', PUBLIC, async (request, reply) => {
    const s = await publicSelection(ctx(request), request.params.assembly);
    const b = base(request);
    const { lang, t } = request;
    return reply.page(`${V}public.njk`, {
      pageTitle: t('assemblies.selection.public.title', { title: s.assembly.title }),
      s,
      chart: s.run ? chanceChart(s.chances, t, lang) : null,
      pct: (p: number) => percent(p, lang),
      random: s.run ? describeRandom(s.run.random, s.run.panelIndex, t) : '',
      replacements: s.replacements.map((d) => ({
        ...d,
        random: describeRandom(d.random, d.panelIndex, t),
      })),
      urls: {
        assembly: b,
        lottery: `${b}/selection/lottery.csv`,
        probabilities: `${b}/selection/probabilities.csv`,
        summary: `${b}/selection/summary.json`,
        replacements: `${b}/selection/replacements.csv`,
        you: `${b}/selection/you`,
      },
    });
  });

  app.get<Params>('/assemblies/:assembly/selection/lottery.csv', PUBLIC, async (request, reply) => {
    const { assembly, run } = await requireRun(ctx(request), request.params.assembly);
    // The CLI's panel,id format, with references as ids.
    const ids = [...new Set(run.lottery.flat())];
    const index = new Map(ids.map((id, i) => [id, i]));
    const body = lotteryCsv(
      ids.map((id) => ({ id, values: [] })),
      { panels: run.lottery.map((panel) => panel.map((id) => index.get(id) as number)) },
    );
    return openFile(reply, `${assembly.slug}-lottery.csv`, 'text/csv; charset=utf-8', body);
  });

  app.get<Params>('/assemblies/:assembly/selection/probabilities.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const { assembly, run } = await requireRun(c, request.params.assembly);
    const rows = (await runChancesByReference(c, run)).map((r) => ({
      id: r.reference,
      probability: formatProbability(r.probability),
    }));
    return sendCsv(reply, `${assembly.slug}-probabilities.csv`, ['id', 'probability'], rows);
  });

  app.get<Params>('/assemblies/:assembly/selection/summary.json', PUBLIC, async (request, reply) => {
    const { run } = await requireRun(ctx(request), request.params.assembly, true);
    const body = summaryJson({
      algorithm: run.algorithm,
      n: run.n,
      k: run.k,
      min_probability: run.minProbability,
      seconds: run.seconds,
      random: run.random?.value ?? '',
      optimal: run.optimal,
      bound: run.bound,
      lottery_size: run.lotterySize,
      lottery_max_deviation: run.lotteryMaxDeviation,
      panel: run.panelIndex ?? undefined,
    });
    return openFile(reply, 'summary.json', 'application/json; charset=utf-8', body);
  });

  // The public record as open data: the figures, the draw and the spread of chances (no names).
  app.get<Params>('/api/assemblies/:assembly/selection', PUBLIC, async (request, reply) => {
    const s = await publicSelection(ctx(request), request.params.assembly);
    const b = `${siteUrl(request)}${base(request)}/selection`;
    const run = s.run;
    return sendOpenJson(reply, {
      assembly: { slug: s.assembly.slug, title: s.assembly.title },
      selection: run && {
        algorithm: run.algorithm,
        made_at: run.runAt.toISOString(),
        n: run.n,
        k: run.k,
        min_probability: run.minProbability,
        optimal: run.optimal,
        bound: run.bound,
        lottery_size: run.lotterySize,
        lottery_max_deviation: run.lotteryMaxDeviation,
        random: run.random?.value ?? null,
        panel: run.panelIndex,
        published_at: run.publishedAt?.toISOString() ?? null,
        chances: chanceBands(s.chances),
        files: {
          lottery: `${b}/lottery.csv`,
          probabilities: `${b}/probabilities.csv`,
          summary: run.publishedAt ? `${b}/summary.json` : null,
        },
      },
      replacements: s.replacements.map((d) => ({
        drawn_at: d.drawnAt?.toISOString() ?? null,
        seats: d.seats,
        lottery_size: d.lotterySize,
        random: d.random?.value ?? null,
        panel: d.panelIndex,
      })),
      replacement_lotteries: `${b}/replacements.csv`,
    });
  });

  app.get<Params>('/assemblies/:assembly/selection/replacements.csv', PUBLIC, async (request, reply) => {
    const { assembly, draws } = await replacementLotteries(ctx(request), request.params.assembly);
    const rows = draws.flatMap((d, n) =>
      d.lottery.flatMap((panel, p) => panel.map((id) => ({ draw: n + 1, panel: p, id }))),
    );
    return sendCsv(reply, `${assembly.slug}-replacements.csv`, ['draw', 'panel', 'id'], rows);
  });

  app.get<Params>('/assemblies/:assembly/selection/you', SIGNED_IN, async (request, reply) => {
    const mine = await myChance(ctx(request), request.params.assembly);
    const { t, lang } = request;
    const p = mine.me?.probability ?? null;
    return reply.page(`${V}you.njk`, {
      pageTitle: t('assemblies.selection.you.title', { title: mine.assembly.title }),
      mine,
      chance:
        p === null
          ? null
          : p === 0
            ? t('assemblies.selection.you.chanceZero')
            : t('assemblies.selection.you.chanceValue', {
                percent: percent(p, lang),
                oneIn: Math.round(1 / p),
              }),
      urls: { assembly: base(request), selection: `${base(request)}/selection` },
    });
  });

  async function runPage(
    request: FastifyRequest<Params & Done>,
    reply: FastifyReply,
    state: { errors?: FormError[]; conflicts?: string[]; values?: Record<string, string> } = {},
  ) {
    const o = await selectionOverview(ctx(request), request.params.assembly);
    const { t, lang } = request;
    const b = base(request);
    if (state.errors?.length) reply.code(422);
    const done = request.query.done;
    return reply.page(`${V}run.njk`, {
      pageTitle: t('assemblies.selection.run.title', { title: o.assembly.title }),
      o,
      m: LOTTERY_SIZE,
      timeLimit: TIME_LIMIT_SECONDS,
      chart: o.run ? chanceChart(o.chances, t, lang) : null,
      pct: (p: number) => percent(p, lang),
      random: o.run ? describeRandom(o.run.random, o.run.panelIndex, t) : '',
      banner: done === 'run' || done === 'published' ? t(`assemblies.selection.run.done.${done}`) : null,
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      conflicts: state.conflicts ?? [],
      values: state.values ?? {},
      csrfToken: reply.generateCsrf(),
      urls: {
        assembly: b,
        run: `${b}/selection/run`,
        publish: `${b}/selection/publish`,
        members: `${b}/members/manage`,
        public: `${b}/selection`,
        lottery: `${b}/selection/lottery.csv`,
      },
    });
  }

  app.get<Params & Done>('/assemblies/:assembly/selection/run', needs(MANAGE), (request, reply) =>
    runPage(request, reply),
  );

  app.post<Params & Done>(
    '/assemblies/:assembly/selection/run',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      try {
        await runSelection(ctx(request), request.params.assembly);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        return runPage(request, reply, {
          errors: formErrorsFrom(error, request.t).map((e) => ({ ...e, href: '#run' })),
          conflicts: error instanceof SelectionInfeasible ? error.conflicts : [],
        });
      }
      return reply.redirect(`${base(request)}/selection/run?done=run`, 303);
    },
  );

  app.post<Params & Done>(
    '/assemblies/:assembly/selection/publish',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const form = parseForm(RandomInput, request.body, request.t);
      if (!form.ok) return runPage(request, reply, form);
      try {
        await publishSelection(ctx(request), notify(), request.params.assembly, form.values);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        return runPage(request, reply, { errors: formErrorsFrom(error, request.t), values: form.values });
      }
      return reply.redirect(`${base(request)}/selection/run?done=published`, 303);
    },
  );

  async function membersPage(
    request: FastifyRequest<Params & Done>,
    reply: FastifyReply,
    state: { errors?: FormError[]; values?: Record<string, string>; unfillable?: string[] } = {},
  ) {
    const o = await membersOverview(ctx(request), request.params.assembly);
    const { t, lang } = request;
    const b = base(request);
    if (state.errors?.length) reply.code(422);
    const done = request.query.done;
    const values = state.values ?? {};
    return reply.page(`${V}members.njk`, {
      pageTitle: t('assemblies.selection.members.title', { title: o.assembly.title }),
      o,
      pct: (p: number) => percent(p, lang),
      banner:
        done === 'dropout' || done === 'replaced' || done === 'lottery'
          ? t(`assemblies.selection.members.done.${done}`)
          : null,
      unfillable: state.unfillable ?? null,
      memberItems: [
        { value: '', text: t('assemblies.selection.members.chooseMember') },
        ...o.members.map((m) => ({
          value: m.reference,
          text: `${m.reference}: ${m.name}`,
          selected: values.member === m.reference,
        })),
      ],
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      csrfToken: reply.generateCsrf(),
      urls: {
        back: `${b}/selection/run`,
        dropout: `${b}/members/drop-out`,
        replace: `${b}/members/replace`,
        remake: `${b}/members/replacement-lottery`,
        replacements: `${b}/selection/replacements.csv`,
      },
    });
  }

  app.get<Params & Done>('/assemblies/:assembly/members/manage', needs(MANAGE), (request, reply) =>
    membersPage(request, reply),
  );

  app.post<Params & Done>(
    '/assemblies/:assembly/members/drop-out',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const form = parseForm(DropoutInput, request.body, request.t);
      if (!form.ok) return membersPage(request, reply, form);
      let outcome: SeatOutcome;
      try {
        outcome = await recordDropout(ctx(request), request.params.assembly, form.values);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        return membersPage(request, reply, { errors: formErrorsFrom(error, request.t), values: form.values });
      }
      // Nobody left can fill the seat within the quotas: the drop-out is recorded and the officer
      // is told why no replacement lottery was made (shown now: the reasons are not stored).
      if (outcome.kind === 'unfillable')
        return membersPage(request, reply, { unfillable: outcome.conflicts });
      return reply.redirect(`${base(request)}/members/manage?done=dropout`, 303);
    },
  );

  app.post<Params & Done>(
    '/assemblies/:assembly/members/replacement-lottery',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const outcome = await remakeReplacementLottery(ctx(request), request.params.assembly);
      if (outcome.kind === 'unfillable')
        return membersPage(request, reply, { unfillable: outcome.conflicts });
      return reply.redirect(`${base(request)}/members/manage?done=lottery`, 303);
    },
  );

  app.post<Params & Done>(
    '/assemblies/:assembly/members/replace',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const form = parseForm(RandomInput, request.body, request.t);
      if (!form.ok) return membersPage(request, reply, form);
      try {
        await drawReplacement(ctx(request), notify(), request.params.assembly, form.values);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        return membersPage(request, reply, { errors: formErrorsFrom(error, request.t), values: form.values });
      }
      return reply.redirect(`${base(request)}/members/manage?done=replaced`, 303);
    },
  );
}

/** A published file anyone may fetch, from anywhere, named for saving. */
function openFile(reply: FastifyReply, filename: string, type: string, body: string) {
  return reply
    .type(type)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('access-control-allow-origin', '*')
    .send(body);
}

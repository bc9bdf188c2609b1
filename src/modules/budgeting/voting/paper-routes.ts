import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { needs } from '../../../platform/http/access.js';
import { Conflict, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import { type FormError, formErrorsFrom } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { formatDateTime, type Translate } from '../../../platform/i18n/i18n.js';
import { sendCsv } from '../../../platform/opendata/formats.js';
import { listWards } from '../../wards/ward-service.js';
import { ballotRulesOf, getProcess, type PbProcess, votingIsOpen } from '../processes/process-service.js';
import { VERIFY } from '../verification/verification-common.js';
import { AGE_BANDS } from '../verification/voter-service.js';
import { type BallotValues, ballotField, emptyValues, problemText, readBallotForm } from './ballot-form.js';
import { ballotFieldsView, moneyIn } from './ballot-view.js';
import { type BallotPapers, renderBallotPapers } from './paper-pdf.js';
import {
  enterPaper,
  getPaper,
  listPapers,
  type Paper,
  type PaperStatus,
  paperNumberOf,
} from './paper-service.js';
import { METHODS, turnout } from './turnout.js';
import { type BallotProject, ballotProjects, InvalidBallot } from './voting-service.js';

type SlugParams = { Params: { process: string } };
type PaperParams = { Params: { process: string; paper: string } };

const PrintQuery = z.object({
  from: z.coerce
    .number()
    .int('budgeting.voting.paper.errors.from')
    .min(1, 'budgeting.voting.paper.errors.from')
    .max(99_999_999, 'budgeting.voting.paper.errors.from')
    .default(1),
  count: z.coerce
    .number()
    .int('budgeting.voting.paper.errors.count')
    .min(1, 'budgeting.voting.paper.errors.count')
    .max(500, 'budgeting.voting.paper.errors.count')
    .default(100),
});

const DONE_KEYS: Record<string, string> = {
  pending: 'budgeting.voting.paper.saved',
  counted: 'budgeting.voting.paper.counted',
  spoilt: 'budgeting.voting.paper.spoiltDone',
  mismatch: 'budgeting.voting.paper.mismatch',
  // A third officer's entry that settled a paper whose two entries differed.
  decided: 'budgeting.voting.paper.decided',
};

/** The choices an entry recorded, in words: "3. Benches; 7. Trees (5 points)". */
function choicesText(
  t: Translate,
  projects: readonly BallotProject[],
  ids: string[],
  points: number[] | null,
) {
  if (ids.length === 0) return t('budgeting.voting.paper.entryNone');
  const byId = new Map(projects.map((p) => [p.id, p]));
  return t('budgeting.voting.paper.entryChoices', {
    choices: ids
      .map((id, i) => {
        const p = byId.get(id);
        const name = p ? `${p.number}. ${p.title}` : id;
        return points ? `${name} (${points[i]})` : name;
      })
      .join('; '),
  });
}

/** Officers' paper ballots: print numbered papers, enter each twice, settle mismatches. */
export async function paperRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const base = (request: FastifyRequest, slug: string) => `/${requirePlace(request).slug}/budgets/${slug}`;

  app.get<SlugParams>('/budgets/:process/paper-ballots', needs(VERIFY), async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const p = await getProcess(c, request.params.process);
    const figures = await turnout(app.db, p);
    const mismatched = await listPapers(c, p.slug, 'mismatch');
    const wards = new Map((await listWards(c)).map((w) => [w.code, w.name]));
    return reply.page('budgeting/voting/views/papers.njk', {
      pageTitle: t('budgeting.voting.paper.title', { title: p.title }),
      process: p,
      href: base(request, p.slug),
      open: votingIsOpen(p),
      mismatched,
      figures,
      methods: METHODS,
      wardName: (code: string | null) =>
        code ? (wards.get(code) ?? code) : t('budgeting.voting.turnout.unknown'),
      statuses: ['pending', 'mismatch', 'counted', 'spoilt'],
    });
  });

  app.get<SlugParams & { Querystring: Record<string, string> }>(
    '/budgets/:process/paper-ballots.pdf',
    needs(VERIFY),
    async (request, reply) => {
      const c = ctx(request);
      const t = request.t;
      const range = validated(PrintQuery, {
        from: request.query.from || undefined,
        count: request.query.count || undefined,
      });
      const p = await getProcess(c, request.params.process);
      const projects = await ballotProjects(app.db, p.id);
      const money = moneyIn(request.lang);
      const now = new Date();
      const url = `${app.config.publicUrl.replace(/\/$/, '')}${base(request, p.slug)}/vote`;
      const papers: BallotPapers = {
        title: p.title,
        caption: t('budgeting.voting.paper.pdf.caption', { place: c.place.name }),
        author: c.place.name,
        lang: request.lang,
        numberLabel: (n) => t('budgeting.voting.paper.pdf.number', { number: n }),
        continued: (n) => t('budgeting.voting.paper.pdf.continued', { number: n }),
        instructions: [paperInstructions(t, p, money)],
        boxHint: t(
          `budgeting.voting.paper.pdf.${p.ballotType === 'cumulative' ? 'boxPoints' : p.ballotType === 'ranked' ? 'boxRank' : 'boxTick'}`,
        ),
        projects: projects.map((x) => ({
          label: `${x.number}. ${x.title}`,
          detail: t('budgeting.voting.paper.pdf.detail', { cost: money(x.costPence), summary: x.summary }),
        })),
        about: {
          heading: t('budgeting.voting.paper.pdf.aboutHeading'),
          note: t('budgeting.voting.paper.pdf.aboutNote'),
          ward: t('budgeting.voting.paper.pdf.ward'),
          ageBand: t('budgeting.voting.paper.pdf.ageBand'),
          ageBands: [...AGE_BANDS],
        },
        qr: {
          heading: t('budgeting.voting.paper.pdf.qrHeading'),
          text: t('budgeting.voting.paper.pdf.qrText'),
          url,
          alt: t('budgeting.voting.paper.pdf.qrAlt'),
        },
      };
      const pdf = await renderBallotPapers(papers, range, { now });
      const last = range.from + range.count - 1;
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${p.slug}-ballot-papers-${range.from}-${last}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );

  type EntryState = {
    values?: Record<string, string>;
    ballotValues?: BallotValues;
    errors?: FormError[];
    paper?: Paper | null;
    done?: { status: string; number: string } | null;
  };

  async function entryPage(
    request: FastifyRequest,
    reply: FastifyReply,
    p: PbProcess,
    state: EntryState = {},
  ) {
    const c = ctx(request);
    const t = request.t;
    const projects = await ballotProjects(app.db, p.id);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const values = state.values ?? {};
    const paper = state.paper ?? null;
    const wards = await listWards(c);
    return reply.page('budgeting/voting/views/paper-entry.njk', {
      pageTitle: paper
        ? t('budgeting.voting.paper.decideTitle', { number: paper.paperNumber })
        : t('budgeting.voting.paper.enterTitle'),
      process: p,
      href: base(request, p.slug),
      action: `${base(request, p.slug)}/paper-ballots/enter`,
      open: votingIsOpen(p),
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: Object.fromEntries(errors.map((e) => [e.field, { text: e.text }])),
      values,
      paper,
      entries: (paper?.entries ?? []).map((e) => ({
        by: t('budgeting.voting.paper.enteredBy', {
          name: e.enteredByName,
          time: formatDateTime(e.enteredAt, request.lang),
        }),
        deciding: e.deciding,
        text: e.spoilt
          ? t('budgeting.voting.paper.entrySpoilt')
          : choicesText(t, projects, e.projects, e.points),
        ward: wards.find((w) => w.code === e.wardCode)?.name ?? e.wardCode,
        ageBand: e.ageBand,
      })),
      banner: state.done
        ? t(DONE_KEYS[state.done.status] ?? DONE_KEYS.pending ?? '', { number: state.done.number })
        : null,
      wardItems: [
        { value: '', text: t('budgeting.voting.paper.notGiven') },
        ...wards.map((w) => ({ value: w.code, text: w.name, selected: values.wardCode === w.code })),
      ],
      ageBandItems: [
        { value: '', text: t('budgeting.voting.paper.notGiven') },
        ...AGE_BANDS.map((b) => ({ value: b, text: b, selected: values.ageBand === b })),
      ],
      fields: ballotFieldsView(
        t,
        request.lang,
        ballotRulesOf(p),
        projects,
        state.ballotValues ?? emptyValues(),
        errors,
      ),
    });
  }

  app.get<SlugParams & { Querystring: { done?: string; paper?: string } }>(
    '/budgets/:process/paper-ballots/enter',
    needs(VERIFY),
    async (request, reply) => {
      const p = await getProcess(ctx(request), request.params.process);
      const number = paperNumberOf(request.query.paper ?? '');
      const done = request.query.done && number ? { status: request.query.done, number } : null;
      return entryPage(request, reply, p, { done });
    },
  );

  app.get<PaperParams>('/budgets/:process/paper-ballots/:paper', needs(VERIFY), async (request, reply) => {
    const c = ctx(request);
    const p = await getProcess(c, request.params.process);
    const paper = await getPaper(c, p.slug, request.params.paper);
    if (!paper) throw new NotFound('No paper with that number has been entered');
    return entryPage(request, reply, p, { paper, values: { paperNumber: paper.paperNumber } });
  });

  app.post<SlugParams>(
    '/budgets/:process/paper-ballots/enter',
    { ...needs(VERIFY), ...csrf },
    async (request, reply) => {
      const c = ctx(request);
      const t = request.t;
      const p = await getProcess(c, request.params.process);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
      const values = {
        paperNumber: text('paperNumber'),
        spoilt: text('spoilt'),
        wardCode: text('wardCode'),
        ageBand: text('ageBand'),
      };
      const spoilt = values.spoilt === 'yes';
      const projects = await ballotProjects(app.db, p.id);
      const rules = ballotRulesOf(p);
      const form = readBallotForm(rules, projects, body, t);
      // The paper being decided, when it is one, is shown again with its entries.
      const paperNumber = paperNumberOf(values.paperNumber);
      const existing = paperNumber ? await getPaper(c, p.slug, paperNumber) : null;
      const paper = existing?.status === 'mismatch' ? existing : null;
      const again = (errors: FormError[]) =>
        entryPage(request, reply, p, { values, ballotValues: form.values, errors, paper });
      if (!form.ok && !spoilt) return again(form.errors);
      try {
        const result = await enterPaper(c, p.slug, {
          paperNumber: values.paperNumber,
          spoilt,
          cast: form.ok ? form.cast : { projects: [] },
          wardCode: values.wardCode || null,
          ageBand: values.ageBand || null,
        });
        return reply.redirect(
          `${base(request, p.slug)}/paper-ballots/enter?done=${paper ? 'decided' : result.status}&paper=${result.paperNumber}`,
          303,
        );
      } catch (error) {
        if (error instanceof InvalidBallot) {
          const field = ballotField(rules, projects);
          return again([
            { field, text: problemText(t, error.problem, rules, moneyIn(request.lang)), href: `#${field}` },
          ]);
        }
        if (error instanceof Invalid) return again(formErrorsFrom(error, t));
        if (error instanceof Conflict)
          return again([{ field: 'paperNumber', text: t(error.message), href: '#paperNumber' }]);
        throw error;
      }
    },
  );

  const paperRows = async (request: FastifyRequest<SlugParams & { Querystring: { status?: string } }>) => {
    const status = request.query.status;
    const known: PaperStatus[] = ['pending', 'mismatch', 'counted', 'spoilt'];
    if (status && !known.includes(status as PaperStatus))
      throw new Invalid({ status: 'budgeting.voting.paper.errors.status' });
    const papers = await listPapers(
      ctx(request),
      request.params.process,
      (status || undefined) as PaperStatus | undefined,
    );
    return papers.map((x) => ({
      paper_number: x.paperNumber,
      status: x.status,
      entries: x.entries.length,
      ward_code: x.wardCode,
      age_band: x.ageBand,
    }));
  };

  app.get<SlugParams & { Querystring: { status?: string } }>(
    '/api/budgets/:process/paper-ballots',
    needs(VERIFY),
    async (request, reply) =>
      reply
        .type('application/json; charset=utf-8')
        .send(JSON.stringify({ papers: await paperRows(request) })),
  );

  app.get<SlugParams & { Querystring: { status?: string } }>(
    '/api/budgets/:process/paper-ballots.csv',
    needs(VERIFY),
    async (request, reply) =>
      sendCsv(
        reply,
        `${request.params.process}-paper-ballots.csv`,
        ['paper_number', 'status', 'entries', 'ward_code', 'age_band'],
        await paperRows(request),
      ),
  );
}

/** How to fill in this ballot type, in words, for the paper. */
function paperInstructions(t: Translate, p: PbProcess, money: (pence: bigint) => string): string {
  switch (p.ballotType) {
    case 'approval':
      return p.maxSelections === null
        ? t('budgeting.voting.paper.pdf.approvalAny', { min: p.minSelections })
        : t('budgeting.voting.paper.pdf.approval', { min: p.minSelections, max: p.maxSelections });
    case 'knapsack':
      return t('budgeting.voting.paper.pdf.knapsack', { budget: money(p.budgetPence) });
    case 'cumulative':
      return t('budgeting.voting.paper.pdf.cumulative', { points: p.pointsTotal ?? 0 });
    case 'ranked':
      return t('budgeting.voting.paper.pdf.ranked', { max: p.maxSelections ?? 0 });
  }
}

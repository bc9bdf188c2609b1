import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { Conflict, Invalid } from '../../../platform/http/errors.js';
import { type FormError, formErrorsFrom } from '../../../platform/http/forms.js';
import { rateLimit } from '../../../platform/http/rate-limit.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { formatDate, formatDateTime } from '../../../platform/i18n/i18n.js';
import { sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { getProcess, type PbProcess } from '../processes/process-service.js';
import { VOTE } from '../verification/voter-service.js';
import { heldSnapshot } from './ballot-cache.js';
import { type BallotValues, ballotField, emptyValues, problemText, readBallotForm } from './ballot-form.js';
import { ballotFieldsView, moneyIn } from './ballot-view.js';
import { paperRoutes } from './paper-routes.js';
import { turnout } from './turnout.js';
import {
  type Ballot,
  ballotFor,
  castBallot,
  castIfUnchanged,
  changeBallot,
  checkReceipt,
  InvalidBallot,
  type ReceiptCheck,
} from './voting-service.js';

type SlugParams = { Params: { process: string } };

const isEmpty = (v: BallotValues) =>
  v.chosen.length === 0 && Object.keys(v.points).length === 0 && Object.keys(v.ranks).length === 0;

const HOUR = 60 * 60 * 1000;
/** Receipt checks per address per hour: plenty for people, too few to try codes at random. */
const RECEIPT_CHECKS_PER_HOUR = 30;
/** Attempts to change a vote per voter per hour (each needs the receipt code). */
const CHANGES_PER_HOUR = 20;

const SCRIPT = fs.readFileSync(new URL('./static/ballot.js', import.meta.url));
const SCRIPT_VERSION = createHash('sha256').update(SCRIPT).digest('hex').slice(0, 10);

/** Voting: the ballot page, changing a vote, checking a receipt, and the ballot and turnout data. */
export async function votingRoutes(app: FastifyInstance) {
  await app.register(paperRoutes);
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const hrefs = (request: FastifyRequest, slug: string) => {
    const process = `/${requirePlace(request).slug}/budgets/${slug}`;
    return {
      process,
      vote: `${process}/vote`,
      change: `${process}/vote/change`,
      check: `${process}/vote/check`,
      receipt: `${process}/receipt`,
      script: `/${requirePlace(request).slug}/budgets/ballot.js?v=${SCRIPT_VERSION}`,
    };
  };

  function ballotPage(
    request: FastifyRequest,
    reply: FastifyReply,
    ballot: Ballot,
    state: { changing: boolean; values?: BallotValues; errors?: FormError[]; receipt?: string },
  ) {
    const t = request.t;
    const p = ballot.process;
    const links = hrefs(request, p.slug);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    reply.header('cache-control', 'private, no-store');
    return reply.page('budgeting/voting/views/ballot.njk', {
      pageTitle: t(`budgeting.voting.ballot.${state.changing ? 'changeTitle' : 'title'}`, { title: p.title }),
      process: p,
      backHref: links.process,
      backText: t('budgeting.voting.ballot.back', { title: p.title }),
      budgetText: t('budgeting.voting.ballot.budget', { budget: moneyIn(request.lang)(p.budgetPence) }),
      closesText: p.votingClosesAt
        ? t('budgeting.voting.ballot.closes', {
            date: formatDate(new Date(p.votingClosesAt.getTime() - 1), request.lang),
          })
        : null,
      action: state.changing ? links.change : links.vote,
      changing: state.changing,
      receiptValue: state.receipt ?? '',
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: Object.fromEntries(errors.map((e) => [e.field, { text: e.text }])),
      ...fieldsOf(request, reply, ballot, state.values, errors),
      scriptHref: links.script,
    });
  }

  /**
   * The ballot's fields. Untouched (no values, no errors: nearly every ballot page shown) they
   * are the same for everyone, so their HTML is rendered once per version of the ballot and
   * language and kept with it (see ballot-cache.ts); the rest of the page, with its CSRF token,
   * is rendered for each request.
   */
  function fieldsOf(
    request: FastifyRequest,
    reply: FastifyReply,
    ballot: Ballot,
    values: BallotValues | undefined,
    errors: FormError[],
  ) {
    const fields = (v: BallotValues) =>
      ballotFieldsView(request.t, request.lang, ballot.rules, ballot.projects, v, errors);
    const untouched = errors.length === 0 && (!values || isEmpty(values));
    if (!untouched) return { fields: fields(values ?? emptyValues()), fieldsHtml: null };
    let kept = ballot.snapshot.fields.get(request.lang);
    if (!kept) {
      const view = fields(emptyValues());
      kept = { view, html: reply.fragment('budgeting/voting/views/ballot-fields.njk', { fields: view }) };
      ballot.snapshot.fields.set(request.lang, kept);
    }
    return { fields: kept.view, fieldsHtml: kept.html };
  }

  /** Where someone who cannot use the ballot right now stands, and where to go next. */
  function statePage(request: FastifyRequest, reply: FastifyReply, ballot: Ballot) {
    const t = request.t;
    const p = ballot.process;
    const links = hrefs(request, p.slug);
    const back = { href: links.process, text: t('budgeting.voting.state.processLink', { title: p.title }) };
    reply.header('cache-control', 'private, no-store');
    if (ballot.state === 'voted')
      return reply.page('message-page.njk', {
        pageTitle: t('budgeting.voting.state.votedTitle'),
        paragraphs: [
          t('budgeting.voting.state.voted', { title: p.title }),
          ...(ballot.open ? [t('budgeting.voting.state.votedChange')] : []),
        ],
        links: [
          ...(ballot.open ? [{ href: links.change, text: t('budgeting.voting.state.changeLink') }] : []),
          { href: links.receipt, text: t('budgeting.voting.state.checkLink') },
          back,
        ],
      });
    if (ballot.state === 'not-verified')
      return reply.page('message-page.njk', {
        pageTitle: t('budgeting.voting.state.notVerifiedTitle'),
        paragraphs: [t('budgeting.voting.state.notVerified', { title: p.title })],
        links: [{ href: links.check, text: t('budgeting.voting.state.checkYouCanVote') }, back],
      });
    const opensLater = p.phase === 'voting' && p.votingOpensAt && p.votingOpensAt > new Date();
    return reply.page('message-page.njk', {
      pageTitle: t('budgeting.voting.state.closedTitle'),
      paragraphs: [
        t('budgeting.voting.state.closed', { title: p.title }),
        ...(opensLater && p.votingOpensAt
          ? [t('budgeting.voting.state.opens', { time: formatDateTime(p.votingOpensAt, request.lang) })]
          : []),
      ],
      links: [back],
    });
  }

  /** A ballot the service refused: the message with its numbers, at the field to fix. */
  function ballotErrors(request: FastifyRequest, ballot: Ballot, error: InvalidBallot): FormError[] {
    const field = ballotField(ballot.rules, ballot.projects);
    return [
      {
        field,
        text: problemText(request.t, error.problem, ballot.rules, moneyIn(request.lang)),
        href: `#${field}`,
      },
    ];
  }

  app.get<SlugParams>('/budgets/:process/vote', needs(VOTE), async (request, reply) => {
    const ballot = await ballotFor(ctx(request), request.params.process);
    if (ballot.state !== 'can-vote') return statePage(request, reply, ballot);
    return ballotPage(request, reply, ballot, { changing: false });
  });

  /** The receipt: the code exists only in this response, never stored, logged, emailed or cached. */
  function votedPage(request: FastifyRequest, reply: FastifyReply, process: PbProcess, receipt: string) {
    const links = hrefs(request, process.slug);
    reply.header('cache-control', 'private, no-store');
    return reply.page('budgeting/voting/views/voted.njk', {
      pageTitle: request.t('budgeting.voting.done.title'),
      process,
      receipt,
      receiptHref: links.receipt,
      processHref: links.process,
    });
  }

  app.post<SlugParams>('/budgets/:process/vote', { ...needs(VOTE), ...csrf }, async (request, reply) => {
    const c = ctx(request);
    // The usual case first: the ballot as last shown, still current (castIfUnchanged proves it),
    // a right ballot from a voter who has not voted. Anything else goes the long way below.
    const held = heldSnapshot(c, request.params.process);
    if (held) {
      const form = readBallotForm(held.rules, held.projects, request.body, request.t);
      const done = form.ok ? await castIfUnchanged(c, held, form.cast) : null;
      if (done) return votedPage(request, reply, held.process, done.receipt);
    }
    const ballot = await ballotFor(c, request.params.process);
    const links = hrefs(request, ballot.process.slug);
    if (ballot.state !== 'can-vote') return reply.redirect(links.vote, 303);
    const form = readBallotForm(ballot.rules, ballot.projects, request.body, request.t);
    if (!form.ok) return ballotPage(request, reply, ballot, { changing: false, ...form });
    let receipt: string;
    try {
      ({ receipt } = await castBallot(c, ballot.process.slug, form.cast, new Date(), ballot));
    } catch (error) {
      if (error instanceof InvalidBallot)
        return ballotPage(request, reply, ballot, {
          changing: false,
          values: form.values,
          errors: ballotErrors(request, ballot, error),
        });
      // Voted meanwhile (a second tab, a double click) or voting just closed: say where they stand.
      if (error instanceof Conflict) return reply.redirect(links.vote, 303);
      throw error;
    }
    return votedPage(request, reply, ballot.process, receipt);
  });

  app.get<SlugParams>('/budgets/:process/vote/change', needs(VOTE), async (request, reply) => {
    const ballot = await ballotFor(ctx(request), request.params.process);
    if (ballot.state !== 'voted' || !ballot.open)
      return reply.redirect(hrefs(request, ballot.process.slug).vote, 303);
    return ballotPage(request, reply, ballot, { changing: true });
  });

  app.post<SlugParams>(
    '/budgets/:process/vote/change',
    { ...needs(VOTE), ...csrf },
    async (request, reply) => {
      const c = ctx(request);
      const ballot = await ballotFor(c, request.params.process);
      const links = hrefs(request, ballot.process.slug);
      if (ballot.state !== 'voted' || !ballot.open) return reply.redirect(links.vote, 303);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const receipt = typeof body.receipt === 'string' ? body.receipt : '';
      const form = readBallotForm(ballot.rules, ballot.projects, body, request.t);
      if (!form.ok) return ballotPage(request, reply, ballot, { changing: true, ...form, receipt });
      await rateLimit(c.db, `budgeting:change:${c.actor?.userId}`, CHANGES_PER_HOUR, HOUR);
      try {
        await changeBallot(c, ballot.process.slug, receipt, form.cast);
      } catch (error) {
        const again = { changing: true, values: form.values, receipt };
        if (error instanceof InvalidBallot)
          return ballotPage(request, reply, ballot, {
            ...again,
            errors: ballotErrors(request, ballot, error),
          });
        if (error instanceof Invalid)
          return ballotPage(request, reply, ballot, { ...again, errors: formErrorsFrom(error, request.t) });
        if (error instanceof Conflict) return reply.redirect(links.vote, 303);
        throw error;
      }
      reply.header('cache-control', 'private, no-store');
      return reply.page('message-page.njk', {
        pageTitle: request.t('budgeting.voting.done.changedTitle'),
        panel: true,
        paragraphs: [
          request.t('budgeting.voting.done.changedBody'),
          request.t('budgeting.voting.done.changeUse'),
        ],
        links: [
          { href: links.receipt, text: request.t('budgeting.voting.done.checkLink') },
          {
            href: links.process,
            text: request.t('budgeting.voting.done.processLink', { title: ballot.process.title }),
          },
        ],
      });
    },
  );

  async function receiptPage(
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    state: { check?: ReceiptCheck; errors?: FormError[] } = {},
  ) {
    const p = await getProcess(ctx(request), slug);
    const links = hrefs(request, p.slug);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    reply.header('cache-control', 'private, no-store');
    return reply.page('budgeting/voting/views/receipt.njk', {
      pageTitle: request.t('budgeting.voting.receipt.title'),
      process: p,
      processHref: links.process,
      action: links.receipt,
      csrfToken: reply.generateCsrf(),
      check: state.check ?? null,
      errors,
      fieldErrors: Object.fromEntries(errors.map((e) => [e.field, { text: e.text }])),
    });
  }

  app.get<SlugParams>('/budgets/:process/receipt', PUBLIC, async (request, reply) =>
    receiptPage(request, reply, request.params.process),
  );

  // A POST, so the code never appears in an address, a log line or the browser's history.
  app.post<SlugParams>('/budgets/:process/receipt', { ...PUBLIC, ...csrf }, async (request, reply) => {
    const c = ctx(request);
    await rateLimit(c.db, `budgeting:receipt:${request.ip}`, RECEIPT_CHECKS_PER_HOUR, HOUR);
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      const check = await checkReceipt(
        c,
        request.params.process,
        typeof body.receipt === 'string' ? body.receipt : '',
      );
      return receiptPage(request, reply, request.params.process, { check });
    } catch (error) {
      if (error instanceof Invalid)
        return receiptPage(request, reply, request.params.process, {
          errors: formErrorsFrom(error, request.t),
        });
      throw error;
    }
  });

  app.get('/budgets/ballot.js', PUBLIC, async (request, reply) => {
    const versioned = (request.query as { v?: string }).v === SCRIPT_VERSION;
    reply.header('cache-control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    return reply.type('text/javascript; charset=utf-8').send(SCRIPT);
  });

  // The ballot as data: the rules and the projects on it.
  app.get<SlugParams>('/api/budgets/:process/ballot', PUBLIC, async (request, reply) => {
    const ballot = await ballotFor({ ...ctx(request), actor: null }, request.params.process);
    const r = ballot.rules;
    return sendOpenJson(reply, {
      process: ballot.process.slug,
      round: ballot.process.round,
      open: ballot.open,
      ballot_type: r.type,
      min_selections: r.minSelections,
      max_selections: r.maxSelections,
      points_total: r.pointsTotal,
      budget_pence: r.budgetPence.toString(),
      projects: ballot.projects.map((p) => ({
        number: p.number,
        title: p.title,
        summary: p.summary,
        cost_pence: p.costPence.toString(),
        ward_code: p.wardCode,
      })),
    });
  });

  app.get<SlugParams>('/api/budgets/:process/turnout', PUBLIC, async (request, reply) => {
    const p = await getProcess(ctx(request), request.params.process);
    const figures = await turnout(app.db, p);
    return sendOpenJson(reply, {
      process: p.slug,
      round: figures.round,
      ballots: figures.ballots,
      register: {
        verified: figures.register.verified,
        voted: figures.register.voted,
        by_method: Object.entries(figures.register.byMethod).map(([method, x]) => ({ method, ...x })),
      },
      by_ward: figures.byWard.map(({ wardCode, paperBallots, ...x }) => ({
        ward_code: wardCode,
        ...x,
        paper_ballots: paperBallots,
      })),
      by_age_band: figures.byAgeBand.map(({ ageBand, paperBallots, ...x }) => ({
        age_band: ageBand,
        ...x,
        paper_ballots: paperBallots,
      })),
      papers: figures.papers,
    });
  });

  app.get<SlugParams>('/api/budgets/:process/turnout.csv', PUBLIC, async (request, reply) => {
    const p = await getProcess(ctx(request), request.params.process);
    const f = await turnout(app.db, p);
    type Row = {
      group: string;
      key: string;
      ballots?: number;
      verified?: number;
      voted?: number;
      paper_ballots?: number;
    };
    const rows: Row[] = [
      { group: 'channel', key: 'online', ballots: f.ballots.online },
      { group: 'channel', key: 'paper', ballots: f.ballots.paper },
      ...Object.entries(f.register.byMethod).map(([key, x]) => ({ group: 'method', key, ...x })),
      ...f.byWard.map((x) => ({
        group: 'ward',
        key: x.wardCode ?? '',
        verified: x.verified,
        voted: x.voted,
        paper_ballots: x.paperBallots,
      })),
      ...f.byAgeBand.map((x) => ({
        group: 'age_band',
        key: x.ageBand ?? '',
        verified: x.verified,
        voted: x.voted,
        paper_ballots: x.paperBallots,
      })),
    ];
    return sendCsv(
      reply,
      `${requirePlace(request).slug}-${p.slug}-turnout-round-${f.round}.csv`,
      ['group', 'key', 'ballots', 'verified', 'voted', 'paper_ballots'],
      rows,
    );
  });
}

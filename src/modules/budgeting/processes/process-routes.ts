import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { londonAt } from '../../../lib/london-clock.js';
import { BALLOT_TYPES } from '../../../lib/pb-ballot/ballot-rules.js';
import { withApi } from '../../../platform/api/api-doc.js';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { dateInputValues, readDateInput } from '../../../platform/http/date-input.js';
import { Conflict, Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { formatDate, type Translate } from '../../../platform/i18n/i18n.js';
import { pageOfList, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { can } from '../../../platform/roles/permissions.js';
import { listWards } from '../../wards/ward-service.js';
import {
  COUNTING_RULES,
  PHASES,
  type Phase,
  ProcessInput,
  processProblems,
  VERIFICATION_METHODS,
} from './process-input.js';
import {
  createProcess,
  getProcess,
  listProcesses,
  MANAGE,
  movePhase,
  nextPhases,
  type PbProcess,
  processFormValues,
  stopVote,
  updateProcess,
  votingIsOpen,
} from './process-service.js';
import { PROCESS_CSV_COLUMNS, processJson, processRow } from './process-view.js';

type Slug = { Params: { process: string } };
type FormState = { values?: Record<string, string>; errors?: FormError[] };

/** The timetable's date fields; each is a GOV.UK date input (`<name>-day` etc.). */
const DATE_FIELDS = [
  'ideasFrom',
  'proposalsFrom',
  'feasibilityFrom',
  'votingOpens',
  'votingCloses',
  'resultsFrom',
  'deliveryFrom',
] as const;

/**
 * The officer's form, read: the date inputs become YYYY-MM-DD (or a field error), then the
 * schema and the cross-field rules, with every problem reported at once.
 */
function readProcessForm(request: FastifyRequest) {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const fields: Record<string, unknown> = { ...body };
  const dateErrors: FormError[] = [];
  for (const name of DATE_FIELDS) {
    const read = readDateInput(body, name);
    if ('date' in read) fields[name] = read.date;
    else {
      fields[name] = '';
      if (read.error === 'invalid')
        dateErrors.push({
          field: name,
          text: request.t('budgeting.processes.errors.dateInvalid'),
          href: `#${name}-day`,
        });
    }
  }
  const form = parseForm(ProcessInput, fields, request.t, { multiple: ['verificationMethods'] });
  // Keep what was typed in the date inputs, to show it again.
  const values = { ...form.values };
  for (const [k, v] of Object.entries(body))
    if (typeof v === 'string' && /-(day|month|year)$/.test(k)) values[k] = v;
  const cross = form.ok
    ? Object.entries(processProblems(form.data)).map(([field, key]) => ({
        field,
        text: request.t(key),
        href: `#${field}`,
      }))
    : [];
  const errors = [...(form.ok ? [] : form.errors), ...dateErrors, ...cross];
  if (form.ok && errors.length === 0) return { ok: true as const, values, data: form.data };
  return { ok: false as const, values, errors };
}

/** The date inputs' values from stored YYYY-MM-DD values (for the edit page). */
function withDateParts(values: Record<string, string>): Record<string, string> {
  const out = { ...values };
  for (const name of DATE_FIELDS) {
    if (`${name}-day` in out) continue;
    const parts = dateInputValues(values[name]);
    out[`${name}-day`] = parts.day;
    out[`${name}-month`] = parts.month;
    out[`${name}-year`] = parts.year;
  }
  return out;
}

function formItems(t: Translate, values: Record<string, string>) {
  const methods = (values.verificationMethods ?? '').split(',');
  return {
    ballotTypeItems: BALLOT_TYPES.map((b) => ({
      value: b,
      text: t(`budgeting.processes.ballotTypes.${b}`),
      hint: { text: t(`budgeting.processes.ballotTypes.${b}Hint`) },
      checked: values.ballotType === b,
    })),
    ruleItems: COUNTING_RULES.map((r) => ({
      value: r,
      text: t(`budgeting.processes.rules.${r}`),
      hint: { text: t(`budgeting.processes.rules.${r}Hint`) },
      checked: values.rule === r,
    })),
    methodItems: VERIFICATION_METHODS.map((m) => ({
      value: m,
      text: t(`budgeting.processes.methods.${m}`),
      hint: { text: t(`budgeting.processes.methods.${m}Hint`) },
      checked: methods.includes(m),
    })),
    residenceItems: [
      { value: 'yes', text: t('budgeting.processes.form.yes'), checked: values.residenceRequired === 'yes' },
      { value: 'no', text: t('budgeting.processes.form.no'), checked: values.residenceRequired === 'no' },
    ],
  };
}

/** Each phase with when it happens, in words, for the process page. */
function timetable(request: FastifyRequest, p: PbProcess) {
  const day = (date: string | null) => (date ? formatDate(londonAt(date), request.lang) : null);
  const from = (date: string | null) =>
    date ? request.t('budgeting.processes.page.from', { date: day(date) ?? date }) : null;
  const when: Record<Phase, string | null> = {
    ideas: from(p.ideasFrom),
    proposals: from(p.proposalsFrom),
    feasibility: from(p.feasibilityFrom),
    voting: p.votingOpensAt
      ? request.t('budgeting.processes.page.votingDates', {
          opens: formatDate(p.votingOpensAt, request.lang),
          closes: p.votingClosesAt
            ? formatDate(new Date(p.votingClosesAt.getTime() - 1), request.lang)
            : request.t('budgeting.processes.page.notSet'),
        })
      : null,
    results: from(p.resultsFrom),
    delivery: from(p.deliveryFrom),
  };
  return PHASES.map((phase) => ({ phase, current: phase === p.phase, when: when[phase] }));
}

/** The list of budgets, each budget's page, and the officers' forms to run them. */
export async function processRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const base = (request: FastifyRequest) => `/${requirePlace(request).slug}/budgets`;

  app.get('/budgets', PUBLIC, async (request, reply) => {
    const processes = await listProcesses(ctx(request));
    return reply.page('budgeting/processes/views/list.njk', {
      pageTitle: request.t('budgeting.processes.list.title'),
      processes: processes.map((p) => ({ ...p, budgetNumber: Number(p.budgetPence) })),
      canManage: can(ctx(request).actor, MANAGE),
    });
  });

  app.get('/budgets.csv', PUBLIC, async (request, reply) => {
    const processes = await listProcesses(ctx(request));
    return sendCsv(reply, 'budgets.csv', PROCESS_CSV_COLUMNS, processes.map(processRow));
  });

  app.get(
    '/api/budgets',
    withApi(PUBLIC, { summaryKey: 'api.docs.summaries.budgets', paged: true }),
    async (request, reply) => {
      const processes = await listProcesses(ctx(request));
      return sendOpenJson(
        reply,
        pageOfList(
          request,
          processes.map((p) => processJson(p, base(request))),
        ),
      );
    },
  );

  app.get<Slug>('/api/budgets/:process', PUBLIC, async (request, reply) => {
    const process = await getProcess(ctx(request), request.params.process);
    return sendOpenJson(reply, processJson(process, base(request)));
  });

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    process: PbProcess | null,
    state: FormState = {},
  ) {
    const values = withDateParts(state.values ?? (process ? processFormValues(process) : {}));
    if (state.errors?.length) reply.code(422);
    const wards = await listWards(ctx(request));
    return reply.page('budgeting/processes/views/form.njk', {
      pageTitle: process
        ? request.t('budgeting.processes.form.editTitle', { title: process.title })
        : request.t('budgeting.processes.form.newTitle'),
      action: process ? `${base(request)}/${process.slug}` : base(request),
      back: process ? `${base(request)}/${process.slug}` : base(request),
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      process,
      locked: Boolean(process?.lockedAt),
      wardItems: [
        { value: '', text: request.t('budgeting.processes.form.wholePlace') },
        ...wards.map((w) => ({
          value: w.code,
          text: w.name,
          selected: values.ward === w.code || values.ward === w.slug,
        })),
      ],
      dateFields: DATE_FIELDS,
      ...formItems(request.t, values),
    });
  }

  app.get('/budgets/new', needs(MANAGE), async (request, reply) =>
    formPage(request, reply, null, {
      values: {
        minAge: '16',
        residenceRequired: 'yes',
        ballotType: 'approval',
        minSelections: '1',
        rule: 'mes-cost',
        verificationMethods: 'email',
      },
    }),
  );

  /** Runs a save, turning the service's field errors into the form's error summary. */
  async function save(
    request: FastifyRequest,
    reply: FastifyReply,
    process: PbProcess | null,
    run: (values: Record<string, string>) => Promise<string>,
  ) {
    const form = readProcessForm(request);
    if (!form.ok) return formPage(request, reply, process, form);
    try {
      const slug = await run(form.values);
      return reply.redirect(`${base(request)}/${slug}?done=${process ? 'saved' : 'created'}`, 303);
    } catch (error) {
      if (error instanceof Invalid)
        return formPage(request, reply, process, {
          values: form.values,
          errors: formErrorsFrom(error, request.t),
        });
      if (error instanceof Conflict)
        return formPage(request, reply, process, {
          values: form.values,
          errors: [{ field: 'budget', text: request.t('budgeting.processes.locked'), href: '#budget' }],
        });
      throw error;
    }
  }

  /** Dates as the service takes them (YYYY-MM-DD), from what readProcessForm checked. */
  const serviceFields = (request: FastifyRequest, values: Record<string, string>) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const out: Record<string, string> = { ...values };
    for (const name of DATE_FIELDS) {
      const read = readDateInput(body, name);
      out[name] = 'date' in read ? read.date : '';
    }
    return out;
  };

  app.post('/budgets', { ...needs(MANAGE), ...csrf }, async (request, reply) =>
    save(request, reply, null, (values) => createProcess(ctx(request), serviceFields(request, values))),
  );

  app.get<Slug & { Querystring: { done?: string } }>('/budgets/:process', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const process = await getProcess(c, request.params.process);
    const done = request.query.done;
    return reply.page('budgeting/processes/views/process.njk', {
      pageTitle: process.title,
      process,
      votingOpen: votingIsOpen(process),
      canManage: can(c.actor, MANAGE),
      nextPhases: nextPhases(process),
      csrfToken: can(c.actor, MANAGE) ? reply.generateCsrf() : null,
      banner:
        done && ['created', 'saved', 'phase', 'stopped'].includes(done)
          ? request.t(`budgeting.processes.banners.${done}`)
          : null,
      budgetPence: Number(process.budgetPence),
      methodsText: process.verificationMethods
        .map((m) => request.t(`budgeting.processes.methods.${m}`))
        .join('; '),
      timetable: timetable(request, process),
    });
  });

  app.get<Slug>('/budgets/:process/edit', needs(MANAGE), async (request, reply) => {
    const process = await getProcess(ctx(request), request.params.process);
    return formPage(request, reply, process);
  });

  app.post<Slug>('/budgets/:process', { ...needs(MANAGE), ...csrf }, async (request, reply) => {
    const process = await getProcess(ctx(request), request.params.process);
    return save(request, reply, process, async (values) => {
      await updateProcess(ctx(request), process.slug, serviceFields(request, values));
      return process.slug;
    });
  });

  app.post<Slug>('/budgets/:process/phase', { ...needs(MANAGE), ...csrf }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const phase = typeof body.phase === 'string' ? body.phase : '';
    await movePhase(ctx(request), request.params.process, phase);
    return reply.redirect(`${base(request)}/${request.params.process}?done=phase`, 303);
  });

  async function stopPage(
    request: FastifyRequest,
    reply: FastifyReply,
    process: PbProcess,
    state: FormState = {},
  ) {
    if (state.errors?.length) reply.code(422);
    return reply.page('budgeting/processes/views/stop.njk', {
      pageTitle: request.t('budgeting.processes.stop.title', { title: process.title }),
      process,
      action: `${base(request)}/${process.slug}/stop`,
      back: `${base(request)}/${process.slug}`,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values: state.values ?? {},
    });
  }

  app.get<Slug>('/budgets/:process/stop', needs(MANAGE), async (request, reply) => {
    const process = await getProcess(ctx(request), request.params.process);
    if (process.phase !== 'voting') throw new Conflict('budgeting.processes.notVoting');
    return stopPage(request, reply, process);
  });

  app.post<Slug>('/budgets/:process/stop', { ...needs(MANAGE), ...csrf }, async (request, reply) => {
    const process = await getProcess(ctx(request), request.params.process);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const reason = typeof body.reason === 'string' ? body.reason : '';
    try {
      await stopVote(ctx(request), process.slug, reason);
    } catch (error) {
      if (error instanceof Invalid)
        return stopPage(request, reply, process, {
          values: { reason },
          errors: formErrorsFrom(error, request.t),
        });
      throw error;
    }
    return reply.redirect(`${base(request)}/${process.slug}?done=stopped`, 303);
  });
}

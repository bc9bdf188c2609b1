import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { readDateInput } from '../../../platform/http/date-input.js';
import { Conflict, Invalid, NotFound } from '../../../platform/http/errors.js';
import { acceptFileUploads, fileIn, textOf } from '../../../platform/http/file-uploads.js';
import { errorsByField, type FormError, formErrorsFrom } from '../../../platform/http/forms.js';
import { serviceContext } from '../../../platform/http/request-context.js';
import { formatNumber, type Translate } from '../../../platform/i18n/i18n.js';
import { sendCsv } from '../../../platform/opendata/formats.js';
import { can } from '../../../platform/roles/permissions.js';
import { listWards } from '../../wards/ward-service.js';
import { VERIFICATION_METHODS, type VerificationMethod } from '../processes/process-input.js';
import { getProcess, MANAGE, type PbProcess } from '../processes/process-service.js';
import { formatCode } from './codes.js';
import { claimInPersonCode, getIssuedCode, inPersonFigures, issueInPersonCode } from './in-person-service.js';
import {
  claimLetterCode,
  createLetterBatch,
  type Letter,
  letterBatchExists,
  lettersOf,
  listLetterBatches,
} from './letter-service.js';
import { codeUrl, streamLetters } from './letters-pdf.js';
import { matchRegister, registerFigures, uploadRegister } from './register-service.js';
import { voterSummary } from './summary-service.js';
import { MAX_UPLOAD_BYTES, RowsInvalid, VERIFY } from './verification-common.js';
import { AGE_BANDS, findVoter, registerEmailVoter, VOTE } from './voter-service.js';

type SlugParams = { Params: { process: string } };
type BatchParams = { Params: { process: string; batch: string } };
type Body = Record<string, unknown>;
type FormState = { values?: Record<string, string>; errors?: FormError[] };

const V = 'budgeting/verification/views';
const REPORT_KEYS = ['rows', 'added', 'tooYoung', 'duplicates', 'alreadyUsed', 'replaced'] as const;
const M = 'budgeting.verification';

const text = (body: unknown, name: string): string => {
  const v = (body as Body | null)?.[name];
  return typeof v === 'string' ? v : '';
};

/** The problems in an upload's rows, translated, for the table under the error summary. */
function rowProblems(error: RowsInvalid, t: Translate) {
  return {
    rows: error.problems.slice(0, 500).map((p) => ({
      line: p.line,
      column: p.column,
      text: t(p.key),
    })),
    more: Math.max(0, error.problems.length - 500),
  };
}

/**
 * Who may vote: the resident's "Check you can vote" pages (one per method the process uses),
 * and the officers' pages under /voters (letters, the local register, codes issued in person,
 * and verified voters by method).
 */
export async function verificationRoutes(app: FastifyInstance) {
  // Address files and register extracts are uploaded here, one file at a time, read into memory.
  await acceptFileUploads(app, { maxBytes: MAX_UPLOAD_BYTES });
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const secret = app.config.secret;
  const publicUrl = app.config.publicUrl.replace(/\/$/, '');
  const base = (request: FastifyRequest, p: PbProcess) => `/${request.place?.slug}/budgets/${p.slug}`;

  // ---------- Residents: check you can vote ----------

  app.get<SlugParams>('/budgets/:process/vote/check', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const p = await getProcess(c, request.params.process);
    const voter = request.actor ? await findVoter(app.db, p.id, request.actor.userId) : null;
    return reply.page(`${V}/check.njk`, {
      pageTitle: request.t(`${M}.check.title`),
      p,
      base: base(request, p),
      voter,
      methods: VERIFICATION_METHODS.filter((m) => p.verificationMethods.includes(m)),
    });
  });

  app.get<SlugParams>('/budgets/:process/vote/check/done', needs(VOTE), async (request, reply) => {
    const c = ctx(request);
    const p = await getProcess(c, request.params.process);
    const voter = request.actor ? await findVoter(app.db, p.id, request.actor.userId) : null;
    if (!voter) return reply.redirect(`${base(request, p)}/vote/check`, 303);
    return reply.page(`${V}/check-done.njk`, {
      pageTitle: request.t(`${M}.done.title`),
      p,
      base: base(request, p),
    });
  });

  /** A method's page: 404 when the process does not use it; straight to "done" when verified already. */
  async function methodProcess(request: FastifyRequest<SlugParams>, method: VerificationMethod) {
    const p = await getProcess(ctx(request), request.params.process);
    if (!p.verificationMethods.includes(method)) throw new NotFound();
    const voter = request.actor ? await findVoter(app.db, p.id, request.actor.userId) : null;
    return { p, voter };
  }

  /** A domain refusal on a form: shown in the error summary on `field` rather than as an error page. */
  function refusal(error: unknown, t: Translate, field: string): FormError[] | null {
    if (error instanceof Invalid && !(error instanceof RowsInvalid)) return formErrorsFrom(error, t);
    if (error instanceof Conflict) return [{ field, text: t(error.message), href: `#${field}` }];
    return null;
  }

  // Email only: the declaration.
  async function emailPage(
    request: FastifyRequest,
    reply: FastifyReply,
    p: PbProcess,
    state: FormState = {},
  ) {
    const t = request.t;
    const values = state.values ?? {};
    if (state.errors?.length) reply.code(422);
    const wards = await listWards(ctx(request));
    return reply.page(`${V}/check-email.njk`, {
      pageTitle: t(`${M}.email.title`),
      p,
      base: base(request, p),
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      wardItems: [
        { value: '', text: t(`${M}.optional.notSaying`) },
        ...wards.map((w) => ({ value: w.code, text: w.name, selected: values.ward === w.code })),
      ],
      ageItems: [
        ...AGE_BANDS.map((b) => ({ value: b, text: b, checked: values.ageBand === b })),
        { divider: t(`${M}.optional.or`) },
        { value: '', text: t(`${M}.optional.notSaying`), checked: !values.ageBand },
      ],
    });
  }

  app.get<SlugParams>('/budgets/:process/vote/check/email', needs(VOTE), async (request, reply) => {
    const { p, voter } = await methodProcess(request, 'email');
    if (voter) return reply.redirect(`${base(request, p)}/vote/check/done`, 303);
    return emailPage(request, reply, p);
  });

  app.post<SlugParams>(
    '/budgets/:process/vote/check/email',
    { ...needs(VOTE), ...csrf },
    async (request, reply) => {
      const { p } = await methodProcess(request, 'email');
      const body = request.body;
      const values = {
        livesInArea: text(body, 'livesInArea'),
        oldEnough: text(body, 'oldEnough'),
        ward: text(body, 'ward'),
        ageBand: text(body, 'ageBand'),
      };
      const wards = await listWards(ctx(request));
      const errors: FormError[] = [];
      const ward = wards.find((w) => w.code === values.ward);
      if (values.ward && !ward)
        errors.push({ field: 'ward', text: request.t(`${M}.errors.wardUnknown`), href: '#ward' });
      const ageBand = AGE_BANDS.find((b) => b === values.ageBand) ?? null;
      if (values.ageBand && !ageBand)
        errors.push({ field: 'ageBand', text: request.t(`${M}.errors.ageBandUnknown`), href: '#ageBand' });
      try {
        if (errors.length) throw new Invalid({});
        await registerEmailVoter(ctx(request), p.slug, {
          livesInArea: values.livesInArea === 'yes',
          oldEnough: values.oldEnough === 'yes',
          wardCode: ward?.code ?? null,
          ageBand,
        });
      } catch (error) {
        if (error instanceof Conflict && error.message === `${M}.alreadyVerified`)
          return reply.redirect(`${base(request, p)}/vote/check/done`, 303);
        const shown = refusal(error, request.t, 'oldEnough');
        if (!shown) throw error;
        return emailPage(request, reply, p, { values, errors: [...errors, ...shown] });
      }
      return reply.redirect(`${base(request, p)}/vote/check/done`, 303);
    },
  );

  // A code: from a letter, or from an officer in person.
  for (const method of ['letter', 'in-person'] as const) {
    const codePage = (request: FastifyRequest, reply: FastifyReply, p: PbProcess, state: FormState = {}) => {
      if (state.errors?.length) reply.code(422);
      return reply.page(`${V}/check-code.njk`, {
        pageTitle: request.t(`${M}.${method}.title`),
        method,
        p,
        base: base(request, p),
        csrfToken: reply.generateCsrf(),
        errors: state.errors ?? [],
        fieldErrors: errorsByField(state.errors ?? []),
        values: state.values ?? {},
      });
    };

    app.get<SlugParams & { Querystring: { code?: string } }>(
      `/budgets/:process/vote/check/${method}`,
      needs(VOTE),
      async (request, reply) => {
        const { p, voter } = await methodProcess(request, method);
        if (voter) return reply.redirect(`${base(request, p)}/vote/check/done`, 303);
        const code = typeof request.query.code === 'string' ? request.query.code.slice(0, 40) : '';
        return codePage(request, reply, p, { values: { code } });
      },
    );

    app.post<SlugParams>(
      `/budgets/:process/vote/check/${method}`,
      { ...needs(VOTE), ...csrf },
      async (request, reply) => {
        const { p } = await methodProcess(request, method);
        const code = text(request.body, 'code').slice(0, 100);
        try {
          await (method === 'letter' ? claimLetterCode : claimInPersonCode)(ctx(request), p.slug, code, {
            ip: request.ip,
          });
        } catch (error) {
          if (error instanceof Conflict && error.message === `${M}.alreadyVerified`)
            return reply.redirect(`${base(request, p)}/vote/check/done`, 303);
          const shown = refusal(error, request.t, 'code');
          if (!shown) throw error;
          return codePage(request, reply, p, { values: { code }, errors: shown });
        }
        return reply.redirect(`${base(request, p)}/vote/check/done`, 303);
      },
    );
  }

  // The local register: name, postcode and date of birth.
  const registerPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    p: PbProcess,
    state: FormState = {},
  ) => {
    if (state.errors?.length) reply.code(422);
    const values = state.values ?? {};
    return reply.page(`${V}/check-register.njk`, {
      pageTitle: request.t(`${M}.register.title`),
      p,
      base: base(request, p),
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
    });
  };

  app.get<SlugParams>('/budgets/:process/vote/check/register', needs(VOTE), async (request, reply) => {
    const { p, voter } = await methodProcess(request, 'register');
    if (voter) return reply.redirect(`${base(request, p)}/vote/check/done`, 303);
    return registerPage(request, reply, p);
  });

  app.post<SlugParams>(
    '/budgets/:process/vote/check/register',
    { ...needs(VOTE), ...csrf },
    async (request, reply) => {
      const { p } = await methodProcess(request, 'register');
      const body = (request.body ?? {}) as Body;
      const values = {
        name: text(body, 'name').slice(0, 200),
        postcode: text(body, 'postcode').slice(0, 20),
        'dateOfBirth-day': text(body, 'dateOfBirth-day').slice(0, 4),
        'dateOfBirth-month': text(body, 'dateOfBirth-month').slice(0, 4),
        'dateOfBirth-year': text(body, 'dateOfBirth-year').slice(0, 6),
      };
      const dob = readDateInput(values, 'dateOfBirth');
      try {
        if ('error' in dob)
          throw new Invalid({
            ...(values.name.trim() ? {} : { name: `${M}.errors.nameMissing` }),
            ...(values.postcode.trim() ? {} : { postcode: `${M}.errors.postcodeMissing` }),
            dateOfBirth:
              dob.error === 'missing' ? `${M}.errors.dateOfBirthMissing` : `${M}.errors.dateOfBirthInvalid`,
          });
        await matchRegister(
          ctx(request),
          p.slug,
          { name: values.name, postcode: values.postcode, dateOfBirth: dob.date },
          secret,
          { ip: request.ip },
        );
      } catch (error) {
        if (error instanceof Conflict && error.message === `${M}.alreadyVerified`)
          return reply.redirect(`${base(request, p)}/vote/check/done`, 303);
        const shown = refusal(error, request.t, 'name')?.map((e) =>
          e.field === 'dateOfBirth' ? { ...e, href: '#dateOfBirth-day' } : e,
        );
        if (!shown) throw error;
        return registerPage(request, reply, p, { values, errors: shown });
      }
      return reply.redirect(`${base(request, p)}/vote/check/done`, 303);
    },
  );

  // ---------- Officers ----------

  app.get<SlugParams>('/budgets/:process/voters', needs(VERIFY), async (request, reply) => {
    const c = ctx(request);
    const p = await getProcess(c, request.params.process);
    const figures = await voterSummary(c, p.slug);
    return reply.page(`${V}/voters.njk`, {
      pageTitle: request.t(`${M}.voters.title`),
      p,
      base: base(request, p),
      figures,
      total: figures.reduce((n, f) => n + f.verified, 0),
      canManage: can(request.actor, MANAGE),
    });
  });

  const summaryRows = (figures: Awaited<ReturnType<typeof voterSummary>>) =>
    figures.map((f) => ({ method: f.method, in_use: f.on, verified: f.verified, voted: f.voted }));

  app.get<SlugParams>('/api/budgets/:process/voters', needs(VERIFY), async (request, reply) => {
    const figures = await voterSummary(ctx(request), request.params.process);
    return reply
      .header('cache-control', 'private, no-store')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify({ methods: summaryRows(figures) }));
  });

  app.get<SlugParams>('/api/budgets/:process/voters.csv', needs(VERIFY), async (request, reply) => {
    const c = ctx(request);
    const figures = await voterSummary(c, request.params.process);
    return sendCsv(
      reply.header('cache-control', 'private, no-store'),
      `${c.place.slug}-${request.params.process}-voters-by-method.csv`,
      ['method', 'in_use', 'verified', 'voted'],
      summaryRows(figures),
    );
  });

  // Letters: upload an address file, download the mail merge and the letters.
  async function lettersPage(
    request: FastifyRequest<SlugParams>,
    reply: FastifyReply,
    state: { errors?: FormError[]; rowErrors?: ReturnType<typeof rowProblems> | null; made?: string } = {},
  ) {
    const c = ctx(request);
    const p = await getProcess(c, request.params.process);
    if (!p.verificationMethods.includes('letter')) throw new NotFound();
    if (state.errors?.length) reply.code(422);
    return reply.page(`${V}/letters.njk`, {
      pageTitle: request.t(`${M}.letters.title`),
      p,
      base: base(request, p),
      batches: await listLetterBatches(c, p.slug),
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      rowErrors: state.rowErrors ?? null,
      made: state.made ?? null,
    });
  }

  app.get<SlugParams & { Querystring: { made?: string } }>(
    '/budgets/:process/voters/letters',
    needs(MANAGE),
    async (request, reply) =>
      lettersPage(request, reply, {
        made: /^\d{1,6}$/.test(request.query.made ?? '') ? request.query.made : '',
      }),
  );

  app.post<SlugParams>(
    '/budgets/:process/voters/letters',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const upload = fileIn(request.body, 'file');
      try {
        if (upload.tooLarge) throw new Invalid({ file: `${M}.upload.errors.tooBig` });
        if (!upload.bytes) throw new Invalid({ file: `${M}.upload.errors.noFile` });
        const batch = await createLetterBatch(ctx(request), request.params.process, textOf(upload));
        return reply.redirect(
          `/${request.place?.slug}/budgets/${request.params.process}/voters/letters?made=${batch}`,
          303,
        );
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        return lettersPage(request, reply, {
          errors: formErrorsFrom(error, request.t),
          rowErrors: error instanceof RowsInvalid ? rowProblems(error, request.t) : null,
        });
      }
    },
  );

  const batchNumber = (raw: string) => {
    if (!/^\d{1,6}$/.test(raw)) throw new NotFound();
    return Number(raw);
  };

  app.get<BatchParams>(
    '/budgets/:process/voters/letters/:batch/mail-merge.csv',
    needs(MANAGE),
    async (request, reply) => {
      const c = ctx(request);
      const batch = batchNumber(request.params.batch);
      const p = await letterBatchExists(c, request.params.process, batch);
      const votingUrl = `${publicUrl}${base(request, p)}/vote/check/letter`;
      async function* rows() {
        for await (const slice of lettersOf(c, p.slug, batch))
          for (const l of slice)
            yield {
              address: l.address,
              postcode: l.postcode,
              ward_code: l.wardCode ?? '',
              ward: l.wardName ?? '',
              code: formatCode(l.code),
              url: codeUrl(votingUrl, l.code),
              voting_page: votingUrl,
            };
      }
      const csv = Readable.from(rows()).pipe(
        stringify({
          header: true,
          columns: ['address', 'postcode', 'ward_code', 'ward', 'code', 'url', 'voting_page'],
        }),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${c.place.slug}-${p.slug}-letters-${batch}.csv"`,
        )
        .header('cache-control', 'private, no-store')
        .send(csv);
    },
  );

  app.get<BatchParams & { Querystring: { compress?: string } }>(
    '/budgets/:process/voters/letters/:batch/letters.pdf',
    needs(MANAGE),
    async (request, reply) => {
      const c = ctx(request);
      const t = request.t;
      const batch = batchNumber(request.params.batch);
      const p = await letterBatchExists(c, request.params.process, batch);
      const votingUrl = `${publicUrl}${base(request, p)}/vote/check/letter`;
      const closes = p.votingClosesAt
        ? t(`${M}.pdf.closes`, { date: formatLondonDate(p.votingClosesAt, request.lang) })
        : '';
      async function* slices() {
        for await (const slice of lettersOf(c, p.slug, batch, 500))
          yield slice.map((l: Letter) => ({ address: l.address, postcode: l.postcode, code: l.code }));
      }
      const doc = streamLetters(
        {
          lang: request.lang === 'cy' ? 'cy-GB' : 'en-GB',
          author: c.place.name,
          title: t(`${M}.pdf.documentTitle`, { title: p.title }),
          caption: c.place.name,
          page: (l) => ({
            heading: t(`${M}.pdf.heading`, { title: p.title }),
            intro: [
              t(`${M}.pdf.intro`, { title: p.title, place: c.place.name, minAge: p.minAge }),
              closes,
            ].filter(Boolean),
            codeLabel: t(`${M}.pdf.codeLabel`),
            steps: [
              t(`${M}.pdf.step1`, { url: votingUrl }),
              t(`${M}.pdf.step2`),
              t(`${M}.pdf.step3`, { code: l.code }),
            ],
            qrAlt: t(`${M}.pdf.qrAlt`),
            footer: t(`${M}.pdf.footer`),
          }),
        },
        votingUrl,
        slices(),
        { now: new Date(), compress: request.query.compress !== 'no' },
      );
      return reply
        .type('application/pdf')
        .header(
          'content-disposition',
          `attachment; filename="${c.place.slug}-${p.slug}-letters-${batch}.pdf"`,
        )
        .header('cache-control', 'private, no-store')
        .send(doc);
    },
  );

  // The local register: upload, and the report of the last upload.
  async function registerAdminPage(
    request: FastifyRequest<SlugParams>,
    reply: FastifyReply,
    state: {
      errors?: FormError[];
      rowErrors?: ReturnType<typeof rowProblems> | null;
      report?: Record<string, number> | null;
    } = {},
  ) {
    const c = ctx(request);
    const p = await getProcess(c, request.params.process);
    if (!p.verificationMethods.includes('register')) throw new NotFound();
    if (state.errors?.length) reply.code(422);
    return reply.page(`${V}/register.njk`, {
      pageTitle: request.t(`${M}.registerUpload.title`),
      p,
      base: base(request, p),
      figures: await registerFigures(c, p.slug),
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      rowErrors: state.rowErrors ?? null,
      report: state.report ?? null,
      reportRows: state.report
        ? REPORT_KEYS.map((k) => ({
            key: { text: request.t(`${M}.registerUpload.report.${k}`) },
            value: { text: formatNumber(state.report?.[k] ?? 0, request.lang) },
          }))
        : [],
    });
  }

  app.get<SlugParams & { Querystring: Record<string, string> }>(
    '/budgets/:process/voters/register',
    needs(MANAGE),
    async (request, reply) => {
      const q = request.query;
      const report = REPORT_KEYS.every((k) => /^\d{1,7}$/.test(q[k] ?? ''))
        ? Object.fromEntries(REPORT_KEYS.map((k) => [k, Number(q[k])]))
        : null;
      return registerAdminPage(request, reply, { report });
    },
  );

  app.post<SlugParams>(
    '/budgets/:process/voters/register',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const upload = fileIn(request.body, 'file');
      try {
        if (upload.tooLarge) throw new Invalid({ file: `${M}.upload.errors.tooBig` });
        if (!upload.bytes) throw new Invalid({ file: `${M}.upload.errors.noFile` });
        const report = await uploadRegister(ctx(request), request.params.process, textOf(upload), secret);
        const query = new URLSearchParams(REPORT_KEYS.map((k) => [k, String(report[k])]));
        return reply.redirect(
          `/${request.place?.slug}/budgets/${request.params.process}/voters/register?${query}`,
          303,
        );
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        return registerAdminPage(request, reply, {
          errors: formErrorsFrom(error, request.t),
          rowErrors: error instanceof RowsInvalid ? rowProblems(error, request.t) : null,
        });
      }
    },
  );

  // In person: record a person checked, hand over a code.
  async function inPersonPage(
    request: FastifyRequest<SlugParams>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const c = ctx(request);
    const t = request.t;
    const p = await getProcess(c, request.params.process);
    if (!p.verificationMethods.includes('in-person')) throw new NotFound();
    if (state.errors?.length) reply.code(422);
    const values = state.values ?? {};
    const wards = await listWards(c);
    return reply.page(`${V}/in-person.njk`, {
      pageTitle: t(`${M}.inPerson.title`),
      p,
      base: base(request, p),
      venues: await inPersonFigures(c, p.slug),
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      wardItems: [
        { value: '', text: t(`${M}.optional.notGiven`) },
        ...wards.map((w) => ({ value: w.code, text: w.name, selected: values.ward === w.code })),
      ],
      ageItems: [
        ...AGE_BANDS.map((b) => ({ value: b, text: b, checked: values.ageBand === b })),
        { divider: t(`${M}.optional.or`) },
        { value: '', text: t(`${M}.optional.notGiven`), checked: !values.ageBand },
      ],
    });
  }

  app.get<SlugParams>('/budgets/:process/voters/in-person', needs(VERIFY), async (request, reply) =>
    inPersonPage(request, reply),
  );

  app.post<SlugParams>(
    '/budgets/:process/voters/in-person',
    { ...needs(VERIFY), ...csrf },
    async (request, reply) => {
      const body = (request.body ?? {}) as Body;
      const values: Record<string, string> = {};
      for (const k of [
        'venue',
        'ward',
        'ageBand',
        'name',
        'postcode',
        'dateOfBirth-day',
        'dateOfBirth-month',
        'dateOfBirth-year',
      ])
        values[k] = text(body, k).slice(0, 200);
      const dob = readDateInput(values, 'dateOfBirth');
      try {
        if ('error' in dob && dob.error === 'invalid')
          throw new Invalid({ dateOfBirth: `${M}.inPerson.errors.dateOfBirthInvalid` });
        const issued = await issueInPersonCode(
          ctx(request),
          request.params.process,
          { ...values, dateOfBirth: 'date' in dob ? dob.date : '' },
          secret,
        );
        return reply.redirect(
          `/${request.place?.slug}/budgets/${request.params.process}/voters/in-person/${issued.id}`,
          303,
        );
      } catch (error) {
        const shown = refusal(error, request.t, 'name')?.map((e) =>
          e.field === 'dateOfBirth' ? { ...e, href: '#dateOfBirth-day' } : e,
        );
        if (!shown) throw error;
        return inPersonPage(request, reply, { values, errors: shown });
      }
    },
  );

  app.get<{ Params: { process: string; issued: string } }>(
    '/budgets/:process/voters/in-person/:issued',
    needs(VERIFY),
    async (request, reply) => {
      const c = ctx(request);
      const p = await getProcess(c, request.params.process);
      const issued = await getIssuedCode(c, p.slug, request.params.issued);
      return reply.header('cache-control', 'private, no-store').page(`${V}/in-person-code.njk`, {
        pageTitle: request.t(`${M}.inPerson.codeTitle`),
        p,
        base: base(request, p),
        issued,
        code: formatCode(issued.code),
        votingUrl: `${publicUrl}${base(request, p)}/vote/check/in-person`,
      });
    },
  );

  // The letter batches as JSON (officers only: not open data).
  app.get<SlugParams>('/api/budgets/:process/voters/letters', needs(MANAGE), async (request, reply) => {
    const batches = await listLetterBatches(ctx(request), request.params.process);
    return reply
      .header('cache-control', 'private, no-store')
      .type('application/json; charset=utf-8')
      .send(
        JSON.stringify({
          batches: batches.map((b) => ({
            batch: b.batch,
            letters: b.letters,
            used: b.used,
            created_at: b.createdAt,
          })),
        }),
      );
  });
}

function formatLondonDate(d: Date, lang: string): string {
  // The last day of voting: the instant just before the close, in London.
  return new Intl.DateTimeFormat(lang === 'cy' ? 'cy-GB' : 'en-GB', {
    dateStyle: 'long',
    timeZone: 'Europe/London',
  }).format(new Date(d.getTime() - 1));
}

import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DRAW_RULE } from '../../../lib/sortition/invitation-draw.js';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { Conflict, Invalid } from '../../../platform/http/errors.js';
import { acceptFileUploads, fileIn, textOf } from '../../../platform/http/file-uploads.js';
import { errorsByField, type FormError, formErrorsFrom } from '../../../platform/http/forms.js';
import { serviceContext } from '../../../platform/http/request-context.js';
import { formatDate, formatNumber, formatPence, type Translate } from '../../../platform/i18n/i18n.js';
import { sendOpenJson } from '../../../platform/opendata/formats.js';
import { type Assembly, canSeeRespondents, getAssembly, MANAGE } from '../setup/assembly-service.js';
import { getAddressList, MAX_LIST_BYTES, RowsInvalid, uploadAddressList } from './address-service.js';
import { formatInvitationCode } from './invitation-codes.js';
import {
  drawAssemblyInvitations,
  invitationsOf,
  invitationsReady,
  markLettersSent,
  publishedDraw,
  suggestedSeed,
} from './invitation-service.js';
import { invitationLettersPdf, registerUrl } from './letters-pdf.js';
import {
  featureField,
  listRespondents,
  publicRespondentCounts,
  registerRespondent,
  registrationOpen,
  respondentFigures,
  respondentsForExport,
} from './respondent-service.js';
import { spreadsheetCell } from './spreadsheet-cell.js';

type Params = { Params: { assembly: string } };
type Body = Record<string, unknown>;
type FormState = { values?: Record<string, string>; errors?: FormError[] };

const V = 'assemblies/recruitment/views';
const M = 'assemblies.recruitment';

const text = (body: unknown, name: string, max = 2000): string => {
  const v = (body as Body | null)?.[name];
  return typeof v === 'string' ? v.slice(0, max) : '';
};

/** A domain refusal on a form: an error on `field` in the summary rather than an error page. */
function refusal(error: unknown, t: Translate, field: string): FormError[] | null {
  if (error instanceof Invalid) return formErrorsFrom(error, t);
  if (error instanceof Conflict) return [{ field, text: t(error.message), href: `#${field}` }];
  return null;
}

/** The problems in an upload's rows, translated, for the table under the error summary. */
function rowProblems(error: RowsInvalid, t: Translate) {
  return {
    rows: error.problems
      .slice(0, 500)
      .map((p) => ({ line: p.line, column: p.column, text: t(p.key, p.vars) })),
    more: Math.max(0, error.problems.length - 500),
  };
}

/**
 * Recruitment: the officers' invitations page (address list, the seeded draw, letters and
 * mail merge), the public registration journey and the officers' phone registration, the
 * respondents' dashboard and people file, and the public draw and counts.
 */
export async function recruitmentRoutes(app: FastifyInstance) {
  // Address lists are uploaded here, one file at a time, read into memory up to the limit. A
  // larger file is cut off and marked, so the form can say so rather than fail.
  await acceptFileUploads(app, { maxBytes: MAX_LIST_BYTES });
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const publicUrl = app.config.publicUrl.replace(/\/$/, '');
  const base = (request: FastifyRequest, a: { slug: string }) =>
    `/${request.place?.slug}/assemblies/${a.slug}`;
  const privately = (reply: FastifyReply) => reply.header('cache-control', 'private, no-store');

  // ---------- Officers: address list, draw, letters ----------

  async function invitationsPage(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    state: FormState & { rowErrors?: ReturnType<typeof rowProblems> | null; done?: string } = {},
  ) {
    const c = ctx(request);
    const assembly = await getAssembly(c, request.params.assembly);
    const list = await getAddressList(c, assembly);
    const draw = await publishedDraw(c, assembly);
    if (state.errors?.length) reply.code(422);
    const values = state.values ?? {};
    return privately(reply).page(`${V}/invitations.njk`, {
      pageTitle: request.t(`${M}.invitations.title`),
      assembly,
      base: base(request, assembly),
      list,
      draw,
      rule: DRAW_RULE,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      rowErrors: state.rowErrors ?? null,
      values: { ...values, seed: values.seed ?? suggestedSeed() },
      done: state.done ?? null,
      open: assembly.status === 'setup' || assembly.status === 'recruiting',
    });
  }

  app.get<Params & { Querystring: { done?: string } }>(
    '/assemblies/:assembly/invitations',
    needs(MANAGE),
    async (request, reply) => {
      const done = ['uploaded', 'drawn', 'posted'].find((d) => d === request.query.done);
      return invitationsPage(request, reply, { done: done ?? '' });
    },
  );

  app.post<Params>(
    '/assemblies/:assembly/invitations/addresses',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const upload = fileIn(request.body, 'file');
      try {
        if (upload.tooLarge) throw new Invalid({ file: `${M}.upload.errors.tooBig` });
        if (!upload.bytes) throw new Invalid({ file: `${M}.upload.errors.noFile` });
        await uploadAddressList(ctx(request), request.params.assembly, {
          filename: upload.fileName,
          content: textOf(upload),
        });
      } catch (error) {
        const shown = refusal(error, request.t, 'file');
        if (!shown) throw error;
        return invitationsPage(request, reply, {
          errors: shown,
          rowErrors: error instanceof RowsInvalid ? rowProblems(error, request.t) : null,
        });
      }
      return reply.redirect(
        `/${request.place?.slug}/assemblies/${request.params.assembly}/invitations?done=uploaded`,
        303,
      );
    },
  );

  app.post<Params>(
    '/assemblies/:assembly/invitations/draw',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const values = { count: text(request.body, 'count', 20), seed: text(request.body, 'seed', 200) };
      try {
        await drawAssemblyInvitations(ctx(request), request.params.assembly, values);
      } catch (error) {
        const shown = refusal(error, request.t, 'count');
        if (!shown) throw error;
        return invitationsPage(request, reply, { values, errors: shown });
      }
      return reply.redirect(
        `/${request.place?.slug}/assemblies/${request.params.assembly}/invitations?done=drawn`,
        303,
      );
    },
  );

  app.post<Params>(
    '/assemblies/:assembly/invitations/posted',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      try {
        await markLettersSent(ctx(request), request.params.assembly);
      } catch (error) {
        const shown = refusal(error, request.t, 'posted');
        if (!shown) throw error;
        return invitationsPage(request, reply, { errors: shown });
      }
      return reply.redirect(
        `/${request.place?.slug}/assemblies/${request.params.assembly}/invitations?done=posted`,
        303,
      );
    },
  );

  const registerPageUrl = (request: FastifyRequest, a: Assembly) =>
    `${publicUrl}${base(request, a)}/register`;

  app.get<Params>(
    '/assemblies/:assembly/invitations/mail-merge.csv',
    needs(MANAGE),
    async (request, reply) => {
      const c = ctx(request);
      const assembly = await invitationsReady(c, request.params.assembly);
      const pageUrl = registerPageUrl(request, assembly);
      const rows: Record<string, string>[] = [];
      for await (const slice of invitationsOf(c, assembly))
        for (const i of slice) {
          const lines = i.address.split(/\s*,\s*/);
          rows.push({
            number: String(i.rank),
            address_1: spreadsheetCell(lines[0]),
            address_2: spreadsheetCell(lines[1]),
            address_3: spreadsheetCell(lines.slice(2).join(', ')),
            address: spreadsheetCell(i.address),
            postcode: spreadsheetCell(i.postcode),
            ward_code: spreadsheetCell(i.wardCode),
            code: formatInvitationCode(i.code),
            url: registerUrl(pageUrl, i.code),
            register_page: pageUrl,
          });
        }
      const body = stringify(rows, {
        header: true,
        columns: [
          'number',
          'address_1',
          'address_2',
          'address_3',
          'address',
          'postcode',
          'ward_code',
          'code',
          'url',
          'register_page',
        ],
      });
      return privately(reply)
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${c.place.slug}-${assembly.slug}-invitations.csv"`,
        )
        .send(body);
    },
  );

  app.get<Params & { Querystring: { compress?: string } }>(
    '/assemblies/:assembly/invitations/letters.pdf',
    needs(MANAGE),
    async (request, reply) => {
      const c = ctx(request);
      const t = request.t;
      const assembly = await invitationsReady(c, request.params.assembly);
      const pageUrl = registerPageUrl(request, assembly);
      const first = assembly.sessions[0];
      const pdf = invitationLettersPdf(
        {
          lang: request.lang === 'cy' ? 'cy-GB' : 'en-GB',
          author: c.place.name,
          title: t(`${M}.letters.documentTitle`, { title: assembly.title }),
          caption: c.place.name,
          heading: t(`${M}.letters.heading`, { place: c.place.name }),
          questionLabel: t(`${M}.letters.questionLabel`),
          question: assembly.question,
          involves: [
            t(`${M}.letters.chosen`, { place: c.place.name, title: assembly.title }),
            assembly.sessions.length && first
              ? t(`${M}.letters.sessions`, {
                  n: assembly.sessions.length,
                  date: formatDate(first.startsAt, request.lang),
                })
              : t(`${M}.letters.sessionsLater`),
            assembly.expensesBudgetPence > 0n
              ? t(`${M}.letters.expensesBudget`, {
                  budget: formatPence(Number(assembly.expensesBudgetPence), request.lang),
                })
              : t(`${M}.letters.expenses`),
            t(`${M}.letters.noExperience`, { panel: assembly.panelSize }),
          ],
          codeLabel: t(`${M}.letters.codeLabel`),
          steps: (l) => [
            t(`${M}.letters.step1`, { url: l.url }),
            t(`${M}.letters.step2`, { code: l.code }),
            t(`${M}.letters.step3`),
          ],
          qrAlt: t(`${M}.letters.qrAlt`),
          footer: t(`${M}.letters.footer`),
        },
        pageUrl,
        invitationsOf(c, assembly, 500),
        { now: new Date(), compress: request.query.compress !== 'no' },
      );
      return privately(reply)
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${c.place.slug}-${assembly.slug}-letters.pdf"`)
        .send(pdf);
    },
  );

  // ---------- The published draw (public) ----------

  const drawJson = (d: NonNullable<Awaited<ReturnType<typeof publishedDraw>>>) => ({
    seed: d.seed,
    rule: d.rule,
    rule_description:
      'Key of each address: NFKC, white space runs to one space, trimmed, upper case; "|"; postcode NFKC, upper case, no white space. Score: SHA-256 hex of UTF-8 "seed:key". The addresses with the lowest scores are drawn.',
    addresses: d.addresses,
    drawn: d.drawn,
    address_list_sha256: d.listFingerprint,
    synthetic_address_list: d.syntheticList,
    drawn_at: d.drawnAt,
    letters_sent: d.lettersSent,
    registered: d.registered,
  });

  app.get<Params>('/assemblies/:assembly/invitation-draw', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const assembly = await getAssembly(c, request.params.assembly);
    return reply.page(`${V}/invitation-draw.njk`, {
      pageTitle: request.t(`${M}.published.title`),
      assembly,
      base: base(request, assembly),
      draw: await publishedDraw(c, assembly),
    });
  });

  app.get<Params>('/api/assemblies/:assembly/invitation-draw', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const assembly = await getAssembly(c, request.params.assembly);
    const draw = await publishedDraw(c, assembly);
    return sendOpenJson(reply, { assembly: assembly.slug, draw: draw ? drawJson(draw) : null });
  });

  // ---------- Registration (public), and by phone (assigned officers) ----------

  function registerPage(
    request: FastifyRequest,
    reply: FastifyReply,
    assembly: Assembly,
    byOfficer: boolean,
    state: FormState = {},
  ) {
    const t = request.t;
    const values = state.values ?? {};
    if (state.errors?.length) reply.code(422);
    const fieldErrors = errorsByField(state.errors ?? []);
    return privately(reply).page(`${V}/register.njk`, {
      pageTitle: t(byOfficer ? `${M}.register.officerTitle` : `${M}.register.title`),
      assembly,
      base: base(request, assembly),
      byOfficer,
      action: `${base(request, assembly)}/${byOfficer ? 'respondents/new' : 'register'}`,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors,
      values,
      features: assembly.features.map((f) => ({
        name: featureField(f.key),
        legend: f.name,
        errorMessage: fieldErrors[featureField(f.key)],
        items: f.values.map((v) => ({
          value: v.value,
          text: v.label,
          checked: values[featureField(f.key)] === v.value,
        })),
      })),
    });
  }

  function closedPage(request: FastifyRequest, reply: FastifyReply, assembly: Assembly, status = 200) {
    return reply.code(status).page(`${V}/register-closed.njk`, {
      pageTitle: request.t(`${M}.register.closedTitle`),
      assembly,
      base: base(request, assembly),
    });
  }

  function formValues(body: unknown, assembly: Assembly): Record<string, string> {
    const values: Record<string, string> = {
      code: text(body, 'code', 40),
      name: text(body, 'name', 200),
      email: text(body, 'email', 300),
      phone: text(body, 'phone', 40),
      accessNeeds: text(body, 'accessNeeds', 2100),
      consent: text(body, 'consent', 10),
    };
    for (const f of assembly.features) values[featureField(f.key)] = text(body, featureField(f.key), 100);
    return values;
  }

  /** An error on a feature's radios links to its first radio (GOV.UK's id for it is the name). */
  const linked = (errors: FormError[]) =>
    errors.map((e) => (e.field === 'consent' ? { ...e, href: '#consent' } : e));

  app.get<Params & { Querystring: { code?: string } }>(
    '/assemblies/:assembly/register',
    PUBLIC,
    async (request, reply) => {
      const assembly = await getAssembly(ctx(request), request.params.assembly);
      if (!registrationOpen(assembly)) return closedPage(request, reply, assembly);
      const code = typeof request.query.code === 'string' ? request.query.code.slice(0, 40) : '';
      return registerPage(request, reply, assembly, false, { values: { code } });
    },
  );

  app.post<Params>('/assemblies/:assembly/register', { ...PUBLIC, ...csrf }, async (request, reply) => {
    const assembly = await getAssembly(ctx(request), request.params.assembly);
    if (!registrationOpen(assembly)) return closedPage(request, reply, assembly, 409);
    const values = formValues(request.body, assembly);
    let reference: string;
    try {
      reference = await registerRespondent(ctx(request), assembly.slug, values, { ip: request.ip });
    } catch (error) {
      const shown = refusal(error, request.t, 'code');
      if (!shown) throw error;
      return registerPage(request, reply, assembly, false, { values, errors: linked(shown) });
    }
    return reply.redirect(`${base(request, assembly)}/register/done?reference=${reference}`, 303);
  });

  app.get<Params & { Querystring: { reference?: string } }>(
    '/assemblies/:assembly/register/done',
    PUBLIC,
    async (request, reply) => {
      const assembly = await getAssembly(ctx(request), request.params.assembly);
      const reference = /^R[0-9]{4,6}$/.test(request.query.reference ?? '') ? request.query.reference : null;
      return privately(reply).page(`${V}/register-done.njk`, {
        pageTitle: request.t(`${M}.register.doneTitle`),
        assembly,
        base: base(request, assembly),
        reference,
        byOfficer: await canSeeRespondents(ctx(request), assembly),
      });
    },
  );

  app.get<Params>('/assemblies/:assembly/respondents/new', needs(MANAGE), async (request, reply) => {
    const c = ctx(request);
    const assembly = await getAssembly(c, request.params.assembly);
    await listRespondents(c, assembly); // refuses an officer not assigned to the assembly
    if (!registrationOpen(assembly)) return closedPage(request, reply, assembly);
    return registerPage(request, reply, assembly, true);
  });

  app.post<Params>(
    '/assemblies/:assembly/respondents/new',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const c = ctx(request);
      const assembly = await getAssembly(c, request.params.assembly);
      const values = formValues(request.body, assembly);
      let reference: string;
      try {
        reference = await registerRespondent(c, assembly.slug, values, { byOfficer: true });
      } catch (error) {
        if (error instanceof Conflict && error.message === `${M}.register.closed`)
          return closedPage(request, reply, assembly, 409);
        const shown = refusal(error, request.t, 'code');
        if (!shown) throw error;
        return registerPage(request, reply, assembly, true, { values, errors: linked(shown) });
      }
      return reply.redirect(`${base(request, assembly)}/register/done?reference=${reference}`, 303);
    },
  );

  // ---------- Respondents (assigned officers), and public counts ----------

  app.get<Params>('/assemblies/:assembly/respondents', needs(MANAGE), async (request, reply) => {
    const c = ctx(request);
    const assembly = await getAssembly(c, request.params.assembly);
    const figures = await respondentFigures(c, assembly);
    const respondents = await listRespondents(c, assembly);
    const pct = (x: number | null) =>
      x === null ? '' : `${formatNumber(Math.round(x * 1000) / 10, request.lang)}%`;
    return privately(reply).page(`${V}/respondents.njk`, {
      pageTitle: request.t(`${M}.respondents.title`),
      assembly,
      base: base(request, assembly),
      total: figures.total,
      draw: await publishedDraw(c, assembly),
      features: figures.features.map((f) => ({
        ...f,
        short: f.values.filter((v) => v.tooFew).length,
        values: f.values.map((v) => ({
          ...v,
          sharePct: pct(v.share),
          respondentPct: pct(v.respondentShare),
        })),
      })),
      respondents,
      open: registrationOpen(assembly),
    });
  });

  app.get<Params>('/assemblies/:assembly/respondents.csv', needs(MANAGE), async (request, reply) => {
    const c = ctx(request);
    const assembly = await getAssembly(c, request.params.assembly);
    const people = await respondentsForExport(c, assembly);
    // The Sortition Foundation's people file: id, one column per feature name, then contact columns.
    const featureColumns = assembly.features.map((f) => f.name);
    const columns = ['id', ...featureColumns, 'name', 'email', 'phone', 'address', 'postcode', 'status'];
    const rows = people.map((p) => {
      const row: Record<string, string> = {
        id: p.reference,
        name: spreadsheetCell(p.name),
        email: spreadsheetCell(p.email),
        phone: spreadsheetCell(p.phone),
        address: spreadsheetCell(p.address),
        postcode: spreadsheetCell(p.postcode),
        status: p.status,
      };
      for (const f of assembly.features) row[f.name] = spreadsheetCell(p.features[f.key]);
      return row;
    });
    return privately(reply)
      .type('text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="${c.place.slug}-${assembly.slug}-respondents.csv"`,
      )
      .send(stringify(rows, { header: true, columns }));
  });

  app.get<Params>('/api/assemblies/:assembly/respondents', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const assembly = await getAssembly(c, request.params.assembly);
    const counts = await publicRespondentCounts(c, assembly);
    return sendOpenJson(reply, {
      assembly: assembly.slug,
      status: assembly.status,
      respondents: counts.total,
      suppression:
        'Counts from 1 to 4 are shown as null with fewer_than 5; where that hides one value of a feature, the next smallest count is hidden too (null).',
      features: counts.features.map((f) => ({
        key: f.key,
        name: f.name,
        values: f.values.map((v) => ({
          value: v.value,
          label: v.label,
          count: v.count,
          ...(v.fewerThan ? { fewer_than: v.fewerThan } : {}),
        })),
      })),
    });
  });
}

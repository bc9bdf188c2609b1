import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { withApi } from '../../../platform/api/api-doc.js';
import { needs, needsOrOwner, PUBLIC } from '../../../platform/http/access.js';
import { Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { formatDate, formatDateTime, type Translate } from '../../../platform/i18n/i18n.js';
import { paged, pageOfList, pageRequest, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { can } from '../../../platform/roles/permissions.js';
import { listGroups } from '../../directory/groups/group-service.js';
import { renderAgreement } from './agreement-pdf.js';
import {
  type Agreement,
  createAgreement,
  endAgreement,
  getAgreement,
  listAgreements,
  requireParty,
  sendAgreement,
  signAgreement,
  updateAgreement,
} from './agreement-service.js';
import { listConsents, withdrawConsent } from './consent-service.js';
import {
  BASES,
  CONDITIONS,
  FlowInput,
  isFlow,
  lawfulBasisRegister,
  REGISTER_VERSION,
  type RegisterRow,
  setFlowWording,
} from './lawful-basis.js';
import {
  createReferral,
  getReferral,
  listReferrals,
  referralStart,
  respondToReferral,
} from './referral-service.js';
import { AgreementInput, CONSENT_HOW, ReferralInput, SHARED_FIELDS, SignInput } from './sharing-input.js';

type AgreementParams = { Params: { agreement: string } };
type FormState = { values?: Record<string, string>; errors?: FormError[] };

const V = 'mutual-aid/sharing/views';

/** The open-data shape of a register row: every column is public by design. */
function registerJson(t: Translate) {
  return (r: RegisterRow) => ({
    flow: r.flow,
    title: t(`mutualAid.sharing.flows.${r.flow}.title`),
    basis: r.basis,
    basis_text: t(`mutualAid.sharing.bases.${r.basis}`),
    article_9_condition: r.condition,
    article_9_text: t(`mutualAid.sharing.conditions.${r.condition}`),
    purpose: r.purpose,
    data_items: r.dataItems,
    recipients: r.recipients,
    retention: r.retention,
    notes: r.notes,
    worded_by: r.local ? 'place' : 'kith',
    register_version: REGISTER_VERSION,
  });
}

/** The open-data shape of an agreement: parties, terms and dates; never the signatories' names. */
function agreementJson(placeSlug: string, councilName: string) {
  return (a: Agreement) => ({
    id: a.id,
    council: councilName,
    group: a.group.name,
    group_url: a.group.slug ? `/${placeSlug}/groups/${a.group.slug}` : null,
    template_version: a.templateVersion,
    purpose: a.purpose,
    fields: a.fields,
    retention_days: a.retentionDays,
    review_date: a.reviewDate.toISOString().slice(0, 10),
    review_due: a.reviewDue,
    status: a.status,
    group_signed_at: a.groupSignature?.at.toISOString() ?? null,
    council_signed_at: a.councilSignature?.at.toISOString() ?? null,
    ended_at: a.endedAt?.toISOString() ?? null,
    url: `/${placeSlug}/help/data-sharing/agreements/${a.id}`,
  });
}

/** Lawful data sharing: the register, agreements between council and groups, referrals and consents. */
export async function sharingRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const base = (request: FastifyRequest) => `/${requirePlace(request).slug}/help`;
  const canManage = (request: FastifyRequest) => can(request.actor, 'mutual-aid.sharing.manage');

  // ---- The lawful-basis register: public, as a page and as open data.
  app.get('/help/data-sharing', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const [register, agreements] = await Promise.all([
      lawfulBasisRegister(c, request.t),
      listAgreements(c, { publishedOnly: true }),
    ]);
    return reply.page(`${V}/register.njk`, {
      pageTitle: request.t('mutualAid.sharing.register.title'),
      register,
      version: REGISTER_VERSION,
      signedCount: agreements.filter((a) => a.status === 'signed').length,
      canManage: canManage(request),
    });
  });

  app.get(
    '/api/help/data-sharing',
    withApi(PUBLIC, { summaryKey: 'api.docs.summaries.dataSharing', paged: true }),
    async (request, reply) => {
      const register = await lawfulBasisRegister(ctx(request), request.t);
      return sendOpenJson(reply, {
        register_version: REGISTER_VERSION,
        ...pageOfList(request, register.map(registerJson(request.t))),
      });
    },
  );

  app.get('/api/help/data-sharing.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const rows = (await lawfulBasisRegister(c, request.t)).map(registerJson(request.t));
    return sendCsv(
      reply,
      `${c.place.slug}-lawful-basis-register.csv`,
      [
        'flow',
        'title',
        'basis',
        'basis_text',
        'article_9_condition',
        'article_9_text',
        'purpose',
        'data_items',
        'recipients',
        'retention',
        'notes',
        'worded_by',
        'register_version',
      ],
      rows,
    );
  });

  async function flowPage(request: FastifyRequest, reply: FastifyReply, flow: string, state: FormState = {}) {
    const t = request.t;
    if (!isFlow(flow)) return reply.callNotFound();
    const row = (await lawfulBasisRegister(ctx(request), t)).find((r) => r.flow === flow) as RegisterRow;
    const values = state.values ?? {
      basis: row.basis,
      condition: row.condition,
      purpose: row.purpose,
      dataItems: row.dataItems,
      recipients: row.recipients,
      retention: row.retention,
      notes: row.notes,
    };
    if (state.errors?.length) reply.code(422);
    return reply.page(`${V}/flow-form.njk`, {
      pageTitle: t('mutualAid.sharing.flowForm.title', { flow: t(`mutualAid.sharing.flows.${flow}.title`) }),
      row,
      values,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      basisItems: BASES.map((b) => ({
        value: b,
        text: t(`mutualAid.sharing.bases.${b}`),
        checked: values.basis === b,
      })),
      conditionItems: CONDITIONS.map((b) => ({
        value: b,
        text: t(`mutualAid.sharing.conditions.${b}`),
        checked: values.condition === b,
      })),
    });
  }

  app.get<{ Params: { flow: string } }>(
    '/help/data-sharing/flows/:flow',
    needs('mutual-aid.sharing.manage'),
    (request, reply) => flowPage(request, reply, request.params.flow),
  );

  app.post<{ Params: { flow: string } }>(
    '/help/data-sharing/flows/:flow',
    { ...needs('mutual-aid.sharing.manage'), ...csrf },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (body.action === 'reset') {
        await setFlowWording(ctx(request), request.params.flow, null);
        return reply.redirect(`${base(request)}/data-sharing#${request.params.flow}`, 303);
      }
      const form = parseForm(FlowInput, request.body, request.t);
      if (!form.ok) return flowPage(request, reply, request.params.flow, form);
      await setFlowWording(ctx(request), request.params.flow, form.data);
      return reply.redirect(`${base(request)}/data-sharing#${request.params.flow}`, 303);
    },
  );

  // ---- Data-sharing agreements.
  app.get('/help/data-sharing/agreements', PUBLIC, async (request, reply) => {
    const agreements = await listAgreements(ctx(request));
    return reply.page(`${V}/agreements.njk`, {
      pageTitle: request.t('mutualAid.sharing.agreements.title'),
      agreements,
      canManage: canManage(request),
    });
  });

  app.get(
    '/api/help/data-sharing-agreements',
    withApi(PUBLIC, { summaryKey: 'api.docs.summaries.dataSharingAgreements', paged: true }),
    async (request, reply) => {
      const c = ctx(request);
      const p = pageRequest(request);
      const all = await listAgreements(c, { publishedOnly: true });
      const items = all
        .slice(p.offset, p.offset + p.perPage)
        .map(agreementJson(c.place.slug, c.place.councilName));
      return sendOpenJson(reply, paged(request, items, all.length, p));
    },
  );

  app.get('/api/help/data-sharing-agreements.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const rows = (await listAgreements(c, { publishedOnly: true }))
      .map(agreementJson(c.place.slug, c.place.councilName))
      .map((r) => ({ ...r, fields: r.fields.join(';') }));
    return sendCsv(
      reply,
      `${c.place.slug}-data-sharing-agreements.csv`,
      [
        'id',
        'council',
        'group',
        'group_url',
        'template_version',
        'purpose',
        'fields',
        'retention_days',
        'review_date',
        'review_due',
        'status',
        'group_signed_at',
        'council_signed_at',
        'ended_at',
        'url',
      ],
      rows,
    );
  });

  async function agreementForm(
    request: FastifyRequest,
    reply: FastifyReply,
    state: FormState & { agreement?: Agreement } = {},
  ) {
    const t = request.t;
    const a = state.agreement;
    const values =
      state.values ??
      (a
        ? {
            purpose: a.purpose,
            fields: a.fields.join(','),
            retentionDays: String(a.retentionDays),
            'reviewDate-day': String(a.reviewDate.getUTCDate()),
            'reviewDate-month': String(a.reviewDate.getUTCMonth() + 1),
            'reviewDate-year': String(a.reviewDate.getUTCFullYear()),
          }
        : {
            purpose: t('mutualAid.sharing.template.purpose'),
            retentionDays: '90',
            fields: 'name,phone,needs',
          });
    const chosen = new Set((values.fields ?? '').split(',').filter(Boolean));
    if (state.errors?.length) reply.code(422);
    const groups = a ? [] : await listGroups(ctx(request));
    return reply.page(`${V}/agreement-form.njk`, {
      pageTitle: a
        ? t('mutualAid.sharing.agreementForm.editTitle', { group: a.group.name })
        : t('mutualAid.sharing.agreementForm.newTitle'),
      agreement: a ?? null,
      action: a
        ? `${base(request)}/data-sharing/agreements/${a.id}/edit`
        : `${base(request)}/data-sharing/agreements`,
      values,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      groupItems: [
        { value: '', text: t('mutualAid.sharing.agreementForm.chooseGroup') },
        ...groups.map((g) => ({
          value: g.id,
          text: g.isHub ? t('mutualAid.sharing.agreementForm.hubName', { name: g.name }) : g.name,
          selected: values.groupId === g.id,
        })),
      ],
      fieldItems: SHARED_FIELDS.map((f) => ({
        value: f,
        text: t(`mutualAid.sharing.fields.${f}`),
        hint: { text: t(`mutualAid.sharing.fieldHints.${f}`) },
        checked: chosen.has(f),
      })),
    });
  }

  const agreementFormSubmit = async (request: FastifyRequest, reply: FastifyReply, id: string | null) => {
    const agreement = id ? await getAgreement(ctx(request), id) : undefined;
    const raw = id ? { ...(request.body as object), groupId: agreement?.group.id } : request.body;
    const form = parseForm(AgreementInput, raw, request.t, { multiple: ['fields'] });
    if (!form.ok) return agreementForm(request, reply, { ...form, agreement });
    try {
      let saved = id;
      if (saved) await updateAgreement(ctx(request), saved, form.values);
      else saved = await createAgreement(ctx(request), form.values);
      return reply.redirect(`${base(request)}/data-sharing/agreements/${saved}`, 303);
    } catch (error) {
      if (error instanceof Invalid)
        return agreementForm(request, reply, {
          values: form.values,
          errors: formErrorsFrom(error, request.t),
          agreement,
        });
      throw error;
    }
  };

  app.get('/help/data-sharing/agreements/new', needs('mutual-aid.sharing.manage'), (request, reply) =>
    agreementForm(request, reply),
  );
  app.post(
    '/help/data-sharing/agreements',
    { ...needs('mutual-aid.sharing.manage'), ...csrf },
    (request, reply) => agreementFormSubmit(request, reply, null),
  );

  app.get<AgreementParams & { Querystring: { done?: string } }>(
    '/help/data-sharing/agreements/:agreement',
    PUBLIC,
    async (request, reply) => {
      const a = await getAgreement(ctx(request), request.params.agreement);
      const t = request.t;
      return reply.page(`${V}/agreement.njk`, {
        pageTitle: t('mutualAid.sharing.agreement.title', { group: a.group.name }),
        a,
        csrfToken: reply.generateCsrf(),
        done: typeof request.query.done === 'string' ? request.query.done : '',
        clauses: clauses(t, a, requirePlace(request).councilName),
        errors: [],
      });
    },
  );

  app.get<AgreementParams>(
    '/help/data-sharing/agreements/:agreement/edit',
    needs('mutual-aid.sharing.manage'),
    async (request, reply) => {
      const a = await getAgreement(ctx(request), request.params.agreement);
      if (!a.viewer.canEdit) return reply.redirect(`${base(request)}/data-sharing/agreements/${a.id}`, 303);
      return agreementForm(request, reply, { agreement: a });
    },
  );
  app.post<AgreementParams>(
    '/help/data-sharing/agreements/:agreement/edit',
    { ...needs('mutual-aid.sharing.manage'), ...csrf },
    (request, reply) => agreementFormSubmit(request, reply, request.params.agreement),
  );

  /** A step on the agreement's page (send, end) that failed: the page again with why. */
  async function agreementStep(
    request: FastifyRequest<AgreementParams>,
    reply: FastifyReply,
    step: () => Promise<unknown>,
    done: string,
  ) {
    try {
      await step();
      return reply.redirect(
        `${base(request)}/data-sharing/agreements/${request.params.agreement}?done=${done}`,
        303,
      );
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      const a = await getAgreement(ctx(request), request.params.agreement);
      reply.code(422);
      return reply.page(`${V}/agreement.njk`, {
        pageTitle: request.t('mutualAid.sharing.agreement.title', { group: a.group.name }),
        a,
        csrfToken: reply.generateCsrf(),
        done: '',
        clauses: clauses(request.t, a, requirePlace(request).councilName),
        errors: formErrorsFrom(error, request.t),
      });
    }
  }

  app.post<AgreementParams>(
    '/help/data-sharing/agreements/:agreement/send',
    { ...needs('mutual-aid.sharing.manage'), ...csrf },
    (request, reply) =>
      agreementStep(request, reply, () => sendAgreement(ctx(request), request.params.agreement), 'sent'),
  );

  app.post<AgreementParams>(
    '/help/data-sharing/agreements/:agreement/end',
    { ...needsOrOwner('mutual-aid.sharing.manage'), ...csrf },
    async (request, reply) => {
      await requireParty(ctx(request), request.params.agreement);
      const body = (request.body ?? {}) as Record<string, unknown>;
      return agreementStep(
        request,
        reply,
        async () => {
          if (body.confirmEnd !== 'yes')
            throw new Invalid({ confirmEnd: 'mutualAid.sharing.errors.confirmEnd' });
          await endAgreement(ctx(request), request.params.agreement);
        },
        'ended',
      );
    },
  );

  async function signPage(
    request: FastifyRequest<AgreementParams>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const a = await requireParty(ctx(request), request.params.agreement);
    if (!a.viewer.canSign && !state.errors?.length)
      return reply.redirect(`${base(request)}/data-sharing/agreements/${a.id}`, 303);
    const t = request.t;
    if (state.errors?.length) reply.code(422);
    const side = a.status === 'awaiting-council' ? 'council' : 'group';
    return reply.page(`${V}/sign.njk`, {
      pageTitle: t(`mutualAid.sharing.sign.${side}Title`, { group: a.group.name }),
      a,
      side,
      clauses: clauses(t, a, requirePlace(request).councilName),
      values: state.values ?? {},
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
    });
  }

  app.get<AgreementParams>(
    '/help/data-sharing/agreements/:agreement/sign',
    needsOrOwner('mutual-aid.sharing.manage'),
    (request, reply) => signPage(request, reply),
  );

  app.post<AgreementParams>(
    '/help/data-sharing/agreements/:agreement/sign',
    { ...needsOrOwner('mutual-aid.sharing.manage'), ...csrf },
    async (request, reply) => {
      await requireParty(ctx(request), request.params.agreement);
      const form = parseForm(SignInput, request.body, request.t);
      if (!form.ok) return signPage(request, reply, form);
      try {
        const status = await signAgreement(ctx(request), request.params.agreement, form.values);
        return reply.redirect(
          `${base(request)}/data-sharing/agreements/${request.params.agreement}?done=${status === 'signed' ? 'signed' : 'group-signed'}`,
          303,
        );
      } catch (error) {
        if (error instanceof Invalid)
          return signPage(request, reply, { values: form.values, errors: formErrorsFrom(error, request.t) });
        throw error;
      }
    },
  );

  app.get<AgreementParams>(
    '/help/data-sharing/agreements/:agreement.pdf',
    needsOrOwner('mutual-aid.sharing.manage'),
    async (request, reply) => {
      const a = await requireParty(ctx(request), request.params.agreement);
      if (!a.viewer.canDownload) return reply.callNotFound();
      const t = request.t;
      const place = requirePlace(request);
      const lang = request.lang;
      const date = (d: Date) => formatDate(d, lang);
      const at = (d: Date) => formatDateTime(d, lang);
      const P = 'mutualAid.sharing.pdf';
      const pdf = await renderAgreement(
        {
          title: t(`${P}.title`, { council: place.councilName, group: a.group.name }),
          caption: t(`${P}.caption`, { version: a.templateVersion }),
          terms: [
            {
              label: t(`${P}.parties`),
              value: t(`${P}.partiesText`, { council: place.councilName, group: a.group.name }),
            },
            { label: t('mutualAid.sharing.terms.purpose'), value: a.purpose },
            {
              label: t('mutualAid.sharing.terms.fields'),
              value: a.fields.map((f) => t(`mutualAid.sharing.fields.${f}`)).join(', '),
            },
            {
              label: t('mutualAid.sharing.terms.retention'),
              value: t('mutualAid.sharing.terms.retentionDays', { days: a.retentionDays }),
            },
            { label: t('mutualAid.sharing.terms.review'), value: date(a.reviewDate) },
            { label: t('mutualAid.sharing.terms.template'), value: a.templateVersion },
            ...(a.endedAt ? [{ label: t('mutualAid.sharing.terms.ended'), value: date(a.endedAt) }] : []),
          ],
          clausesHeading: t('mutualAid.sharing.agreement.clausesHeading'),
          clauses: clauses(t, a, place.councilName),
          signaturesHeading: t(`${P}.signatures`),
          signatures: [
            {
              label: t(`${P}.forGroup`, { group: a.group.name }),
              lines: a.groupSignature
                ? [a.groupSignature.name, t(`${P}.signedAt`, { at: at(a.groupSignature.at) })]
                : [t(`${P}.notSigned`)],
            },
            {
              label: t(`${P}.forCouncil`, { council: place.councilName }),
              lines: a.councilSignature
                ? [
                    a.councilSignature.name,
                    a.councilSignature.jobTitle,
                    t(`${P}.signedAt`, { at: at(a.councilSignature.at) }),
                  ]
                : [t(`${P}.notSigned`)],
            },
          ],
          footer: t(`${P}.footer`, { url: `/${place.slug}/help/data-sharing/agreements/${a.id}` }),
          lang: lang === 'cy' ? 'cy-GB' : 'en-GB',
          author: place.councilName,
        },
        { now: new Date() },
      );
      return reply
        .type('application/pdf')
        .header(
          'content-disposition',
          `attachment; filename="data-sharing-agreement-${a.group.slug || a.id}.pdf"`,
        )
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );

  // ---- Referrals from hubs (and connectors) to groups.
  app.get('/help/referrals', needsOrOwner('mutual-aid.refer'), async (request, reply) => {
    const { sent, received } = await listReferrals(ctx(request));
    const canRefer = await referralStart(ctx(request)).then(
      () => true,
      () => false,
    );
    return reply.page(`${V}/referrals.njk`, {
      pageTitle: request.t('mutualAid.sharing.referrals.title'),
      sent,
      received,
      canRefer,
    });
  });

  async function referralForm(request: FastifyRequest, reply: FastifyReply, state: FormState = {}) {
    const t = request.t;
    const c = ctx(request);
    const start = await referralStart(c);
    const values = state.values ?? {
      basis: 'agreement',
      fromGroupId: start.asCouncil ? '' : (start.hubs[0]?.id ?? ''),
    };
    if (state.errors?.length) reply.code(422);
    const [groups, agreements] = await Promise.all([
      listGroups(c),
      listAgreements(c, { publishedOnly: true }),
    ]);
    const covered = new Map(agreements.filter((a) => a.status === 'signed').map((a) => [a.group.id, a]));
    return reply.page(`${V}/referral-form.njk`, {
      pageTitle: t('mutualAid.sharing.referralForm.title'),
      values,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      fromItems: [
        ...(start.asCouncil
          ? [
              {
                value: '',
                text: t('mutualAid.sharing.referralForm.asCouncil', { council: c.place.councilName }),
                checked: values.fromGroupId === '',
              },
            ]
          : []),
        ...start.hubs.map((h) => ({ value: h.id, text: h.name, checked: values.fromGroupId === h.id })),
      ],
      toItems: [
        { value: '', text: t('mutualAid.sharing.referralForm.chooseGroup') },
        ...groups.map((g) => ({
          value: g.id,
          text: covered.has(g.id)
            ? t('mutualAid.sharing.referralForm.withAgreement', { name: g.name })
            : g.name,
          selected: values.toGroupId === g.id,
        })),
      ],
      withAgreement: [...covered.values()],
      basisItems: (['agreement', 'consent'] as const).map((b) => ({
        value: b,
        text: t(`mutualAid.sharing.referralForm.basis.${b}`),
        hint: { text: t(`mutualAid.sharing.referralForm.basisHint.${b}`) },
        checked: values.basis === b,
      })),
      consentItems: CONSENT_HOW.map((h) => ({
        value: h,
        text: t(`mutualAid.consent.${h}`),
        checked: values.consentHow === h,
      })),
    });
  }

  app.get('/help/referrals/new', needsOrOwner('mutual-aid.refer'), (request, reply) =>
    referralForm(request, reply),
  );

  app.post('/help/referrals', { ...needsOrOwner('mutual-aid.refer'), ...csrf }, async (request, reply) => {
    await referralStart(ctx(request));
    const form = parseForm(ReferralInput, request.body, request.t);
    if (!form.ok) return referralForm(request, reply, form);
    try {
      const id = await createReferral(ctx(request), form.values);
      return reply.redirect(`${base(request)}/referrals/${id}?sent=1`, 303);
    } catch (error) {
      if (error instanceof Invalid)
        return referralForm(request, reply, {
          values: form.values,
          errors: formErrorsFrom(error, request.t),
        });
      throw error;
    }
  });

  type ReferralParams = { Params: { referral: string }; Querystring: { sent?: string } };
  const referralPage = async (
    request: FastifyRequest<ReferralParams>,
    reply: FastifyReply,
    errors: FormError[] = [],
  ) => {
    const r = await getReferral(ctx(request), request.params.referral);
    if (errors.length) reply.code(422);
    return reply.page(`${V}/referral.njk`, {
      pageTitle: request.t('mutualAid.sharing.referral.title', { group: r.to.name }),
      r,
      justSent: request.query.sent === '1',
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
    });
  };

  app.get<ReferralParams>('/help/referrals/:referral', needsOrOwner('mutual-aid.refer'), (request, reply) =>
    referralPage(request, reply),
  );

  app.post<ReferralParams>(
    '/help/referrals/:referral/respond',
    { ...needsOrOwner('mutual-aid.refer'), ...csrf },
    async (request, reply) => {
      try {
        await respondToReferral(ctx(request), request.params.referral, request.body);
        return reply.redirect(`${base(request)}/referrals/${request.params.referral}`, 303);
      } catch (error) {
        if (error instanceof Invalid) return referralPage(request, reply, formErrorsFrom(error, request.t));
        throw error;
      }
    },
  );

  // ---- Consent records.
  app.get<{ Querystring: { withdrawn?: string } }>(
    '/help/consents',
    needsOrOwner('mutual-aid.post-on-behalf'),
    async (request, reply) => {
      const consents = await listConsents(ctx(request));
      return reply.page(`${V}/consents.njk`, {
        pageTitle: request.t('mutualAid.sharing.consents.title'),
        consents,
        csrfToken: reply.generateCsrf(),
        withdrawn: request.query.withdrawn ?? '',
      });
    },
  );

  app.post<{ Params: { consent: string } }>(
    '/help/consents/:consent/withdraw',
    { ...needsOrOwner('mutual-aid.post-on-behalf'), ...csrf },
    async (request, reply) => {
      const done = await withdrawConsent(ctx(request), request.params.consent);
      return reply.redirect(`${base(request)}/consents?withdrawn=${done.posts + done.referrals}`, 303);
    },
  );
}

/** The template's clauses, filled in for one agreement. */
export function clauses(t: Translate, a: Agreement, councilName: string): string[] {
  const vars = { council: councilName, group: a.group.name, days: a.retentionDays };
  return ['purpose', 'minimum', 'security', 'retention', 'rights', 'breach', 'review', 'ending'].map((c) =>
    t(`mutualAid.sharing.template.clauses.${c}`, vars),
  );
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { needs, PUBLIC, SIGNED_IN } from '../http/access.js';
import { Invalid } from '../http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../http/forms.js';
import { requirePlace, siteUrl } from '../http/request-context.js';
import {
  AppealForm,
  appeal,
  DecisionForm,
  decide,
  decideAppeal,
  hiddenItemForAuthor,
  type ModerationContext,
  moderationQueue,
  ReportForm,
  reportItem,
} from './moderation-service.js';

type ItemQuery = { Querystring: { item?: string } };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function ctx(app: FastifyInstance, request: FastifyRequest): ModerationContext & { baseUrl: string } {
  return {
    db: app.db,
    place: requirePlace(request),
    actor: request.actor,
    requestId: request.id,
    baseUrl: siteUrl(request),
  };
}

function itemId(request: FastifyRequest<ItemQuery>): string {
  const id = request.query.item;
  if (typeof id !== 'string' || !UUID.test(id)) throw new Invalid({ item: 'moderation.errors.itemMissing' });
  return id;
}

const REASONS = ['spam', 'offensive', 'personal-information', 'illegal', 'other'] as const;

/** House rules, reporting, the moderation queue and appeals. */
export async function moderationRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };

  app.get('/rules', PUBLIC, async (request, reply) => {
    const rows = await app.db.query<{ house_rules: string }>('select house_rules from places where id = $1', [
      requirePlace(request).id,
    ]);
    const custom = rows[0]?.house_rules.trim();
    return reply.page('moderation/rules.njk', {
      pageTitle: request.t('moderation.rules.title'),
      paragraphs: custom ? custom.split(/\n{2,}/) : null,
    });
  });

  const reportPage = (
    request: FastifyRequest<ItemQuery>,
    reply: FastifyReply,
    state: { errors?: FormError[]; values?: Record<string, string> } = {},
  ) =>
    reply.page('moderation/report.njk', {
      pageTitle: request.t('moderation.report.title'),
      action: `/${requirePlace(request).slug}/report?item=${itemId(request)}`,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      errorSummary: Boolean(state.errors?.length),
      fieldErrors: errorsByField(state.errors ?? []),
      values: state.values ?? {},
      reasonItems: REASONS.map((r) => ({
        value: r,
        text: request.t(`moderation.reasons.${r}`),
        checked: state.values?.reason === r,
      })),
    });

  app.get<ItemQuery>('/report', needs('moderation.report'), async (request, reply) =>
    reportPage(request, reply),
  );
  app.post<ItemQuery>('/report', { ...needs('moderation.report'), ...csrf }, async (request, reply) => {
    const form = parseForm(ReportForm, request.body, request.t);
    if (!form.ok) return reportPage(request, reply.code(422), form);
    await reportItem(ctx(app, request), itemId(request), form.data);
    return reply.page('message-page.njk', {
      pageTitle: request.t('moderation.report.thanksTitle'),
      panel: true,
      paragraphs: [request.t('moderation.report.thanksBody')],
      links: [],
    });
  });

  app.get('/admin/moderation', needs('moderation.review'), async (request, reply) => {
    const queue = await moderationQueue(ctx(app, request));
    return reply.page('moderation/queue.njk', {
      pageTitle: request.t('moderation.queue.title'),
      ...queue,
      csrfToken: reply.generateCsrf(),
    });
  });

  app.post('/admin/moderation/decide', { ...needs('moderation.review'), ...csrf }, async (request, reply) => {
    const form = parseForm(DecisionForm, request.body, request.t);
    if (!form.ok) throw new Invalid(Object.fromEntries(form.errors.map((e) => [e.field, e.text])));
    await decide(ctx(app, request), form.data);
    return reply.redirect(`/${requirePlace(request).slug}/admin/moderation`, 303);
  });

  app.post<{ Body: { appealId?: string; decision?: string } }>(
    '/admin/moderation/appeals/decide',
    { ...needs('moderation.review'), ...csrf },
    async (request, reply) => {
      const id = String(request.body?.appealId ?? '');
      const decision = request.body?.decision;
      if (!UUID.test(id) || (decision !== 'upheld' && decision !== 'rejected')) {
        throw new Invalid({ decision: 'moderation.errors.decisionMissing' });
      }
      await decideAppeal(ctx(app, request), id, decision);
      return reply.redirect(`/${requirePlace(request).slug}/admin/moderation`, 303);
    },
  );

  const appealPage = async (
    request: FastifyRequest<ItemQuery>,
    reply: FastifyReply,
    errors: FormError[] = [],
  ) => {
    const item = await hiddenItemForAuthor(ctx(app, request), itemId(request));
    return reply.page('moderation/appeal.njk', {
      pageTitle: request.t('moderation.appeal.title'),
      item,
      action: `/${requirePlace(request).slug}/moderation/appeal?item=${item.id}`,
      csrfToken: reply.generateCsrf(),
      errors,
      errorSummary: errors.length > 0,
      fieldErrors: errorsByField(errors),
    });
  };

  app.get<ItemQuery>('/moderation/appeal', SIGNED_IN, async (request, reply) => appealPage(request, reply));
  app.post<ItemQuery>('/moderation/appeal', { ...SIGNED_IN, ...csrf }, async (request, reply) => {
    const form = parseForm(AppealForm, request.body, request.t);
    if (!form.ok) return appealPage(request, reply.code(422), form.errors);
    try {
      await appeal(ctx(app, request), itemId(request), form.data);
    } catch (error) {
      if (error instanceof Invalid) {
        return appealPage(request, reply.code(422), formErrorsFrom(error, request.t));
      }
      throw error;
    }
    return reply.page('message-page.njk', {
      pageTitle: request.t('moderation.appeal.sentTitle'),
      panel: true,
      paragraphs: [request.t('moderation.appeal.sentBody')],
      links: [],
    });
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { NotFound } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { can } from '../../../platform/roles/permissions.js';
import { MANAGE } from '../processes/process-service.js';
import {
  DELIVERY_STATUSES,
  type DeliveredProject,
  DeliveryInput,
  getDeliveredProject,
  listDelivery,
  postDeliveryUpdate,
} from './delivery-service.js';

type SlugParams = { Params: { process: string } };
type ProjectParams = { Params: { process: string; proposal: string } };

const DELIVERY_COLUMNS = [
  'number',
  'title',
  'ward_code',
  'ward_name',
  'status',
  'cost_pence',
  'spent_to_date_pence',
  'last_updated_at',
  'updates',
] as const;

function deliveryRow(x: DeliveredProject) {
  return {
    number: x.number,
    title: x.title,
    ward_code: x.wardCode,
    ward_name: x.wardName,
    status: x.status,
    cost_pence: Number(x.costPence),
    spent_to_date_pence: Number(x.spentToDatePence),
    last_updated_at: x.lastUpdatedAt?.toISOString() ?? null,
    updates: x.updates.length,
  };
}

/** "12", from the address: a whole project number, or no such page. */
function numberOf(text: string): number {
  if (!/^[1-9]\d{0,8}$/.test(text)) throw new NotFound('budgeting.delivery.notFunded');
  return Number(text);
}

/** Delivery after the vote: the public tracker, its open data, and officers' update form. */
export async function deliveryRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const base = (request: FastifyRequest, slug: string) => `/${requirePlace(request).slug}/budgets/${slug}`;

  app.get<SlugParams & { Querystring: { done?: string } }>(
    '/budgets/:process/delivery',
    PUBLIC,
    async (request, reply) => {
      const d = await listDelivery(ctx(request), request.params.process);
      const b = base(request, request.params.process);
      return reply.page('budgeting/delivery/views/delivery.njk', {
        pageTitle: request.t('budgeting.delivery.title', { title: d.process.title }),
        d,
        pence: (p: bigint) => Number(p),
        canUpdate: Boolean(request.actor && can(request.actor, MANAGE)),
        banner: request.query.done === 'updated' ? request.t('budgeting.delivery.updated') : null,
        urls: {
          process: b,
          results: `${b}/results`,
          page: `${b}/delivery`,
          csv: `${b}/delivery.csv`,
          json: `/${requirePlace(request).slug}/api/budgets/${request.params.process}/delivery`,
        },
      });
    },
  );

  async function csv(request: FastifyRequest<SlugParams>, reply: FastifyReply) {
    const d = await listDelivery(ctx(request), request.params.process);
    return sendCsv(
      reply,
      `${d.process.slug}-delivery.csv`,
      [...DELIVERY_COLUMNS],
      d.projects.map(deliveryRow),
    );
  }
  app.get<SlugParams>('/budgets/:process/delivery.csv', PUBLIC, csv);
  app.get<SlugParams>('/api/budgets/:process/delivery.csv', PUBLIC, csv);

  app.get<SlugParams>('/api/budgets/:process/delivery', PUBLIC, async (request, reply) => {
    const d = await listDelivery(ctx(request), request.params.process);
    return sendOpenJson(reply, {
      process: { slug: d.process.slug, title: d.process.title },
      funded_pence: Number(d.fundedPence),
      spent_to_date_pence: Number(d.spentPence),
      projects: d.projects.map((x) => ({
        ...deliveryRow(x),
        history: x.updates.map((u) => ({
          status: u.status,
          note: u.note,
          spent_to_date_pence: Number(u.spentToDatePence),
          posted_at: u.postedAt.toISOString(),
        })),
      })),
    });
  });

  async function formPage(
    request: FastifyRequest<ProjectParams>,
    reply: FastifyReply,
    state: { values?: Record<string, string>; errors?: FormError[] } = {},
  ) {
    const number = numberOf(request.params.proposal);
    const { process, project } = await getDeliveredProject(ctx(request), request.params.process, number);
    const values = state.values ?? {
      status: project.status,
      spent:
        project.spentToDatePence % 100n === 0n
          ? String(project.spentToDatePence / 100n)
          : `${project.spentToDatePence / 100n}.${String(project.spentToDatePence % 100n).padStart(2, '0')}`,
    };
    if (state.errors?.length) reply.code(422);
    const b = base(request, request.params.process);
    return reply.page('budgeting/delivery/views/update-form.njk', {
      pageTitle: request.t('budgeting.delivery.form.title', { number, title: project.title }),
      process,
      project,
      pence: (p: bigint) => Number(p),
      values,
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      statusItems: DELIVERY_STATUSES.map((s) => ({
        value: s,
        text: request.t(`budgeting.delivery.statuses.${s}`),
        checked: values.status === s,
      })),
      action: `${b}/delivery/${number}/update`,
      back: `${b}/delivery`,
      csrfToken: reply.generateCsrf(),
    });
  }

  app.get<ProjectParams>('/budgets/:process/delivery/:proposal/update', needs(MANAGE), (request, reply) =>
    formPage(request, reply),
  );

  app.post<ProjectParams>(
    '/budgets/:process/delivery/:proposal/update',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const number = numberOf(request.params.proposal);
      const form = parseForm(DeliveryInput, request.body, request.t);
      if (!form.ok) return formPage(request, reply, form);
      await postDeliveryUpdate(ctx(request), request.params.process, number, form.values);
      return reply.redirect(
        `${base(request, request.params.process)}/delivery?done=updated#project-${number}`,
        303,
      );
    },
  );
}

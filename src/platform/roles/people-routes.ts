import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { needs } from '../http/access.js';
import { errorsByField, type FormError, parseForm } from '../http/forms.js';
import { requirePlace, siteUrl } from '../http/request-context.js';
import {
  GRANTABLE_ROLES,
  InviteForm,
  invite,
  listPeopleWithRoles,
  type PeopleContext,
  revokeRole,
} from './role-service.js';

function peopleContext(app: FastifyInstance, request: FastifyRequest): PeopleContext {
  return {
    db: app.db,
    place: requirePlace(request),
    actor: request.actor,
    requestId: request.id,
    baseUrl: siteUrl(request),
    actorEmail: request.session?.email ?? '',
  };
}

/** Place admins give people roles: invite by email, see who has which role, take a role away. */
export async function peopleRoutes(app: FastifyInstance) {
  const render = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: {
      errors?: FormError[];
      values?: Record<string, string>;
      sentTo?: string;
    } = {},
  ) =>
    reply.page('admin/people.njk', {
      pageTitle: request.t('people.title'),
      people: await listPeopleWithRoles(peopleContext(app, request)),
      roleItems: GRANTABLE_ROLES.map((r) => ({
        value: r,
        text: request.t(`roles.${r}`),
        hint: { text: request.t(`roles.${r}Hint`) },
        checked: state.values?.role === r,
      })),
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      errorSummary: Boolean(state.errors?.length),
      fieldErrors: errorsByField(state.errors ?? []),
      values: state.values ?? {},
      sentTo: state.sentTo,
    });

  app.get('/admin/people', needs('roles.manage'), async (request, reply) => render(request, reply));

  app.post(
    '/admin/people',
    { ...needs('roles.manage'), preHandler: app.csrfProtection },
    async (request, reply) => {
      const form = parseForm(InviteForm, request.body, request.t);
      if (!form.ok) return render(request, reply.code(422), form);
      await invite(peopleContext(app, request), form.data, request.lang);
      return render(request, reply, { sentTo: form.data.email });
    },
  );

  app.post<{ Body: { userId?: string; role?: string } }>(
    '/admin/people/revoke',
    { ...needs('roles.manage'), preHandler: app.csrfProtection },
    async (request, reply) => {
      const userId =
        typeof request.body?.userId === 'string' && /^[0-9a-f-]{36}$/.test(request.body.userId)
          ? request.body.userId
          : null;
      if (userId) await revokeRole(peopleContext(app, request), userId, String(request.body?.role ?? ''));
      return reply.redirect(`/${requirePlace(request).slug}/admin/people`, 303);
    },
  );
}

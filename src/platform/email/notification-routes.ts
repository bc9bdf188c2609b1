import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { audit } from '../audit/audit.js';
import { withTransaction } from '../db/transaction.js';
import { SIGNED_IN } from '../http/access.js';
import { NOTIFICATION_TYPES, wants } from './notification-types.js';

/** People choose which emails they get. */
export async function notificationRoutes(app: FastifyInstance) {
  const prefsOf = async (userId: string) =>
    (
      await app.db.query<{ notification_prefs: Record<string, unknown> }>(
        'select notification_prefs from users where id = $1',
        [userId],
      )
    )[0]?.notification_prefs ?? {};

  const render = (
    request: FastifyRequest,
    reply: FastifyReply,
    prefs: Record<string, unknown>,
    saved: boolean,
  ) =>
    reply.page('notifications.njk', {
      pageTitle: request.t('notifications.title'),
      csrfToken: reply.generateCsrf(),
      items: NOTIFICATION_TYPES.map((n) => ({
        value: n.id,
        text: request.t(n.labelKey),
        checked: wants(prefs, n.id),
      })),
      saved,
    });

  app.get('/account/notifications', SIGNED_IN, async (request, reply) =>
    render(request, reply, await prefsOf(request.session?.userId ?? ''), false),
  );

  app.post(
    '/account/notifications',
    { ...SIGNED_IN, preHandler: app.csrfProtection },
    async (request, reply) => {
      const userId = request.session?.userId ?? '';
      const body = (request.body ?? {}) as Record<string, unknown>;
      const chosen = new Set(
        ([] as unknown[]).concat(body.notifications ?? []).filter((v): v is string => typeof v === 'string'),
      );
      const prefs = Object.fromEntries(NOTIFICATION_TYPES.map((n) => [n.id, chosen.has(n.id)]));
      const before = await prefsOf(userId);
      await withTransaction(app.db, async (tx) => {
        await tx.query('update users set notification_prefs = $2 where id = $1', [
          userId,
          JSON.stringify(prefs),
        ]);
        await audit(tx, {
          placeId: null,
          actorId: userId,
          action: 'account.notifications',
          targetType: 'user',
          targetId: userId,
          before,
          after: prefs,
          requestId: request.id,
        });
      });
      return render(request, reply, prefs, true);
    },
  );
}

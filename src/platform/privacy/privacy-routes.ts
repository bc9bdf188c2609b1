import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../auth/session-service.js';
import { SIGNED_IN } from '../http/access.js';
import { deleteAccount, exportPersonalData } from './privacy-service.js';

/** Your data: download everything held about you, or delete your account. */
export async function privacyRoutes(app: FastifyInstance) {
  app.get('/account/your-data', SIGNED_IN, async (request, reply) =>
    reply.page('privacy/your-data.njk', {
      pageTitle: request.t('privacy.yourData.title'),
      csrfToken: reply.generateCsrf(),
    }),
  );

  app.get('/account/your-data.zip', SIGNED_IN, async (request, reply) => {
    const s = request.session;
    if (!s) return reply.redirect('/account/sign-in', 303);
    const zip = await exportPersonalData(app.db, { userId: s.userId, email: s.email });
    return reply
      .type('application/zip')
      .header('content-disposition', 'attachment; filename="kith-your-data.zip"')
      .header('cache-control', 'no-store')
      .send(Buffer.from(zip));
  });

  app.get('/account/delete', SIGNED_IN, async (request, reply) =>
    reply.page('privacy/delete.njk', {
      pageTitle: request.t('privacy.delete.title'),
      csrfToken: reply.generateCsrf(),
    }),
  );

  app.post('/account/delete', { ...SIGNED_IN, preHandler: app.csrfProtection }, async (request, reply) => {
    const s = request.session;
    if (!s) return reply.redirect('/account/sign-in', 303);
    const kept = await deleteAccount(app.db, { userId: s.userId, email: s.email }, request.id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    request.session = null;
    const t = request.t;
    return reply.page('message-page.njk', {
      pageTitle: t('privacy.deleted.title'),
      panel: true,
      paragraphs: [t('privacy.deleted.body'), ...kept.map((k) => t(k))],
      links: [],
    });
  });
}

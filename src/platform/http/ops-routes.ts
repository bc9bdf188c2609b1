import type { FastifyInstance } from 'fastify';
import { pendingMigrations } from '../db/migrate.js';
import { isLanguage } from '../i18n/i18n.js';
import { listPlaces } from '../places/place-service.js';
import { PUBLIC } from './access.js';
import { LANGUAGE_COOKIE, safeLocalPath } from './request-context.js';

/** Routes outside any place: health checks, the place list and the language switch. */
export async function opsRoutes(app: FastifyInstance) {
  app.get('/healthz', PUBLIC, async (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  );

  app.get('/readyz', PUBLIC, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      await app.db.query('select 1');
      const pending = await pendingMigrations(app.db);
      if (pending.length) return reply.code(503).send({ status: 'migrations pending', pending });
      return { status: 'ready' };
    } catch (error) {
      request.log.error({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'database unavailable' });
    }
  });

  app.get('/', PUBLIC, async (request, reply) => {
    const places = await listPlaces(app.db);
    if (places.length === 1 && places[0]) return reply.redirect(`/${places[0].slug}/`);
    return reply.page('places.njk', { pageTitle: request.t('places.title'), places });
  });

  // Works without JavaScript: a plain link sets the cookie and comes back to the page.
  app.get<{ Params: { lang: string }; Querystring: { return?: string } }>(
    '/language/:lang',
    PUBLIC,
    async (request, reply) => {
      const { lang } = request.params;
      const back = safeLocalPath(request.query.return);
      if (!isLanguage(lang)) return reply.redirect(back);
      reply.setCookie(LANGUAGE_COOKIE, lang, {
        path: '/',
        sameSite: 'lax',
        httpOnly: true,
        maxAge: 365 * 24 * 3600,
      });
      return reply.redirect(back);
    },
  );
}

import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../http/access.js';
import { recentOutbox } from './outbox.js';

/** Development only: every email Kith would send, readable in the browser. */
export async function devOutboxRoutes(app: FastifyInstance) {
  app.get('/dev/outbox', PUBLIC, async (request, reply) =>
    reply.page('dev-outbox.njk', {
      pageTitle: request.t('devOutbox.title'),
      messages: await recentOutbox(app.db),
    }),
  );
}

import type { FastifyInstance } from 'fastify';
import { eventRoutes } from './events/events-routes.js';
import { manageRoutes } from './manage/manage-routes.js';
import { documentRoutes } from './notices/document-routes.js';
import { noticeRoutes } from './notices/notice-routes.js';

/** Streets' pages and API: each part registers its own routes. */
export async function streetsRoutes(app: FastifyInstance) {
  await app.register(noticeRoutes);
  // Its own plugin, so that only its routes accept file uploads.
  await app.register(documentRoutes);
  await app.register(eventRoutes);
  await app.register(manageRoutes);
}

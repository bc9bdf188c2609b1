import type { FastifyInstance } from 'fastify';
import { standardsImportRoutes } from './import-routes.js';
import { standardsManageRoutes } from './manage-routes.js';
import { standardsPublicRoutes } from './standards-routes.js';

/** Service standards' pages and API: the public side, officers' forms, and the CSV import. */
export async function standardsRoutes(app: FastifyInstance) {
  await app.register(standardsPublicRoutes);
  await app.register(standardsManageRoutes);
  await app.register(standardsImportRoutes);
}

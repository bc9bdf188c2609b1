import type { FastifyInstance } from 'fastify';
import { groupRoutes } from './groups/group-routes.js';
import { serviceQualityRecords } from './oruk/oruk-quality.js';
import { orukRoutes } from './oruk/oruk-routes.js';
import { qualityRoutes } from './quality/quality-routes.js';
import { useServiceRecords } from './quality/quality-service.js';
import { searchRoutes } from './search/search-routes.js';
import { signpostingRoutes } from './signposting/signposting-routes.js';

// Services take part in the data-quality checks through their own query.
useServiceRecords(serviceQualityRecords);

/** Every directory page and API, each part in its own folder. */
export async function directoryRoutes(app: FastifyInstance) {
  await app.register(groupRoutes);
  await app.register(orukRoutes);
  await app.register(searchRoutes);
  await app.register(signpostingRoutes);
  await app.register(qualityRoutes);
}

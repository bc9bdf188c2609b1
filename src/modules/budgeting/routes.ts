import type { FastifyInstance } from 'fastify';
import { processRoutes } from './processes/process-routes.js';
import { proposalRoutes } from './proposals/proposal-routes.js';
import { resultRoutes } from './results/result-routes.js';
import { verificationRoutes } from './verification/verification-routes.js';
import { votingRoutes } from './voting/voting-routes.js';

/** Participatory budgeting's pages and API: each part registers its own routes. */
export async function budgetingRoutes(app: FastifyInstance) {
  await app.register(processRoutes);
  await app.register(proposalRoutes);
  await app.register(verificationRoutes);
  await app.register(votingRoutes);
  await app.register(resultRoutes);
}

import type { FastifyInstance } from 'fastify';

/** Groups: pages, organiser forms, members, confirmation, CSV import (issue 5). */
export async function groupRoutes(_app: FastifyInstance) {}

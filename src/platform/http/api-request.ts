import type { FastifyRequest } from 'fastify';

/** API paths answer with JSON (problem+json on error); everything else with HTML pages. */
export function isApiRequest(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? '';
  if (/^\/api(\/|$)/.test(path) || /^\/[^/]+\/api(\/|$)/.test(path)) return true;
  if (/\.(json|geojson|csv|ics)$/.test(path)) return true;
  return false;
}

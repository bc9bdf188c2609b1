import type { FastifyRequest } from 'fastify';
import type { Story } from './story-service.js';

/** A posted form's string fields (anything else, such as uploads, is left out). */
export function flatStrings(body: unknown): Record<string, string> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );
}

/** The name a story is shown under: the one its author chose, or "A resident of <ward>". */
export function shownAs(
  request: FastifyRequest,
  story: Pick<Story, 'displayName'>,
  wardName: string,
): string {
  return story.displayName ?? request.t('assemblies.neighbourhood.story.anonymous', { ward: wardName });
}

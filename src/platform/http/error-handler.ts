import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_LANGUAGE, translator } from '../i18n/i18n.js';
import { findPlaceBySlug } from '../places/place-service.js';
import { isApiRequest } from './api-request.js';
import { conflictPage, setUpConflictBack } from './conflict-page.js';
import { Conflict, DomainError, Invalid } from './errors.js';
import { PROBLEM_CONTENT_TYPE, problem } from './problem.js';
import { TooManyRequests } from './rate-limit.js';
import { setPlace } from './request-context.js';

/** Status codes a client error from Fastify or a plugin may keep; anything else becomes 500. */
function statusOf(error: FastifyError | DomainError): number {
  if (error instanceof DomainError) return error.status;
  if ((error as FastifyError).validation) return 400;
  const code = (error as FastifyError).statusCode;
  if (typeof code === 'number' && code >= 400 && code < 500) return code;
  return 500;
}

const PAGE_KEYS: Record<number, string> = {
  400: 'badRequest',
  403: 'forbidden',
  404: 'notFound',
  405: 'badRequest',
  409: 'conflict',
  413: 'tooLarge',
  414: 'tooLarge',
  415: 'badRequest',
  422: 'badRequest',
  429: 'tooMany',
};

/** The page for any error but a Conflict: the status's own words and the way home. */
function errorPage(request: FastifyRequest, status: number, error?: Error) {
  const key = status >= 500 ? 'serverError' : (PAGE_KEYS[status] ?? 'badRequest');
  const t = request.t;
  const csrf = status === 403 && (error as FastifyError | undefined)?.code?.startsWith('FST_CSRF');
  return {
    pageTitle: t(`errors.${key}.title`),
    paragraphs: [t(csrf ? 'errors.csrf.body' : `errors.${key}.body`)],
    links: [{ href: request.place ? `/${request.place.slug}/` : '/', text: t('errors.goHome') }],
  };
}

export function sendError(request: FastifyRequest, reply: FastifyReply, status: number, error?: Error) {
  reply.code(status);
  // Errors raised before routing (malformed URLs) arrive before the request context exists.
  if (typeof request.t !== 'function') {
    request.lang = DEFAULT_LANGUAGE;
    request.t = translator(DEFAULT_LANGUAGE);
    request.place = null;
  }
  if (isApiRequest(request)) {
    const body = problem(status, {
      // Only client errors explain themselves; a 500 says nothing about our internals.
      ...(status < 500 && error ? { detail: error.message } : {}),
      instance: request.url.split('?')[0],
      requestId: request.id,
      ...(error instanceof Invalid
        ? {
            errors: Object.entries(error.fieldErrors).map(([field, message]) => ({
              field,
              message: request.t(message),
            })),
          }
        : {}),
    });
    return reply.type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }
  try {
    return reply.page('error.njk', {
      ...(error instanceof Conflict ? conflictPage(request, error) : errorPage(request, status, error)),
      requestId: status >= 500 ? request.id : null,
    });
  } catch (renderError) {
    request.log.error({ err: renderError }, 'error page failed to render');
    return reply.type('text/plain; charset=utf-8').send(`Error ${status}. Reference: ${request.id}`);
  }
}

export function setUpErrorHandling(app: FastifyInstance) {
  setUpConflictBack(app);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = statusOf(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status, code: error.code }, error.message);
    if (status === 405 || status === 429) reply.header('cache-control', 'no-store');
    if (error instanceof TooManyRequests) reply.header('retry-after', String(error.retryAfterSeconds));
    return sendError(request, reply, status, error);
  });
  app.setNotFoundHandler(async (request, reply) => {
    // A missing page inside a place keeps that place's header, navigation and language.
    const slug = /^\/([a-z0-9]+(?:-[a-z0-9]+)*)(?:\/|$)/.exec(request.url)?.[1];
    const place = slug ? await findPlaceBySlug(app.db, slug).catch(() => null) : null;
    if (place) setPlace(request, place);
    return sendError(request, reply, 404);
  });
}

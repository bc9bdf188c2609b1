import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isCatalogueKey } from '../i18n/i18n.js';
import type { Conflict } from './errors.js';
import { safeLocalPath, siteUrl } from './request-context.js';

type BackLink = { href: string; textKey: string };

declare module 'fastify' {
  interface FastifyRequest {
    /** Where a Conflict's page sends people back to, when the route has said (see conflictBack). */
    conflictBack: BackLink | null;
  }
}

export function setUpConflictBack(app: FastifyInstance) {
  app.decorateRequest('conflictBack', null);
}

/**
 * Names the page a refused change leads back to and the words of the link, should the route's
 * work end in a Conflict. Said before the work, so a Conflict thrown anywhere below (a service,
 * or the route itself) gets the same page from the error handler.
 */
export function conflictBack(request: FastifyRequest, href: string, textKey: string) {
  request.conflictBack = { href, textKey };
}

/**
 * The page data for a Conflict: its message when that is a catalogue key (old code throws plain
 * English, which is not for residents' eyes), and a way back.
 */
export function conflictPage(request: FastifyRequest, error: Conflict) {
  const t = request.t;
  return {
    pageTitle: t('errors.conflict.title'),
    paragraphs: [t(isCatalogueKey(error.message) ? error.message : 'errors.conflict.body')],
    links: [backLink(request)],
  };
}

/** The route's own link, else the page the person came from on this site, else the home page. */
function backLink(request: FastifyRequest) {
  const t = request.t;
  if (request.conflictBack) return { href: request.conflictBack.href, text: t(request.conflictBack.textKey) };
  const came = refererPath(request);
  if (came) return { href: came, text: t('errors.conflict.back') };
  return { href: request.place ? `/${request.place.slug}/` : '/', text: t('errors.goHome') };
}

/** The Referer as a path on this site, or null: it is the client's to say, so anything else is refused. */
function refererPath(request: FastifyRequest): string | null {
  const referer = request.headers.referer;
  if (!referer) return null;
  try {
    const url = new URL(referer);
    if (url.origin !== new URL(siteUrl(request)).origin) return null;
    return safeLocalPath(`${url.pathname}${url.search}`, '') || null;
  } catch {
    return null;
  }
}

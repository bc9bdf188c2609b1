import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/types.js';
import { DEFAULT_LANGUAGE, isLanguage, type Language, type Translate, translator } from '../i18n/i18n.js';
import type { Place } from '../places/place-service.js';
import type { Actor } from '../roles/permissions.js';
import { BadRequest } from './errors.js';

export const LANGUAGE_COOKIE = 'kith_lang';

/**
 * What every service call receives: never the request itself. `actor` is who is acting
 * (null for a visitor, a job or the seed); `requestId` ties audit entries to the request log.
 */
export type ServiceContext = { db: Db; place: Place; actor: Actor | null; requestId?: string };

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    /** Cookies carry Secure when Kith runs behind TLS (KITH_TRUST_PROXY). */
    secureCookies: boolean;
  }
  interface FastifyRequest {
    lang: Language;
    t: Translate;
    place: Place | null;
  }
}

/** Language from the cookie the language switcher sets; a place without Welsh shows English. */
export function languageFor(request: FastifyRequest): Language {
  const chosen = request.cookies[LANGUAGE_COOKIE];
  const lang = isLanguage(chosen) ? chosen : DEFAULT_LANGUAGE;
  if (request.place && !request.place.languages.includes(lang)) return DEFAULT_LANGUAGE;
  return lang;
}

export function setUpRequestContext(app: FastifyInstance, db: Db, options: { secureCookies: boolean }) {
  app.decorate('secureCookies', options.secureCookies);
  app.decorate('db', db);
  app.decorateRequest('lang', DEFAULT_LANGUAGE);
  app.decorateRequest('t', translator(DEFAULT_LANGUAGE));
  app.decorateRequest('place', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // PostgreSQL text cannot hold NUL; no real address contains one, so refuse it up front.
    if (request.url.includes('\u0000') || /%00/i.test(request.url))
      throw new BadRequest('The address contains a NUL character');
    request.lang = languageFor(request);
    request.t = translator(request.lang);
    reply.header('x-request-id', request.id);
  });
}

/** Re-derive the language once the place is known (its languages may exclude the cookie's). */
export function setPlace(request: FastifyRequest, place: Place) {
  request.place = place;
  request.lang = languageFor(request);
  request.t = translator(request.lang);
}

export function serviceContext(request: FastifyRequest, db: Db): ServiceContext {
  if (!request.place) throw new Error('serviceContext called outside a place');
  return { db, place: request.place, actor: request.actor, requestId: request.id };
}

/** This site's address as the request reached it (behind a proxy, from its headers when trusted). */
export function siteUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** A return path is only followed when it stays on this site. */
export function safeLocalPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length > 2000) return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return fallback;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (/[\u0000-\u001f\u007f]/.test(value)) return fallback;
  return value;
}

/** The place of a request under `/{place}`; the place hook guarantees it is set there. */
export function requirePlace(request: FastifyRequest): Place {
  if (!request.place) throw new Error('requirePlace called outside a place route');
  return request.place;
}

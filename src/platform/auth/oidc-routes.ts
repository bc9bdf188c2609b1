import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../http/access.js';
import { NotFound } from '../http/errors.js';
import { requirePlace, siteUrl } from '../http/request-context.js';
import { findPlaceBySlug } from '../places/place-service.js';
import { setSessionCookie } from './account-routes.js';
import { finishOidc, oidcSettings, startOidc } from './oidc-service.js';
import { decrypt, encrypt } from './secrets.js';
import { createSession } from './session-service.js';

const COOKIE = 'kith_oidc';
const PURPOSE = 'oidc-checks';

/** Staff sign-in through their organisation's OpenID Connect provider, configured per place. */
export async function oidcPlaceRoutes(app: FastifyInstance, options: { secret: string }) {
  app.get('/account/staff-sign-in', PUBLIC, async (request, reply) => {
    const place = requirePlace(request);
    const settings = await oidcSettings(app.db, options.secret, place.id);
    if (!settings) throw new NotFound('Staff sign-in is not set up for this place');
    const redirectUri = `${siteUrl(request)}/account/oidc/callback`;
    const start = await startOidc(settings, redirectUri);
    reply.setCookie(
      COOKIE,
      encrypt(options.secret, PURPOSE, JSON.stringify({ ...start, url: undefined, place: place.slug })),
      {
        path: '/account/oidc',
        httpOnly: true,
        sameSite: 'lax',
        secure: app.secureCookies,
        maxAge: 600,
      },
    );
    return reply.redirect(start.url, 303);
  });
}

export async function oidcCallbackRoutes(app: FastifyInstance, options: { secret: string }) {
  app.get('/account/oidc/callback', PUBLIC, async (request, reply) => {
    const sealed = request.cookies[COOKIE];
    let checks: { state: string; nonce: string; verifier: string; place: string } | null = null;
    try {
      checks = sealed ? JSON.parse(decrypt(options.secret, PURPOSE, sealed)) : null;
    } catch {
      checks = null;
    }
    const t = request.t;
    const failed = (key: string) =>
      reply.code(400).page('message-page.njk', {
        pageTitle: t('account.oidc.failedTitle'),
        paragraphs: [t(key)],
        links: [{ href: '/account/sign-in', text: t('account.signIn.title') }],
      });
    if (!checks) return failed('account.oidc.expired');
    reply.clearCookie(COOKIE, { path: '/account/oidc' });
    const place = await findPlaceBySlug(app.db, checks.place);
    const settings = place ? await oidcSettings(app.db, options.secret, place.id) : null;
    if (!place || !settings) return failed('account.oidc.expired');
    let outcome: Awaited<ReturnType<typeof finishOidc>>;
    try {
      outcome = await finishOidc(app.db, settings, new URL(`${siteUrl(request)}${request.url}`), checks, {
        placeId: place.id,
        requestId: request.id,
      });
    } catch (error) {
      request.log.warn({ err: error }, 'OpenID Connect sign-in failed');
      return failed('account.oidc.refused');
    }
    if ('error' in outcome) return failed('account.oidc.noEmail');
    setSessionCookie(
      app,
      reply,
      await createSession(app.db, outcome.userId, request.headers['user-agent'] ?? ''),
    );
    return reply.redirect(`/${place.slug}/`, 303);
  });
}

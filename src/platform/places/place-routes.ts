import type { FastifyInstance, FastifyRequest } from 'fastify';
import { adminRoutes } from '../admin/admin-routes.js';
import { oidcPlaceRoutes } from '../auth/oidc-routes.js';
import { PUBLIC } from '../http/access.js';
import { NotFound } from '../http/errors.js';
import { brandVersion } from '../http/render.js';
import { requirePlace, serviceContext, setPlace } from '../http/request-context.js';
import { moderationRoutes } from '../moderation/moderation-routes.js';
import { enabledModules } from '../module-registry.js';
import { modules } from '../modules.js';
import { catalogueRoutes, refuseWithheldDownloads } from '../opendata/catalogue-routes.js';
import { dataUses } from '../privacy/privacy-service.js';
import { peopleRoutes } from '../roles/people-routes.js';
import { contactRoutes } from './contact-routes.js';
import { findPlaceBySlug, getPlaceLogo, PLACE_SLUG, type Place } from './place-service.js';

const STATIC_PAGES = ['accessibility', 'privacy', 'cookies'] as const;

/** Everything under `/{place}`: the place's own pages, then each module it has switched on. */
export async function placeRoutes(app: FastifyInstance, options: { secret: string }) {
  app.addHook('onRequest', async (request: FastifyRequest<{ Params: { place?: string } }>) => {
    const slug = request.params.place ?? '';
    // Read with the session when there is one (see access.ts), else here.
    const place =
      request.placeLookup !== undefined
        ? request.placeLookup
        : PLACE_SLUG.test(slug)
          ? await findPlaceBySlug(app.db, slug)
          : null;
    if (!place) throw new NotFound(`There is no place called ${slug}`);
    setPlace(request, place);
  });
  // A withheld dataset's downloads are refused with the published reason, whichever module serves them.
  refuseWithheldDownloads(app);

  // One address per page: /trafford sends people to /trafford/.
  app.get('', PUBLIC, async (request, reply) => reply.redirect(`/${requirePlace(request).slug}/`, 301));

  app.get('/', { ...PUBLIC, prefixTrailingSlash: 'slash' }, async (request, reply) => {
    const place = requirePlace(request);
    const ctx = serviceContext(request, app.db);
    const on = enabledModules(place.modules);
    const panels = (await Promise.all(on.map((m) => m.homePanel?.(ctx, request.t) ?? null))).filter(
      (p) => p !== null,
    );
    return reply.page('home.njk', {
      pageTitle: request.t('home.title'),
      modules: on.filter((m) => m.nav?.length),
      panels,
    });
  });

  // The place's colours as a tiny stylesheet, so pages need no inline styles (strict CSP).
  app.get('/brand.css', PUBLIC, async (request, reply) => {
    const place = requirePlace(request);
    reply.header(
      'cache-control',
      versioned(request, place) ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
    );
    return reply.type('text/css; charset=utf-8').send(`:root{--kith-brand:${place.brandColour}}`);
  });

  app.get('/logo.svg', PUBLIC, async (request, reply) => {
    const place = requirePlace(request);
    const svg = await getPlaceLogo(app.db, place.id);
    reply.header(
      'cache-control',
      versioned(request, place) ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
    );
    reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    return reply.type('image/svg+xml').send(svg);
  });

  for (const page of STATIC_PAGES) {
    app.get(`/${page}`, PUBLIC, async (request, reply) =>
      reply.page(`pages/${page}.njk`, { pageTitle: request.t(`pages.${page}.title`), dataUses: dataUses() }),
    );
  }

  await app.register(contactRoutes);
  await app.register(catalogueRoutes);
  await app.register(adminRoutes);
  await app.register(peopleRoutes);
  await app.register(moderationRoutes);
  await app.register(oidcPlaceRoutes, { secret: options.secret });

  for (const m of modules) {
    await app.register(async (scope) => {
      scope.addHook('onRequest', async (request) => {
        if (!request.place?.modules.includes(m.name)) throw new NotFound(`${m.name} is not switched on here`);
      });
      await scope.register(m.routes);
    });
  }
}

function versioned(request: FastifyRequest, place: Place): boolean {
  return (request.query as { v?: string }).v === brandVersion(place);
}

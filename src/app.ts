import { randomUUID } from 'node:crypto';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { ApiDoc } from './platform/api/api-doc.js';
import { apiRoutes } from './platform/api/api-routes.js';
import { accountRoutes } from './platform/auth/account-routes.js';
import { invitationRoutes } from './platform/auth/invitation-routes.js';
import { oidcCallbackRoutes } from './platform/auth/oidc-routes.js';
import { twoFactorRoutes } from './platform/auth/two-factor-routes.js';
import type { Db } from './platform/db/types.js';
import { devOutboxRoutes } from './platform/email/dev-outbox-routes.js';
import { inboundEmailRoutes } from './platform/email/inbound-routes.js';
import { notificationRoutes } from './platform/email/notification-routes.js';
import { FileStore } from './platform/files/file-store.js';
import { type Access, setUpAccess } from './platform/http/access.js';
import { sendError, setUpErrorHandling } from './platform/http/error-handler.js';
import { opsRoutes } from './platform/http/ops-routes.js';
import { setUpRendering } from './platform/http/render.js';
import { setUpRequestContext } from './platform/http/request-context.js';
import { HostMap } from './platform/places/host-map.js';
import { placeRoutes } from './platform/places/place-routes.js';
import { privacyRoutes } from './platform/privacy/privacy-routes.js';
import { BUILD_DIR, ensureAssets } from './platform/views/assets.js';
import { createViewEnvironment } from './platform/views/environment.js';

export type RouteEntry = {
  method: string;
  url: string;
  access: Access | undefined;
  api?: ApiDoc | undefined;
};

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[];
    /** Re-reads places' host names (after a place's settings change). */
    refreshHosts: () => Promise<void>;
    /** The configuration the app was built with (for optional features such as map tiles). */
    config: Config;
    /** Uploaded files (under the data directory). */
    files: FileStore;
  }
}

export type AppOptions = { config: Config; db: Db; logger?: boolean };

/**
 * Builds the whole Kith app from a config and an open database, without listening.
 * The caller owns the database and closes it after the app.
 */
export async function buildApp({ config, db }: AppOptions): Promise<FastifyInstance> {
  const hosts = new HostMap(db);
  await hosts.refresh();
  const app = Fastify({
    rewriteUrl: (req) => hosts.rewrite(req.headers.host, req.url ?? '/'),
    logger: { level: config.logLevel },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 1000, ignoreTrailingSlash: false },
    return503OnClosing: true,
    // Malformed URLs and over-long path segments are the client's fault: show our own page.
    frameworkErrors: (error, request, reply) => {
      const status = typeof error.statusCode === 'number' && error.statusCode < 500 ? error.statusCode : 400;
      sendError(request, reply, status, error);
    },
  });

  // The route table: tests walk it (axe sweep, fuzzing), so a new page is covered automatically.
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.decorate('config', config);
  app.decorate('files', new FileStore(config.filesDir));
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routeTable.push({ method, url: route.url, access: route.config?.access, api: route.config?.api });
    }
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // Map tiles, when configured, are the only images from elsewhere.
        imgSrc: [
          "'self'",
          'data:',
          ...(config.search.mapTiles ? [new URL(config.search.mapTiles.url).origin] : []),
        ],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: config.trustProxy ? [] : null,
      },
    },
    strictTransportSecurity: config.trustProxy,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip'],
    // Pages are compressed in one synchronous call rather than through a stream: a page of tens
    // of kilobytes takes a fraction of a millisecond at brotli's quality 4, far less than the
    // stream machinery around it costs (bench/pb-vote.ts). Larger bodies still stream.
    syncThreshold: 256 * 1024,
  });
  await app.register(cookie, { secret: config.secret });
  await app.register(formbody);
  await app.register(csrf, {
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure: config.trustProxy },
  });
  const manifest = ensureAssets();
  await app.register(fastifyStatic, {
    root: BUILD_DIR,
    prefix: '/assets/',
    preCompressed: true,
    // Names carry a content hash, so a year's caching is safe.
    immutable: true,
    maxAge: '365d',
    index: false,
    wildcard: true,
  });

  hosts.start();
  app.decorate('refreshHosts', () => hosts.refresh());
  app.addHook('onClose', async () => hosts.stop());
  setUpRequestContext(app, db, { secureCookies: config.trustProxy });
  setUpAccess(app);
  setUpRendering(app, createViewEnvironment({ watch: config.env === 'development' }), manifest);
  setUpErrorHandling(app);
  await app.register(opsRoutes);
  await app.register(apiRoutes);
  await app.register(accountRoutes);
  await app.register(invitationRoutes);
  await app.register(privacyRoutes);
  await app.register(notificationRoutes);
  await app.register(inboundEmailRoutes);
  await app.register(oidcCallbackRoutes, { secret: config.secret });
  await app.register(twoFactorRoutes, { secret: config.secret });
  if (config.env !== 'production') await app.register(devOutboxRoutes);
  await app.register(placeRoutes, { prefix: '/:place', secret: config.secret });
  return app;
}

import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { demoUrl } from '../demo-params.js';
import { PUBLIC } from '../http/access.js';
import { siteUrl } from '../http/request-context.js';
import { modules } from '../modules.js';
import { sendOpenJson } from '../opendata/formats.js';
import { allPermissions } from '../roles/permissions.js';
import { type OpenApiDocument, openApiDocument } from './openapi.js';

const VERSION: string = JSON.parse(
  fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
).version;

type Operation = {
  operationId: string;
  summary?: string;
  tags: string[];
  'x-kith-access': string;
  parameters?: (
    | { name: string; in: string; required: boolean; description?: string; schema?: object }
    | { $ref: string }
  )[];
  responses: Record<string, { content: Record<string, unknown> }>;
};

/** A permission's description (`audit.view` → "See the audit log"), with "or owner" kept. */
function permissionText(access: string, t: (key: string) => string): string {
  const [action = '', ...rest] = access.split(' ');
  const known = allPermissions()[action];
  return known ? `${t(known.descriptionKey)}${rest.length ? ` (${rest.join(' ')})` : ''}` : access;
}

/** The operations grouped by module, with parameters resolved, for the browsable page. */
function docsView(doc: OpenApiDocument, t: (key: string, values?: Record<string, string>) => string) {
  const shared = doc.components.parameters as Record<
    string,
    { name: string; in: string; required: boolean; description?: string }
  >;
  const byTag = new Map<string, unknown[]>();
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, raw] of Object.entries(ops)) {
      const op = raw as Operation;
      const parameters = (op.parameters ?? []).map((p) =>
        '$ref' in p ? shared[p.$ref.split('/').pop() as string] : p,
      );
      const example = demoUrl(path.replace(/\{(\w+)\}/g, ':$1'));
      const tag = op.tags[0] ?? 'platform';
      byTag.set(tag, [
        ...(byTag.get(tag) ?? []),
        {
          id: op.operationId,
          method: method.toUpperCase(),
          path,
          summary: op.summary,
          access:
            op['x-kith-access'] === 'public'
              ? t('api.docs.accessPublic')
              : op['x-kith-access'] === 'signed-in'
                ? t('api.docs.accessSignedIn')
                : t('api.docs.accessPermission', { permission: permissionText(op['x-kith-access'], t) }),
          parameters,
          mediaType: Object.keys(op.responses['200']?.content ?? {})[0] ?? '',
          example: method === 'get' ? example : null,
        },
      ]);
    }
  return [...byTag.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tag, operations]) => ({ tag, operations }));
}

/** `/api/openapi.json` (made from the route table at first use) and the browsable `/api/docs`. */
export async function apiRoutes(app: FastifyInstance) {
  let cached: OpenApiDocument | undefined;
  const doc = (t: (key: string) => string, serverUrl: string) => {
    cached ??= openApiDocument(app.routeTable, modules, t, { version: VERSION, serverUrl });
    return { ...cached, servers: [{ url: serverUrl }] };
  };

  app.get('/api/openapi.json', PUBLIC, async (request, reply) =>
    sendOpenJson(reply, doc(request.t, siteUrl(request))),
  );

  app.get('/api/docs', PUBLIC, async (request, reply) => {
    const d = doc(request.t, siteUrl(request));
    return reply.page('api/docs.njk', {
      pageTitle: request.t('api.docs.title'),
      groups: docsView(d, request.t),
      version: d.info.version,
    });
  });
}

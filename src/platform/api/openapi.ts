import { z } from 'zod';
import type { Access } from '../http/access.js';
import { describeAccess } from '../http/access.js';
import type { ModuleDefinition } from '../module-definition.js';
import { type ApiDoc, PAGING_QUERY, pagedEnvelope } from './api-doc.js';

export type ApiRoute = { method: string; url: string; access: Access | undefined; api?: ApiDoc | undefined };

type JsonSchema = Record<string, unknown>;

/** Routes that belong in the public API: `/{place}/api/…`, `/api/…`, and data files (.csv, .json …). */
export function isApiRoute(url: string): boolean {
  if (/^\/:place\/api\//.test(url) || /^\/api\//.test(url)) return true;
  return /\.(csv|json|geojson|jsonld|ics)$/.test(url);
}

/** `/:place/api/wards/:ward` → `/{place}/api/wards/{ward}` (regex constraints dropped). */
export function openApiPath(url: string): string {
  return url.replace(/:(\w+)(\([^)]*\))?/g, '{$1}');
}

function pathParams(url: string): string[] {
  return [...url.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
}

function mediaTypeOf(url: string): string {
  if (url.endsWith('.csv')) return 'text/csv';
  if (url.endsWith('.geojson')) return 'application/geo+json';
  if (url.endsWith('.jsonld')) return 'application/ld+json';
  if (url.endsWith('.ics')) return 'text/calendar';
  return 'application/json';
}

/** A zod schema as JSON Schema 2020-12 (the dialect of OpenAPI 3.1), describing what is sent. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** The module a path belongs to, from the paths its datasets and navigation use. */
function tagger(modules: readonly ModuleDefinition[]): (url: string) => string {
  const bySegment = new Map<string, string>();
  for (const m of modules) {
    const paths = [
      ...(m.nav ?? []).map((n) => n.path),
      ...(m.datasets ?? []).flatMap((d) => d.distributions.map((x) => x.path)),
    ];
    for (const p of paths) {
      const seg = p.replace(/^api\//, '').split(/[/.]/)[0];
      if (seg && !bySegment.has(seg)) bySegment.set(seg, m.name);
    }
  }
  return (url) => {
    const rest = url.replace(/^\/:place\//, '').replace(/^\/?api\//, '');
    const seg = rest.split(/[/.]/)[0] ?? '';
    return bySegment.get(seg) ?? 'platform';
  };
}

function accessOf(access: Access | undefined) {
  const text = describeAccess(access);
  if (text === 'public') return { 'x-kith-access': text, security: [] };
  return { 'x-kith-access': text, security: [{ session: [] }] };
}

/**
 * The OpenAPI 3.1 document of Kith's API, made from the route table (never written by hand):
 * every data route with its path parameters, access rule, module tag, media type, and the query
 * parameters and response schema that its `config.api` declares.
 */
export function openApiDocument(
  routes: ApiRoute[],
  modules: readonly ModuleDefinition[],
  t: (key: string) => string,
  options: { version: string; serverUrl: string },
) {
  const tagOf = tagger(modules);
  const paths: Record<string, Record<string, unknown>> = {};
  const seen = new Set<string>();
  const ids = new Set<string>();
  const uniqueId = (base: string) => {
    let id = base;
    for (let n = 2; ids.has(id); n++) id = `${base}${n}`;
    ids.add(id);
    return id;
  };
  for (const r of routes) {
    if (!isApiRoute(r.url) || (r.method !== 'GET' && r.method !== 'POST')) continue;
    const key = `${r.method} ${r.url}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const path = openApiPath(r.url);
    const api = r.api ?? {};
    const parameters: unknown[] = pathParams(r.url).map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
      ...(name === 'place' ? { description: t('api.docs.placeParam') } : {}),
    }));
    if (api.paged)
      parameters.push({ $ref: '#/components/parameters/page' }, { $ref: '#/components/parameters/per_page' });
    if (api.query) {
      const shape = api.query.shape as Record<string, z.ZodType>;
      for (const [name, field] of Object.entries(shape)) {
        const schema = jsonSchema(field, 'input');
        const { description, ...rest } = schema;
        // Descriptions are catalogue keys (`.describe('api.docs.params.ward')`), read in the reader's language.
        parameters.push({
          name,
          in: 'query',
          required: !field.safeParse(undefined).success,
          schema: rest,
          ...(typeof description === 'string' ? { description: t(description) } : {}),
        });
      }
    }
    const media = mediaTypeOf(r.url);
    const body =
      media === 'application/json' && api.response
        ? { schema: jsonSchema(api.paged ? pagedEnvelope(api.response) : api.response, 'output') }
        : media === 'text/csv'
          ? { schema: { type: 'string', description: t('api.docs.csvBody') } }
          : {};
    const tag = tagOf(r.url);
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[r.method.toLowerCase()] = {
      operationId: uniqueId(
        `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ),
      ...(api.summaryKey ? { summary: t(api.summaryKey) } : {}),
      tags: [tag],
      ...accessOf(r.access),
      ...(parameters.length ? { parameters } : {}),
      responses: {
        '200': { description: t('api.docs.ok'), content: { [media]: body } },
        default: {
          description: t('api.docs.problem'),
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
    };
  }
  const pagingShape = PAGING_QUERY.shape;
  return {
    openapi: '3.1.0',
    info: {
      title: t('api.docs.title'),
      version: options.version,
      description: t('api.docs.description'),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: options.serverUrl }],
    tags: [
      ...new Set(
        Object.values(paths).flatMap((ops) =>
          Object.values(ops).flatMap((o) => (o as { tags: string[] }).tags),
        ),
      ),
    ]
      .sort()
      .map((name) => ({ name })),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      parameters: {
        page: {
          name: 'page',
          in: 'query',
          required: false,
          schema: jsonSchema(pagingShape.page, 'input'),
          description: t('api.docs.page'),
        },
        per_page: {
          name: 'per_page',
          in: 'query',
          required: false,
          schema: jsonSchema(pagingShape.per_page, 'input'),
          description: t('api.docs.perPage'),
        },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            requestId: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                properties: { field: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'kith_session', description: t('api.docs.session') },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { useTestApp } from '../../../test/helpers/app.js';
import { demoUrl } from '../demo-params.js';
import { isApiRoute, openApiPath } from './openapi.js';

const t = useTestApp();

type Op = {
  operationId: string;
  tags: string[];
  'x-kith-access': string;
  security: unknown[];
  parameters?: { name?: string; in?: string; $ref?: string }[];
  responses: Record<string, { content: Record<string, { schema?: object }> }>;
};

async function document() {
  const res = await t.app.inject({ url: '/api/openapi.json' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  return JSON.parse(res.body) as {
    openapi: string;
    paths: Record<string, Record<string, Op>>;
    components: Record<string, Record<string, unknown>>;
  };
}

test('paths are turned into OpenAPI form and only data routes are in the API', () => {
  assert.equal(openApiPath('/:place/api/wards/:ward'), '/{place}/api/wards/{ward}');
  assert.equal(openApiPath('/:place/api/x/:id(^\\d+)'), '/{place}/api/x/{id}');
  assert.ok(isApiRoute('/:place/api/groups'));
  assert.ok(isApiRoute('/:place/ideas.csv'));
  assert.ok(!isApiRoute('/:place/ideas'));
});

test('the OpenAPI document is valid OpenAPI 3.1 (checked against the official schema)', async () => {
  const doc = await document();
  assert.equal(doc.openapi, '3.1.0');
  const result = await new Validator().validate(doc);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1)?.slice(0, 2000));
  // The check can fail: a broken document is refused.
  const broken = structuredClone(doc) as Record<string, unknown>;
  (broken.paths as Record<string, unknown>)['/x'] = { get: { responses: { '200': { content: 'nope' } } } };
  assert.equal((await new Validator().validate(broken)).valid, false);
});

test('the document is made from the route table: every API route is in it, with its access and module', async () => {
  const doc = await document();
  const api = t.app.routeTable.filter(
    (r) => isApiRoute(r.url) && (r.method === 'GET' || r.method === 'POST'),
  );
  assert.ok(api.length > 40, `${api.length} API routes`);
  for (const r of api) {
    const op = doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()];
    assert.ok(op, `${r.method} ${r.url} is documented`);
    assert.ok(op['x-kith-access'], r.url);
  }
  const wards = doc.paths['/{place}/api/wards']?.get as Op;
  assert.deepEqual(wards.tags, ['wards']);
  assert.equal(wards['x-kith-access'], 'public');
  assert.deepEqual(wards.security, []);
  assert.deepEqual(
    wards.parameters?.map((p) => p.$ref ?? p.name),
    ['place', '#/components/parameters/page', '#/components/parameters/per_page'],
  );
  const audit = doc.paths['/{place}/admin/audit.csv']?.get as Op;
  assert.equal(audit['x-kith-access'], 'audit.view');
  assert.deepEqual(audit.security, [{ session: [] }]);
  assert.ok(audit.responses['200']?.content['text/csv']);
  const groups = doc.paths['/{place}/api/groups']?.get as Op;
  assert.deepEqual(groups.tags, ['directory']);
  assert.ok(groups.parameters?.some((p) => p.name === 'volunteers' && p.in === 'query'));
  const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
  assert.equal(new Set(ids).size, ids.length, 'operation ids are unique');
});

test('a declared response schema matches what the route really sends', async () => {
  const doc = await document();
  const ajv = new Ajv2020({ strict: false });
  let checked = 0;
  for (const [path, ops] of Object.entries(doc.paths)) {
    const schema = ops.get?.responses['200']?.content['application/json']?.schema;
    if (!schema || !Object.keys(schema).length) continue;
    const url = demoUrl(path.replace(/\{(\w+)\}/g, ':$1'));
    if (!url) continue;
    const res = await t.app.inject({ url });
    assert.equal(res.statusCode, 200, url);
    const validate = ajv.compile(schema);
    assert.ok(validate(JSON.parse(res.body)), `${url}: ${JSON.stringify(validate.errors)}`);
    checked++;
  }
  assert.ok(checked >= 2, `checked ${checked}`);
});

test('the docs page lists every operation with its parameters and an example that works', async () => {
  const doc = await document();
  const res = await t.app.inject({ url: '/api/docs' });
  assert.equal(res.statusCode, 200);
  assert.doesNotMatch(res.body, /<script(?![^>]*src="\/assets\/)/, 'no inline script');
  for (const [path, ops] of Object.entries(doc.paths))
    for (const op of Object.values(ops)) assert.ok(res.body.includes(`id="op-${op.operationId}"`), path);
  assert.match(res.body, /<code>per_page<\/code>/);
  assert.match(res.body, /href="\/trafford\/api\/wards"/);
});

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { freshDatabase } from '../../../../test/helpers/database.js';
import { buildApp } from '../../../app.js';
import { loadConfig } from '../../../config.js';
import type { Db } from '../../../platform/db/types.js';
import { schemaErrors } from './oruk-schema-check.js';

// A stand-in for postcodes.io: WA14 1AH is Altrincham Library's; anything else is unknown.
let server: http.Server;
let app: FastifyInstance;
let db: Db;

before(async () => {
  server = http.createServer((req, res) => {
    res.writeHead(req.url === '/postcodes/WA14%201AH' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        req.url === '/postcodes/WA14%201AH'
          ? { status: 200, result: { longitude: -2.3494, latitude: 53.3869 } }
          : { status: 404, error: 'Postcode not found' },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  db = await freshDatabase();
  app = await buildApp({
    config: loadConfig({
      NODE_ENV: 'test',
      KITH_SECRET: 'test-secret-that-is-at-least-32-characters-long',
      KITH_POSTCODE_LOOKUP_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    }),
    db,
  });
});
after(async () => {
  await app?.close();
  await db?.close();
  server?.close();
});

test('with a postcode lookup configured, ORUK postcode + proximity finds services nearest first', async () => {
  const res = await app.inject('/trafford/api/oruk/services?postcode=wa141ah&proximity=300');
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.deepEqual(schemaErrors('serviceList', body), []);
  assert.ok(body.total_items >= 1);
  assert.equal(body.contents[0].name, 'Altrincham Library');
  const far = await app.inject(
    '/trafford/api/oruk/services?postcode=WA14+1AH&proximity=300&search=Partington',
  );
  assert.equal(far.json().total_items, 0);
});

test('an unknown postcode is a 400 problem naming it', async () => {
  const res = await app.inject('/trafford/api/oruk/services?postcode=ZZ9+9ZZ');
  assert.equal(res.statusCode, 400);
  assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
  assert.match(JSON.stringify(res.json()), /ZZ9 9ZZ is not a postcode the lookup knows/);
});

import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { test } from 'node:test';
import fc from 'fast-check';
import { useTestApp } from '../../../test/helpers/app.js';

let port: number;
const t = useTestApp(undefined, async () => {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  port = (t.app.server.address() as AddressInfo).port;
});

const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    '.',
    '..',
    '%',
    '%00',
    '%ZZ',
    '%E0%A4%A',
    "' or 1=1 --",
    '<script>',
    'trafford',
    'E05015239',
    '-1',
    '1e309',
    'NaN',
  ),
  fc.string({ minLength: 900, maxLength: 1500 }),
);

/** Percent-encoded like a browser would, or raw bytes as a hostile client would send them. */
function segment(value: string, raw: boolean): string {
  return raw ? value.replace(/[/?#\r\n ]/g, '') : encodeURIComponent(value);
}

/** Raw bytes on a socket: no client library tidies the request line up first. */
function rawGet(port: number, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      // write, not end: a half-closed socket is dropped by Node before slow (async) responses.
      socket.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    });
    let head = '';
    socket.on('data', (d) => {
      head += d.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      if (status) resolve(Number(status));
      else reject(new Error(`no status line for ${JSON.stringify(target)}: ${head.slice(0, 100)}`));
    });
  });
}

test('no route answers 500 to garbage in its path or query', async () => {
  const gets = t.app.routeTable.filter((r) => r.method === 'GET');
  assert.ok(gets.length >= 15, `route table has ${gets.length} GET routes`);
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...gets),
      fc.array(hostile, { minLength: 3, maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 10 }), hostile, { maxKeys: 4 }),
      fc.boolean(),
      fc.boolean(),
      async (route, values, query, keepPlace, raw) => {
        let i = 0;
        const path = route.url.replace(/:(\w+)/g, (_m, name: string) =>
          name === 'place' && keepPlace ? 'trafford' : segment(values[i++ % values.length] ?? '', raw),
        );
        const qs = new URLSearchParams(query).toString();
        const target = qs ? `${path}?${qs}` : path;
        if (raw) {
          const status = await rawGet(port, target);
          assert.ok(status < 500, `${status} for raw GET ${JSON.stringify(target)}`);
          return;
        }
        const res = await t.app.inject({ method: 'GET', url: target });
        assert.ok(res.statusCode < 500, `${res.statusCode} for GET ${target}\n${res.body.slice(0, 300)}`);
      },
    ),
    { numRuns: 400 },
  );
});

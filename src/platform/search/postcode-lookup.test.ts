import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lookupPostcode, normalisePostcode } from './postcode-lookup.js';

test('postcodes are tidied, and what cannot be one is refused', () => {
  assert.equal(normalisePostcode('m320tp'), 'M32 0TP');
  assert.equal(normalisePostcode(' M32  0TP '), 'M32 0TP');
  assert.equal(normalisePostcode('wa14 2dt'), 'WA14 2DT');
  assert.equal(normalisePostcode('M1 1AE'), 'M1 1AE');
  assert.equal(normalisePostcode('m33'), 'M33');
  for (const bad of ['', 'hello', '12345', 'M32 0TPX', 'M32 0T', '<script>'])
    assert.equal(normalisePostcode(bad), null, bad);
});

test('a lookup that hangs gives up after the timeout and says it is unavailable', async () => {
  const started = Date.now();
  const hanging = (_url: string, init: { signal: AbortSignal }) =>
    new Promise<Response>((_resolve, reject) => {
      // The timeout's own timer does not keep Node alive (a server would); this stands in for it.
      const alive = setTimeout(() => {}, 5000);
      init.signal.addEventListener('abort', () => {
        clearTimeout(alive);
        reject(init.signal.reason);
      });
    });
  const result = await lookupPostcode('http://lookup.invalid', 'M32 0TP', { timeoutMs: 50, fetch: hanging });
  assert.deepEqual(result, { ok: false, reason: 'unavailable' });
  assert.ok(Date.now() - started < 2000);
});

test('a postcode without a location, or an odd answer, is not taken as a point', async () => {
  const answer =
    (body: unknown, status = 200) =>
    async () =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const url = 'http://lookup.invalid/';
  assert.deepEqual(
    await lookupPostcode(url, 'M32 0TP', { fetch: answer({ result: { longitude: null, latitude: null } }) }),
    {
      ok: false,
      reason: 'not-found',
    },
  );
  assert.deepEqual(await lookupPostcode(url, 'M32 0TP', { fetch: answer('not json at all') }), {
    ok: false,
    reason: 'not-found',
  });
  assert.deepEqual(await lookupPostcode(url, 'M32 0TP', { fetch: answer({}, 503) }), {
    ok: false,
    reason: 'unavailable',
  });
  let asked = '';
  const found = await lookupPostcode(url, 'm320tp', {
    fetch: async (u) => {
      asked = u;
      return new Response(JSON.stringify({ result: { longitude: -2.3, latitude: 53.4 } }));
    },
  });
  assert.equal(asked, 'http://lookup.invalid/postcodes/M32%200TP');
  assert.deepEqual(found, { ok: true, postcode: 'M32 0TP', lon: -2.3, lat: 53.4 });
});

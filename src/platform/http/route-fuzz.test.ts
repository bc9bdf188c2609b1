import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => {
  await t.app.close();
  await t.db.close();
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

/** Percent-encodes like a browser would, but leaves a few raw hostile bytes through as well. */
function segment(value: string, raw: boolean): string {
  return raw ? value.replace(/[/?#\s]/g, '') : encodeURIComponent(value);
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
        const res = await t.app.inject({ method: 'GET', url: qs ? `${path}?${qs}` : path });
        assert.ok(res.statusCode < 500, `${res.statusCode} for GET ${path}?${qs}\n${res.body.slice(0, 300)}`);
      },
    ),
    { numRuns: 400 },
  );
});

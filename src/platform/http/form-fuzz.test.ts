import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cookiesFrom, useTestApp } from '../../../test/helpers/app.js';
import { makePerson } from '../../../test/helpers/people.js';
import { createSession, SESSION_COOKIE } from '../auth/session-service.js';
import { demoUrl } from '../demo-params.js';

/**
 * Every form and JSON endpoint, fed random, huge, unicode, NUL-byte, wrong-type and
 * script-laden values: never a 500, never a script echoed back live, and a refused
 * request writes nothing.
 */
const XSS = ['<script>kith_xss()</script>', '"><img src=x onerror=kith_xss()>', "javascript:kith_xss()//'"];
const FIELDS = [
  '_csrf',
  'email',
  'password',
  'displayName',
  'name',
  'subject',
  'message',
  'code',
  'role',
  'userId',
  'website',
];
const TABLES = [
  'users',
  'contact_messages',
  'role_assignments',
  'user_tokens',
  'outbox',
  'sessions',
  'audit_log',
];

const hostileText = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    ...XSS,
    '\u0000',
    'a\u0000b',
    '',
    ' ',
    '💥'.repeat(50),
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    'officer',
    'place-admin',
  ),
  fc.string({ minLength: 5000, maxLength: 20_000 }),
);
const hostileJson = fc.oneof(
  hostileText,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileText, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), hostileText, { maxKeys: 3 }),
);

let admin: string;
let csrf = { cookie: '', token: '' };
const t = useTestApp(undefined, async () => {
  admin = (await makePerson(t.db, { roles: ['place-admin'] })).userId;
  const form = await t.app.inject('/trafford/contact');
  csrf = {
    cookie: cookiesFrom(form.headers['set-cookie']),
    token: /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '',
  };
});

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const rows = await t.db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
    out[table] = rows[0]?.n ?? 0;
  }
  return out;
}

test('no form or JSON endpoint fails or half-writes on hostile input', async () => {
  const posts = t.app.routeTable.filter((r) => r.method === 'POST');
  assert.ok(posts.length >= 10, `${posts.length} POST routes`);
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...posts),
      fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), hostileJson, {
        maxKeys: 8,
      }),
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
      async (route, body, asJson, withCsrf, signedIn) => {
        const url = demoUrl(route.url) as string;
        if (withCsrf) body._csrf = csrf.token;
        const session = signedIn ? `${SESSION_COOKIE}=${await createSession(t.db, admin, 'fuzz')}` : '';
        // Sessions created just for the request are not what we measure.
        const before = await counts();
        const payload = asJson
          ? JSON.stringify(body)
          : new URLSearchParams(
              Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
            ).toString();
        const res = await t.app.inject({
          method: 'POST',
          url,
          headers: {
            cookie: [csrf.cookie, session].filter(Boolean).join('; '),
            'content-type': asJson ? 'application/json' : 'application/x-www-form-urlencoded',
          },
          payload,
        });
        assert.ok(res.statusCode < 500, `${res.statusCode} for POST ${url}\n${res.body.slice(0, 400)}`);
        assert.doesNotMatch(res.body, /<script>kith_xss|<img src=x onerror/, `script echoed live by ${url}`);
        if (res.statusCode >= 400) {
          const afterCounts = await counts();
          for (const table of TABLES) {
            // A refused sign-in may still end the session it replaced; nothing else changes.
            if (table === 'sessions') continue;
            assert.equal(
              afterCounts[table],
              before[table],
              `${table} changed on a ${res.statusCode} from ${url}`,
            );
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});

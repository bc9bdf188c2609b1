import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { cookiesFrom, useTestApp } from '../../../test/helpers/app.js';
import { makePerson } from '../../../test/helpers/people.js';
import { buildApp } from '../../app.js';
import { loadConfig } from '../../config.js';
import { createSession, SESSION_COOKIE } from '../auth/session-service.js';
import { demoUrl } from '../demo-params.js';
import type { Role } from '../module-definition.js';
import { modules } from '../modules.js';
import { can } from './permissions.js';

/**
 * Every route × every role: what the route's declared rule says must happen does happen.
 * Visitors are sent to sign in (or get 401 from the API); signed-in people without the
 * permission get 403; everyone else gets through.
 */
const PERSONAS: { name: string; roles: Role[]; verified?: boolean }[] = [
  { name: 'unverified', roles: [], verified: false },
  { name: 'resident', roles: ['resident'] },
  { name: 'organiser', roles: ['organiser'] },
  { name: 'connector', roles: ['connector'] },
  { name: 'officer', roles: ['officer'] },
  { name: 'place-admin', roles: ['place-admin'] },
  { name: 'admin-elsewhere', roles: ['place-admin'] },
];

const users = new Map<string, string>();
let csrf = { cookie: '', token: '' };
const t = useTestApp(undefined, async () => {
  await t.db.query("insert into places (slug, name, modules) values ('elsewhere', 'Elsewhere', '{wards}')");
  for (const p of PERSONAS) users.set(p.name, (await personaFor(p)).userId);
  // One CSRF token for every POST, so that what is tested is the access rule, not CSRF.
  const form = await t.app.inject('/trafford/contact');
  csrf = {
    cookie: cookiesFrom(form.headers['set-cookie']),
    token: /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '',
  };
});

async function personaFor(p: (typeof PERSONAS)[number]) {
  const person = await makePerson(t.db, {
    roles: p.roles,
    place: p.name === 'admin-elsewhere' ? 'elsewhere' : 'trafford',
    ...(p.verified === false ? { verified: false } : {}),
  });
  // Ties to demo records (an assembly's assigned officers): roles still decide; the tie only
  // means someone with the role is not refused for not being the record's own.
  for (const m of modules) await m.tieToDemoRecords?.(t.db, person.userId);
  return person;
}

function effectiveRoles(p: (typeof PERSONAS)[number]): Role[] {
  const inTrafford = p.name === 'admin-elsewhere' ? [] : p.roles.filter((r) => r !== 'resident');
  return p.verified === false ? inTrafford : [...inTrafford, 'resident'];
}

test('every route has an access rule and every persona gets what the rule says', async () => {
  const failures: string[] = [];
  let checked = 0;
  for (const route of t.app.routeTable) {
    if (route.url.startsWith('/assets/')) continue;
    const url = demoUrl(route.url);
    assert.ok(url, `${route.url} has demo parameters`);
    const access = route.access;
    assert.ok(access, `${route.method} ${route.url} declares access`);
    const api = /\/api\//.test(url) || /\.(csv|json|geojson)$/.test(url);
    const send = (cookie: string) =>
      route.method === 'POST'
        ? t.app.inject({
            method: 'POST',
            url,
            headers: {
              cookie: [csrf.cookie, cookie].filter(Boolean).join('; '),
              'content-type': 'application/x-www-form-urlencoded',
            },
            payload: `_csrf=${encodeURIComponent(csrf.token)}`,
          })
        : t.app.inject({ method: 'GET', url, headers: { cookie } });
    const visitor = await send('');
    if (access !== 'public') {
      const expected = api ? 401 : 303;
      if (visitor.statusCode !== expected)
        failures.push(`visitor ${route.method} ${url}: ${visitor.statusCode}, wanted ${expected}`);
      if (!api && !String(visitor.headers.location).startsWith('/account/sign-in'))
        failures.push(`visitor ${url} not sent to sign in`);
    } else if (visitor.statusCode === 401 || visitor.statusCode === 403) {
      failures.push(`visitor ${route.method} ${url}: ${visitor.statusCode} on a public route`);
    }
    for (const p of PERSONAS) {
      // POSTs get a fresh person with the same roles: some (sign out, delete account) end
      // the session or the account they are given.
      const cookie =
        route.method === 'POST'
          ? (await personaFor(p)).cookie
          : `${SESSION_COOKIE}=${await createSession(t.db, users.get(p.name) as string, 'matrix')}`;
      const res = await send(cookie);
      checked++;
      const allowed =
        access === 'public' ||
        access === 'signed-in' ||
        can({ userId: 'x', roles: effectiveRoles(p), platformAdmin: false }, access.action);
      if (!allowed && res.statusCode !== 403)
        failures.push(`${p.name} ${route.method} ${url}: ${res.statusCode}, wanted 403`);
      if (allowed && (res.statusCode === 403 || res.statusCode === 401)) {
        failures.push(`${p.name} ${route.method} ${url}: ${res.statusCode}, wanted access`);
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(checked > 100, `checked ${checked} route × persona pairs`);
});

test('a route without an access rule stops the app from starting', async () => {
  const config = loadConfig({
    NODE_ENV: 'test',
    KITH_SECRET: 'test-secret-that-is-at-least-32-characters-long',
  });
  const app = await buildApp({ config, db: t.db });
  await assert.rejects(
    (async () => {
      app.get('/forgotten', async () => 'oops');
      await app.ready();
    })(),
    /Route GET \/forgotten has no access rule/,
  );
  await app.close().catch(() => {});
});

test('the audit log cannot be changed, even by the application’s own database user', async () => {
  await t.db.query("insert into audit_log (action, target_type) values ('test.entry', 'test')");
  await assert.rejects(
    t.db.query("update audit_log set action = 'tampered' where action = 'test.entry'"),
    /append-only/,
  );
  await assert.rejects(t.db.query("delete from audit_log where action = 'test.entry'"), /append-only/);
  await assert.rejects(t.db.query('truncate audit_log'), /append-only/);
  const rows = await t.db.query("select 1 from audit_log where action = 'test.entry'");
  assert.equal(rows.length, 1);
});

/**
 * The declared rules themselves are reviewed: loosening one (say, making the audit log
 * public) changes this table, which lives in git, so it shows up in review and here.
 * After a deliberate change, run with UPDATE_ACCESS_RULES=1 to rewrite it.
 */
test('the access rules match the reviewed table in access-rules.json', () => {
  const file = new URL('./access-rules.json', import.meta.url);
  const actual = Object.fromEntries(
    t.app.routeTable
      .filter((r) => !r.url.startsWith('/assets/'))
      .map((r) => [`${r.method} ${r.url}`, typeof r.access === 'object' ? r.access.action : r.access])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
  if (process.env.UPDATE_ACCESS_RULES === '1') fs.writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
  const reviewed = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.deepEqual(actual, reviewed);
});

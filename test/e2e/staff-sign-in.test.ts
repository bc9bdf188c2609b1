import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import Provider from 'oidc-provider';
import { setOidcSettings } from '../../src/platform/auth/oidc-service.js';
import { useServedApp } from '../helpers/served-app.js';

/**
 * Staff sign-in against a real OpenID Connect provider (oidc-provider) running in this
 * process, driven by Chromium through its login and consent pages.
 */
const SECRET = 'test-secret-that-is-at-least-32-characters-long';
let issuer: http.Server;
let issuerUrl = '';
const accounts: Record<string, { email: string; email_verified: boolean; name: string }> = {
  'sam.officer': { email: 'sam.officer@trafford.example', email_verified: true, name: 'Sam Officer' },
  unverified: { email: 'someone@trafford.example', email_verified: false, name: 'Someone' },
};

const server = useServedApp(async () => {
  issuer = http.createServer();
  await new Promise<void>((resolve) => issuer.listen(0, '127.0.0.1', resolve));
  issuerUrl = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
  const provider = new Provider(issuerUrl, {
    clients: [
      {
        client_id: 'kith-trafford',
        client_secret: 'a-client-secret-for-tests',
        redirect_uris: [`${server.baseUrl}/account/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({
        sub: id,
        ...(accounts[id] ?? { email: `${id}@elsewhere.example`, email_verified: false, name: id }),
      }),
    }),
  });
  issuer.on('request', provider.callback());
  const [place] = await server.db.query<{ id: string }>("select id from places where slug = 'trafford'");
  await setOidcSettings(server.db, SECRET, place?.id as string, {
    issuer: issuerUrl,
    clientId: 'kith-trafford',
    clientSecret: 'a-client-secret-for-tests',
  });
});

after(async () => {
  await new Promise<void>((resolve) => issuer?.close(() => resolve()));
});

async function signInAt(login: string) {
  const context = await server.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/account/sign-in`);
  await page
    .getByRole('link', { name: 'Staff of Trafford Together: sign in with your organisation account' })
    .click();
  assert.ok(page.url().startsWith(issuerUrl), `at the provider: ${page.url()}`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any');
  await page.locator('button[type="submit"]').click();
  // oidc-provider's development consent page.
  if (page.url().startsWith(issuerUrl)) await page.locator('button[type="submit"]').click();
  return { context, page };
}

test('an officer signs in with their organisation account and lands back in the place', async () => {
  const { context, page } = await signInAt('sam.officer');
  assert.equal(new URL(page.url()).pathname, '/trafford/', (await page.locator('main').textContent()) ?? '');
  await page.getByRole('link', { name: 'Your account' }).click();
  assert.match((await page.locator('main').textContent()) ?? '', /sam\.officer@trafford\.example/);
  const [audit] = await server.db.query<{ action: string }>(
    "select action from audit_log where action = 'account.oidc-sign-in'",
  );
  assert.equal(audit?.action, 'account.oidc-sign-in');
  await context.close();
});

test('a provider that does not confirm the email address does not sign anyone in', async () => {
  const { context, page } = await signInAt('unverified');
  assert.match((await page.locator('h1').textContent()) ?? '', /You could not be signed in/);
  assert.match((await page.locator('main').textContent()) ?? '', /did not give a confirmed email address/);
  await context.close();
});

test('a callback without the sign-in that started it is refused', async () => {
  const res = await fetch(`${server.baseUrl}/account/oidc/callback?code=forged&state=forged`);
  assert.equal(res.status, 400);
  assert.match(await res.text(), /took too long or was started somewhere else/);
});

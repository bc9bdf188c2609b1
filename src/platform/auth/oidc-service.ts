import * as client from 'openid-client';
import { audit } from '../audit/audit.js';
import { withTransaction } from '../db/transaction.js';
import type { Db } from '../db/types.js';
import { decrypt, encrypt } from './secrets.js';

const PURPOSE = 'oidc-client-secret';

export type OidcSettings = { issuer: string; clientId: string; clientSecret: string };

export async function setOidcSettings(
  db: Db,
  secret: string,
  placeId: string,
  s: OidcSettings | null,
): Promise<void> {
  await db.query(
    'update places set oidc_issuer = $2, oidc_client_id = $3, oidc_client_secret_enc = $4, updated_at = now() where id = $1',
    [placeId, s?.issuer ?? null, s?.clientId ?? null, s ? encrypt(secret, PURPOSE, s.clientSecret) : null],
  );
}

export async function oidcSettings(db: Db, secret: string, placeId: string): Promise<OidcSettings | null> {
  const rows = await db.query<{
    oidc_issuer: string | null;
    oidc_client_id: string | null;
    oidc_client_secret_enc: string | null;
  }>('select oidc_issuer, oidc_client_id, oidc_client_secret_enc from places where id = $1', [placeId]);
  const r = rows[0];
  if (!r?.oidc_issuer || !r.oidc_client_id || !r.oidc_client_secret_enc) return null;
  return {
    issuer: r.oidc_issuer,
    clientId: r.oidc_client_id,
    clientSecret: decrypt(secret, PURPOSE, r.oidc_client_secret_enc),
  };
}

// Discovery documents change rarely; fetch each issuer's once per process and client.
const configs = new Map<string, Promise<client.Configuration>>();

export function oidcConfiguration(s: OidcSettings): Promise<client.Configuration> {
  const key = `${s.issuer}|${s.clientId}`;
  let c = configs.get(key);
  if (!c) {
    const url = new URL(s.issuer);
    // Plain http is allowed only for a provider on this machine (development and tests).
    const local = url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    c = client.discovery(
      url,
      s.clientId,
      s.clientSecret,
      undefined,
      local ? { execute: [client.allowInsecureRequests] } : undefined,
    );
    c.catch(() => configs.delete(key));
    configs.set(key, c);
  }
  return c;
}

export type OidcStart = { url: string; state: string; nonce: string; verifier: string };

export async function startOidc(s: OidcSettings, redirectUri: string): Promise<OidcStart> {
  const config = await oidcConfiguration(s);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url: url.href, state, nonce, verifier };
}

/**
 * Completes sign-in: checks state, nonce and PKCE, and requires a verified email address
 * from the provider. The account is found by that address or created; roles still come
 * only from a place admin's invitation.
 */
export async function finishOidc(
  db: Db,
  s: OidcSettings,
  callbackUrl: URL,
  checks: { state: string; nonce: string; verifier: string },
  meta: { placeId: string; requestId: string },
): Promise<{ userId: string } | { error: 'no-verified-email' }> {
  const config = await oidcConfiguration(s);
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: checks.verifier,
    expectedState: checks.state,
    expectedNonce: checks.nonce,
  });
  const idClaims = tokens.claims();
  // Scope claims (email, name) may come only from the UserInfo endpoint (OIDC Core 5.4).
  const claims: Record<string, unknown> =
    typeof idClaims?.email === 'string' || !idClaims
      ? { ...idClaims }
      : { ...idClaims, ...(await client.fetchUserInfo(config, tokens.access_token, idClaims.sub)) };
  const email = typeof claims.email === 'string' ? claims.email : null;
  if (!email || claims.email_verified !== true) return { error: 'no-verified-email' };
  const name = typeof claims.name === 'string' ? claims.name : '';
  return withTransaction(db, async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `insert into users (email, display_name, email_verified_at) values ($1, $2, now())
       on conflict (email) do update set email_verified_at = coalesce(users.email_verified_at, now())
       returning id`,
      [email, name.slice(0, 120)],
    );
    const userId = rows[0]?.id as string;
    await audit(tx, {
      placeId: meta.placeId,
      actorId: userId,
      action: 'account.oidc-sign-in',
      targetType: 'user',
      targetId: userId,
      after: { issuer: s.issuer, sub: claims.sub },
      requestId: meta.requestId,
    });
    return { userId };
  });
}

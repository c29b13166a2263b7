// The API's authentication against the embedded OpenID provider, every part real: a realm user logs in (code flow
// with PKCE), the access token is a JWT with Keycloak's claims that the API accepts; no token, a forged signature,
// another issuer's and an expired token get 401 problem documents with a Bearer challenge; a role a route needs
// and the caller lacks gets 403.
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/auth/token-verifier.js';
import { authenticate } from '../../src/http/authenticate.js';
import { buildApp } from '../../src/http/app.js';
import { startLocalProvider, type LocalProvider } from '../../src/oidc/local-provider.js';
import { API_AUDIENCE, demoUsers } from '../../src/oidc/realm.js';
import { loginAt, TEST_REDIRECT_URI } from '../support/oidc-login.js';

let provider: LocalProvider;
let shortLived: LocalProvider;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  provider = await startLocalProvider({
    host: '127.0.0.1',
    port: 0,
    users: demoUsers,
    redirectUris: [TEST_REDIRECT_URI],
  });
  shortLived = await startLocalProvider({
    host: '127.0.0.1',
    port: 0,
    users: demoUsers,
    redirectUris: [TEST_REDIRECT_URI],
    accessTokenSeconds: 1,
  });
  const verifier = new TokenVerifier({ issuer: provider.issuer, audience: API_AUDIENCE });
  app = await buildApp({ verifier });
  // A route for admins only, to check the role guard the admin routes will use.
  app.get('/api/v1/test/admin-only', { preHandler: authenticate(verifier, ['admin']) }, async () => ({ ok: true }));
  base = await app.listen({ host: '127.0.0.1', port: 0 });
}, 30_000);

afterAll(async () => {
  await app?.close();
  await provider?.close();
  await shortLived?.close();
});

const me = (token?: string) =>
  fetch(`${base}/api/v1/me`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe('bearer tokens from the embedded OpenID provider', () => {
  it('logs a realm user in and accepts the access token, with Keycloak’s claims', async () => {
    const tokens = await loginAt(provider.issuer, 'anna', 'anna-demo-pass');
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({
      iss: provider.issuer,
      aud: API_AUDIENCE,
      sub: 'anna',
      preferred_username: 'anna',
      realm_access: { roles: ['agent'] },
      site: 'waw',
    });
    const answer = await me(tokens.access_token);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ subject: 'anna', username: 'anna', roles: ['agent'], site: 'waw' });
  });

  it('refuses a wrong password at the login form', async () => {
    await expect(loginAt(provider.issuer, 'anna', 'not-her-password')).rejects.toThrow(/login answered 401/);
  });

  it('answers 401 problem documents for no token, a forged one, another issuer’s and an expired one', async () => {
    const missing = await me();
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer realm="parley", error="invalid_request"/);
    expect(await missing.json()).toMatchObject({ status: 401, title: 'Unauthorized' });

    // Signed by a key the issuer never published, claims otherwise perfect.
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ realm_access: { roles: ['admin'] }, site: 'waw' })
      .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
      .setIssuer(provider.issuer)
      .setAudience(API_AUDIENCE)
      .setSubject('mallory')
      .setExpirationTime('5m')
      .sign(privateKey);
    const forgedAnswer = await me(forged);
    expect(forgedAnswer.status).toBe(401);
    expect(forgedAnswer.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);

    // A token of another issuer (the second provider) is not for this API.
    const foreign = await loginAt(shortLived.issuer, 'anna', 'anna-demo-pass');
    expect((await me(foreign.access_token)).status).toBe(401);
    // An expired one: the second provider's tokens live 1 s (checked here without clock leeway).
    const strict = new TokenVerifier({ issuer: shortLived.issuer, audience: API_AUDIENCE, clockToleranceSeconds: 0 });
    const claims = decodeJwt(foreign.access_token);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(1);
    await expect(strict.verify(foreign.access_token)).resolves.toMatchObject({ subject: 'anna' });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await expect(strict.verify(foreign.access_token)).rejects.toThrow('the token has expired');
  });

  it('answers 403 when the caller lacks the role a route needs', async () => {
    const agent = await loginAt(provider.issuer, 'anna', 'anna-demo-pass');
    const forbidden = await fetch(`${base}/api/v1/test/admin-only`, {
      headers: { authorization: `Bearer ${agent.access_token}` },
    });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ status: 403, detail: 'this needs the role admin' });
    const admin = await loginAt(provider.issuer, 'admin', 'admin-demo-pass');
    const allowed = await fetch(`${base}/api/v1/test/admin-only`, {
      headers: { authorization: `Bearer ${admin.access_token}` },
    });
    expect(allowed.status).toBe(200);
  });
});

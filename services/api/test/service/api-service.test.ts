// The API as a process runs it (in-process here): the service host on the test NATS, the embedded OpenID provider
// as the issuer, the public HTTP server; a demo user logs in and is recognised, the ops port reports health.
import { testNatsUrl } from '@parley/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiService } from '../../src/api-service.js';
import { loadApiConfig } from '../../src/config.js';
import { loginAt, TEST_REDIRECT_URI } from '../support/oidc-login.js';

let api: Awaited<ReturnType<typeof startApiService>>;

beforeAll(async () => {
  api = await startApiService({
    config: loadApiConfig({
      NATS_URL: testNatsUrl,
      LOG_LEVEL: 'silent',
      GRPC_HOST: '127.0.0.1',
      HTTP_HOST: '127.0.0.1',
      GRPC_PORT: '0',
      HTTP_PORT: '0',
      API_PORT: '0',
      API_OIDC_PORT: '0',
      API_OIDC_REDIRECT_URIS: TEST_REDIRECT_URI,
    }),
    handleSignals: false,
  });
}, 30_000);

afterAll(async () => {
  await api?.stop();
});

describe('the API service', () => {
  it('serves the realm at Keycloak’s paths and recognises a demo supervisor’s token', async () => {
    expect(api.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/realms\/parley$/);
    const discovery = await (await fetch(`${api.issuer}/.well-known/openid-configuration`)).json();
    // keycloak-js builds these from the realm URL instead of reading discovery.
    expect(discovery).toMatchObject({
      issuer: api.issuer,
      code_challenge_methods_supported: ['S256'],
      authorization_endpoint: `${api.issuer}/protocol/openid-connect/auth`,
      token_endpoint: `${api.issuer}/protocol/openid-connect/token`,
      jwks_uri: `${api.issuer}/protocol/openid-connect/certs`,
      end_session_endpoint: `${api.issuer}/protocol/openid-connect/logout`,
    });
    const tokens = await loginAt(api.issuer, 'marek', 'marek-demo-pass');
    const me = await fetch(`${api.url}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await me.json()).toEqual({ subject: 'marek', username: 'marek', roles: ['supervisor'], site: 'waw' });
  });

  it('refuses a malformed users list at start, naming the field', () => {
    expect(() => loadApiConfig({ API_OIDC_USERS: JSON.stringify([{ username: 'x', password: 'short' }]) })).toThrow(
      /API_OIDC_USERS.*0\.password/s,
    );
  });
});

// The per-user request rate: a user over their allowance gets 429 problem documents with Retry-After, while another
// user calling from the same address (agents behind one NAT) is served as usual.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/auth/token-verifier.js';
import { buildApp } from '../../src/http/app.js';
import { startLocalProvider, type LocalProvider } from '../../src/oidc/local-provider.js';
import { API_AUDIENCE, demoUsers } from '../../src/oidc/realm.js';
import { loginAt, TEST_REDIRECT_URI } from '../support/oidc-login.js';

let provider: LocalProvider;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  provider = await startLocalProvider({
    host: '127.0.0.1',
    port: 0,
    users: demoUsers,
    redirectUris: [TEST_REDIRECT_URI],
  });
  app = await buildApp({
    verifier: new TokenVerifier({ issuer: provider.issuer, audience: API_AUDIENCE }),
    userRequestsPerMinute: 5,
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
  await provider?.close();
});

describe('the per-user rate', () => {
  it('throttles the user over the allowance and no one else', async () => {
    const anna = (await loginAt(provider.issuer, 'anna', 'anna-demo-pass')).access_token;
    const marek = (await loginAt(provider.issuer, 'marek', 'marek-demo-pass')).access_token;
    const me = (token: string) => fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 8; i += 1) {
      last = await me(anna);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect(last!.headers.get('retry-after')).toBe('1');
    expect(await last!.json()).toMatchObject({ status: 429, detail: expect.stringContaining('anna') });
    expect((await me(marek)).status).toBe(200);
  });
});

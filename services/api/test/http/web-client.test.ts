// The web client from the API's origin: its pages (index.html, never cached) at every path the app routes, hashed
// assets cached for good, the public client configuration keycloak-js starts from, and a content security policy
// that lets the page reach the OpenID provider and nothing else.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/auth/token-verifier.js';
import { buildApp } from '../../src/http/app.js';
import { webClientRoutes } from '../../src/http/web-client.js';

const ISSUER = 'http://127.0.0.1:8181/realms/parley';
let app: FastifyInstance;
let base: string;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'parley-web-dist-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Parley</title><div id="root"></div>');
  await writeFile(path.join(dir, 'assets', 'index-3f2a1b.js'), 'console.log("desk")');
  const verifier = new TokenVerifier({ issuer: ISSUER, audience: 'parley-api' });
  app = await buildApp({
    verifier,
    connectOrigins: [new URL(ISSUER).origin],
    routes: [webClientRoutes({ dir, issuer: ISSUER, clientId: 'parley-web', site: 'waw' })],
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the web client served by the API', () => {
  it('answers the app page at each of its routes, never cached, with a policy admitting the provider', async () => {
    for (const route of ['/', '/supervisor', '/callback', '/history']) {
      const page = await fetch(`${base}${route}?code=x&state=y`);
      expect(page.status, route).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(await page.text()).toContain('<div id="root">');
      const policy = page.headers.get('content-security-policy') ?? '';
      expect(policy).toMatch(/connect-src 'self' http:\/\/127\.0\.0\.1:8181/);
      expect(policy).toMatch(/script-src 'self'/);
    }
  });

  it('caches hashed assets for a year and answers unknown paths with a problem, not the page', async () => {
    const asset = await fetch(`${base}/assets/index-3f2a1b.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await fetch(`${base}/assets/gone.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });

  it('tells keycloak-js where to log in, without a token', async () => {
    const answer = await fetch(`${base}/api/v1/client-config`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      oidc: { url: 'http://127.0.0.1:8181', realm: 'parley', clientId: 'parley-web', issuer: ISSUER },
      site: 'waw',
    });
  });
});

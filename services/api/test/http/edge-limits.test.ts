// The edge's browser-facing limits: CORS answers only the configured origins; a client address over its request
// rate gets 429 as a problem document with Retry-After; a body over the limit gets 413; security headers are set.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/auth/token-verifier.js';
import { buildApp } from '../../src/http/app.js';

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  // No token is ever valid here (the issuer does not exist): these checks all happen before authentication.
  const verifier = new TokenVerifier({ issuer: 'http://127.0.0.1:9/realms/none', audience: 'parley-api' });
  app = await buildApp({
    verifier,
    corsOrigins: ['https://shop.example.com'],
    requestsPerMinute: 5,
    bodyLimitBytes: 1_024,
  });
  app.post('/api/v1/test/echo', async (request) => request.body);
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
});

describe('edge limits', () => {
  it('answers CORS preflights for allowed origins only, and sets security headers', async () => {
    const preflight = (origin: string) =>
      fetch(`${base}/api/v1/me`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    const allowed = await preflight('https://shop.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    const foreign = await preflight('https://evil.example.net');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const plain = await fetch(`${base}/api/v1/me`);
    expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses an oversized body with 413 and a client over its rate with 429', async () => {
    const big = await fetch(`${base}/api/v1/test/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x'.repeat(2_000) }),
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 8; i += 1) {
      last = await fetch(`${base}/api/v1/me`);
      statuses.push(last.status);
    }
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(last!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(last!.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await last!.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });
  });
});

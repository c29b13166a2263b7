// The httpLookup node against a real HTTP server on loopback: the URL carries the caller and attributes, JSON paths
// become attributes; an error status, a body that is not JSON or a slow server take the onError branch in time.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDocument } from '../../src/flows/flow-document.js';
import { runFlow, type FlowAudio } from '../../src/flows/flow-runner.js';

let server: http.Server;
let base: string;
const requested: string[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    requested.push(request.url ?? '');
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/customers') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ customer: { tier: 'gold', id: 42, vip: true, tags: ['a'] } }));
    } else if (url.pathname === '/broken') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{not json');
    } else if (url.pathname === '/slow') {
      setTimeout(() => response.end('{}'), 2_000).unref();
    } else {
      response.writeHead(500);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const silentCaller: FlowAudio = {
  play: async () => ({ interrupted: false }),
  nextDigit: async () => undefined,
  clearDigits: () => undefined,
  ended: false,
};

function lookupFlow(path: string, timeoutMs = 1_000) {
  return flowDocument.parse({
    schemaVersion: 1,
    start: 'tag',
    nodes: {
      tag: { type: 'setAttributes', set: { lang: 'pl pl' }, next: 'lookup' },
      lookup: {
        type: 'httpLookup',
        url: `${base}${path}?phone={caller}&dialled={called}&lang={attribute.lang}`,
        timeoutMs,
        map: { tier: 'customer.tier', customer_id: 'customer.id', vip: 'customer.vip', missing: 'customer.nothing' },
        next: 'queue',
        onError: 'fallback',
      },
      queue: { type: 'enqueue', queue: 'vip' },
      fallback: { type: 'enqueue', queue: 'general' },
    },
  });
}

describe('httpLookup', () => {
  it('asks with the caller, the dialled number and attributes URL-encoded, and keeps what the answer says', async () => {
    const run = { caller: '+48600111222', called: '+48221234567', attributes: {}, path: [] };
    const outcome = await runFlow(lookupFlow('/customers'), silentCaller, run);
    expect(outcome).toMatchObject({ kind: 'enqueue', node: { queue: 'vip' } });
    expect(run.attributes).toEqual({ lang: 'pl pl', tier: 'gold', customer_id: '42', vip: 'true' });
    expect(requested.at(-1)).toBe('/customers?phone=%2B48600111222&dialled=%2B48221234567&lang=pl%20pl');
  });

  it('takes onError for an error status, a body that is not JSON, and a server slower than the timeout', async () => {
    for (const path of ['/missing', '/broken']) {
      const run = { caller: '+48600111222', called: '+48221234567', attributes: {}, path: [] };
      expect(await runFlow(lookupFlow(path), silentCaller, run)).toMatchObject({ node: { queue: 'general' } });
    }
    const started = Date.now();
    const run = { caller: '', called: '', attributes: {}, path: [] };
    expect(await runFlow(lookupFlow('/slow', 300), silentCaller, run)).toMatchObject({ node: { queue: 'general' } });
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});

// Who may use the admin REST, what it says when a service is away, and how the OpenAPI document describes it: no
// token or a bad one is 401 and an agent's or supervisor's token 403 on every route (before the body is looked at);
// a service that does not answer is a 503 with Retry-After (a change is still audited, as failed); /docs/json
// lists every admin path with its tag, bearer security, schemas and problem answers. The shared API stack runs, but
// its API is pointed at routing and gateway NATS domains nobody serves. The embedded OpenID provider issues tokens.
import { uniqueName } from '@parley/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, type AdminCall, type Json } from '../support/admin-client.js';
import { SITE, startApiStack, type ApiStack } from '../support/api-stack.js';
import { auditRecords } from '../support/audit-records.js';
import { loginAt } from '../support/oidc-login.js';

const nobody = uniqueName('api-admin-access');
let stack: ApiStack;
let call: AdminCall;
const tokens: Record<'agent' | 'supervisor', string> = { agent: '', supervisor: '' };

beforeAll(async () => {
  stack = await startApiStack({
    queues: [],
    agents: [],
    apiEnvironment: {
      API_ROUTING_RPC_DOMAIN: `${nobody}-no-routing`,
      API_SIP_GATEWAY_RPC_DOMAIN: `${nobody}-no-gateway`,
    },
  });
  call = await adminClient(stack.api);
  tokens.agent = (await loginAt(stack.api.issuer, 'anna', 'anna-demo-pass')).access_token;
  tokens.supervisor = (await loginAt(stack.api.issuer, 'marek', 'marek-demo-pass')).access_token;
}, 60_000);

afterAll(() => stack?.stop());

describe('admin access', () => {
  const routes: [method: string, path: string, body?: unknown][] = [
    ['GET', '/queues'],
    ['GET', '/queues/support'],
    ['PUT', '/queues/support', { displayName: 'Support', channels: ['voice'] }],
    ['DELETE', '/queues/support'],
    ['GET', '/agents'],
    ['GET', '/agents/anna'],
    ['PUT', '/agents/anna', { displayName: 'Anna', siteId: SITE }],
    ['DELETE', '/agents/anna'],
    ['GET', '/flows'],
    ['GET', '/flows/welcome'],
    ['PUT', '/flows/welcome', { displayName: 'Welcome', document: {} }],
    ['GET', '/wrap-up-codes'],
    ['PUT', '/wrap-up-codes/sale', { displayName: 'Sale' }],
    ['GET', '/not-ready-reasons'],
    ['PUT', '/not-ready-reasons/lunch', { displayName: 'Lunch' }],
    ['GET', '/sites'],
  ];

  it('answers 401 without a token or with a bad one, and 403 to agents and supervisors, on every route', async () => {
    const recordedBefore = (await auditRecords(stack.nc, stack.audit)).length;
    for (const [method, path, body] of routes) {
      const anonymous = await call(method, path, body, null);
      expect([method, path, anonymous.status]).toEqual([method, path, 401]);
      expect(anonymous.contentType).toMatch(/^application\/problem\+json/);
      expect((await call(method, path, body, 'not.a.token')).status).toBe(401);
      for (const role of ['agent', 'supervisor'] as const) {
        const refused = await call(method, path, body, tokens[role]);
        expect([method, path, role, refused.status]).toEqual([method, path, role, 403]);
        expect(refused.body).toMatchObject({ title: 'Forbidden', detail: 'this needs the role admin' });
      }
    }
    // The role is checked before the body: no hints about bodies to those who may not send them.
    expect((await call('PUT', '/agents/anna', { nonsense: true }, tokens.supervisor)).status).toBe(403);
    // Nobody got through, so no change was asked of a service, and nothing was recorded.
    expect(await auditRecords(stack.nc, stack.audit)).toHaveLength(recordedBefore);
  });

  it('answers 503 with Retry-After when a service does not answer, and audits the change that failed', async () => {
    for (const path of ['/queues', '/flows', '/sites']) {
      const listed = await call('GET', path);
      expect([path, listed]).toMatchObject([
        path,
        { status: 503, retryAfter: '1', body: { status: 503, title: 'Service Unavailable' } },
      ]);
    }
    const stored = await call('PUT', '/queues/support', { displayName: 'Support', channels: ['voice'] });
    expect(stored.status).toBe(503);
    expect(await auditRecords(stack.nc, stack.audit)).toEqual([
      expect.objectContaining({
        action: 'queue.upsert',
        target: 'queue/support',
        outcome: 'failed',
        detail: stored.body.detail,
        actor: expect.objectContaining({ username: 'admin' }),
      }),
    ]);
  });

  it('describes every admin route in the OpenAPI document: tag, bearer security, schemas, problem answers', async () => {
    const document = (await (await fetch(`${stack.api.url}/docs/json`)).json()) as { paths: Record<string, Json> };
    const adminPaths = Object.keys(document.paths).filter((path) => path.startsWith('/api/v1/admin/'));
    expect(adminPaths.sort()).toEqual(
      [
        '/api/v1/admin/agents',
        '/api/v1/admin/agents/{agentId}',
        '/api/v1/admin/flows',
        '/api/v1/admin/flows/{flowId}',
        '/api/v1/admin/not-ready-reasons',
        '/api/v1/admin/not-ready-reasons/{reasonId}',
        '/api/v1/admin/queues',
        '/api/v1/admin/queues/{queueId}',
        '/api/v1/admin/sites',
        '/api/v1/admin/wrap-up-codes',
        '/api/v1/admin/wrap-up-codes/{code}',
      ].sort(),
    );
    for (const [method, path] of routes) {
      const operation = document.paths[openApiPathOf(path)]?.[method.toLowerCase()];
      expect(operation, `${method} ${openApiPathOf(path)}`).toBeDefined();
      expect(operation.tags).toEqual(['admin']);
      expect(operation.security).toEqual([{ bearer: [] }]);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403', '503']));
    }
    const putAgent = document.paths['/api/v1/admin/agents/{agentId}'].put;
    const body = putAgent.requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.capacities.items.properties.maxConcurrent).toMatchObject({ type: 'integer', minimum: 0 });
    expect(putAgent.responses['200'].content['application/json'].schema.properties.status).toBeDefined();
    expect(putAgent.responses['409'].content['application/json'].schema.properties.fields).toBeDefined();
  });
});

/** "/queues/support" → "/api/v1/admin/queues/{queueId}", as the OpenAPI document names paths. */
function openApiPathOf(path: string): string {
  const [, collection, id] = path.split('/');
  const parameters: Record<string, string> = {
    queues: 'queueId',
    agents: 'agentId',
    flows: 'flowId',
    'wrap-up-codes': 'code',
    'not-ready-reasons': 'reasonId',
  };
  return `/api/v1/admin/${collection}${id ? `/{${parameters[collection!]}}` : ''}`;
}

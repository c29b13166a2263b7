// Who may use the admin REST, what it says when a service is away, and how the OpenAPI document describes it: no
// token or a bad one is 401 and an agent's or supervisor's token 403 on every route (before the body is looked at);
// a service that does not answer is a 503 with Retry-After (a change is still audited, as failed); /docs/json
// lists every admin path with its tag, bearer security, schemas and problem answers. No service runs here: the
// clients point at NATS domains nobody serves. The embedded OpenID provider issues the tokens.
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { closeNats, connectNats, createLogger, createNatsRpcClient, type NatsConnection } from '@parley/kit';
import { testNatsUrl, uniqueName } from '@parley/kit/testing';
import { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRoutes } from '../../src/admin/admin-routes.js';
import { AuditLog, type AuditRecord, type AuditStreamConfig } from '../../src/audit/audit-log.js';
import { TokenVerifier } from '../../src/auth/token-verifier.js';
import { buildApp } from '../../src/http/app.js';
import { startLocalProvider, type LocalProvider } from '../../src/oidc/local-provider.js';
import { API_AUDIENCE, demoUsers } from '../../src/oidc/realm.js';
import { loginAt, TEST_REDIRECT_URI } from '../support/oidc-login.js';

const SITE = 'waw';
const run = uniqueName('api-admin-access');
const auditStream: AuditStreamConfig = {
  stream: `${run}_AUDIT`.toUpperCase(),
  subjectPrefix: `${run}.audit`,
  maxAgeMs: 60 * 60 * 1000,
};

let nc: NatsConnection;
let jsm: JetStreamManager;
let provider: LocalProvider;
let app: FastifyInstance;
let base: string;
const tokens: Record<'admin' | 'agent' | 'supervisor', string> = { admin: '', agent: '', supervisor: '' };

beforeAll(async () => {
  nc = await connectNats({
    servers: [testNatsUrl],
    name: 'api-admin-access-test',
    logger: createLogger({ service: 't', level: 'silent' }),
  });
  jsm = await jetstreamManager(nc);
  await AuditLog.ensureStream(jsm, auditStream);
  provider = await startLocalProvider({
    host: '127.0.0.1',
    port: 0,
    users: demoUsers,
    redirectUris: [TEST_REDIRECT_URI],
  });
  const verifier = new TokenVerifier({ issuer: provider.issuer, audience: API_AUDIENCE });
  app = await buildApp({
    verifier,
    routes: [
      adminRoutes({
        verifier,
        routing: createNatsRpcClient(nc, RoutingServiceService, { domain: `${run}-no-routing` }),
        sipGateway: createNatsRpcClient(nc, SipGatewayServiceService, { domain: `${run}-no-gateway` }),
        audit: new AuditLog(nc, auditStream, SITE),
      }),
    ],
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  tokens.admin = (await loginAt(provider.issuer, 'admin', 'admin-demo-pass')).access_token;
  tokens.agent = (await loginAt(provider.issuer, 'anna', 'anna-demo-pass')).access_token;
  tokens.supervisor = (await loginAt(provider.issuer, 'marek', 'marek-demo-pass')).access_token;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await provider?.close();
  await jsm?.streams.delete(auditStream.stream).catch(() => false);
  await closeNats(nc);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers are checked by expect(), not by types
type Json = any;

async function call(method: string, path: string, body?: unknown, token: string | null = tokens.admin) {
  const response = await fetch(`${base}/api/v1/admin${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    retryAfter: response.headers.get('retry-after'),
    body: (text ? JSON.parse(text) : undefined) as Json,
  };
}

async function auditRecords(): Promise<AuditRecord[]> {
  const { state } = await jsm.streams.info(auditStream.stream);
  const records: AuditRecord[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq += 1) {
    const stored = await jsm.streams.getMessage(auditStream.stream, { seq });
    if (stored) records.push(stored.json<AuditRecord>());
  }
  return records;
}

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
    const recordedBefore = (await auditRecords()).length;
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
    expect(await auditRecords()).toHaveLength(recordedBefore);
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
    expect(await auditRecords()).toEqual([
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
    const document = (await (await fetch(`${base}/docs/json`)).json()) as { paths: Record<string, Json> };
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

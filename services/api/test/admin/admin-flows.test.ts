// The admin REST over the SIP gateway's IVR flows, every part real: the gateway in-process without media
// (SIP_MEDIA=none, ports chosen by the OS, its own RPC domain and flows bucket), the embedded OpenID provider, the
// API app with the admin routes, and an audit stream of the test's own. Flows are stored as versions (optimistic
// concurrency, latest or a given version, listed without documents); a document the gateway finds wrong is a 400
// naming the bad place by its pointer in the body; each store is audited.
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { closeNats, connectNats, createLogger, createNatsRpcClient, type NatsConnection } from '@parley/kit';
import { createTestEventStreams, testNatsUrl, uniqueName, waitFor, type TestEventStreams } from '@parley/kit/testing';
import { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import type { FastifyInstance } from 'fastify';
import { loadSipGatewayConfig } from '@parley/sip-gateway/config';
import { startSipGatewayService } from '@parley/sip-gateway/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRoutes } from '../../src/admin/admin-routes.js';
import { AuditLog, type AuditRecord, type AuditStreamConfig } from '../../src/audit/audit-log.js';
import { TokenVerifier } from '../../src/auth/token-verifier.js';
import { buildApp } from '../../src/http/app.js';
import { startLocalProvider, type LocalProvider } from '../../src/oidc/local-provider.js';
import { API_AUDIENCE, demoUsers } from '../../src/oidc/realm.js';
import { loginAt, TEST_REDIRECT_URI } from '../support/oidc-login.js';

const SITE = 'waw';
const run = uniqueName('api-flows');
const gatewayDomain = `${run}-sip-gateway`;
const flowsBucket = `${run}_flows`;
const auditStream: AuditStreamConfig = {
  stream: `${run}_AUDIT`.toUpperCase(),
  subjectPrefix: `${run}.audit`,
  maxAgeMs: 60 * 60 * 1000,
};

let nc: NatsConnection;
let jsm: JetStreamManager;
let streams: TestEventStreams;
let gateway: { stop(): Promise<void> };
let provider: LocalProvider;
let app: FastifyInstance;
let base: string;
let adminToken: string;

beforeAll(async () => {
  nc = await connectNats({
    servers: [testNatsUrl],
    name: 'api-flows-test',
    logger: createLogger({ service: 't', level: 'silent' }),
  });
  jsm = await jetstreamManager(nc);
  streams = await createTestEventStreams(jsm);
  gateway = await startSipGatewayService({
    config: loadSipGatewayConfig({
      NATS_URL: testNatsUrl,
      LOG_LEVEL: 'silent',
      GRPC_HOST: '127.0.0.1',
      HTTP_HOST: '127.0.0.1',
      GRPC_PORT: '0',
      HTTP_PORT: '0',
      PARLEY_SITE: SITE,
      SIP_HOST: '127.0.0.1',
      SIP_PORT: '0',
      SIP_MEDIA: 'none',
      SIP_RPC_DOMAIN: gatewayDomain,
      SIP_ROUTING_RPC_DOMAIN: `${run}.p0`,
      SIP_FLOWS_BUCKET: flowsBucket,
    }),
    eventStreams: streams.config,
    handleSignals: false,
  });
  const sipGateway = createNatsRpcClient(nc, SipGatewayServiceService, { domain: gatewayDomain });
  await waitFor(
    () =>
      sipGateway.listFlows({}).then(
        () => true,
        () => undefined,
      ),
    { timeoutMs: 10_000, description: 'the gateway to answer over NATS' },
  );
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
        // Not called here (queues and agents have their own test file, with routing).
        routing: createNatsRpcClient(nc, RoutingServiceService, { domain: `${run}.p0` }),
        sipGateway,
        audit: new AuditLog(nc, auditStream, SITE),
      }),
    ],
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  adminToken = (await loginAt(provider.issuer, 'admin', 'admin-demo-pass')).access_token;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await provider?.close();
  await gateway?.stop();
  await jsm?.streams.delete(`KV_${flowsBucket}`).catch(() => false);
  await jsm?.streams.delete(auditStream.stream).catch(() => false);
  await streams?.remove();
  await closeNats(nc);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers are checked by expect(), not by types
type Json = any;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${base}/api/v1/admin${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
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

const goodbye = (prompt: string) => ({
  schemaVersion: 1,
  start: 'bye',
  nodes: { bye: { type: 'hangUp', prompt } },
});

describe('admin flows', () => {
  it('stores versions of a flow, reads the latest or a given one, lists them, and audits each store', async () => {
    const first = await call('PUT', '/flows/welcome', { displayName: 'Welcome', document: goodbye('goodbye') });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      id: 'welcome',
      displayName: 'Welcome',
      version: 1,
      document: goodbye('goodbye'),
      createdBy: { kind: 'admin', id: 'admin', displayName: 'admin' },
    });
    expect(Date.parse(first.body.createdAt)).toBeGreaterThan(Date.now() - 60_000);

    const second = await call('PUT', '/flows/welcome', {
      displayName: 'Welcome',
      document: goodbye('closed'),
      expectedVersion: 1,
    });
    expect(second.body).toMatchObject({ version: 2, document: goodbye('closed') });
    const stale = await call('PUT', '/flows/welcome', {
      displayName: 'Welcome',
      document: goodbye('late'),
      expectedVersion: 1,
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ status: 409, title: 'Conflict' });

    expect(await call('GET', '/flows/welcome')).toMatchObject({ status: 200, body: second.body });
    expect((await call('GET', '/flows/welcome?version=1')).body.document).toEqual(goodbye('goodbye'));
    expect((await call('GET', '/flows/welcome?version=9')).status).toBe(404);

    const listed = await call('GET', '/flows');
    expect(listed.status).toBe(200);
    expect(listed.body.nextPageToken).toBe('');
    const summary = listed.body.flows.find((flow: { id: string }) => flow.id === 'welcome');
    expect(summary).toMatchObject({ id: 'welcome', displayName: 'Welcome', version: 2 });
    expect(summary.document).toBeUndefined();

    const records = (await auditRecords()).filter((record) => record.target === 'flow/welcome');
    expect(records.map((record) => [record.action, record.outcome, record.detail])).toEqual([
      ['flow.upsert', 'ok', 'version 1'],
      ['flow.upsert', 'ok', 'version 2'],
      ['flow.upsert', 'failed', stale.body.detail],
    ]);
    expect(records[0]).toMatchObject({
      site: SITE,
      actor: { username: 'admin', roles: ['admin'] },
      from: { address: '127.0.0.1' },
    });
  });

  it('refuses a document the gateway finds wrong with a 400 naming each problem by its place in the body', async () => {
    const broken = {
      schemaVersion: 1,
      start: 'hello',
      nodes: { hello: { type: 'play', prompt: 'hello', next: 'menu' } },
    };
    const refused = await call('PUT', '/flows/broken', { displayName: 'Broken', document: broken });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ status: 400, type: 'https://parley.dev/problems/invalid-request' });
    expect(refused.body.fields).toEqual([{ field: '/body/document/nodes/hello/next', description: 'no node "menu"' }]);
    expect((await call('GET', '/flows/broken')).status).toBe(404);
    const records = (await auditRecords()).filter((record) => record.target === 'flow/broken');
    expect(records).toEqual([expect.objectContaining({ action: 'flow.upsert', outcome: 'failed' })]);
    expect(records[0]!.detail).toContain('no node "menu"');

    // And what the schema catches before the gateway is asked.
    const noDocument = await call('PUT', '/flows/broken', { displayName: 'Broken' });
    expect(noDocument.body.fields).toEqual([expect.objectContaining({ field: '/body/document' })]);
    const badId = await call('PUT', '/flows/no.dots', { displayName: 'Dots', document: goodbye('bye') });
    expect(badId.body.fields).toEqual([expect.objectContaining({ field: '/params/flowId' })]);
  });
});

// The admin REST over the SIP gateway's IVR flows, every part real (the shared API stack with its SIP gateway, no
// media: its own RPC domain and flows bucket, the embedded OpenID provider, an audit stream of the test's own). Flows
// are stored as versions (optimistic concurrency, latest or a given version, listed without documents); a document
// the gateway finds wrong is a 400 naming the bad place by its pointer in the body; each store is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, type AdminCall } from '../support/admin-client.js';
import { SITE, startApiStack, type ApiStack } from '../support/api-stack.js';
import { auditRecords } from '../support/audit-records.js';

let stack: ApiStack;
let call: AdminCall;

beforeAll(async () => {
  stack = await startApiStack({ queues: [], agents: [], sipGateway: true });
  call = await adminClient(stack.api);
}, 60_000);

afterAll(() => stack?.stop());

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

    const records = (await auditRecords(stack.nc, stack.audit)).filter((record) => record.target === 'flow/welcome');
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
    const records = (await auditRecords(stack.nc, stack.audit)).filter((record) => record.target === 'flow/broken');
    expect(records).toEqual([expect.objectContaining({ action: 'flow.upsert', outcome: 'failed' })]);
    expect(records[0]!.detail).toContain('no node "menu"');

    // And what the schema catches before the gateway is asked.
    const noDocument = await call('PUT', '/flows/broken', { displayName: 'Broken' });
    expect(noDocument.body.fields).toEqual([expect.objectContaining({ field: '/body/document' })]);
    const badId = await call('PUT', '/flows/no.dots', { displayName: 'Dots', document: goodbye('bye') });
    expect(badId.body.fields).toEqual([expect.objectContaining({ field: '/params/flowId' })]);
  });
});

// The supervisor's side, every part real (routing, NATS, the embedded OpenID provider, WebSockets): the site
// snapshot over REST and on the socket, forcing an agent's state (seen live by the supervisor and by the agent's own
// tab, and audited), the not-ready reasons to force with, and the site rule — a supervisor of another site, an
// agent, or an agent of another site is refused.
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { AgentState, NotReadyReason } from '@parley/protos/parley/common/v1/agent';
import { LoginAgentRequest } from '@parley/protos/parley/routing/v1/routing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, Queue, SITE, startApiStack, type ApiStack } from '../support/api-stack.js';
import { auditRecords } from '../support/audit-records.js';
import { openJsonSocket } from '../support/json-socket-client.js';
import { loginAt } from '../support/oidc-login.js';

let stack: ApiStack;
const token = async (username: string) =>
  (await loginAt(stack.api.issuer, username, `${username}-demo-pass`)).access_token;

beforeAll(async () => {
  const voice = [{ channel: Channel.CHANNEL_VOICE, maxConcurrent: 1 }];
  stack = await startApiStack({
    queues: [
      Queue.fromPartial({ id: 'support', displayName: 'Support', channels: [Channel.CHANNEL_VOICE], siteIds: [SITE] }),
    ],
    agents: [
      Agent.fromPartial({ id: 'anna', displayName: 'Anna', siteId: SITE, capacities: voice }),
      Agent.fromPartial({ id: 'piotr', displayName: 'Piotr', siteId: 'krk', capacities: voice }),
    ],
    users: [{ username: 'zofia', password: 'zofia-demo-pass', name: 'Zofia', roles: ['supervisor'], site: 'krk' }],
  });
  await stack.routingClient.upsertNotReadyReason({
    reason: NotReadyReason.fromPartial({ code: 'coaching', displayName: 'Coaching' }),
  });
  for (const agentId of ['anna', 'piotr'])
    await stack.routingClient.loginAgent(
      LoginAgentRequest.fromPartial({
        agentId,
        sessionId: `s-${agentId}`,
        initialState: AgentState.AGENT_STATE_AVAILABLE,
      }),
    );
}, 60_000);

afterAll(() => stack?.stop());

async function call(method: string, path: string, accessToken?: string, body?: unknown) {
  const response = await fetch(`${stack.api.url}${path}`, {
    method,
    headers: {
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the supervisor session', () => {
  it("serves the site's snapshot to its supervisors and admins only", async () => {
    const snapshot = await call('GET', '/api/v1/supervisor/snapshot', await token('marek'));
    expect(snapshot.status).toBe(200);
    expect(snapshot.body).toMatchObject({ site: SITE, queues: [{ queueId: 'support', name: 'Support', waiting: 0 }] });
    expect(snapshot.body.agents).toEqual([expect.objectContaining({ agentId: 'anna', state: 'AVAILABLE' })]);
    expect((await call('GET', '/api/v1/supervisor/snapshot', await token('admin'))).status).toBe(200);
    expect((await call('GET', '/api/v1/supervisor/snapshot')).status).toBe(401);
    expect((await call('GET', '/api/v1/supervisor/snapshot', await token('anna'))).status).toBe(403);
    expect((await call('GET', '/api/v1/supervisor/snapshot', await token('zofia'))).status).toBe(403);
  });

  it('lets supervisors and admins read the not-ready reasons they may force (the agent catalogue)', async () => {
    for (const username of ['marek', 'admin']) {
      const catalogue = await call('GET', '/api/v1/agent/catalogue', await token(username));
      expect(catalogue.status).toBe(200);
      expect(catalogue.body.notReadyReasons).toContainEqual({ code: 'coaching', name: 'Coaching' });
    }
  });

  it("forces an agent's state, seen live by the supervisor and the agent's tab, and audited", async () => {
    const marek = await token('marek');
    const dashboard = await openJsonSocket(stack.wsUrl('/api/v1/supervisor/socket'));
    dashboard.send({ type: 'auth', token: marek });
    expect(await dashboard.next('ready')).toMatchObject({ username: 'marek', site: SITE });
    expect(await dashboard.next('snapshot')).toMatchObject({ agents: [{ agentId: 'anna' }] });
    const tab = await openJsonSocket(stack.wsUrl('/api/v1/agent/socket'));
    tab.send({ type: 'auth', token: await token('anna') });
    await tab.next('ready');

    const forced = await call('PUT', '/api/v1/supervisor/agents/anna/state', marek, {
      state: 'NOT_READY',
      reasonId: 'coaching',
    });
    expect(forced).toMatchObject({ status: 200, body: { agentId: 'anna', state: 'NOT_READY' } });
    expect(await dashboard.next('agent_state', 0, (m) => m.state === 'NOT_READY')).toMatchObject({ agentId: 'anna' });
    expect(await tab.next('state', 0, (m) => m.state === 'NOT_READY')).toMatchObject({ reason: 'coaching' });

    // The same over the socket, back to available.
    dashboard.send({ type: 'force_state', agentId: 'anna', state: 'AVAILABLE' });
    expect(await dashboard.next('state_forced')).toMatchObject({ agentId: 'anna', state: 'AVAILABLE' });
    await tab.next('state', 0, (m) => m.state === 'AVAILABLE');

    // Another site's agent: refused on both ways in, and recorded as refused.
    const foreign = await call('PUT', '/api/v1/supervisor/agents/piotr/state', marek, { state: 'NOT_READY' });
    expect(foreign.status).toBe(403);
    dashboard.send({ type: 'force_state', agentId: 'piotr', state: 'NOT_READY' });
    expect(await dashboard.next('error')).toMatchObject({ code: 'PARLEY_API_NOT_YOUR_SITE' });
    const badBody = await call('PUT', '/api/v1/supervisor/agents/anna/state', marek, { state: 'ASLEEP' });
    expect(badBody).toMatchObject({ status: 400, body: { fields: [{ field: '/body/state' }] } });

    const records = await auditRecords(stack.nc, stack.audit);
    const forcedRecords = records.filter((record) => record.action === 'agent.force_state');
    expect(forcedRecords.map((record) => [record.target, record.outcome])).toEqual([
      ['agent/anna', 'ok'],
      ['agent/anna', 'ok'],
      ['agent/piotr', 'failed'],
      ['agent/piotr', 'failed'],
    ]);
    expect(forcedRecords[0]).toMatchObject({
      actor: { username: 'marek', roles: ['supervisor'], site: SITE },
      from: { address: '127.0.0.1' },
      detail: 'NOT_READY',
    });
    dashboard.socket.close();
    tab.socket.close();
  });

  it('closes the socket of an agent (4403) or a supervisor of another site (4403)', async () => {
    for (const username of ['anna', 'zofia']) {
      const socket = await openJsonSocket(stack.wsUrl('/api/v1/supervisor/socket'));
      socket.send({ type: 'auth', token: await token(username) });
      expect((await socket.closed).code).toBe(4403);
    }
  });
});

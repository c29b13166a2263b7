// Agent sessions across API replicas (two API services, one routing, one NATS): an agent with a tab on each replica
// stays logged in when one tab goes, and is logged out once the last one has been gone past the grace. A tab that
// reconnects to the other replica is told of the gap and given routing's picture of the agent to start from.
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { waitFor } from '@parley/kit/testing';
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, Queue, SITE, startApiStack, type ApiStack } from '../support/api-stack.js';
import { openJsonSocket } from '../support/json-socket-client.js';
import { loginAt } from '../support/oidc-login.js';

const GRACE_MS = 1_000;
let stack: ApiStack;
let second: Awaited<ReturnType<ApiStack['startReplica']>>;

beforeAll(async () => {
  stack = await startApiStack({
    queues: [Queue.fromPartial({ id: 'support', channels: [Channel.CHANNEL_VOICE] })],
    agents: [
      Agent.fromPartial({
        id: 'anna',
        displayName: 'Anna',
        siteId: SITE,
        capacities: [{ channel: Channel.CHANNEL_VOICE, maxConcurrent: 1 }],
      }),
    ],
    apiEnvironment: { API_AGENT_GRACE_MS: String(GRACE_MS) },
  });
  second = await stack.startReplica({ API_OIDC_ISSUER: stack.api.issuer });
}, 60_000);

afterAll(async () => {
  await second?.stop();
  await stack?.stop();
});

const stateOf = async () => (await stack.routingClient.getAgent({ agentId: 'anna' })).agent?.status?.state;

describe('agent sessions across replicas', () => {
  it('keeps the agent logged in while a tab is open on any replica, and logs out after the last', async () => {
    const token = (await loginAt(stack.api.issuer, 'anna', 'anna-demo-pass')).access_token;
    const tab = async (url: string) => {
      const socket = await openJsonSocket(`${url.replace(/^http/, 'ws')}/api/v1/agent/socket`);
      socket.send({ type: 'auth', token });
      return { socket, ready: await socket.next('ready') };
    };
    const onFirst = await tab(stack.api.url);
    onFirst.socket.send({ type: 'login' });
    await onFirst.socket.next('logged_in');
    const onSecond = await tab(second.url);
    // The second replica's tab starts from routing's picture of the agent.
    expect(onSecond.ready).toMatchObject({ status: { state: 'AVAILABLE', interactionIds: [] } });

    onFirst.socket.socket.close();
    await onFirst.socket.closed;
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 1_000));
    expect(await stateOf()).toBe(AgentState.AGENT_STATE_AVAILABLE);

    // A tab resuming on the replica that never had its session is told of the gap.
    const resumed = await openJsonSocket(`${second.url.replace(/^http/, 'ws')}/api/v1/agent/socket`);
    resumed.send({ type: 'auth', token, resumeFrom: 7 });
    expect(await resumed.next('ready')).toMatchObject({ gap: true, status: { state: 'AVAILABLE' } });
    resumed.socket.close();
    onSecond.socket.socket.close();
    await waitFor(async () => ((await stateOf()) === AgentState.AGENT_STATE_OFFLINE ? true : undefined), {
      timeoutMs: GRACE_MS + 5_000,
      description: 'the agent to be logged out after the last tab',
    });
  });
});

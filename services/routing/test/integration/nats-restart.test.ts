// NATS crashes and comes back after the lease has expired: the routing replica steps down, re-acquires the lease,
// rebuilds its state from the operation log and carries on — waiting interactions are still waiting, in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeNats, connectNats, createLogger, createNatsRpcClient, type NatsConnection } from '@parley/kit';
import { retryWhileUnavailable, startPrivateNatsServer, waitFor, type PrivateNatsServer } from '@parley/kit/testing';
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import {
  EnqueueInteractionRequest,
  GetQueueSnapshotRequest,
  LoginAgentRequest,
  RoutingServiceService,
  UpsertAgentRequest,
  UpsertQueueRequest,
} from '@parley/protos/parley/routing/v1/routing';
import { loadRoutingConfig } from '../../src/config.js';
import { startRoutingReplica } from '../../src/routing-replica.js';

const logger = createLogger({ service: 'routing-nats-restart-test', level: 'silent' });
let nats: PrivateNatsServer;
let nc: NatsConnection;
let replica: Awaited<ReturnType<typeof startRoutingReplica>>;

beforeAll(async () => {
  nats = await startPrivateNatsServer();
  const config = loadRoutingConfig({
    NATS_URL: nats.url,
    GRPC_PORT: '0',
    HTTP_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    PARLEY_SITE: 'waw',
  });
  replica = await startRoutingReplica({ config, handleSignals: false });
  nc = await connectNats({ servers: [nats.url], name: 'routing-nats-restart-test', logger });
  await waitFor(() => replica.isOwner(), { timeoutMs: 10_000, description: 'ownership' });
}, 30_000);

afterAll(async () => {
  await replica?.stop();
  await closeNats(nc).catch(() => undefined);
  await nats?.dispose();
});

describe('routing across a NATS restart', () => {
  it('keeps its waiting interactions and offers them once agents log in', async () => {
    const client = createNatsRpcClient(nc, RoutingServiceService, { domain: 'routing.p0', defaultTimeoutMs: 1_000 });
    await retryWhileUnavailable(() =>
      client.upsertQueue(
        UpsertQueueRequest.fromPartial({ queue: { id: 'q', displayName: 'Q', channels: [Channel.CHANNEL_CHAT] } }),
      ),
    );
    await retryWhileUnavailable(() =>
      client.upsertAgent(
        UpsertAgentRequest.fromPartial({
          agent: {
            id: 'a',
            displayName: 'A',
            siteId: 'waw',
            capacities: [{ channel: Channel.CHANNEL_CHAT, maxConcurrent: 3 }],
          },
        }),
      ),
    );
    for (const id of ['first', 'second', 'third']) {
      await retryWhileUnavailable(() =>
        client.enqueueInteraction(
          EnqueueInteractionRequest.fromPartial({
            interaction: { id, channel: Channel.CHANNEL_CHAT, siteId: 'waw', queueId: 'q' },
          }),
        ),
      );
    }

    await nats.kill();
    await waitFor(() => !replica.isOwner(), { timeoutMs: 10_000, description: 'the replica to step down' });
    await nats.restart();
    await waitFor(() => replica.isOwner(), { timeoutMs: 20_000, description: 'the replica to own the state again' });

    const snapshot = await retryWhileUnavailable(() =>
      client.getQueueSnapshot(GetQueueSnapshotRequest.fromPartial({ queueId: 'q' })),
    );
    expect(JSON.stringify(snapshot)).toContain('first');
    expect(JSON.stringify(snapshot)).toContain('third');
    await retryWhileUnavailable(() =>
      client.loginAgent(
        LoginAgentRequest.fromPartial({ agentId: 'a', sessionId: 's', initialState: AgentState.AGENT_STATE_AVAILABLE }),
      ),
    );
    // The agent takes three chats at once: every one of them is offered now, none is waiting.
    const after = await retryWhileUnavailable(() =>
      client.getQueueSnapshot(GetQueueSnapshotRequest.fromPartial({ queueId: 'q' })),
    );
    expect(after.waiting).toEqual([]);
  }, 60_000);
});

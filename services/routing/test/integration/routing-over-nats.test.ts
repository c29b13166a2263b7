// The routing service as callers see it: its contract over NATS, its events on JetStream.
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeNats,
  connectNats,
  createLogger,
  createNatsRpcClient,
  type NatsConnection,
  type RpcClient,
} from '@parley/kit';
import { createTestEventStreams, testNatsUrl, uniqueName, waitFor, type TestEventStreams } from '@parley/kit/testing';
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import {
  EnqueueInteractionRequest,
  LoginAgentRequest,
  RoutingServiceService,
  UpsertAgentRequest,
  UpsertQueueRequest,
} from '@parley/protos/parley/routing/v1/routing';
import { loadRoutingConfig } from '../../src/config.js';
import { startRoutingReplica } from '../../src/routing-replica.js';
import { namespacedRoutingResources, removeRoutingResources } from '../../src/routing-resources.js';

const logger = createLogger({ service: 'routing-test', level: 'silent' });
const domain = uniqueName('routing');
const resources = namespacedRoutingResources(domain);
let nc: NatsConnection;
let streams: TestEventStreams;
let service: Awaited<ReturnType<typeof startRoutingReplica>>;
let client: RpcClient<typeof RoutingServiceService>;
const events: Envelope[] = [];

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'routing-test', logger });
  streams = await createTestEventStreams(await jetstreamManager(nc));
  const config = loadRoutingConfig({
    NATS_URL: testNatsUrl,
    GRPC_PORT: '0',
    HTTP_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    PARLEY_SITE: 'waw',
  });
  service = await startRoutingReplica({
    config,
    eventStreams: streams.config,
    handleSignals: false,
    resources,
  });
  await waitFor(() => service.isOwner(), { timeoutMs: 10_000, description: 'the replica to own the routing state' });
  client = createNatsRpcClient(nc, RoutingServiceService, { domain: `${domain}.p0` });
  const consumer = await jetstream(nc).consumers.get(streams.config.stream);
  void (async () => {
    for await (const message of (await consumer.consume()) as AsyncIterable<JsMsg>) {
      events.push(Envelope.decode(message.data));
      message.ack();
    }
  })();
});

afterAll(async () => {
  await service?.stop();
  await removeRoutingResources(nc, resources, 'waw', ['p0']);
  await streams?.remove();
  await closeNats(nc);
});

describe('routing service over NATS', () => {
  it('offers an enqueued chat to the logged-in agent and publishes the story as events', async () => {
    await client.upsertQueue(
      UpsertQueueRequest.fromPartial({
        queue: {
          id: 'support',
          displayName: 'Support',
          channels: [Channel.CHANNEL_CHAT],
          skillsExpression: 'skill.support >= 3',
        },
      }),
    );
    await client.upsertAgent(
      UpsertAgentRequest.fromPartial({
        agent: {
          id: 'ania',
          displayName: 'Ania',
          siteId: 'waw',
          skills: [{ name: 'support', level: 5 }],
          capacities: [{ channel: Channel.CHANNEL_CHAT, maxConcurrent: 2 }],
        },
      }),
    );
    await client.loginAgent(
      LoginAgentRequest.fromPartial({
        agentId: 'ania',
        sessionId: 's1',
        initialState: AgentState.AGENT_STATE_AVAILABLE,
      }),
    );
    await client.enqueueInteraction(
      EnqueueInteractionRequest.fromPartial({
        interaction: {
          id: 'chat-1',
          channel: Channel.CHANNEL_CHAT,
          siteId: 'waw',
          queueId: 'support',
          priority: 1,
          customer: { displayName: 'Jan Kowalski', email: 'jan@example.com' },
          attributes: { topic: 'refund' },
        },
      }),
    );

    const offer = await waitFor(() => events.find((e) => e.type === 'offer.created' && e.interactionId === 'chat-1'), {
      description: 'the offer event',
    });
    expect(offer.agentId).toBe('ania');
    // The desk rings with who it is and what they said, before any other look-up.
    expect(offer.offerCreated?.interaction).toMatchObject({
      customer: { displayName: 'Jan Kowalski', email: 'jan@example.com' },
      attributes: { topic: 'refund' },
    });
    await client.acceptOffer({ offerId: offer.offerId, agentId: 'ania' });
    await waitFor(() => events.some((e) => e.type === 'interaction.connected' && e.interactionId === 'chat-1'), {
      description: 'connected',
    });
    const story = events.filter((e) => e.interactionId === 'chat-1').map((e) => e.type);
    expect(story).toEqual(['interaction.queued', 'offer.created', 'offer.accepted', 'interaction.connected']);
  });
});

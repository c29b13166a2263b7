// Decision hooks on the real NATS: a queue names a hook subject, the routing owner asks it which candidate gets each
// interaction, and a slow, failing, silent or garbled hook leaves the choice to the built-in strategy in time.
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, type Msg } from '@nats-io/transport-node';
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
import { DecidedBy, DecisionFallbackReason } from '@parley/protos/parley/events/v1/routing_events';
import { DecisionHookReply, DecisionHookRequest } from '@parley/protos/parley/routing/v1/decision_hook';
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

const logger = createLogger({ service: 'decision-hooks-test', level: 'silent' });
const run = uniqueName('hooks');
const resources = namespacedRoutingResources(run);
let nc: NatsConnection;
let streams: TestEventStreams;
let service: Awaited<ReturnType<typeof startRoutingReplica>>;
let client: RpcClient<typeof RoutingServiceService>;
const events: Envelope[] = [];

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'decision-hooks-test', logger });
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
  service = await startRoutingReplica({ config, eventStreams: streams.config, handleSignals: false, resources });
  await waitFor(() => service.isOwner(), { timeoutMs: 10_000, description: 'the replica to own the routing state' });
  client = createNatsRpcClient(nc, RoutingServiceService, { domain: `${run}.p0` });
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

/** Answers every request on the subject with `reply` (after `delayMs`); returns the requests seen. */
function hook(subject: string, reply: (request: DecisionHookRequest, msg: Msg) => void, delayMs = 0) {
  const seen: DecisionHookRequest[] = [];
  nc.subscribe(subject, {
    callback: (error, msg) => {
      if (error) return;
      const request = DecisionHookRequest.decode(msg.data);
      seen.push(request);
      setTimeout(() => reply(request, msg), delayMs);
    },
  });
  return seen;
}

const reversed = (request: DecisionHookRequest, msg: Msg) =>
  msg.respond(DecisionHookReply.encode({ agentIds: request.candidates.map((c) => c.agentId).reverse() }).finish());

/**
 * A queue of its own (one team) with a hook on `subject`, and three agents logged in one after the other, so the
 * built-in strategy (longest idle, ties by id) orders them 1, 2, 3. Returns the agent ids in that order.
 */
async function queueWithThreeAgents(name: string, subject: string, timeoutMs = 0): Promise<string[]> {
  await client.upsertQueue(
    UpsertQueueRequest.fromPartial({
      queue: {
        id: name,
        displayName: name,
        channels: [Channel.CHANNEL_CHAT],
        teamIds: [name],
        decisionHookSubject: subject,
        decisionHookTimeoutMs: timeoutMs,
      },
    }),
  );
  const agentIds = [1, 2, 3].map((n) => `${name}-agent-${n}`);
  for (const id of agentIds) {
    await client.upsertAgent(
      UpsertAgentRequest.fromPartial({
        agent: {
          id,
          displayName: id,
          siteId: 'waw',
          teamIds: [name],
          capacities: [{ channel: Channel.CHANNEL_CHAT, maxConcurrent: 1 }],
        },
      }),
    );
    await client.loginAgent(
      LoginAgentRequest.fromPartial({
        agentId: id,
        sessionId: `s-${id}`,
        initialState: AgentState.AGENT_STATE_AVAILABLE,
      }),
    );
  }
  return agentIds;
}

async function enqueueChat(queueId: string, interactionId: string): Promise<number> {
  const started = Date.now();
  await client.enqueueInteraction(
    EnqueueInteractionRequest.fromPartial({
      interaction: { id: interactionId, channel: Channel.CHANNEL_CHAT, siteId: 'waw', queueId, priority: 1 },
    }),
  );
  return started;
}

async function outcomeOf(interactionId: string) {
  const offer = await waitFor(
    () => events.find((e) => e.type === 'offer.created' && e.interactionId === interactionId),
    {
      description: `the offer of ${interactionId}`,
    },
  );
  const decided = await waitFor(
    () => events.find((e) => e.type === 'routing.decided' && e.interactionId === interactionId),
    { description: `routing.decided for ${interactionId}` },
  );
  const queued = events.find((e) => e.type === 'interaction.queued' && e.interactionId === interactionId);
  return {
    agentId: offer.agentId,
    decided: decided.routingDecided,
    /** Engine time from enqueue to the offer. */
    decisionMs: (offer.occurredAt?.getTime() ?? 0) - (queued?.occurredAt?.getTime() ?? 0),
  };
}

describe('decision hooks over NATS', () => {
  it('offers to the hook’s choice: a hook that reverses the candidates gets the built-in last choice', async () => {
    const subject = `${run}.hook.reverse`;
    const seen = hook(subject, reversed);
    const agents = await queueWithThreeAgents('reverse', subject);

    await enqueueChat('reverse', 'reverse-1');
    const outcome = await outcomeOf('reverse-1');

    expect(outcome.agentId).toBe(agents[2]);
    expect(outcome.decided).toMatchObject({
      decidedBy: DecidedBy.DECIDED_BY_HOOK,
      hookSubject: subject,
      candidateAgentIds: agents,
      hookAgentIds: [...agents].reverse(),
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ interactionId: 'reverse-1', queueId: 'reverse', channel: Channel.CHANNEL_CHAT });
    expect(seen[0]?.candidates.map((c) => c.agentId)).toEqual(agents);
    expect(seen[0]?.timeoutMs).toBe(200);
  });

  it('lets the built-in strategy decide in time when the hook is slow, ignoring its late answer', async () => {
    const subject = `${run}.hook.slow`;
    const deadlineMs = 150;
    const hookAnswersAfterMs = 1_500;
    hook(subject, reversed, hookAnswersAfterMs);
    const agents = await queueWithThreeAgents('slow', subject, deadlineMs);

    await enqueueChat('slow', 'slow-1');
    const outcome = await outcomeOf('slow-1');

    expect(outcome.agentId).toBe(agents[0]);
    expect(outcome.decided).toMatchObject({
      decidedBy: DecidedBy.DECIDED_BY_FALLBACK,
      fallbackReason: DecisionFallbackReason.DECISION_FALLBACK_REASON_TIMEOUT,
    });
    expect(outcome.decisionMs).toBeGreaterThanOrEqual(deadlineMs);
    // Decided well before the hook's answer (with room for a loaded test machine).
    expect(outcome.decisionMs).toBeLessThan(hookAnswersAfterMs - 300);
    // The hook's late answer changes nothing.
    await new Promise((resolve) => setTimeout(resolve, hookAnswersAfterMs + 100));
    expect(events.filter((e) => e.type === 'offer.created' && e.interactionId === 'slow-1')).toHaveLength(1);
  });

  it('lets the built-in strategy decide when the hook replies with an error', async () => {
    const subject = `${run}.hook.error`;
    hook(subject, (_request, msg) => {
      const headers = natsHeaders();
      headers.set('Nats-Service-Error-Code', '500');
      headers.set('Nats-Service-Error', 'database down');
      msg.respond(new Uint8Array(), { headers });
    });
    const agents = await queueWithThreeAgents('failing', subject);

    await enqueueChat('failing', 'failing-1');
    const outcome = await outcomeOf('failing-1');

    expect(outcome.agentId).toBe(agents[0]);
    expect(outcome.decided?.fallbackReason).toBe(DecisionFallbackReason.DECISION_FALLBACK_REASON_ERROR_REPLY);
  });

  it('lets the built-in strategy decide when the reply is not a DecisionHookReply', async () => {
    const subject = `${run}.hook.garbled`;
    hook(subject, (request, msg) => msg.respond(JSON.stringify({ agentIds: [request.candidates[2]?.agentId] })));
    const agents = await queueWithThreeAgents('garbled', subject);

    await enqueueChat('garbled', 'garbled-1');
    const outcome = await outcomeOf('garbled-1');

    expect(outcome.agentId).toBe(agents[0]);
    expect(outcome.decided?.fallbackReason).toBe(DecisionFallbackReason.DECISION_FALLBACK_REASON_MALFORMED_REPLY);
  });

  it('lets the built-in strategy decide at once when nobody listens on the hook subject', async () => {
    const agents = await queueWithThreeAgents('unheard', `${run}.hook.nobody`);

    await enqueueChat('unheard', 'unheard-1');
    const outcome = await outcomeOf('unheard-1');

    expect(outcome.agentId).toBe(agents[0]);
    expect(outcome.decided?.fallbackReason).toBe(DecisionFallbackReason.DECISION_FALLBACK_REASON_NO_RESPONDERS);
    expect(outcome.decisionMs).toBeLessThan(200);
  });
});

// The voice path end to end, every part real: a sipp caller with RTP (Debian's pcaps) dials a DID, presses 1 in the
// IVR menu, is queued in routing and hears music from media, the test agent accepts routing's offer and asks the
// gateway to connect its RTP leg; audio flows both ways; the caller hangs up and routing ends the interaction.
// A second caller hangs up while queued: routing reports the abandon with its wait. Others are transferred blind from
// one agent to another queue's agent, and take the queue's offer of a callback (keeping their place in line).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { closeNats, connectNats, createLogger, createNatsRpcClient, type NatsConnection } from '@parley/kit';
import { createTestEventStreams, testNatsUrl, uniqueName, waitFor, type TestEventStreams } from '@parley/kit/testing';
import type { startMediaService } from '@parley/media/service';
import { RtpPeer } from '@parley/media/testing';
import { ActorKind } from '@parley/protos/parley/common/v1/actor';
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { AbandonPoint, TransferMode } from '@parley/protos/parley/common/v1/interaction';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { PromptEndReason } from '@parley/protos/parley/events/v1/media_events';
import { AudioCodec, CreateRtpEndpointRequest, MediaServiceService } from '@parley/protos/parley/media/v1/media';
import {
  ListQueuesRequest,
  LoginAgentRequest,
  RoutingServiceService,
  UpsertAgentRequest,
  UpsertQueueRequest,
} from '@parley/protos/parley/routing/v1/routing';
import {
  CallState,
  ListActiveCallsRequest,
  SipGatewayServiceService,
} from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { loadRoutingConfig } from '@parley/routing/config';
import { startRoutingReplica } from '@parley/routing/replica';
import { namespacedRoutingResources, removeRoutingResources } from '@parley/routing/resources';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSipGatewayConfig } from '../../src/config.js';
import { startSipGatewayService } from '../../src/sip-gateway-service.js';
import { removeFlowsBucket, testFlowsBucket } from '../support/flows-bucket.js';
import { serviceEnvironment, startTestMedia } from '../support/services.js';
import { runSipp } from '../support/sipp.js';

const scenarios = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/sipp');
const FLOWS_BUCKET = testFlowsBucket();
const logger = createLogger({ service: 'call-to-agent-test', level: 'silent' });
const SITE = 'gda';
const DID = '+48581234567';
/** Straight into a queue that offers callbacks after 2 s. */
const CALLBACK_DID = '+48581234568';
const run = uniqueName('voice');
const routingResources = namespacedRoutingResources(run);
const domains = { media: `${run}-media`, gateway: `${run}-gateway`, routing: `${run}.p0` };

let nc: NatsConnection;
let streams: TestEventStreams;
let routing: Awaited<ReturnType<typeof startRoutingReplica>>;
let media: Awaited<ReturnType<typeof startMediaService>>;
let gateway: Awaited<ReturnType<typeof startSipGatewayService>>;
const events: Envelope[] = [];

const environment = serviceEnvironment(SITE);

const flow = {
  schemaVersion: 1,
  start: 'menu',
  nodes: {
    menu: {
      type: 'menu',
      prompt: 'main-menu',
      options: { '1': 'sales' },
      timeoutMs: 10_000,
      retries: 0,
      fallback: 'bye',
    },
    sales: { type: 'setAttributes', set: { intent: 'sales' }, next: 'queue' },
    queue: { type: 'enqueue', queue: 'sales', priority: 1, announceEverySeconds: 0 },
    bye: { type: 'hangUp' },
  },
};

const callbackFlow = {
  schemaVersion: 1,
  start: 'queue',
  nodes: {
    queue: { type: 'enqueue', queue: 'callbacks', announceEverySeconds: 0, offerCallbackAfterSeconds: 2 },
  },
};

const routingClient = () => createNatsRpcClient(nc, RoutingServiceService, { domain: domains.routing });
const gatewayRpc = () => createNatsRpcClient(nc, SipGatewayServiceService, { domain: domains.gateway });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const offersSeen = (agentId: string) =>
  events.filter((event) => event.type === 'offer.created' && event.agentId === agentId).length;

/**
 * What an agent's desk does with its next offer: accept it at routing, open the agent phone's leg at media (towards
 * `phonePort` when the test listens to it), and ask the gateway to connect it to the call.
 */
async function agentAnswersNextOffer(offersBefore: number, phonePort?: number, agentId = 'ola') {
  const offer = await waitFor(
    () => events.filter((event) => event.type === 'offer.created' && event.agentId === agentId)[offersBefore],
    { timeoutMs: 20_000, description: `an offer to ${agentId}` },
  );
  await routingClient().acceptOffer({ offerId: offer.offerId, agentId });
  const { endpoint } = await createNatsRpcClient(nc, MediaServiceService, { domain: domains.media }).createRtpEndpoint(
    CreateRtpEndpointRequest.fromPartial({
      endpointId: `agent-leg-${offer.offerId}`,
      interactionId: offer.interactionId,
      offeredCodecs: [{ codec: AudioCodec.AUDIO_CODEC_PCMA, payloadType: 8 }],
      ...(phonePort ? { remoteAddress: '127.0.0.1', remotePort: phonePort } : {}),
    }),
  );
  const callId = events.find(
    (event) => event.type === 'interaction.created' && event.interactionId === offer.interactionId,
  )!.callId;
  const connected = await gatewayRpc().connectAgent({
    callId,
    agentId,
    agentLeg: { rtpEndpointId: endpoint!.id },
  });
  return { offer, callId, endpoint: endpoint!, connected };
}

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'call-to-agent-test', logger });
  streams = await createTestEventStreams(await jetstreamManager(nc));
  routing = await startRoutingReplica({
    config: loadRoutingConfig(environment),
    eventStreams: streams.config,
    handleSignals: false,
    resources: routingResources,
  });
  await waitFor(() => routing.isOwner(), { timeoutMs: 10_000, description: 'routing to own its state' });
  // Owning comes a moment before its NATS subscription reaches the server: wait until routing answers.
  await waitFor(
    () =>
      routingClient()
        .listQueues(ListQueuesRequest.fromPartial({}))
        .then(
          () => true,
          () => undefined,
        ),
    {
      timeoutMs: 10_000,
      description: 'routing to answer over NATS',
    },
  );
  media = await startTestMedia({ site: SITE, domain: domains.media, rtpPorts: 46000, streams });
  gateway = await startSipGatewayService({
    config: loadSipGatewayConfig({
      ...environment,
      SIP_HOST: '127.0.0.1',
      SIP_PORT: '0',
      SIP_RPC_DOMAIN: domains.gateway,
      SIP_FLOWS_BUCKET: FLOWS_BUCKET,
      SIP_MEDIA_RPC_DOMAIN: domains.media,
      SIP_ROUTING_RPC_DOMAIN: domains.routing,
      SIP_TRUNKS: JSON.stringify([
        {
          id: 'pstn',
          name: 'PSTN',
          sources: ['127.0.0.0/8'],
          maxCalls: 10,
          dids: { [DID]: 'sales', [CALLBACK_DID]: 'callback' },
        },
      ]),
      SIP_FLOWS: JSON.stringify({ sales: flow, callback: callbackFlow }),
    }),
    eventStreams: streams.config,
    handleSignals: false,
  });
  const consumer = await jetstream(nc).consumers.get(streams.config.stream);
  void (async () => {
    for await (const message of (await consumer.consume()) as AsyncIterable<JsMsg>) {
      events.push(Envelope.decode(message.data));
      message.ack();
    }
  })();
  await routingClient().upsertQueue(
    UpsertQueueRequest.fromPartial({
      queue: {
        id: 'sales',
        displayName: 'Sales',
        channels: [Channel.CHANNEL_VOICE],
        skillsExpression: 'skill.sales >= 1',
      },
    }),
  );
  await routingClient().upsertQueue(
    UpsertQueueRequest.fromPartial({
      queue: {
        id: 'support',
        displayName: 'Support',
        channels: [Channel.CHANNEL_VOICE],
        skillsExpression: 'skill.support >= 1',
      },
    }),
  );
  // Nobody answers this queue: its callers wait until they take the callback.
  await routingClient().upsertQueue(
    UpsertQueueRequest.fromPartial({
      queue: {
        id: 'callbacks',
        displayName: 'Callbacks',
        channels: [Channel.CHANNEL_VOICE, Channel.CHANNEL_CALLBACK],
        skillsExpression: 'skill.callbacks >= 1',
      },
    }),
  );
  await routingClient().upsertAgent(
    UpsertAgentRequest.fromPartial({
      agent: {
        id: 'piotr',
        displayName: 'Piotr',
        siteId: SITE,
        skills: [{ name: 'support', level: 2 }],
        capacities: [{ channel: Channel.CHANNEL_VOICE, maxConcurrent: 1 }],
      },
    }),
  );
  await routingClient().upsertAgent(
    UpsertAgentRequest.fromPartial({
      agent: {
        id: 'ola',
        displayName: 'Ola',
        siteId: SITE,
        skills: [{ name: 'sales', level: 3 }],
        capacities: [{ channel: Channel.CHANNEL_VOICE, maxConcurrent: 1 }],
      },
    }),
  );
}, 60_000);

afterAll(async () => {
  await removeFlowsBucket(nc, FLOWS_BUCKET);
  await gateway?.stop();
  await media?.stop();
  await routing?.stop();
  await removeRoutingResources(nc, routingResources, SITE, ['p0']);
  await streams?.remove();
  await closeNats(nc);
});

const story = (interactionId: string) =>
  events.filter((event) => event.interactionId === interactionId).map((event) => event.type);

describe('a phone call from the trunk to an agent', () => {
  it('reports a caller who hangs up in the queue as abandoned there, with the wait', async () => {
    // No agent is logged in yet: the call waits until the caller gives up.
    const result = await runSipp(
      [
        '-sf',
        path.join(scenarios, 'caller-abandons-queue.xml'),
        '-s',
        DID,
        `127.0.0.1:${gateway.endpoint.port}`,
        '-m',
        '1',
      ],
      30_000,
    );
    expect(result.exitCode, result.output).toBe(0);
    const abandoned = await waitFor(() => events.find((event) => event.type === 'interaction.abandoned'), {
      timeoutMs: 5_000,
      description: 'routing to report the abandon',
    });
    expect(abandoned.interactionAbandoned?.point).toBe(AbandonPoint.ABANDON_POINT_QUEUE);
    expect(Number(abandoned.interactionAbandoned?.waitMs)).toBeGreaterThan(1_000);
    const types = story(abandoned.interactionId);
    expect(types.indexOf('interaction.queued')).toBeGreaterThan(types.indexOf('interaction.created'));
    expect(types.indexOf('interaction.abandoned')).toBeGreaterThan(types.indexOf('interaction.queued'));
    // The queue music stopped with the caller.
    await waitFor(() => media.engine.graph.endpoints.size === 0 || undefined);
  }, 40_000);

  it('queues the caller with music, connects the accepting agent, carries audio both ways, and ends at routing', async () => {
    await routingClient().loginAgent(
      LoginAgentRequest.fromPartial({
        agentId: 'ola',
        sessionId: 'desk-1',
        initialState: AgentState.AGENT_STATE_AVAILABLE,
      }),
    );
    // The agent's phone: an RTP leg at media that talks (a byte pattern) and counts what it hears.
    const agentPhone = await RtpPeer.open(0x0a6e);
    let talking: Promise<void> | undefined;
    const agentAnswers = (async () => {
      const answered = await agentAnswersNextOffer(offersSeen('ola'), agentPhone.port);
      const { endpoint } = answered;
      talking = agentPhone.sendAudio({ address: endpoint.localAddress, port: endpoint.localPort }, 200, 7, 8);
      return answered;
    })();

    try {
      const result = await runSipp(
        [
          '-sf',
          path.join(scenarios, 'caller-talks-to-agent.xml'),
          '-s',
          DID,
          `127.0.0.1:${gateway.endpoint.port}`,
          '-m',
          '1',
        ],
        40_000,
      );
      expect(result.exitCode, result.output).toBe(0);
      const { offer, connected } = await agentAnswers;
      expect(connected.call?.agentId).toBe('ola');
      expect(connected.call?.customerLeg?.rtpEndpointId).toBeTruthy();

      // The agent heard the caller: g711a.pcap's 236 packets of the second play, bridged through media.
      expect(agentPhone.audio(8).length).toBeGreaterThan(200);
      const interactionId = offer.interactionId;
      const closed = await waitFor(() =>
        events.find(
          (event) =>
            event.type === 'media.endpoint_closed' &&
            event.interactionId === interactionId &&
            event.mediaEndpointClosed?.reason === 'bye',
        ),
      );
      // The caller heard the agent: what media sent to the caller's endpoint while bridged.
      expect(Number(closed.mediaEndpointClosed?.packetsSent)).toBeGreaterThan(100);
      expect(Number(closed.mediaEndpointClosed?.packetsReceived)).toBeGreaterThan(2 * 236);

      // Music on hold played while the call waited, and stopped when the agent connected.
      const music = events.find(
        (event) =>
          event.type === 'media.prompt_finished' &&
          event.interactionId === interactionId &&
          event.mediaPromptFinished?.reason === PromptEndReason.PROMPT_END_REASON_STOPPED,
      );
      expect(Number(music?.mediaPromptFinished?.playedMs)).toBeGreaterThan(0);

      // The queue has no wrap-up time: the caller's hang-up completes the interaction at routing.
      await waitFor(() => story(interactionId).includes('interaction.completed') || undefined, {
        description: 'routing to complete the interaction',
      });
      const types = story(interactionId);
      const order = [
        'interaction.created',
        'interaction.ivr_started',
        'interaction.attributes_updated',
        'interaction.queued',
        'offer.created',
        'interaction.connected',
        'media.bridged',
        // (media.endpoint_closed and interaction.completed both follow the BYE, from two services, in either order)
        'interaction.completed',
      ].map((type) => types.indexOf(type));
      expect(order.every((index) => index >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    } finally {
      await talking?.catch(() => undefined);
      agentPhone.close();
    }
  }, 60_000);

  it('holds and resumes the customer for the agent, then ends the call from the agent’s side with our BYE', async () => {
    const gatewayClient = gatewayRpc();
    const offersBefore = offersSeen('ola');
    const agentHangsUp = (async () => {
      const { offer, callId } = await agentAnswersNextOffer(offersBefore);
      const listed = await gatewayClient.listActiveCalls(ListActiveCallsRequest.fromPartial({ agentId: 'ola' }));
      expect(listed.calls.map((call) => [call.id, call.state])).toEqual([[callId, CallState.CALL_STATE_ESTABLISHED]]);
      // The agent holds the customer for a moment: music at media, then back.
      const agent = { kind: ActorKind.ACTOR_KIND_AGENT, id: 'ola', displayName: 'Ola' };
      const held = await gatewayClient.holdCall({ callId, musicPrompt: '', actor: agent });
      expect(held.call?.state).toBe(CallState.CALL_STATE_ON_HOLD);
      const customerLeg = held.call!.customerLeg!.rtpEndpointId!;
      expect(media.engine.graph.endpoints.get(customerLeg)?.listening.isHeld).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const resumed = await gatewayClient.resumeCall({ callId, actor: agent });
      expect(resumed.call?.state).toBe(CallState.CALL_STATE_ESTABLISHED);
      expect(media.engine.graph.endpoints.get(customerLeg)?.listening.isHeld).toBe(false);
      await gatewayClient.hangUpCall({
        callId,
        actor: { kind: ActorKind.ACTOR_KIND_AGENT, id: 'ola', displayName: 'Ola' },
        q850Cause: 0,
      });
      return offer.interactionId;
    })();
    // This caller talks while the flow, the queue and the agent go by, then answers our BYE.
    const result = await runSipp(
      [
        '-sf',
        path.join(scenarios, 'caller-picks-1-then-is-hung-up.xml'),
        '-s',
        DID,
        `127.0.0.1:${gateway.endpoint.port}`,
        '-m',
        '1',
      ],
      40_000,
    );
    const interactionId = await agentHangsUp;
    expect(result.exitCode, result.output).toBe(0);
    const completed = await waitFor(() =>
      events.find((event) => event.type === 'interaction.completed' && event.interactionId === interactionId),
    );
    expect(completed.interactionCompleted).toBeDefined();
    const types = story(interactionId);
    expect(types.indexOf('interaction.held')).toBeGreaterThan(types.indexOf('interaction.connected'));
    expect(types.indexOf('interaction.resumed')).toBeGreaterThan(types.indexOf('interaction.held'));
    const resumedEvent = events.find(
      (event) => event.type === 'interaction.resumed' && event.interactionId === interactionId,
    );
    expect(Number(resumedEvent?.interactionResumed?.holdMs)).toBeGreaterThanOrEqual(1_000);
    expect(resumedEvent?.interactionResumed?.actor?.id).toBe('ola');
    await expect(
      gatewayClient.hangUpCall({ callId: 'no-such-call', actor: undefined, q850Cause: 0 }),
    ).rejects.toMatchObject({ code: 'PARLEY_SIP_GATEWAY_CALL_NOT_FOUND' });
  }, 60_000);

  it('transfers the caller blind to another queue: the first agent leaves, the second one talks with the caller', async () => {
    await routingClient().loginAgent(
      LoginAgentRequest.fromPartial({
        agentId: 'piotr',
        sessionId: 'desk-2',
        initialState: AgentState.AGENT_STATE_AVAILABLE,
      }),
    );
    const olaPhone = await RtpPeer.open(0x01a);
    const piotrPhone = await RtpPeer.open(0x0b0);
    const olaOffers = offersSeen('ola');
    const piotrOffers = offersSeen('piotr');
    const ola = { kind: ActorKind.ACTOR_KIND_AGENT, id: 'ola', displayName: 'Ola' };
    const agents = (async () => {
      const first = await agentAnswersNextOffer(olaOffers, olaPhone.port);
      await sleep(300);
      const transferred = await gatewayRpc().transferCall({
        callId: first.callId,
        mode: TransferMode.TRANSFER_MODE_BLIND,
        target: { queueId: 'support' },
        priorityBoost: 10,
        actor: ola,
      });
      const heardByOla = olaPhone.audio(8).length;
      const second = await agentAnswersNextOffer(piotrOffers, piotrPhone.port, 'piotr');
      return { first, transferred, heardByOla, second };
    })();
    try {
      const result = await runSipp(
        [
          '-sf',
          path.join(scenarios, 'caller-talks-through-transfer.xml'),
          '-s',
          DID,
          `127.0.0.1:${gateway.endpoint.port}`,
          '-m',
          '1',
        ],
        45_000,
      );
      expect(result.exitCode, result.output).toBe(0);
      const { first, transferred, heardByOla, second } = await agents;
      // Right after the transfer the call waits again, with nobody connected.
      expect(transferred.call?.state).toBe(CallState.CALL_STATE_ESTABLISHED);
      expect(transferred.call?.agentId).toBe('');
      expect(second.connected.call?.agentId).toBe('piotr');
      // Ola heard nothing more after the transfer; Piotr heard the caller's later bursts (236 packets each).
      expect(olaPhone.audio(8).length).toBe(heardByOla);
      expect(piotrPhone.audio(8).length).toBeGreaterThan(236);

      const interactionId = first.offer.interactionId;
      expect(second.offer.interactionId).toBe(interactionId);
      await waitFor(() => story(interactionId).includes('interaction.completed') || undefined, {
        description: 'routing to complete the transferred interaction',
      });
      const types = story(interactionId);
      const order = [
        'interaction.connected',
        'media.bridged',
        'interaction.transferred',
        'media.unbridged',
        'interaction.completed',
      ].map((type) => types.indexOf(type));
      expect(
        order.every((index) => index >= 0),
        types.join(' '),
      ).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      const transferredEvent = events.find(
        (event) => event.type === 'interaction.transferred' && event.interactionId === interactionId,
      );
      expect(transferredEvent?.queueId).toBe('support');
      expect(transferredEvent?.interactionTransferred?.fromQueueId).toBe('sales');
      expect(types.filter((type) => type === 'media.bridged')).toHaveLength(2);
    } finally {
      olaPhone.close();
      piotrPhone.close();
    }
  }, 60_000);

  it('refuses transfers it cannot make with a clear error', async () => {
    const client = gatewayRpc();
    await expect(
      client.transferCall({
        callId: 'no-such-call',
        mode: TransferMode.TRANSFER_MODE_BLIND,
        target: { queueId: 'support' },
        priorityBoost: 0,
        actor: undefined,
      }),
    ).rejects.toMatchObject({ code: 'PARLEY_SIP_GATEWAY_CALL_NOT_FOUND' });
    await expect(
      client.transferCall({
        callId: 'x',
        mode: TransferMode.TRANSFER_MODE_UNSPECIFIED,
        target: { queueId: 'support' },
        priorityBoost: 0,
        actor: undefined,
      }),
    ).rejects.toMatchObject({ code: 'PARLEY_SIP_GATEWAY_INVALID_ARGUMENT' });
    await expect(
      client.transferCall({
        callId: 'x',
        mode: TransferMode.TRANSFER_MODE_BLIND,
        target: { queueId: 'support' },
        priorityBoost: 101,
        actor: undefined,
      }),
    ).rejects.toMatchObject({ code: 'PARLEY_SIP_GATEWAY_INVALID_ARGUMENT' });
  });

  it('offers a waiting caller a callback: the key keeps their place as a callback and the call ends, no abandon', async () => {
    const result = await runSipp(
      [
        '-sf',
        path.join(scenarios, 'caller-takes-callback.xml'),
        '-s',
        CALLBACK_DID,
        `127.0.0.1:${gateway.endpoint.port}`,
        '-m',
        '1',
      ],
      40_000,
    );
    expect(result.exitCode, result.output).toBe(0);
    const requested = await waitFor(
      () => events.find((event) => event.type === 'interaction.callback_requested' && event.queueId === 'callbacks'),
      { description: 'routing to turn the call into a callback' },
    );
    const interactionId = requested.interactionId;
    const types = story(interactionId);
    expect(types.indexOf('interaction.callback_requested')).toBeGreaterThan(types.indexOf('interaction.queued'));
    expect(types).not.toContain('interaction.abandoned');
    // The offer played (and was listened to), then the confirmation.
    const prompts = events.filter(
      (event) => event.type === 'media.prompt_finished' && event.interactionId === interactionId,
    );
    expect(prompts.length).toBeGreaterThanOrEqual(2);
    const closed = await waitFor(() =>
      events.find((event) => event.type === 'media.endpoint_closed' && event.interactionId === interactionId),
    );
    expect(closed.mediaEndpointClosed?.reason).toBe('callback');
    // Still in line at routing, now as a callback.
    const position = await routingClient().getInteractionPosition({ interactionId });
    expect(position.position?.position).toBe(1);
  }, 60_000);
});

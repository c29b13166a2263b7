// The whole voice path in one test process, every part real: routing (its own namespaced resources), media (its own
// NATS domain and RTP ports), the gateway (its own RPC domain and flows bucket) with the test's trunks and flows,
// the event stream collected as it happens, and what a test agent's desk does with an offer. Tests running at the
// same time never see each other's calls.
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { closeNats, connectNats, createLogger, createNatsRpcClient, type NatsConnection } from '@parley/kit';
import { createTestEventStreams, testNatsUrl, uniqueName, waitFor, type TestEventStreams } from '@parley/kit/testing';
import { AgentState, type Agent } from '@parley/protos/parley/common/v1/agent';
import type { Queue } from '@parley/protos/parley/common/v1/queue';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import {
  AudioCodec,
  CreateRtpEndpointRequest,
  MediaServiceService,
  type RtpEndpoint,
} from '@parley/protos/parley/media/v1/media';
import {
  ListQueuesRequest,
  LoginAgentRequest,
  RoutingServiceService,
  UpsertAgentRequest,
  UpsertQueueRequest,
} from '@parley/protos/parley/routing/v1/routing';
import { SipGatewayServiceService, type ConnectAgentResponse } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { loadRoutingConfig } from '@parley/routing/config';
import { startRoutingReplica } from '@parley/routing/replica';
import { namespacedRoutingResources, removeRoutingResources } from '@parley/routing/resources';
import { loadSipGatewayConfig } from '../../src/config.js';
import { startSipGatewayService } from '../../src/sip-gateway-service.js';
import { removeFlowsBucket, testFlowsBucket } from './flows-bucket.js';
import { serviceEnvironment, startTestMedia, type TestMedia } from './services.js';

export interface VoiceStackOptions {
  /** Prefix of the run's unique names. */
  name: string;
  site: string;
  /** First port of the media service's 1,000-port RTP range (distinct per test file). */
  rtpPorts: number;
  /** SIP_TRUNKS and SIP_FLOWS as objects. */
  trunks: unknown[];
  flows: Record<string, unknown>;
  /** Built with Queue.fromPartial / Agent.fromPartial. */
  queues: Queue[];
  agents: Agent[];
  /** Extra SIP_* settings. */
  gatewaySettings?: Record<string, string>;
}

type Gateway = Awaited<ReturnType<typeof startSipGatewayService>>;

export interface VoiceStack {
  nc: NatsConnection;
  /** Every event of the run, in arrival order. */
  events: Envelope[];
  media: TestMedia;
  gateway: Gateway;
  routingClient(): ReturnType<typeof createNatsRpcClient<typeof RoutingServiceService>>;
  gatewayRpc(): ReturnType<typeof createNatsRpcClient<typeof SipGatewayServiceService>>;
  mediaRpc(): ReturnType<typeof createNatsRpcClient<typeof MediaServiceService>>;
  /** How many offers the agent has had so far. */
  offersSeen(agentId: string): number;
  /** The event types of one interaction, in arrival order. */
  story(interactionId: string): string[];
  loginAgent(agentId: string, sessionId?: string): Promise<unknown>;
  /**
   * What an agent's desk does with the agent's next offer (the `offersBefore`-th): accept it at routing, open the
   * agent phone's leg at media (towards `phonePort` when the test listens to it), and ask the gateway to connect it
   * to the call.
   */
  agentAnswersNextOffer(
    agentId: string,
    offersBefore: number,
    phonePort?: number,
  ): Promise<{ offer: Envelope; callId: string; endpoint: RtpEndpoint; connected: ConnectAgentResponse }>;
  stop(): Promise<void>;
}

export async function startVoiceStack(options: VoiceStackOptions): Promise<VoiceStack> {
  const logger = createLogger({ service: `${options.name}-test`, level: 'silent' });
  const run = uniqueName(options.name);
  const routingResources = namespacedRoutingResources(run);
  const domains = { media: `${run}-media`, gateway: `${run}-gateway`, routing: `${run}.p0` };
  const flowsBucket = testFlowsBucket();
  const environment = serviceEnvironment(options.site);
  const events: Envelope[] = [];

  const nc: NatsConnection = await connectNats({ servers: [testNatsUrl], name: `${options.name}-test`, logger });
  const streams: TestEventStreams = await createTestEventStreams(await jetstreamManager(nc));
  const routingClient = () => createNatsRpcClient(nc, RoutingServiceService, { domain: domains.routing });
  const gatewayRpc = () => createNatsRpcClient(nc, SipGatewayServiceService, { domain: domains.gateway });
  const mediaRpc = () => createNatsRpcClient(nc, MediaServiceService, { domain: domains.media });

  const routing = await startRoutingReplica({
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
    { timeoutMs: 10_000, description: 'routing to answer over NATS' },
  );
  const media: TestMedia = await startTestMedia({
    site: options.site,
    domain: domains.media,
    rtpPorts: options.rtpPorts,
    streams,
  });
  const gateway = await startSipGatewayService({
    config: loadSipGatewayConfig({
      ...environment,
      SIP_HOST: '127.0.0.1',
      SIP_PORT: '0',
      SIP_RPC_DOMAIN: domains.gateway,
      SIP_FLOWS_BUCKET: flowsBucket,
      SIP_MEDIA_RPC_DOMAIN: domains.media,
      SIP_ROUTING_RPC_DOMAIN: domains.routing,
      SIP_TRUNKS: JSON.stringify(options.trunks),
      SIP_FLOWS: JSON.stringify(options.flows),
      ...options.gatewaySettings,
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
  for (const queue of options.queues) await routingClient().upsertQueue(UpsertQueueRequest.fromPartial({ queue }));
  for (const agent of options.agents) await routingClient().upsertAgent(UpsertAgentRequest.fromPartial({ agent }));

  const offersSeen = (agentId: string) =>
    events.filter((event) => event.type === 'offer.created' && event.agentId === agentId).length;

  return {
    nc,
    events,
    media,
    gateway,
    routingClient,
    gatewayRpc,
    mediaRpc,
    offersSeen,
    story: (interactionId: string) =>
      events.filter((event) => event.interactionId === interactionId).map((event) => event.type),

    loginAgent: (agentId: string, sessionId = `desk-${agentId}`) =>
      routingClient().loginAgent(
        LoginAgentRequest.fromPartial({ agentId, sessionId, initialState: AgentState.AGENT_STATE_AVAILABLE }),
      ),

    async agentAnswersNextOffer(agentId: string, offersBefore: number, phonePort?: number) {
      const offer = await waitFor(
        () => events.filter((event) => event.type === 'offer.created' && event.agentId === agentId)[offersBefore],
        { timeoutMs: 20_000, description: `an offer to ${agentId}` },
      );
      await routingClient().acceptOffer({ offerId: offer.offerId, agentId });
      const { endpoint } = await mediaRpc().createRtpEndpoint(
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
      const connected = await gatewayRpc().connectAgent({ callId, agentId, agentLeg: { rtpEndpointId: endpoint!.id } });
      return { offer, callId, endpoint: endpoint!, connected };
    },

    async stop() {
      await removeFlowsBucket(nc, flowsBucket);
      await gateway.stop();
      await media.stop();
      await routing.stop();
      await removeRoutingResources(nc, routingResources, options.site, ['p0']);
      await streams.remove();
      await closeNats(nc);
    },
  };
}

// What API tests run against, every part real: a routing replica with its own namespaced resources on the test
// NATS, event streams, audit stream and chat storage of their own, and the API service with the embedded OpenID
// provider. Queues and agents are created in routing before the API starts.
import { jetstreamManager } from '@nats-io/jetstream';
import { closeNats, connectNats, createLogger, createNatsRpcClient, type NatsConnection } from '@parley/kit';
import { createTestEventStreams, testNatsUrl, uniqueName, waitFor } from '@parley/kit/testing';
import { Agent } from '@parley/protos/parley/common/v1/agent';
import { Queue } from '@parley/protos/parley/common/v1/queue';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import {
  ListQueuesRequest,
  RoutingServiceService,
  UpsertAgentRequest,
  UpsertQueueRequest,
} from '@parley/protos/parley/routing/v1/routing';
import { SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { loadRoutingConfig } from '@parley/routing/config';
import { loadSipGatewayConfig } from '@parley/sip-gateway/config';
import { startSipGatewayService } from '@parley/sip-gateway/service';
import { startRoutingReplica } from '@parley/routing/replica';
import { namespacedRoutingResources, removeRoutingResources } from '@parley/routing/resources';
import { startApiService } from '../../src/api-service.js';
import type { AuditStreamConfig } from '../../src/audit/audit-log.js';
import type { ChatStorageConfig } from '../../src/chat/chat-storage.js';
import { loadApiConfig } from '../../src/config.js';
import { demoUsers, type RealmUser } from '../../src/oidc/realm.js';
import { TEST_REDIRECT_URI } from './oidc-login.js';

export const SITE = 'waw';

export interface ApiStackOptions {
  queues: Queue[];
  agents: Agent[];
  /** Users beyond the demo users (anna, marek, admin). */
  users?: RealmUser[];
  /** API settings beyond the stack's own. */
  apiEnvironment?: Record<string, string>;
  /** Run a SIP gateway too (no media; for flows). */
  sipGateway?: boolean;
  /** Another NATS than the machine's (a private server a test restarts). */
  natsUrl?: string;
}

/** What every service a test starts in-process is given: loopback, any free port, quiet logs, the test site. */
export function serviceEnvironment(natsUrl = testNatsUrl) {
  return {
    NATS_URL: natsUrl,
    LOG_LEVEL: 'silent',
    GRPC_HOST: '127.0.0.1',
    HTTP_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    HTTP_PORT: '0',
    PARLEY_SITE: SITE,
  };
}

/** The web chat desk most chat tests use: a queue "chat" (with a minute of wrap-up if asked), and Anna taking up to
 * `chats` at once. */
export function chatDesk(chats = 3, options: { wrapUp?: boolean } = {}) {
  const queue = Queue.fromPartial({ id: 'chat', displayName: 'Web chat', channels: [Channel.CHANNEL_CHAT] });
  if (options.wrapUp) queue.wrapUp = { timeoutMs: 60_000, autoAvailable: true, codeRequired: false, wrapUpCodeIds: [] };
  return {
    queues: [queue],
    agents: [
      Agent.fromPartial({
        id: 'anna',
        displayName: 'Anna',
        siteId: SITE,
        capacities: [{ channel: Channel.CHANNEL_CHAT, maxConcurrent: chats }],
      }),
    ],
  };
}

export async function startApiStack(options: ApiStackOptions) {
  const run = uniqueName('api');
  const resources = namespacedRoutingResources(run);
  const natsUrl = options.natsUrl ?? testNatsUrl;
  const environment = serviceEnvironment(natsUrl);
  const nc: NatsConnection = await connectNats({
    servers: [natsUrl],
    name: `${run}-test`,
    logger: createLogger({ service: 't', level: 'silent' }),
  });
  const jsm = await jetstreamManager(nc);
  const streams = await createTestEventStreams(jsm);
  const audit: AuditStreamConfig = {
    stream: `${run.toUpperCase()}_AUDIT`,
    subjectPrefix: `${run}.audit`,
    maxAgeMs: 3_600_000,
  };
  const chat: ChatStorageConfig = {
    stream: `${run.toUpperCase()}_CHATS`,
    subjectPrefix: `${run}.chat`,
    bucket: `${run}_chats`,
    maxAgeMs: 3_600_000,
  };
  const routing = await startRoutingReplica({
    config: loadRoutingConfig(environment),
    eventStreams: streams.config,
    handleSignals: false,
    resources,
  });
  const routingClient = createNatsRpcClient(nc, RoutingServiceService, { domain: `${run}.p0` });
  await waitFor(() => routing.isOwner(), { timeoutMs: 10_000, description: 'routing to own its state' });
  await waitFor(
    () =>
      routingClient.listQueues(ListQueuesRequest.fromPartial({})).then(
        () => true,
        () => undefined,
      ),
    { timeoutMs: 10_000, description: 'routing to answer over NATS' },
  );
  for (const queue of options.queues) await routingClient.upsertQueue(UpsertQueueRequest.fromPartial({ queue }));
  for (const agent of options.agents) await routingClient.upsertAgent(UpsertAgentRequest.fromPartial({ agent }));
  const gatewayDomain = `${run}-sip-gateway`;
  const gateway = options.sipGateway
    ? await startSipGatewayService({
        config: loadSipGatewayConfig({
          ...environment,
          SIP_HOST: '127.0.0.1',
          SIP_PORT: '0',
          SIP_MEDIA: 'none',
          SIP_RPC_DOMAIN: gatewayDomain,
          SIP_ROUTING_RPC_DOMAIN: `${run}.p0`,
          SIP_FLOWS_BUCKET: `${run}_flows`,
        }),
        eventStreams: streams.config,
        handleSignals: false,
      })
    : undefined;
  if (gateway) {
    const client = createNatsRpcClient(nc, SipGatewayServiceService, { domain: gatewayDomain });
    await waitFor(
      () =>
        client.listFlows({}).then(
          () => true,
          () => undefined,
        ),
      { timeoutMs: 10_000, description: 'the gateway to answer over NATS' },
    );
  }
  const presence = { bucket: `${run}_presence`, ttlMs: 3_000 };
  /**
   * An API replica; every replica of the stack shares routing, streams, chat storage and presence. More replicas
   * trust the first one's embedded provider (API_OIDC_ISSUER), as replicas behind one load balancer trust Keycloak.
   */
  const startReplica = (more: Record<string, string> = {}) =>
    startApiService({
      config: loadApiConfig({
        ...environment,
        API_PORT: '0',
        API_OIDC_PORT: '0',
        API_OIDC_REDIRECT_URIS: TEST_REDIRECT_URI,
        API_ROUTING_RPC_DOMAIN: `${run}.p0`,
        API_HISTORY_RPC_DOMAIN: `${run}-history`,
        API_SIP_GATEWAY_RPC_DOMAIN: gatewayDomain,
        API_OIDC_USERS: JSON.stringify([...demoUsers, ...(options.users ?? [])]),
        ...options.apiEnvironment,
        ...more,
      }),
      eventStreams: streams.config,
      auditStream: audit,
      chatStorage: chat,
      presence,
      handleSignals: false,
    });
  const api = await startReplica();
  return {
    nc,
    jsm,
    streams,
    audit,
    chat,
    routing,
    routingClient,
    api,
    startReplica,
    /** The NATS domains the API calls other services on (a test may serve one). */
    domains: { history: `${run}-history`, sipGateway: gatewayDomain },
    wsUrl: (path: string) => `${api.url.replace(/^http/, 'ws')}${path}`,
    async stop() {
      await api.stop();
      await gateway?.stop();
      await routing.stop();
      await removeRoutingResources(nc, resources, SITE, ['p0']);
      await streams.remove();
      for (const name of [audit.stream, chat.stream, `KV_${chat.bucket}`, `KV_${run}_flows`, `KV_${presence.bucket}`])
        await jsm.streams.delete(name).catch(() => false);
      await closeNats(nc);
    },
  };
}

export type ApiStack = Awaited<ReturnType<typeof startApiStack>>;

export { Agent, Queue };

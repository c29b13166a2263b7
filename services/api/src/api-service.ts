// The API process: the service host (ops port: health, metrics; NATS; gRPC), the embedded OpenID provider unless
// an external issuer (Keycloak) is configured, routing's offer events for the site, and the public HTTP
// application.
import {
  createNatsRpcClient,
  defaultEventStreams,
  EventFeed,
  eventFilter,
  ServiceHost,
  type EventStreamsConfig,
} from '@parley/kit';
import { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { HistoryServiceService } from '@parley/protos/parley/history/v1/history';
import { MediaServiceService } from '@parley/protos/parley/media/v1/media';
import { SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { agentRoutes } from './agent-session/agent-routes.js';
import { AgentPresence, defaultPresence, type PresenceConfig } from './agent-session/agent-presence.js';
import { AgentSessions } from './agent-session/agent-sessions.js';
import { ScreenPop } from './agent-session/screen-pop.js';
import { ChatChannel } from './chat/chat-channel.js';
import { ChatConversations } from './chat/chat-conversations.js';
import { ChatRecords, defaultChatStorage, ensureChatStream, type ChatStorageConfig } from './chat/chat-storage.js';
import { chatRoutes } from './chat/visitor-routes.js';
import { adminRoutes } from './admin/admin-routes.js';
import { supervisorRoutes } from './supervisor/supervisor-routes.js';
import { AuditLog, defaultAuditStream, type AuditStreamConfig } from './audit/audit-log.js';
import { TokenVerifier } from './auth/token-verifier.js';
import type { ApiConfig } from './config.js';
import { buildApp } from './http/app.js';
import { webClientRoutes } from './http/web-client.js';
import { startLocalProvider } from './oidc/local-provider.js';

export interface ApiServiceOptions {
  config: ApiConfig;
  eventStreams?: EventStreamsConfig;
  /** Where audit records and chats go (tests use their own stream and bucket). */
  auditStream?: AuditStreamConfig;
  chatStorage?: ChatStorageConfig;
  presence?: PresenceConfig;
  handleSignals?: boolean;
}

export async function startApiService(options: ApiServiceOptions) {
  const { config } = options;
  const host = await ServiceHost.start({
    service: 'api',
    config,
    grpcPort: config.GRPC_PORT,
    httpPort: config.HTTP_PORT,
    ...(options.eventStreams ? { eventStreams: options.eventStreams } : {}),
    handleSignals: options.handleSignals ?? true,
  });
  try {
    let issuer = config.API_OIDC_ISSUER;
    if (!issuer) {
      const provider = await startLocalProvider({
        host: config.API_HOST,
        port: config.API_OIDC_PORT,
        users: config.API_OIDC_USERS,
        redirectUris: config.API_OIDC_REDIRECT_URIS,
        accessTokenSeconds: config.API_OIDC_ACCESS_TOKEN_SECONDS,
      });
      host.shutdown.add('embedded OpenID provider', () => provider.close());
      issuer = provider.issuer;
      host.logger.info({ issuer }, 'embedded OpenID provider serving the parley realm');
    }
    // Routing's events for the site by the agent each is about: offers, interactions, agent state.
    const agentFeeds = (['offer', 'interaction', 'agent'] as const).map((domain) => {
      const feed = new EventFeed(
        host.nc,
        eventFilter(options.eventStreams ?? defaultEventStreams, domain, config.PARLEY_SITE),
        (event) => event.agentId,
        (error) => host.logger.warn({ err: error, domain }, 'unreadable event'),
      );
      host.shutdown.add(`${domain} feed`, () => feed.close());
      return feed;
    });
    // The same site's agent and queue events as one stream per domain, for supervisors' dashboards.
    const siteFeeds = (['agent', 'queue'] as const).map((domain) => {
      const feed = new EventFeed(
        host.nc,
        eventFilter(options.eventStreams ?? defaultEventStreams, domain, config.PARLEY_SITE),
        (event) => event.site,
        (error) => host.logger.warn({ err: error, domain }, 'unreadable event'),
      );
      host.shutdown.add(`site ${domain} feed`, () => feed.close());
      return feed;
    });
    // Consumers media makes for browser peers by itself, by peer (each goes to the tab or dashboard owning the peer),
    // and supervisions media ended by itself (the call went), by supervision id.
    const mediaConsumers = new EventFeed(
      host.nc,
      eventFilter(options.eventStreams ?? defaultEventStreams, 'media', config.PARLEY_SITE),
      (event) => event.mediaPeerConsumerCreated?.peerId ?? event.mediaSupervisionStopped?.supervisionId ?? '',
      (error) => host.logger.warn({ err: error }, 'unreadable media event'),
    );
    host.shutdown.add('media consumer feed', () => mediaConsumers.close());
    const auditStream = options.auditStream ?? defaultAuditStream;
    await AuditLog.ensureStream(host.jsm, auditStream);
    const audit = new AuditLog(host.nc, auditStream, config.PARLEY_SITE);
    const routing = createNatsRpcClient(host.nc, RoutingServiceService, { domain: config.API_ROUTING_RPC_DOMAIN });
    const history = createNatsRpcClient(host.nc, HistoryServiceService, { domain: config.API_HISTORY_RPC_DOMAIN });
    const media = createNatsRpcClient(host.nc, MediaServiceService, { domain: config.API_MEDIA_RPC_DOMAIN });
    const sipGateway = createNatsRpcClient(host.nc, SipGatewayServiceService, {
      domain: config.API_SIP_GATEWAY_RPC_DOMAIN,
    });
    const chatStorage = options.chatStorage ?? defaultChatStorage;
    await ensureChatStream(host.jsm, chatStorage);
    const chats = new ChatConversations(
      await ChatRecords.open(host.nc, chatStorage),
      new ChatChannel(host.nc, host.jsm, chatStorage),
      routing,
      host.events,
      `api/${hostname()}`,
    );
    const presence = await AgentPresence.open(
      host.nc,
      `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      options.presence ?? defaultPresence,
      host.logger,
    );
    host.shutdown.add('agent presence', () => presence.close());
    const sessions = new AgentSessions(
      routing,
      agentFeeds,
      chats,
      new ScreenPop(chats, history),
      config.API_AGENT_GRACE_MS,
      host.logger,
      presence,
    );
    host.shutdown.add('agent sessions', () => sessions.close());
    const verifier = new TokenVerifier({ issuer, audience: config.API_OIDC_AUDIENCE });
    const app = await buildApp({
      verifier,
      corsOrigins: config.API_CORS_ORIGINS,
      requestsPerMinute: config.API_REQUESTS_PER_MINUTE,
      userRequestsPerMinute: config.API_USER_REQUESTS_PER_MINUTE,
      connectOrigins: [new URL(issuer).origin],
      agentSockets: {
        routing,
        sessions,
        audit,
        chats,
        history,
        media,
        sipGateway,
        mediaConsumers,
        logger: host.logger,
        maxChatChars: config.API_CHAT_MAX_MESSAGE_CHARS,
      },
      routes: [
        agentRoutes({ verifier, routing, history, chats, logger: host.logger }),
        supervisorRoutes({
          verifier,
          routing,
          media,
          sipGateway,
          feeds: siteFeeds,
          mediaConsumers,
          audit,
          logger: host.logger,
          site: config.PARLEY_SITE,
        }),
        adminRoutes({ verifier, routing, sipGateway, audit, logger: host.logger }),
        chatRoutes({
          chats,
          audit,
          logger: host.logger,
          site: config.PARLEY_SITE,
          queues: config.API_CHAT_QUEUES,
          maxMessageChars: config.API_CHAT_MAX_MESSAGE_CHARS,
          messageBurst: config.API_CHAT_MESSAGE_BURST,
          messageIntervalMs: config.API_CHAT_MESSAGE_INTERVAL_MS,
          startsPerHour: config.API_CHAT_STARTS_PER_HOUR,
          socketsPerAddress: config.API_CHAT_SOCKETS_PER_ADDRESS,
          allowedOrigins: config.API_CORS_ORIGINS,
        }),
        webClientRoutes({
          dir: config.API_WEB_DIR || undefined,
          issuer,
          clientId: config.API_OIDC_WEB_CLIENT_ID,
          site: config.PARLEY_SITE,
        }),
      ],
    });
    const url = await app.listen({ host: config.API_HOST, port: config.API_PORT });
    host.shutdown.add('public HTTP', () => app.close());
    host.logger.info({ url, issuer }, 'API listening');
    const ports = await host.listen();
    return { host, app, url, issuer, ports, stop: () => host.stop() };
  } catch (error) {
    await host.stop();
    throw error;
  }
}

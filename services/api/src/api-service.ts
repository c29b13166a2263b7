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
import { AgentSessions } from './agent-session/agent-sessions.js';
import { AuditLog, defaultAuditStream, type AuditStreamConfig } from './audit/audit-log.js';
import { TokenVerifier } from './auth/token-verifier.js';
import type { ApiConfig } from './config.js';
import { buildApp } from './http/app.js';
import { startLocalProvider } from './oidc/local-provider.js';

export interface ApiServiceOptions {
  config: ApiConfig;
  eventStreams?: EventStreamsConfig;
  /** Where audit records go (tests use their own stream). */
  auditStream?: AuditStreamConfig;
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
      });
      host.shutdown.add('embedded OpenID provider', () => provider.close());
      issuer = provider.issuer;
      host.logger.info({ issuer }, 'embedded OpenID provider serving the parley realm');
    }
    // Routing's offers for the site, by the agent each is for.
    const offers = new EventFeed(
      host.nc,
      eventFilter(options.eventStreams ?? defaultEventStreams, 'offer', config.PARLEY_SITE),
      (event) => event.agentId,
      (error) => host.logger.warn({ err: error }, 'unreadable offer event'),
    );
    host.shutdown.add('offer feed', () => offers.close());
    const auditStream = options.auditStream ?? defaultAuditStream;
    await AuditLog.ensureStream(host.jsm, auditStream);
    const audit = new AuditLog(host.nc, auditStream, config.PARLEY_SITE);
    const routing = createNatsRpcClient(host.nc, RoutingServiceService, { domain: config.API_ROUTING_RPC_DOMAIN });
    const sessions = new AgentSessions(routing, offers, config.API_AGENT_GRACE_MS, host.logger);
    host.shutdown.add('agent sessions', () => sessions.close());
    const app = await buildApp({
      verifier: new TokenVerifier({ issuer, audience: config.API_OIDC_AUDIENCE }),
      corsOrigins: config.API_CORS_ORIGINS,
      requestsPerMinute: config.API_REQUESTS_PER_MINUTE,
      agentSockets: {
        routing,
        sessions,
        logger: host.logger,
      },
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

// The SIP gateway process: the service host (health, metrics, NATS, gRPC), the SIP endpoint on UDP and TCP, and the
// parley.sipgateway.v1 contract (partly: see README).
import { readFile } from 'node:fs/promises';
import {
  createNatsRpcClient,
  defaultEventStreams,
  EventFeed,
  eventFilter,
  ServiceHost,
  type EventStreamsConfig,
} from '@parley/kit';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { MediaServiceService } from '@parley/protos/parley/media/v1/media';
import { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import type { SipGatewayConfig } from './config.js';
import { AnsweringEndpoint } from './gateway/answering-endpoint.js';
import { CallSessions, type CallSessionsOptions } from './calls/call-sessions.js';
import { AgentPhones } from './calls/agent-phones.js';
import { FlowStore } from './flows/flow-store.js';
import { NatsCallMedia } from './media/nats-call-media.js';
import { createSipGatewayHandlers } from './rpc/sip-gateway-handlers.js';
import { TrunkDirectory } from './trunks/trunk-directory.js';
import { PhoneAccounts } from './registrar/phone-accounts.js';
import { Registrar } from './registrar/registrar.js';
import { RegistrationStore } from './registrar/registration-store.js';
import { TrunkRegistration } from './outbound/trunk-registration.js';

export interface SipGatewayServiceOptions {
  config: SipGatewayConfig;
  eventStreams?: EventStreamsConfig;
  handleSignals?: boolean;
  /** Told how each call's flow ended (tests; the call logic acting on it is not built yet). */
  onFlowOutcome?: CallSessionsOptions['onOutcome'];
}

export async function startSipGatewayService(options: SipGatewayServiceOptions) {
  const { config } = options;
  const host = await ServiceHost.start({
    service: 'sip-gateway',
    config,
    grpcPort: config.GRPC_PORT,
    httpPort: config.HTTP_PORT,
    ...(options.eventStreams ? { eventStreams: options.eventStreams } : {}),
    handleSignals: options.handleSignals ?? true,
  });
  try {
    // Published without holding up SIP; a failure is logged (see README: no outbox yet).
    const publish = (envelopes: Envelope[]) => {
      host.events
        .publishAll(envelopes)
        .catch((error: unknown) => host.logger.error({ err: error }, 'call events not published'));
    };
    const tls =
      config.SIP_TLS_CERT_FILE && config.SIP_TLS_KEY_FILE
        ? {
            port: config.SIP_TLS_PORT,
            cert: await readFile(config.SIP_TLS_CERT_FILE),
            key: await readFile(config.SIP_TLS_KEY_FILE),
          }
        : undefined;
    const media =
      config.SIP_MEDIA === 'service'
        ? createNatsRpcClient(host.nc, MediaServiceService, { domain: config.SIP_MEDIA_RPC_DOMAIN })
        : undefined;
    const feed = media
      ? new EventFeed(
          host.nc,
          eventFilter(options.eventStreams ?? defaultEventStreams, 'media', config.PARLEY_SITE),
          (event) => event.callId,
          (error) => host.logger.warn({ err: error }, 'unreadable media event'),
        )
      : undefined;
    if (feed) host.shutdown.add('media events', () => feed.close());
    const flowStore = await FlowStore.open(host.nc, config.SIP_FLOWS_BUCKET);
    // A stored flow wins over the configured one of the same id (SIP_FLOWS is the seed for a fresh deployment).
    const flowFor = async (flowId: string) => {
      const stored = await flowStore.latestDocument(flowId);
      if (stored) return stored;
      const configured = config.SIP_FLOWS.get(flowId);
      return configured ? { document: configured, version: 0 } : undefined;
    };
    const routing = createNatsRpcClient(host.nc, RoutingServiceService, { domain: config.SIP_ROUTING_RPC_DOMAIN });
    const calls =
      media && feed
        ? new CallSessions({
            flows: flowFor,
            media,
            routing,
            feed,
            events: publish,
            logger: host.logger,
            transferRingTimeoutMs: config.SIP_TRANSFER_RING_TIMEOUT_MS,
            ...(options.onFlowOutcome ? { onOutcome: options.onFlowOutcome } : {}),
          })
        : undefined;
    if (calls) host.shutdown.add('flows', () => calls.close());
    const registrations =
      config.SIP_PHONE_ACCOUNTS.length > 0
        ? await RegistrationStore.open(host.nc, config.SIP_REGISTRATIONS_BUCKET)
        : undefined;
    if (registrations && !config.SIP_NONCE_SECRET) {
      throw new Error('SIP_PHONE_ACCOUNTS needs SIP_NONCE_SECRET (the registrar signs its digest nonces with it)');
    }
    const accounts = new PhoneAccounts(config.SIP_PHONE_ACCOUNTS);
    const registrar = registrations
      ? new Registrar({
          domain: config.SIP_DOMAIN,
          accounts,
          store: registrations,
          nonceSecret: Buffer.from(config.SIP_NONCE_SECRET!),
          site: config.PARLEY_SITE,
          minExpiresSeconds: config.SIP_REGISTER_MIN_EXPIRES_S,
          maxExpiresSeconds: config.SIP_REGISTER_MAX_EXPIRES_S,
        })
      : undefined;
    const endpoint = await AnsweringEndpoint.start({
      ...(registrar ? { registrar } : {}),
      ...(tls ? { tls } : {}),
      host: config.SIP_HOST,
      port: config.SIP_PORT,
      allowedSources: config.SIP_ALLOWED_SOURCES,
      ...(config.SIP_TRUNKS ? { trunks: new TrunkDirectory(config.SIP_TRUNKS) } : {}),
      ...(config.SIP_NONCE_SECRET ? { nonceSecret: Buffer.from(config.SIP_NONCE_SECRET) } : {}),
      ...(media ? { callMedia: new NatsCallMedia(media) } : {}),
      ...(calls ? { calls } : {}),
      mediaAddress: config.SIP_MEDIA_ADDRESS,
      mediaPort: config.SIP_MEDIA_PORT,
      maxRequestsPerSecondPerSource: config.SIP_MAX_REQUESTS_PER_SECOND_PER_SOURCE,
      maxDialogs: config.SIP_MAX_DIALOGS,
      minSessionExpiresSeconds: config.SIP_MIN_SESSION_EXPIRES_S,
      site: config.PARLEY_SITE,
      events: publish,
    });
    calls?.bindSip({
      hangUp: (callId, reason) => endpoint.hangUp(callId, reason),
      sendInfo: (callId, body) => endpoint.sendInfo(callId, body),
      dialer: endpoint.dialer,
    });
    if (calls && media && registrations) {
      const phones = new AgentPhones({
        nc: host.nc,
        offerSubject: eventFilter(options.eventStreams ?? defaultEventStreams, 'offer', config.PARLEY_SITE),
        sessions: calls,
        accounts,
        registrations,
        media,
        routing,
        dialer: endpoint.dialer,
        logger: host.logger,
      });
      host.shutdown.add('agent phones', () => phones.close());
    }
    host.shutdown.add('sip', () => endpoint.close());
    const carrierRegistrations = (config.SIP_TRUNKS ?? [])
      .filter((trunk) => trunk.outbound?.register)
      .map((trunk) => {
        const { proxy, register, credentials, callerId } = trunk.outbound!;
        const separator = proxy.lastIndexOf(':');
        const domain = proxy.slice(0, separator);
        return new TrunkRegistration({
          sip: endpoint.sip,
          trunkId: trunk.id,
          proxy: { address: domain.replace(/^\[|\]$/g, ''), port: Number(proxy.slice(separator + 1)) },
          domain,
          user: register!.user ?? credentials?.username ?? callerId,
          credentials,
          expiresSeconds: register!.expiresSeconds,
          logger: host.logger,
        });
      });
    for (const registration of carrierRegistrations) registration.start();
    // Unregistered before the socket closes (shutdown steps run last-added first).
    host.shutdown.add('carrier registrations', async () => {
      await Promise.all(carrierRegistrations.map((registration) => registration.stop()));
    });
    host.logger.info(
      { host: config.SIP_HOST, port: endpoint.port, tlsPort: endpoint.tlsPort },
      endpoint.tlsPort ? 'SIP listening on UDP, TCP and TLS' : 'SIP listening on UDP and TCP',
    );
    host.serve(
      SipGatewayServiceService,
      createSipGatewayHandlers({ calls, flows: flowStore, registrations, site: config.PARLEY_SITE }),
      {
        domain: config.SIP_RPC_DOMAIN,
      },
    );
    const ports = await host.listen();
    return { host, endpoint, ports, carrierRegistrations, stop: () => host.stop() };
  } catch (error) {
    await host.stop();
    throw error;
  }
}

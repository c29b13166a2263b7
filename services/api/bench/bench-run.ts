// What one run of the agent-socket bench sets up besides its tabs: the API's event, audit, chat and presence streams
// under names of this run (deleted at the end, so nothing lands in PARLEY_EVENTS or PARLEY_AUDIT), the issuer, the API in
// its own process configured as in production but for what the bench must own, and the routing stand-in that
// publishes the offers in another. Each part is registered on `shutdown` as it is made, so a failure half-way still
// releases what exists.
import { jetstreamManager } from '@nats-io/jetstream';
import { closeNats, connectNats, createLogger, type ShutdownStack } from '@parley/kit';
import { testNatsUrl, uniqueName } from '@parley/kit/testing';
import type { ApiProcessReply, ApiProcessRequest } from './api-process.js';
import { createBenchStreams } from './bench-streams.js';
import { BenchChild } from './bench-child.js';
import { startBenchIssuer, type BenchIssuer } from './bench-issuer.js';
import type { PublisherReply, PublisherRequest, PublisherSettings } from './publisher-process.js';

export interface BenchRun {
  issuer: BenchIssuer;
  api: BenchChild<ApiProcessRequest, ApiProcessReply>;
  /** The agent socket's URL, and the API's ops port (health, /metrics). */
  socketUrl: string;
  opsPort: number;
  publisher: BenchChild<PublisherRequest, PublisherReply>;
  natsVersion: string;
}

const audience = 'parley-api';

export async function startBenchRun(
  options: { sockets: number; apiLogLevel: string; apiNodeFlags: string[]; presenceTtlMs: number },
  shutdown: ShutdownStack,
): Promise<BenchRun> {
  // PARLEY_SITE of the API, unique to the run: the offers are published for it.
  const site = uniqueName('bench');
  const issuer = await startBenchIssuer(audience);
  shutdown.add('issuer', () => issuer.close());
  const nc = await connectNats({
    servers: [testNatsUrl],
    name: 'agent-socket-bench',
    logger: createLogger({ service: 'bench', level: 'silent' }),
  });
  shutdown.add('nats', () => closeNats(nc));
  const jsm = await jetstreamManager(nc);
  const { streams, remove } = await createBenchStreams(jsm, site, options.presenceTtlMs);
  shutdown.add('streams', remove);

  const { child: api, ready: apiReady } = await BenchChild.start<ApiProcessRequest, ApiProcessReply, 'started'>({
    file: 'api-process.ts',
    args: [JSON.stringify(streams)],
    nodeFlags: ['--expose-gc', ...options.apiNodeFlags],
    readyType: 'started',
    environment: {
      NATS_URL: testNatsUrl,
      PARLEY_SITE: site,
      LOG_LEVEL: options.apiLogLevel,
      GRPC_HOST: '127.0.0.1',
      HTTP_HOST: '127.0.0.1',
      GRPC_PORT: '0',
      HTTP_PORT: '0',
      API_HOST: '127.0.0.1',
      API_PORT: '0',
      API_OIDC_ISSUER: issuer.issuer,
      API_OIDC_AUDIENCE: audience,
      // Every tab connects from 127.0.0.1: the per-address request limit must let all the upgrades through.
      API_REQUESTS_PER_MINUTE: String(Math.max(20_000, options.sockets * 10)),
      // The offer feed needs none of the other services. Their domains are the run's own, so that nothing the API
      // asks (the screen-pop asks history about every offer; logouts after the grace) reaches a local deployment:
      // those requests fail at once with "no responders".
      API_ROUTING_RPC_DOMAIN: `${site}.routing`,
      API_HISTORY_RPC_DOMAIN: `${site}-history`,
      API_MEDIA_RPC_DOMAIN: `${site}-media`,
      API_SIP_GATEWAY_RPC_DOMAIN: `${site}-sip-gateway`,
    },
  });
  shutdown.add('API process', () => api.stop());

  const settings: PublisherSettings = { natsUrl: testNatsUrl, streams: streams.events, site, agents: options.sockets };
  const { child: publisher } = await BenchChild.start<PublisherRequest, PublisherReply, 'ready'>({
    file: 'publisher-process.ts',
    args: [JSON.stringify(settings)],
    readyType: 'ready',
    environment: {},
  });
  shutdown.add('publisher process', () => publisher.stop());
  return {
    issuer,
    api,
    socketUrl: `${apiReady.url.replace(/^http/, 'ws')}/api/v1/agent/socket`,
    opsPort: apiReady.opsPort,
    publisher,
    natsVersion: nc.info?.version ?? '?',
  };
}

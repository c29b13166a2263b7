// Assembles the routing service: engine, event outbox, clock and the RPC handlers on a ServiceHost. Used by
// main.ts and by integration tests that run the service in-process.
import { hostname } from 'node:os';
import { ServiceHost, type EventStreamsConfig } from '@parley/kit';
import { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { ulid } from 'ulid';
import { EngineClock } from './adapters/engine-clock.js';
import { EventOutbox } from './adapters/event-outbox.js';
import type { RoutingConfig } from './config.js';
import { RoutingEngine } from './domain/engine.js';
import { createRoutingHandlers } from './rpc/routing-handlers.js';

export interface RoutingServiceOptions {
  config: RoutingConfig;
  eventStreams?: EventStreamsConfig;
  handleSignals?: boolean;
  /** NATS subject token for the RPC contract; "routing" unless a test isolates itself. */
  rpcDomain?: string;
}

export interface RunningRoutingService {
  host: ServiceHost;
  engine: RoutingEngine;
  ports: { grpcPort: number; httpPort: number };
  stop(): Promise<void>;
}

export async function startRoutingService(options: RoutingServiceOptions): Promise<RunningRoutingService> {
  const { config } = options;
  const host = await ServiceHost.start({
    service: 'routing',
    config,
    grpcPort: config.GRPC_PORT,
    httpPort: config.HTTP_PORT,
    ...(options.eventStreams ? { eventStreams: options.eventStreams } : {}),
    handleSignals: options.handleSignals ?? true,
  });
  const engine = new RoutingEngine({ newId: ulid });
  const outbox = new EventOutbox(
    engine,
    host.events,
    { site: config.PARLEY_SITE, source: `routing/${hostname()}`, newId: ulid },
    host.logger.child({ module: 'outbox' }),
  );
  const clock = new EngineClock(engine, async (now) => {
    engine.advance(now);
    await outbox.commit();
  });
  host.shutdown.add('engine-clock', () => clock.stop());
  const handlers = createRoutingHandlers({
    engine,
    now: Date.now,
    commit: async () => {
      clock.rearm();
      await outbox.commit();
    },
  });
  host.serve(RoutingServiceService, handlers, { domain: options.rpcDomain ?? 'routing' });
  const ports = await host.listen();
  return { host, engine, ports, stop: () => host.stop() };
}

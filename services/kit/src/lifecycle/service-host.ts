// Wires what every service process needs, in the right order: telemetry first, then logs, NATS and JetStream, the
// ops HTTP port, and one contract served over both gRPC and NATS. Shutdown runs in reverse on SIGTERM.
import { hostname } from 'node:os';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { BaseServiceConfig } from '../config/env-types.js';
import { EventPublisher } from '../events/event-publisher.js';
import { defaultEventStreams, ensureEventStreams, type EventStreamsConfig } from '../events/event-streams.js';
import { startHealthServer } from '../health/http-server.js';
import { Readiness } from '../health/readiness.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { closeNats, connectNats, type NatsConnection } from '../nats/connection.js';
import type { ContractDefinition } from '../rpc/contract.js';
import { GrpcRpcServer } from '../rpc/grpc-rpc-server.js';
import type { ContractHandlers } from '../rpc/handlers.js';
import { NatsRpcServer, type NatsServeOptions } from '../rpc/nats-rpc-server.js';
import { startTelemetry } from '../telemetry/telemetry.js';
import { onTerminationSignal, ShutdownStack } from './shutdown.js';

export interface ServiceHostOptions {
  /** The service's name, also its NATS RPC subject token ("routing"). */
  service: string;
  config: BaseServiceConfig;
  grpcPort: number;
  httpPort: number;
  eventStreams?: EventStreamsConfig;
  /** Install SIGTERM/SIGINT handlers (off in tests that run a host in-process). */
  handleSignals?: boolean;
}

export class ServiceHost {
  private readonly grpc: GrpcRpcServer;
  private readonly natsRpc: NatsRpcServer;
  private boundGrpcPort = 0;
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly options: ServiceHostOptions,
    readonly logger: Logger,
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly events: EventPublisher,
    readonly shutdown: ShutdownStack,
    readonly readiness: Readiness,
    private readonly httpPort: number,
  ) {
    this.grpc = new GrpcRpcServer({ logger });
    this.natsRpc = new NatsRpcServer(nc, logger);
    // The RPC servers are not on the shutdown stack: stop() closes them first, so calls in flight finish while
    // everything a service registered afterwards (database pools, domain objects) is still open.
  }

  static async start(options: ServiceHostOptions): Promise<ServiceHost> {
    const { config } = options;
    const telemetry = startTelemetry({
      serviceName: options.service,
      site: config.PARLEY_SITE,
      otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    });
    const logger = createLogger({ service: options.service, site: config.PARLEY_SITE, level: config.LOG_LEVEL });
    const shutdown = new ShutdownStack(logger);
    shutdown.add('telemetry', () => telemetry.shutdown());
    try {
      const nc = await connectNats({
        servers: config.NATS_URL,
        name: `${options.service}@${config.PARLEY_SITE}/${hostname()}`,
        logger,
      });
      shutdown.add('nats', () => closeNats(nc));
      const jsm = await jetstreamManager(nc);
      const js = jetstream(nc);
      const streams = options.eventStreams ?? defaultEventStreams;
      await ensureEventStreams(jsm, streams);
      const readiness = new Readiness();
      const health = await startHealthServer({
        host: config.HTTP_HOST,
        port: options.httpPort,
        readiness,
        metrics: telemetry.handleMetricsRequest,
      });
      shutdown.add('http', () => health.close());
      const host = new ServiceHost(
        options,
        logger,
        nc,
        js,
        jsm,
        new EventPublisher(js, streams, nc),
        shutdown,
        readiness,
        health.port,
      );
      readiness.add('nats', () => !nc.isClosed() && !nc.isDraining() && nc.getServer() !== '');
      if (options.handleSignals ?? true) onTerminationSignal(() => host.stop(), logger);
      return host;
    } catch (error) {
      logger.fatal({ err: error }, 'failed to start');
      await shutdown.close(config.SHUTDOWN_TIMEOUT_MS);
      throw error;
    }
  }

  /** Serves a contract on both transports; call before listen(). */
  serve<Definition extends ContractDefinition>(
    definition: Definition,
    handlers: ContractHandlers<Definition>,
    options: NatsServeOptions & { nats?: boolean } = {},
  ): void {
    this.grpc.serve(definition, handlers);
    // nats: false for services that join the NATS queue group only while they own their state (leases).
    if (options.nats ?? true)
      this.natsRpc.serve(definition, handlers, { domain: options.domain ?? this.options.service });
  }

  /** Opens the gRPC port and reports SERVING; returns the bound ports. */
  async listen(): Promise<{ grpcPort: number; httpPort: number }> {
    this.boundGrpcPort = await this.grpc.listen(this.options.config.GRPC_HOST, this.options.grpcPort);
    this.grpc.setServing(true);
    this.logger.info({ grpcPort: this.boundGrpcPort, httpPort: this.httpPort }, `${this.options.service} ready`);
    return { grpcPort: this.boundGrpcPort, httpPort: this.httpPort };
  }

  /**
   * Idempotent graceful stop: not-ready first, then the RPC servers (in-flight calls finish), then the shutdown
   * stack in reverse order of registration (service resources, HTTP, NATS drained, telemetry).
   */
  async stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.readiness.markShuttingDown();
      this.grpc.setServing(false);
      const graceMs = this.options.config.SHUTDOWN_TIMEOUT_MS / 2;
      await Promise.all([this.natsRpc.close(), this.grpc.close(graceMs)]).catch((error: unknown) =>
        this.logger.error({ err: error }, 'RPC servers did not close cleanly'),
      );
      await this.shutdown.close(this.options.config.SHUTDOWN_TIMEOUT_MS);
    })();
    return this.stopping;
  }
}

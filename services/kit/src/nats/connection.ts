// One NATS connection per process: reconnects forever (a NATS restart must never take a service down) and drains
// on shutdown so in-flight requests and published messages are not dropped.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';

export type { NatsConnection } from '@nats-io/transport-node';

export interface NatsConnectOptions {
  servers: string[];
  /** Shown in the NATS server's connection list: "<service>@<site>/<host>". */
  name: string;
  logger: Logger;
}

export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  const logger = options.logger.child({ module: 'nats' });
  const nc = await connect({
    servers: options.servers,
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    reconnectJitter: 250,
    // Keep publishing into the client buffer while reconnecting; JetStream publishes still wait for their ack.
    reconnect: true,
    waitOnFirstConnect: true,
    pingInterval: 10_000,
    // nats.js otherwise builds an Error (with a stack) for every request up front, in case it fails: measured as a
    // quarter of the CPU of an RPC round trip. Failures still carry their message and cause.
    noAsyncTraces: true,
  });
  logger.info({ server: nc.getServer() }, 'connected to NATS');
  void watchStatus(nc, logger);
  return nc;
}

async function watchStatus(nc: NatsConnection, logger: Logger): Promise<void> {
  for await (const status of nc.status()) {
    switch (status.type) {
      case 'disconnect':
        logger.warn({ server: status.server }, 'NATS disconnected; reconnecting');
        break;
      case 'reconnect':
        logger.info({ server: status.server }, 'NATS reconnected');
        break;
      case 'error':
        logger.error({ err: status.error }, 'NATS connection error');
        break;
      default:
        break;
    }
  }
}

/** Idempotent: drains subscriptions and flushes pending publishes, then closes. */
export async function closeNats(nc: NatsConnection): Promise<void> {
  if (nc.isClosed()) return;
  if (nc.isDraining()) {
    await nc.closed();
    return;
  }
  await nc.drain();
}

// The history handlers wired as the service wires them, on a test database and test event streams of the real
// NATS: commands publish their events there.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { closeNats, connectNats, createLogger, EventPublisher, type NatsConnection } from '@parley/kit';
import { createTestEventStreams, testNatsUrl, type TestEventStreams } from '@parley/kit/testing';
import type pg from 'pg';
import { createPrismaClient, type HistoryPrisma } from '../../src/adapters/database/prisma.js';
import { createHistoryHandlers, type HistoryHandlers } from '../../src/rpc/history-handlers.js';

export interface HandlerHarness {
  handlers: HistoryHandlers;
  prisma: HistoryPrisma;
  nc: NatsConnection;
  streams: TestEventStreams;
  close(): Promise<void>;
}

export async function startHandlerHarness(
  databaseUrl: string,
  pool: pg.Pool,
  exports = { maxConcurrent: 2, chunkSize: 100 },
): Promise<HandlerHarness> {
  const logger = createLogger({ service: 'history-test', level: 'silent' });
  const nc = await connectNats({ servers: [testNatsUrl], name: 'history-handlers-test', logger });
  const streams = await createTestEventStreams(await jetstreamManager(nc));
  const prisma = createPrismaClient(databaseUrl, 2);
  const handlers = createHistoryHandlers({
    pool,
    prisma,
    events: new EventPublisher(jetstream(nc), streams.config, nc),
    site: 'waw',
    source: 'history/test',
    databaseUrl,
    exports,
  });
  return {
    handlers,
    prisma,
    nc,
    streams,
    async close() {
      await prisma.$disconnect();
      await streams.remove();
      await closeNats(nc);
    },
  };
}

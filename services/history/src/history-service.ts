// The history service process: its database created and migrated on start-up, the event ingest consuming every
// event, and the parley.history.v1 contract (partly: see README, "State") over gRPC and NATS.
import { hostname } from 'node:os';
import { deadLetterSubject, defaultEventStreams, ServiceHost, type EventStreamsConfig } from '@parley/kit';
import { HistoryServiceService } from '@parley/protos/parley/history/v1/history';
import { ensureDatabase } from './adapters/database/ensure-database.js';
import { migrateUp, readMigrations } from './adapters/database/migrations.js';
import { createDatabasePool } from './adapters/database/pool.js';
import { createPrismaClient } from './adapters/database/prisma.js';
import { IngestConsumer } from './adapters/ingest-consumer.js';
import { historyDatabaseUrl, retentionPolicyOf, type HistoryConfig } from './config.js';
import { scheduleRetention } from './adapters/retention-schedule.js';
import { createHistoryHandlers } from './rpc/history-handlers.js';

export interface HistoryServiceOptions {
  config: HistoryConfig;
  /** Tests use streams of their own. */
  eventStreams?: EventStreamsConfig;
  handleSignals?: boolean;
}

export async function startHistoryService(options: HistoryServiceOptions) {
  const { config } = options;
  const host = await ServiceHost.start({
    service: 'history',
    config,
    grpcPort: config.GRPC_PORT,
    httpPort: config.HTTP_PORT,
    ...(options.eventStreams ? { eventStreams: options.eventStreams } : {}),
    handleSignals: options.handleSignals ?? true,
  });
  try {
    const url = historyDatabaseUrl(config);
    await ensureDatabase(url);
    const pool = createDatabasePool(url, host.logger);
    host.shutdown.add('database', () => pool.end());
    const client = await pool.connect();
    try {
      const applied = await migrateUp(client, readMigrations());
      if (applied.length > 0) host.logger.info({ applied }, 'database migrated');
    } finally {
      client.release();
    }
    host.readiness.add('database', async () => (await pool.query('SELECT 1')).rowCount === 1);
    const streams = options.eventStreams ?? defaultEventStreams;
    const ingest = IngestConsumer.start({
      js: host.js,
      pool,
      databaseUrl: url,
      logger: host.logger,
      stream: streams.stream,
      name: 'history',
      filterSubject: `${streams.subjectPrefix}.>`,
      deadLetterSubject: deadLetterSubject(streams, 'history'),
      batchSize: config.HISTORY_INGEST_BATCH,
      leaderPollMs: config.HISTORY_INGEST_LEADER_POLL_MS,
    });
    host.shutdown.add('ingest', () => ingest.close());
    if (config.HISTORY_RETENTION_INTERVAL_MINUTES > 0) {
      const retention = scheduleRetention(
        pool,
        retentionPolicyOf(config),
        config.HISTORY_RETENTION_INTERVAL_MINUTES,
        host.logger,
      );
      host.shutdown.add('retention', () => retention.stop());
    }
    const prisma = createPrismaClient(url);
    host.shutdown.add('prisma', () => prisma.$disconnect());
    host.serve(
      HistoryServiceService,
      createHistoryHandlers({
        pool,
        prisma,
        events: host.events,
        site: config.PARLEY_SITE,
        source: `history/${hostname()}`,
        databaseUrl: url,
        exports: { maxConcurrent: config.HISTORY_MAX_EXPORTS, chunkSize: 500 },
      }),
      { domain: config.HISTORY_RPC_DOMAIN },
    );
    const ports = await host.listen();
    return { host, pool, ingest, ports, stop: () => host.stop() };
  } catch (error) {
    await host.stop();
    throw error;
  }
}

// The whole history service as its own process, for the crash tests: reads SERVICE_SETUP (PostgreSQL server URL,
// database name, test event streams), starts the service as main.ts would (it migrates its database itself), writes
// "ready" once serving, and runs until killed.
import type { EventStreamsConfig } from '@parley/kit';
import { testNatsUrl } from '@parley/kit/testing';
import { loadHistoryConfig } from '../../src/config.js';
import { startHistoryService } from '../../src/history-service.js';

const setup = JSON.parse(process.env.SERVICE_SETUP ?? '{}') as {
  databaseServerUrl: string;
  databaseName: string;
  eventStreams: EventStreamsConfig;
};
const config = loadHistoryConfig({
  NATS_URL: testNatsUrl,
  DATABASE_URL: setup.databaseServerUrl,
  HISTORY_DATABASE_NAME: setup.databaseName,
  GRPC_PORT: '0',
  HTTP_PORT: '0',
  GRPC_HOST: '127.0.0.1',
  HTTP_HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  HISTORY_INGEST_BATCH: '200',
  HISTORY_INGEST_LEADER_POLL_MS: '200',
  HISTORY_RETENTION_INTERVAL_MINUTES: '0',
});
await startHistoryService({ config, eventStreams: setup.eventStreams });
process.stdout.write('ready\n');

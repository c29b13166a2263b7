// The ingest consumer as its own process, for the crash test: reads INGEST_SETUP (database URL, stream, durable,
// subject), writes "ready" once consuming, and runs until killed.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectNats, createLogger } from '@parley/kit';
import { testNatsUrl } from '@parley/kit/testing';
import pg from 'pg';
import { IngestConsumer } from '../../src/adapters/ingest-consumer.js';

const setup = JSON.parse(process.env.INGEST_SETUP ?? '{}') as {
  databaseUrl: string;
  stream: string;
  durable: string;
  filterSubject: string;
  deadLetterSubject: string;
};
const logger = createLogger({ service: 'ingest-process', level: 'warn' });
const nc = await connectNats({ servers: [testNatsUrl], name: 'ingest-process', logger });
const pool = new pg.Pool({ connectionString: setup.databaseUrl, max: 2 });
await IngestConsumer.start({
  js: jetstream(nc),
  jsm: await jetstreamManager(nc),
  pool,
  logger,
  stream: setup.stream,
  durable: setup.durable,
  filterSubject: setup.filterSubject,
  deadLetterSubject: setup.deadLetterSubject,
  batchSize: 200,
  ackWaitMs: 3_000, // what the killed process had received comes back quickly
});
process.stdout.write('ready\n');

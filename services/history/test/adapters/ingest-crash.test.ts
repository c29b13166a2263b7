// Killing the history service mid-ingest loses nothing and applies nothing twice: 10,000 events on a real JetStream
// stream, the service process (which creates its schema itself) SIGKILLed part-way and started again — the tables end
// up exactly as a clean run leaves them. Likewise when PostgreSQL drops every connection mid-ingest.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeNats, connectNats, createLogger, publishToStream, type NatsConnection } from '@parley/kit';
import {
  createTestDatabase,
  createTestEventStreams,
  testNatsUrl,
  waitFor,
  type TestDatabase,
  type TestEventStreams,
} from '@parley/kit/testing';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { ingestBatch } from '../../src/adapters/database/ingest-batch.js';
import { migrateUp, readMigrations } from '../../src/adapters/database/migrations.js';
import { createDatabasePool } from '../../src/adapters/database/pool.js';
import { IngestConsumer } from '../../src/adapters/ingest-consumer.js';
import { generateEventStream } from '../support/event-stream.js';
import { dumpRecord } from '../support/record-dump.js';

const script = fileURLToPath(new URL('../support/service-process.ts', import.meta.url));
const logger = createLogger({ service: 'ingest-crash-test', level: 'silent' });
const stream = generateEventStream(10_000, 3);
let nc: NatsConnection;
let jsm: JetStreamManager;
let streams: TestEventStreams;
const databases: TestDatabase[] = [];
const pools: pg.Pool[] = [];
const children: ChildProcess[] = [];

/** A new database; migrated here for the reference ingest, or left empty for the service to migrate. */
async function testDatabase(migrate: boolean): Promise<{ url: string; pool: pg.Pool }> {
  const database = await createTestDatabase('history_crash');
  databases.push(database);
  const pool = createDatabasePool(database.url, logger, 2);
  pools.push(pool);
  if (migrate) {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await migrateUp(client, readMigrations());
    await client.end();
  }
  return { url: database.url, pool };
}

/** The history service in a process of its own, on the given (already created) database. */
function startService(databaseUrl: string): Promise<ChildProcess> {
  const url = new URL(databaseUrl);
  const setup = {
    databaseServerUrl: databaseUrl,
    databaseName: url.pathname.slice(1),
    eventStreams: streams.config,
  };
  const child = spawn(process.execPath, ['--conditions=parley-source', '--import', 'tsx', script], {
    env: { ...process.env, SERVICE_SETUP: JSON.stringify(setup) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`the service exited with ${code} before it was ready`)));
  });
}

const count = async (pool: pg.Pool, table: string) =>
  Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'ingest-crash-test', logger });
  jsm = await jetstreamManager(nc);
  streams = await createTestEventStreams(jsm);
  // Every event on its subject, in order, 256 in flight.
  for (let i = 0; i < stream.payloads.length; i += 256)
    await Promise.all(
      stream.payloads.slice(i, i + 256).map((payload) => {
        const envelope = Envelope.decode(payload);
        return publishToStream(nc, `${streams.config.subjectPrefix}.${envelope.site}.${envelope.type}`, payload, {
          msgID: envelope.id,
        });
      }),
    );
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const pool of pools) await pool.end();
  for (const database of databases) await database.drop();
  await streams.remove();
  await closeNats(nc);
});

describe('history ingest under a crash', () => {
  it(
    'ends with exactly the tables of a clean run after the service is killed mid-ingest and restarted',
    { timeout: 120_000 },
    async () => {
      const reference = await testDatabase(true);
      for (let i = 0; i < stream.payloads.length; i += 500)
        await ingestBatch(reference.pool, stream.payloads.slice(i, i + 500));

      const crashed = await testDatabase(false);
      const first = await startService(crashed.url);
      // Counted once the service has created the table.
      await waitFor(async () => (await count(crashed.pool, 'event_log').catch(() => 0)) >= 2_000, {
        timeoutMs: 30_000,
      });
      first.kill('SIGKILL');
      const atKill = await count(crashed.pool, 'event_log');
      expect(atKill).toBeLessThan(stream.payloads.length); // killed part-way

      await startService(crashed.url);
      await waitFor(async () => (await count(crashed.pool, 'event_log')) === stream.payloads.length, {
        timeoutMs: 60_000,
        description: 'every event to be ingested after the restart',
      });
      expect(await dumpRecord(crashed.pool)).toEqual(await dumpRecord(reference.pool));
      expect(jetstream).toBeDefined();
    },
  );

  it(
    'loses and duplicates nothing when PostgreSQL drops its connections mid-ingest',
    { timeout: 120_000 },
    async () => {
      const reference = await testDatabase(true);
      for (let i = 0; i < stream.payloads.length; i += 500)
        await ingestBatch(reference.pool, stream.payloads.slice(i, i + 500));

      const target = await testDatabase(true);
      // Every connection is cut, the leadership lock's too: the ingest loses the lead, takes it back, and resumes
      // from its checkpoint.
      const consumer = IngestConsumer.start({
        js: jetstream(nc),
        pool: target.pool,
        databaseUrl: target.url,
        leaderPollMs: 100,
        logger,
        stream: streams.config.stream,
        name: 'history-db-failure',
        filterSubject: `${streams.config.subjectPrefix}.>`,
        deadLetterSubject: `${streams.config.deadLetterPrefix}.history-db-failure`,
        batchSize: 200,
        retryDelayMs: 100,
      });
      const admin = new pg.Client({ connectionString: databases[0]?.url.replace(/\/[^/]+$/, '/postgres') });
      await admin.connect();
      const name = new URL(databases.at(-1)?.url ?? '').pathname.slice(1);
      let kills = 0;
      while ((await count(target.pool, 'event_log').catch(() => 0)) < stream.payloads.length && kills < 50) {
        // Every connection of the ingest's database, cut while batches are in flight.
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
        kills++;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      await admin.end();
      await waitFor(async () => (await count(target.pool, 'event_log')) === stream.payloads.length, {
        timeoutMs: 60_000,
      });
      await consumer.close();
      expect(kills).toBeGreaterThan(1);
      expect(await dumpRecord(target.pool)).toEqual(await dumpRecord(reference.pool));
    },
  );
});

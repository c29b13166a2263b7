// One replica ingests at a time: a second consumer on the same database stays standby while the first runs, takes
// over when it stops, and resumes from the checkpoint the first left — every event applied exactly once.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type pg from 'pg';
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
import { readCheckpoint } from '../../src/adapters/database/ingest-checkpoint.js';
import { createDatabasePool } from '../../src/adapters/database/pool.js';
import { migrateUp, readMigrations } from '../../src/adapters/database/migrations.js';
import { IngestConsumer } from '../../src/adapters/ingest-consumer.js';
import { generateEventStream } from '../support/event-stream.js';

const logger = createLogger({ service: 'ingest-leadership-test', level: 'silent' });
let nc: NatsConnection;
let streams: TestEventStreams;
let database: TestDatabase;
let pool: pg.Pool;

async function publish(payloads: readonly Uint8Array[]): Promise<void> {
  for (const payload of payloads) {
    const envelope = Envelope.decode(payload);
    await publishToStream(nc, `${streams.config.subjectPrefix}.${envelope.site}.${envelope.type}`, payload, {
      msgID: envelope.id,
    });
  }
}

const count = async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM event_log')).rows[0]?.n);

function consumer(): IngestConsumer {
  return IngestConsumer.start({
    js: jetstream(nc),
    pool,
    databaseUrl: database.url,
    logger,
    stream: streams.config.stream,
    name: 'history',
    filterSubject: `${streams.config.subjectPrefix}.>`,
    deadLetterSubject: `${streams.config.deadLetterPrefix}.history`,
    batchSize: 100,
    leaderPollMs: 100,
    checkpointEveryMs: 100,
  });
}

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'ingest-leadership-test', logger });
  streams = await createTestEventStreams(await jetstreamManager(nc));
  database = await createTestDatabase('history_leader');
  pool = createDatabasePool(database.url, logger, 3);
  const client = await pool.connect();
  await migrateUp(client, readMigrations()).finally(() => client.release());
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
  await streams?.remove();
  await closeNats(nc);
});

describe('history ingest leadership', () => {
  it('lets one replica ingest, hands over on stop, and resumes from the checkpoint', { timeout: 60_000 }, async () => {
    const { payloads } = generateEventStream(2_000, 51);
    const [firstHalf, secondHalf] = [payloads.slice(0, 1_000), payloads.slice(1_000)];
    await publish(firstHalf);
    const first = consumer();
    await waitFor(async () => (await count()) === firstHalf.length, { timeoutMs: 20_000 });
    const standby = consumer();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(standby.appliedCount).toBe(0); // it waits while the first holds the ingest

    await first.close();
    expect(await readCheckpoint(pool, 'history')).toBe(firstHalf.length); // stream sequences 1..1000
    await publish(secondHalf);
    await waitFor(async () => (await count()) === payloads.length, { timeoutMs: 20_000 });
    await standby.close();
    expect(first.appliedCount).toBe(firstHalf.length);
    expect(standby.appliedCount).toBe(secondHalf.length); // resumed after the checkpoint: nothing re-applied
    expect(await readCheckpoint(pool, 'history')).toBe(payloads.length);
  });
});

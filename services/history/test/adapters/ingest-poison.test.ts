// Events that can never be stored (a NUL byte PostgreSQL refuses, a number out of range, unreadable bytes) are parked
// on the dead-letter stream with the reason, and every other event of their batches is ingested exactly once: the
// ingest neither stalls on them nor drops its neighbours. Real NATS and PostgreSQL.
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeNats,
  connectNats,
  createLogger,
  deadLetterSubject,
  publishToStream,
  type NatsConnection,
} from '@parley/kit';
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
import { isPoisonError } from '../../src/adapters/database/poison-error.js';
import { IngestConsumer } from '../../src/adapters/ingest-consumer.js';
import { generateEventStream } from '../support/event-stream.js';

const logger = createLogger({ service: 'ingest-poison-test', level: 'silent' });
const good = generateEventStream(2_000, 5).payloads;
const event = (fields: Record<string, unknown>) =>
  Envelope.encode(
    Envelope.fromPartial({ site: 'waw', source: 'test', occurredAt: new Date(Date.UTC(2026, 10, 24, 9)), ...fields }),
  ).finish();
// Each would fail its whole batch, every time it is delivered.
const poison: Record<string, Uint8Array> = {
  nulInQueue: event({ id: 'bad-1', type: 'interaction.queued', interactionId: 'int-3', queueId: 'q\u0000' }),
  waitOutOfRange: event({
    id: 'bad-2',
    type: 'interaction.connected',
    interactionId: 'int-5',
    agentId: 'a1',
    interactionConnected: { waitMs: 3_000_000_000 },
  }),
  nulInEventId: event({ id: 'bad\u00003', type: 'interaction.ivr_started', interactionId: 'int-7' }),
  unreadable: new Uint8Array([0xff, 0xff, 0xff]),
};

let nc: NatsConnection;
let jsm: JetStreamManager;
let streams: TestEventStreams;
const databases: TestDatabase[] = [];
const pools: pg.Pool[] = [];

async function migratedPool(): Promise<pg.Pool & { url: string }> {
  const database = await createTestDatabase('history_poison');
  databases.push(database);
  const pool = createDatabasePool(database.url, logger, 2);
  pools.push(pool);
  const client = await pool.connect();
  await migrateUp(client, readMigrations()).finally(() => client.release());
  return Object.assign(pool, { url: database.url });
}

const dump = async (pool: pg.Pool) => ({
  interactions: (await pool.query('SELECT * FROM interactions ORDER BY id')).rows,
  customers: (await pool.query('SELECT * FROM customers ORDER BY id')).rows,
  identities: (await pool.query('SELECT * FROM customer_identities ORDER BY id')).rows,
  segments: (await pool.query('SELECT * FROM segments ORDER BY id')).rows,
  events: (await pool.query('SELECT event_id, payload FROM event_log ORDER BY event_id')).rows,
});

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'ingest-poison-test', logger });
  jsm = await jetstreamManager(nc);
  streams = await createTestEventStreams(jsm);
});

afterAll(async () => {
  for (const pool of pools) await pool.end();
  for (const database of databases) await database.drop();
  await streams?.remove();
  await closeNats(nc);
});

describe('history ingest › events that can never be stored', () => {
  it('tells a bad row (SQLSTATE 22, 23) from a database that is away', () => {
    expect(isPoisonError(Object.assign(new Error('0x00'), { code: '22021' }))).toBe(true);
    expect(isPoisonError(Object.assign(new Error('out of range'), { code: '22003' }))).toBe(true);
    expect(isPoisonError(Object.assign(new Error('admin shutdown'), { code: '57P01' }))).toBe(false);
    expect(isPoisonError(Object.assign(new Error('deadlock'), { code: '40P01' }))).toBe(false);
    expect(isPoisonError(new Error('Connection terminated unexpectedly'))).toBe(false);
  });

  it('parks each one with its reason and ingests every other event exactly once', { timeout: 60_000 }, async () => {
    const reference = await migratedPool();
    for (let i = 0; i < good.length; i += 500) await ingestBatch(reference, good.slice(i, i + 500));

    // The bad events sit among the good ones, so each lands in a batch of good events.
    const published = [...good];
    Object.values(poison).forEach((payload, i) => published.splice(150 + i * 450, 0, payload));
    for (const [i, payload] of published.entries())
      await publishToStream(nc, `${streams.config.subjectPrefix}.waw.interaction.x`, payload, { msgID: `m${i}` });

    const target = await migratedPool();
    const consumer = IngestConsumer.start({
      js: jetstream(nc),
      pool: target,
      databaseUrl: target.url,
      logger,
      stream: streams.config.stream,
      name: 'history',
      filterSubject: `${streams.config.subjectPrefix}.>`,
      deadLetterSubject: deadLetterSubject(streams.config, 'history'),
      batchSize: 200,
      retryDelayMs: 100,
    });
    try {
      await waitFor(async () => consumer.parkedCount === 4 && consumer.appliedCount === good.length, {
        timeoutMs: 30_000,
        description: 'every good event applied and the four bad ones parked',
      });
    } finally {
      await consumer.close();
    }
    expect(await dump(target)).toEqual(await dump(reference));

    const parked = await jsm.streams.info(streams.config.deadLetterStream);
    expect(parked.state.messages).toBe(4);
    const reasons: string[] = [];
    for (let seq = 1; seq <= 4; seq++) {
      const message = await jsm.streams.getMessage(streams.config.deadLetterStream, { seq });
      expect(message?.subject).toBe(deadLetterSubject(streams.config, 'history'));
      reasons.push(decodeURIComponent(message?.header.get('Parley-Dlq-Error') ?? ''));
    }
    expect(reasons.sort()).toEqual([
      expect.stringMatching(/0x00/),
      expect.stringMatching(/0x00/),
      expect.stringMatching(/EOF|wire type/),
      expect.stringMatching(/"3000000000" is out of range/),
    ]);
  });
});

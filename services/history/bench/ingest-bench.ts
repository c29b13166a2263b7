// Ingest benchmark: events/s from JetStream into PostgreSQL (a backlog drained by the batch consumer), lag p50/p99
// while events arrive at a steady rate, and — in the same run — the same pipeline with one event per transaction,
// to show what batching buys. Own streams and databases, removed afterwards (also when a step fails).
// Run: pnpm --filter @parley/history bench:ingest
import { cpus, totalmem } from 'node:os';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { closeNats, connectNats, createLogger, publishToStream } from '@parley/kit';
import { createTestDatabase, createTestEventStreams, testNatsUrl } from '@parley/kit/testing';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { ingestBatch } from '../src/adapters/database/ingest-batch.js';
import { migrateUp, readMigrations } from '../src/adapters/database/migrations.js';
import { IngestConsumer } from '../src/adapters/ingest-consumer.js';
import { generateEventStream } from '../test/support/event-stream.js';

const backlogEvents = Number(process.env.BENCH_EVENTS ?? 50_000);
// Steady rates to measure lag at: half the goal, and the goal itself.
const steadyRates = (process.env.BENCH_RATES ?? '5000,10000').split(',').map(Number);
const steadySeconds = Number(process.env.BENCH_SECONDS ?? 5);
const singleRowEvents = Number(process.env.BENCH_SINGLE_EVENTS ?? 5_000);
const batchSize = Number(process.env.BENCH_BATCH ?? 1_000);
const workers = Number(process.env.BENCH_WORKERS ?? 2);

const logger = createLogger({ service: 'ingest-bench', level: 'warn' });
const nc = await connectNats({ servers: [testNatsUrl], name: 'ingest-bench', logger });
const jsm = await jetstreamManager(nc);

const cleanups: (() => Promise<unknown>)[] = [];

async function migrated(prefix: string) {
  const database = await createTestDatabase(prefix);
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  cleanups.push(async () => {
    await pool.end();
    await database.drop();
  });
  const client = await pool.connect();
  await migrateUp(client, readMigrations()).finally(() => client.release());
  return { database, pool };
}

async function streamsOfItsOwn() {
  const streams = await createTestEventStreams(jsm);
  cleanups.push(() => streams.remove());
  return streams;
}

async function publish(subjectPrefix: string, payloads: readonly Uint8Array[]): Promise<void> {
  for (let i = 0; i < payloads.length; i += 512)
    await Promise.all(
      payloads.slice(i, i + 512).map((payload) => {
        const envelope = Envelope.decode(payload);
        return publishToStream(nc, `${subjectPrefix}.${envelope.site}.${envelope.type}`, payload, {
          msgID: envelope.id,
        });
      }),
    );
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Publishes `payloads` first, then drains them with the consumer at `batch` events per transaction: events/s. */
async function drainRate(payloads: readonly Uint8Array[], batch: number): Promise<number> {
  const streams = await streamsOfItsOwn();
  await publish(streams.config.subjectPrefix, payloads);
  const { pool, database } = await migrated('history_bench_drain');
  let committed = 0;
  let allCommitted: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allCommitted = resolve));
  const started = performance.now();
  const drainer = IngestConsumer.start({
    js: jetstream(nc),
    pool,
    databaseUrl: database.url,
    logger,
    stream: streams.config.stream,
    name: 'history',
    filterSubject: `${streams.config.subjectPrefix}.>`,
    deadLetterSubject: `${streams.config.deadLetterPrefix}.history`,
    batchSize: batch,
    workers,
    onCommitted: (ids) => {
      committed += ids.length;
      if (committed >= payloads.length) allCommitted();
    },
  });
  await done;
  const seconds = (performance.now() - started) / 1000;
  await drainer.close();
  return payloads.length / seconds;
}

/** Publishes at a steady rate while the consumer follows: publish-to-commit lag of every event. */
async function steadyLag(steadyRate: number) {
  const steady = generateEventStream(steadyRate * steadySeconds, 2);
  const steadyStreams = await streamsOfItsOwn();
  const lagDb = await migrated('history_bench_lag');
  const publishedAt = new Map<string, number>();
  const lags: number[] = [];
  const follower = IngestConsumer.start({
    js: jetstream(nc),
    pool: lagDb.pool,
    databaseUrl: lagDb.database.url,
    logger,
    stream: steadyStreams.config.stream,
    name: 'history',
    filterSubject: `${steadyStreams.config.subjectPrefix}.>`,
    deadLetterSubject: `${steadyStreams.config.deadLetterPrefix}.history`,
    batchSize,
    workers,
    onCommitted: (ids) => {
      const now = performance.now();
      for (const id of ids) {
        const at = publishedAt.get(id);
        if (at !== undefined) lags.push(now - at);
      }
    },
  });
  const begin = performance.now();
  const perTick = steadyRate / 100; // every 10 ms
  for (let i = 0; i < steady.payloads.length; i += perTick) {
    const due = begin + (i / steadyRate) * 1000;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const slice = steady.payloads.slice(i, i + perTick);
    for (const payload of slice) publishedAt.set(Envelope.decode(payload).id, performance.now());
    void publish(steadyStreams.config.subjectPrefix, slice);
  }
  const deadline = Date.now() + 30_000;
  while (lags.length < steady.payloads.length && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  await follower.close();
  return { events: steady.payloads.length, lags: [...lags].sort((a, b) => a - b) };
}

try {
  // 1. Backlog: everything published first, then drained; then a smaller backlog one event per transaction.
  const backlog = generateEventStream(backlogEvents, 1);
  const backlogRate = await drainRate(backlog.payloads, batchSize);
  const singleBacklog = generateEventStream(singleRowEvents, 5);
  const singleBacklogRate = await drainRate(singleBacklog.payloads, 1);

  // 2. Steady arrivals: lag from publish to commit.
  const steadyRuns = [];
  for (const rate of steadyRates) steadyRuns.push({ rate, ...(await steadyLag(rate)) });

  // 3. The same kind of events, one per transaction, then batched, straight into PostgreSQL (no JetStream).
  const single = generateEventStream(singleRowEvents, 4);
  const singleDb = await migrated('history_bench_single');
  let t = performance.now();
  for (const payload of single.payloads) await ingestBatch(singleDb.pool, [payload]);
  const singleRate = single.payloads.length / ((performance.now() - t) / 1000);
  const batchedDb = await migrated('history_bench_batched');
  t = performance.now();
  for (let i = 0; i < single.payloads.length; i += batchSize)
    await ingestBatch(batchedDb.pool, single.payloads.slice(i, i + batchSize));
  const batchedRate = single.payloads.length / ((performance.now() - t) / 1000);

  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  console.log(
    `JetStream → PostgreSQL, backlog of ${backlog.payloads.length} events (${backlog.interactions} interactions), ` +
      `batches of ${batchSize}: ${Math.round(backlogRate)} events/s (goal ≥ 10,000)`,
  );
  console.log(
    `JetStream → PostgreSQL, backlog of ${singleBacklog.payloads.length} events, one per transaction: ` +
      `${Math.round(singleBacklogRate)} events/s (batching: ${(backlogRate / singleBacklogRate).toFixed(1)}×)`,
  );
  for (const { rate, events, lags } of steadyRuns)
    console.log(
      `steady ${rate}/s for ${steadySeconds} s: ${lags.length}/${events} committed; ` +
        `lag p50 ${percentile(lags, 0.5)?.toFixed(1)} ms, p99 ${percentile(lags, 0.99)?.toFixed(1)} ms`,
    );
  console.log(
    `straight into PostgreSQL, ${single.payloads.length} events: one per transaction ${Math.round(singleRate)} events/s, ` +
      `batches of ${batchSize} ${Math.round(batchedRate)} events/s (${(batchedRate / singleRate).toFixed(1)}×)`,
  );
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await closeNats(nc);
}

// Timeline benchmark: GetCustomerTimeline pages for a customer with 1,000 interactions in a table of 5,000,000
// (BENCH_ROWS), SearchInteractions over the same table, and ExportInteractions streaming a range of it (rows/s and
// the process's memory while it runs), through the same handlers the contract serves. The rows are generated inside
// PostgreSQL (generate_series), then the table is analysed. Own database, dropped afterwards.
// Run: pnpm --filter @parley/history bench:timeline
import { cpus, totalmem } from 'node:os';
import { jetstream } from '@nats-io/jetstream';
import { closeNats, connectNats, createLogger, EventPublisher, type CallContext } from '@parley/kit';
import { createTestDatabase, testNatsUrl } from '@parley/kit/testing';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import {
  ExportInteractionsRequest,
  GetCustomerTimelineRequest,
  SearchInteractionsRequest,
} from '@parley/protos/parley/history/v1/history';
import { migrateUp, readMigrations } from '../src/adapters/database/migrations.js';
import { createDatabasePool } from '../src/adapters/database/pool.js';
import { createPrismaClient } from '../src/adapters/database/prisma.js';
import { createHistoryHandlers } from '../src/rpc/history-handlers.js';

const rows = Number(process.env.BENCH_ROWS ?? 5_000_000);
const customers = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const calls = Number(process.env.BENCH_CALLS ?? 2_000);
const logger = createLogger({ service: 'timeline-bench', level: 'warn' });

const exportRows = Number(process.env.BENCH_EXPORT_ROWS ?? 500_000);
const database = await createTestDatabase('history_bench_timeline');
const pool = createDatabasePool(database.url, logger, 4);
const prisma = createPrismaClient(database.url, 2);
// The handlers need a publisher; the queries measured here publish nothing.
const nc = await connectNats({ servers: [testNatsUrl], name: 'timeline-bench', logger });
try {
  const client = await pool.connect();
  await migrateUp(client, readMigrations());
  client.release();
  let t = performance.now();
  await pool.query(
    `INSERT INTO customers (id, created_at, updated_at)
     SELECT 'c' || g, now(), now() FROM generate_series(0, $1 - 1) AS g`,
    [customers],
  );
  // Every customer gets a share of the rows; customer "c0" gets 1,000 more of its own.
  await pool.query(
    `INSERT INTO interactions (id, customer_id, channel, state, state_rank, created_at, queue_id, last_agent_id,
       last_event_at)
     SELECT 'i' || g, 'c' || (g % $2), (ARRAY['voice','chat','email'])[1 + g % 3], 'completed', 6,
       timestamptz '2024-01-01' + (g * interval '7 seconds'), 'q' || (g % 50), 'a' || (g % 900),
       timestamptz '2024-01-01' + (g * interval '7 seconds')
     FROM generate_series(0, $1 - 1) AS g`,
    [rows - 1_000, customers],
  );
  await pool.query(
    `INSERT INTO interactions (id, customer_id, channel, state, state_rank, created_at, last_event_at)
     SELECT 'mine' || g, 'c0', 'voice', 'completed', 6, timestamptz '2024-01-01' + (g * interval '11 hours'),
       timestamptz '2024-01-01' + (g * interval '11 hours')
     FROM generate_series(0, 999) AS g`,
  );
  await pool.query('ANALYZE');
  const buildSeconds = (performance.now() - t) / 1000;
  const target = 'c0';
  const { rows: count } = await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM interactions WHERE customer_id = $1',
    [target],
  );

  const handlers = createHistoryHandlers({
    pool,
    prisma,
    events: new EventPublisher(jetstream(nc), undefined, nc),
    site: 'bench',
    source: 'history/bench',
    databaseUrl: database.url,
    exports: { maxConcurrent: 1, chunkSize: 500 },
  });
  const context = {} as CallContext;
  const latencies: number[] = [];
  let pageToken = '';
  for (let i = 0; i < calls; i++) {
    t = performance.now();
    const page = await handlers.getCustomerTimeline(
      GetCustomerTimelineRequest.fromPartial({ customer: { customerId: target }, paging: { pageSize: 50, pageToken } }),
      context,
    );
    latencies.push(performance.now() - t);
    pageToken = page.pageInfo?.nextPageToken ?? ''; // walk the pages, then start over
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]?.toFixed(2);

  // Search: one day of the table's range, one channel and one queue, the first page of 50.
  const searchLatencies: number[] = [];
  const spanDays = Math.floor((rows * 7) / 86_400);
  for (let i = 0; i < calls; i++) {
    const start = new Date(Date.UTC(2024, 0, 1) + ((i * 7919) % Math.max(1, spanDays)) * 86_400_000);
    t = performance.now();
    await handlers.searchInteractions(
      SearchInteractionsRequest.fromPartial({
        filter: {
          timeRange: { start, end: new Date(start.getTime() + 86_400_000) },
          channels: [Channel.CHANNEL_CHAT],
          queueIds: [`q${i % 50}`],
        },
        paging: { pageSize: 50 },
      }),
      context,
    );
    searchLatencies.push(performance.now() - t);
  }
  searchLatencies.sort((a, b) => a - b);
  const searchAt = (q: number) =>
    searchLatencies[Math.min(searchLatencies.length - 1, Math.floor(q * searchLatencies.length))]?.toFixed(2);
  // Export: the first BENCH_EXPORT_ROWS interactions of the table (7 s apart), streamed to nowhere.
  const exportEnd = new Date(Date.UTC(2024, 0, 1) + exportRows * 7_000);
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  let exported = 0;
  t = performance.now();
  for await (const _row of handlers.exportInteractions(
    ExportInteractionsRequest.fromPartial({
      filter: { timeRange: { start: new Date(Date.UTC(2024, 0, 1)), end: exportEnd } },
    }),
    context,
  )) {
    if (++exported % 10_000 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }
  const exportSeconds = (performance.now() - t) / 1000;
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  console.log(
    `table: ${rows} interactions, ${customers} customers, built in ${buildSeconds.toFixed(0)} s; the customer has ${count[0]?.n}`,
  );
  console.log(
    `GetCustomerTimeline, 50 per page, walking all pages, ${calls} calls: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms (goal p99 < 20 ms)`,
  );
  console.log(
    `SearchInteractions, one day × one channel × one queue, first page of 50, ${calls} calls: ` +
      `p50 ${searchAt(0.5)} ms, p99 ${searchAt(0.99)} ms`,
  );
  console.log(
    `ExportInteractions, ${exported} interactions with segments: ${(exported / exportSeconds).toFixed(0)} rows/s; ` +
      `process memory ${(rssBefore / 2 ** 20).toFixed(0)} MiB before, peak ${(rssPeak / 2 ** 20).toFixed(0)} MiB`,
  );
} finally {
  await closeNats(nc);
  await prisma.$disconnect();
  await pool.end();
  await database.drop();
}

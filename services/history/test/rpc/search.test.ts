// SearchInteractions on the real PostgreSQL: filters combine with AND, pages come newest first without gaps, and
// bad filters (no range, an inverted range, unknown enum values, a foreign page token) name the field.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, Status, type CallContext } from '@parley/kit';
import { createTestDatabase, type TestDatabase } from '@parley/kit/testing';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { InteractionState } from '@parley/protos/parley/common/v1/interaction';
import { SearchInteractionsRequest } from '@parley/protos/parley/history/v1/history';
import { ingestBatch } from '../../src/adapters/database/ingest-batch.js';
import { migrateUp, readMigrations } from '../../src/adapters/database/migrations.js';
import { createDatabasePool } from '../../src/adapters/database/pool.js';
import type { HistoryHandlers } from '../../src/rpc/history-handlers.js';
import { startHandlerHarness, type HandlerHarness } from '../support/handler-harness.js';
import { generateEventStream } from '../support/event-stream.js';

const logger = createLogger({ service: 'search-test', level: 'silent' });
const context = {} as CallContext;
let database: TestDatabase;
let pool: pg.Pool;
let handlers: HistoryHandlers;
let harness: HandlerHarness;
const day = { start: new Date(Date.UTC(2026, 10, 24)), end: new Date(Date.UTC(2026, 10, 26)) };

interface SearchCall {
  filter?: {
    timeRange?: { start?: Date; end?: Date };
    channels?: Channel[];
    queueIds?: string[];
    states?: InteractionState[];
    customer?: { phoneNumber?: string };
  };
  paging?: { pageSize?: number; pageToken?: string };
}
const search = (request: SearchCall) =>
  handlers.searchInteractions(SearchInteractionsRequest.fromPartial(request), context);

beforeAll(async () => {
  database = await createTestDatabase('history_search');
  pool = createDatabasePool(database.url, logger, 2);
  const client = await pool.connect();
  await migrateUp(client, readMigrations());
  client.release();
  const stream = generateEventStream(3_000, 13);
  for (let i = 0; i < stream.payloads.length; i += 500) await ingestBatch(pool, stream.payloads.slice(i, i + 500));
  harness = await startHandlerHarness(database.url, pool);
  handlers = harness.handlers;
});

afterAll(async () => {
  await harness?.close();
  await pool.end();
  await database.drop();
});

describe('history › search', () => {
  it('combines filters and pages through every match, newest first', async () => {
    const expected = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM interactions WHERE channel = 'chat' AND state = 'completed' AND queue_id IN ('q1','q2')`,
    );
    const ids: string[] = [];
    let pageToken = '';
    do {
      const page = await search({
        filter: {
          timeRange: day,
          channels: [Channel.CHANNEL_CHAT],
          queueIds: ['q1', 'q2'],
          states: [InteractionState.INTERACTION_STATE_COMPLETED],
        },
        paging: { pageSize: 25, pageToken },
      });
      for (const hit of page.hits) {
        expect(hit.interaction?.interaction?.channel).toBe(Channel.CHANNEL_CHAT);
        expect(['q1', 'q2']).toContain(hit.interaction?.interaction?.queueId);
        ids.push(hit.interaction?.interaction?.id ?? '');
      }
      pageToken = page.pageInfo?.nextPageToken ?? '';
    } while (pageToken);
    expect(Number(expected.rows[0]?.n)).toBeGreaterThan(25);
    expect(ids).toHaveLength(Number(expected.rows[0]?.n));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('finds nothing outside the range, and nothing for an identity nobody has', async () => {
    const before = await search({ filter: { timeRange: { start: new Date(0), end: new Date(Date.UTC(2020, 0, 1)) } } });
    expect(before.hits).toEqual([]);
    const nobody = await search({ filter: { timeRange: day, customer: { phoneNumber: '+48999999999' } } });
    expect(nobody.hits).toEqual([]);
  });

  it('names every bad field', async () => {
    await expect(search({ filter: {} })).rejects.toMatchObject({
      status: Status.INVALID_ARGUMENT,
      fieldViolations: [expect.objectContaining({ field: 'filter.time_range.start' })],
    });
    await expect(
      search({
        filter: {
          timeRange: { start: day.end, end: day.start },
          channels: [99 as Channel],
          customer: { phoneNumber: '12345' },
        },
        paging: { pageSize: 1_000, pageToken: 'x' },
      }),
    ).rejects.toMatchObject({
      status: Status.INVALID_ARGUMENT,
      fieldViolations: [
        expect.objectContaining({ field: 'filter.time_range.end' }),
        expect.objectContaining({ field: 'filter.channels[0]' }),
        expect.objectContaining({ field: 'filter.customer.phone_number' }),
        expect.objectContaining({ field: 'paging.page_size' }),
        expect.objectContaining({ field: 'paging.page_token' }),
      ],
    });
  });
});

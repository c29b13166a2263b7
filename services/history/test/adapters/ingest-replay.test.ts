// Exactly-once effect on the real PostgreSQL: the same 10,000-event stream applied once, applied twice, and applied
// in shuffled order (each interaction's events out of order) gives identical tables.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@parley/kit';
import { createTestDatabase, type TestDatabase } from '@parley/kit/testing';
import { ingestBatch } from '../../src/adapters/database/ingest-batch.js';
import { createDatabasePool } from '../../src/adapters/database/pool.js';
import { migrateUp, readMigrations } from '../../src/adapters/database/migrations.js';
import { generateEventStream, shuffled } from '../support/event-stream.js';
import { dumpRecord } from '../support/record-dump.js';

const stream = generateEventStream(10_000);
const databases: TestDatabase[] = [];
const logger = createLogger({ service: 'ingest-replay-test', level: 'silent' });
const pools: pg.Pool[] = [];

async function freshDatabase(): Promise<pg.Pool> {
  const database = await createTestDatabase('history_ingest');
  databases.push(database);
  const pool = createDatabasePool(database.url, logger, 2);
  pools.push(pool);
  const client = await pool.connect();
  try {
    await migrateUp(client as unknown as pg.Client, readMigrations());
  } finally {
    client.release();
  }
  return pool;
}

async function ingestAll(pool: pg.Pool, payloads: readonly Uint8Array[], batch = 500) {
  let applied = 0;
  let duplicates = 0;
  for (let i = 0; i < payloads.length; i += batch) {
    const result = await ingestBatch(pool, payloads.slice(i, i + batch));
    expect(result.eventIds).toHaveLength(Math.min(batch, payloads.length - i));
    applied += result.applied;
    duplicates += result.duplicates;
  }
  return { applied, duplicates };
}

beforeAll(() => {
  expect(stream.payloads.length).toBeGreaterThanOrEqual(10_000);
});

afterAll(async () => {
  for (const pool of pools) await pool.end();
  for (const database of databases) await database.drop();
});

describe('history ingest', () => {
  it('gives identical tables for the stream applied once, twice, and shuffled', async () => {
    const once = await freshDatabase();
    expect(await ingestAll(once, stream.payloads)).toEqual({ applied: stream.payloads.length, duplicates: 0 });
    const reference = await dumpRecord(once);

    const twice = await freshDatabase();
    await ingestAll(twice, stream.payloads);
    expect(await ingestAll(twice, stream.payloads, 700)).toEqual({ applied: 0, duplicates: stream.payloads.length });
    expect(await dumpRecord(twice)).toEqual(reference);

    const outOfOrder = await freshDatabase();
    await ingestAll(outOfOrder, shuffled(stream.payloads));
    expect(await dumpRecord(outOfOrder)).toEqual(reference);

    const { rows } = await once.query<{ count: string; completed: string; abandoned: string }>(
      `SELECT count(*) AS count, count(*) FILTER (WHERE state = 'completed') AS completed,
              count(*) FILTER (WHERE abandoned) AS abandoned FROM interactions`,
    );
    expect(Number(rows[0]?.count)).toBe(stream.interactions);
    expect(Number(rows[0]?.completed) + Number(rows[0]?.abandoned)).toBe(stream.interactions);
  });

  it('projects one queue leg per queue an interaction waited in, chained, each with the agent who answered it', async () => {
    const pool = pools[0] as pg.Pool;
    const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]?.n);
    const transfers = await count(`SELECT count(*) AS n FROM event_log WHERE type = 'interaction.transferred'`);
    expect(transfers).toBeGreaterThan(0);
    expect(await count('SELECT count(*) AS n FROM segments')).toBe(stream.interactions + transfers);
    // The chain: a leg starts where the previous one ended; the last ends with the conversation.
    expect(
      await count(`SELECT count(*) AS n FROM segments s JOIN segments p ON p.id = s.previous_segment_id
        WHERE p.ended_at <> s.started_at OR p.initial_segment_id <> s.initial_segment_id`),
    ).toBe(0);
    expect(
      await count(`SELECT count(*) AS n FROM segments s JOIN interactions i ON i.id = s.interaction_id
        WHERE NOT EXISTS (SELECT 1 FROM segments n WHERE n.previous_segment_id = s.id)
          AND s.ended_at IS DISTINCT FROM i.ended_at`),
    ).toBe(0);
    // First leg answered by the first agent, last leg by the last one.
    expect(
      await count(`SELECT count(*) AS n FROM segments s JOIN interactions i ON i.id = s.interaction_id
        WHERE i.answered_at IS NOT NULL AND ((s.id = s.initial_segment_id AND s.agent_id <> i.first_agent_id)
          OR (NOT EXISTS (SELECT 1 FROM segments n WHERE n.previous_segment_id = s.id)
            AND s.agent_id IS DISTINCT FROM i.last_agent_id))`),
    ).toBe(0);
  });

  it('projects an interaction’s moments, agents and durations whatever order its events came in', async () => {
    const pool = pools[0] as pg.Pool;
    const { rows } = await pool.query(
      `SELECT * FROM interactions WHERE first_agent_id <> last_agent_id AND wrap_up_ms > 0 ORDER BY id LIMIT 1`,
    );
    const row = rows[0] as Record<string, unknown> | undefined;
    expect(row, 'the stream has transferred interactions with wrap-up').toBeDefined();
    expect(row?.channel).toMatch(/^(voice|chat)$/);
    expect(row?.state).toBe('completed');
    expect((row?.answered_at as Date) < (row?.last_agent_at as Date)).toBe(true);
    expect(row?.talk_ms).toBe((row?.ended_at as Date).getTime() - (row?.answered_at as Date).getTime());
    expect(row?.wrap_up_ms).toBe((row?.wrap_up_ended_at as Date).getTime() - (row?.ended_at as Date).getTime());
  });

  it('projects messages, notes, recordings and the latest disposition of each interaction', async () => {
    const pool = pools[0] as pg.Pool;
    const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]?.n);
    const events = async (type: string) => count(`SELECT count(*) AS n FROM event_log WHERE type = '${type}'`);
    expect(await events('interaction.message_sent')).toBeGreaterThan(0);
    expect(await count('SELECT count(*) AS n FROM messages')).toBe(await events('interaction.message_sent'));
    expect(await count('SELECT count(*) AS n FROM agent_notes')).toBeGreaterThan(0);
    expect(await count('SELECT count(*) AS n FROM recording_refs')).toBe(await events('recording.started'));
    expect(
      await count(`SELECT count(*) AS n FROM recording_refs WHERE erased_at IS NULL
        AND (uri = '' OR started_at IS NULL OR ended_at IS NULL OR duration_ms <> 60000)`),
    ).toBe(0);
    // A correction made after wrap-up wins over the code chosen at wrap-up.
    expect(await events('interaction.disposition_set')).toBeGreaterThan(0);
    expect(
      await count(`SELECT count(*) AS n FROM interactions i WHERE i.disposition IS DISTINCT FROM (SELECT wrap_up_code_id
        FROM dispositions d WHERE d.interaction_id = i.id ORDER BY set_at DESC LIMIT 1)`),
    ).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM interactions WHERE disposition = 'complaint'`)).toBe(
      await events('interaction.disposition_set'),
    );
  });

  it('moves merged records to their survivor and scrubs erased customers, audited', async () => {
    const pool = pools[0] as pg.Pool;
    const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]?.n);
    expect(await count(`SELECT count(*) AS n FROM customers WHERE merged_into_id IS NOT NULL`)).toBeGreaterThan(0);
    expect(
      await count(`SELECT count(*) AS n FROM customers c WHERE c.merged_into_id IS NOT NULL AND (
        EXISTS (SELECT 1 FROM interactions i WHERE i.customer_id = c.id)
        OR EXISTS (SELECT 1 FROM customer_identities ci WHERE ci.customer_id = c.id))`),
    ).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM audit_entries WHERE action = 'customer.merged'`)).toBe(
      await count(`SELECT count(*) AS n FROM event_log WHERE type = 'customer.merged'`),
    );
    const erased = await count('SELECT count(*) AS n FROM customers WHERE erased_at IS NOT NULL');
    expect(erased).toBeGreaterThan(0);
    expect(await count(`SELECT count(*) AS n FROM audit_entries WHERE action = 'customer.erased'`)).toBe(erased);
    // Nothing personal is left from before the erasure; the anonymous facts of those interactions remain.
    const before = `FROM interactions i JOIN customers c ON c.id = i.customer_id
      WHERE c.erased_at IS NOT NULL AND i.created_at <= c.erased_at`;
    expect(await count(`SELECT count(*) AS n ${before}`)).toBeGreaterThan(0);
    expect(
      await count(`SELECT count(*) AS n FROM customer_identities ci JOIN customers c ON c.id = ci.customer_id
        WHERE c.erased_at IS NOT NULL`),
    ).toBe(0);
    expect(
      await count(`SELECT count(*) AS n FROM messages m JOIN interactions i ON i.id = m.interaction_id
        JOIN customers c ON c.id = i.customer_id
        WHERE c.erased_at IS NOT NULL AND i.created_at <= c.erased_at AND (m.body IS NOT NULL OR m.sender_name <> '')`),
    ).toBe(0);
    expect(
      await count(`SELECT count(*) AS n FROM agent_notes n JOIN interactions i ON i.id = n.interaction_id
        JOIN customers c ON c.id = i.customer_id WHERE c.erased_at IS NOT NULL AND i.created_at <= c.erased_at`),
    ).toBe(0);
    expect(
      await count(`SELECT count(*) AS n FROM event_log e JOIN interactions i ON i.id = e.interaction_id
        JOIN customers c ON c.id = i.customer_id
        WHERE c.erased_at IS NOT NULL AND i.created_at <= c.erased_at AND length(e.payload) > 0`),
    ).toBe(0);
    expect(await count(`SELECT count(*) AS n ${before} AND i.state IN ('completed', 'abandoned')`)).toBe(
      await count(`SELECT count(*) AS n ${before}`),
    );
  });
});

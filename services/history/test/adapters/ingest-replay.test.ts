// Exactly-once effect on the real PostgreSQL: the same 10,000-event stream applied once, applied twice, and applied
// in shuffled order (each interaction's events out of order) gives identical tables.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@parley/kit/testing';
import { ingestBatch } from '../../src/adapters/database/ingest-batch.js';
import { migrateUp, readMigrations } from '../../src/adapters/database/migrations.js';
import { generateEventStream, shuffled } from '../support/event-stream.js';

const stream = generateEventStream(10_000);
const databases: TestDatabase[] = [];
const pools: pg.Pool[] = [];

async function freshDatabase(): Promise<pg.Pool> {
  const database = await createTestDatabase('history_ingest');
  databases.push(database);
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
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

/** Every row of the projection and the event log (but when each event was received), in a fixed order. */
async function dump(pool: pg.Pool): Promise<unknown> {
  const interactions = await pool.query('SELECT * FROM interactions ORDER BY id');
  const customers = await pool.query('SELECT * FROM customers ORDER BY id');
  const identities = await pool.query('SELECT * FROM customer_identities ORDER BY id');
  const segments = await pool.query('SELECT * FROM segments ORDER BY id');
  const marks = await pool.query('SELECT * FROM segment_marks ORDER BY event_id');
  const events = await pool.query(
    'SELECT event_id, type, occurred_at, interaction_id, payload FROM event_log ORDER BY event_id',
  );
  return {
    interactions: interactions.rows,
    customers: customers.rows,
    identities: identities.rows,
    segments: segments.rows,
    marks: marks.rows,
    events: events.rows,
  };
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
    const reference = await dump(once);

    const twice = await freshDatabase();
    await ingestAll(twice, stream.payloads);
    expect(await ingestAll(twice, stream.payloads, 700)).toEqual({ applied: 0, duplicates: stream.payloads.length });
    expect(await dump(twice)).toEqual(reference);

    const outOfOrder = await freshDatabase();
    await ingestAll(outOfOrder, shuffled(stream.payloads));
    expect(await dump(outOfOrder)).toEqual(reference);

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
});

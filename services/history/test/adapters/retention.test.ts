// The retention job on the real PostgreSQL: three generations of interactions — older than the metadata period,
// older than the content period, recent — and what each keeps after a run; a repeat removes nothing more; runs are
// audited; a replica finds the job taken by another and does nothing.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@parley/kit';
import { createTestDatabase, type TestDatabase } from '@parley/kit/testing';
import { ingestBatch } from '../../src/adapters/database/ingest-batch.js';
import { migrateUp, readMigrations } from '../../src/adapters/database/migrations.js';
import { createDatabasePool } from '../../src/adapters/database/pool.js';
import { runRetention } from '../../src/adapters/database/retention.js';
import { generateEventStream } from '../support/event-stream.js';

const logger = createLogger({ service: 'retention-test', level: 'silent' });
const now = new Date('2026-12-05T00:00:00Z');
const policy = { contentDays: 60, metadataDays: 730, batchSize: 97 }; // small batches: many rounds
let database: TestDatabase;
let pool: pg.Pool;

const count = async (sql: string, params: unknown[] = []) =>
  Number((await pool.query<{ n: string }>(sql, params)).rows[0]?.n);

beforeAll(async () => {
  database = await createTestDatabase('history_retention');
  pool = createDatabasePool(database.url, logger, 3);
  const client = await pool.connect();
  await migrateUp(client, readMigrations());
  client.release();
  const generations = [
    generateEventStream(1_500, 31, { start: new Date('2024-06-01T08:00:00Z'), prefix: 'old-', phonePrefix: '700' }),
    generateEventStream(1_500, 32, { start: new Date('2026-08-01T08:00:00Z'), prefix: 'mid-', phonePrefix: '800' }),
    generateEventStream(1_500, 33, { start: new Date('2026-11-24T08:00:00Z'), prefix: 'new-' }),
  ];
  for (const { payloads } of generations)
    for (let i = 0; i < payloads.length; i += 500) await ingestBatch(pool, payloads.slice(i, i + 500));
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

describe('history › retention', () => {
  it('removes content after the content period and whole interactions after the metadata period', async () => {
    const before = {
      oldInteractions: await count(`SELECT count(*) AS n FROM interactions WHERE id LIKE 'old-%'`),
      oldEvents: await count(`SELECT count(*) AS n FROM event_log WHERE event_id LIKE 'old-%'`),
      midMessages: await count(`SELECT count(*) AS n FROM messages WHERE id LIKE 'msg-mid-%' AND body IS NOT NULL`),
      midNotes: await count(`SELECT count(*) AS n FROM agent_notes WHERE id LIKE 'note-mid-%'`),
      newMessages: await count(`SELECT count(*) AS n FROM messages WHERE id LIKE 'msg-new-%' AND body IS NOT NULL`),
      newInteractions: await count(`SELECT count(*) AS n FROM interactions WHERE id LIKE 'new-%'`),
    };
    expect(before.oldInteractions).toBeGreaterThan(0);
    expect(before.midMessages).toBeGreaterThan(0);

    const outcome = await runRetention(pool, policy, now);
    expect(outcome.ran).toBe(true);
    if (!outcome.ran) return;
    expect(outcome.counts.interactions).toBe(before.oldInteractions);
    expect(outcome.counts.events).toBe(before.oldEvents);
    expect(outcome.counts.messageBodies).toBe(before.midMessages);
    expect(outcome.counts.noteTexts).toBe(before.midNotes);
    expect(outcome.counts.customers).toBeGreaterThan(0);

    // Old: gone, with everything attached.
    for (const table of ['interactions', 'segments', 'messages', 'agent_notes', 'dispositions', 'recording_refs'])
      expect(
        await count(
          `SELECT count(*) AS n FROM ${table} WHERE ${table === 'interactions' ? 'id' : 'interaction_id'} LIKE 'old-%'`,
        ),
      ).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM segment_marks WHERE interaction_id LIKE 'old-%'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM event_log WHERE event_id LIKE 'old-%'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM customers WHERE id LIKE 'old-%'`)).toBe(0);
    // Middle: the record stays, its content does not.
    expect(await count(`SELECT count(*) AS n FROM interactions WHERE id LIKE 'mid-%'`)).toBeGreaterThan(0);
    expect(
      await count(
        `SELECT count(*) AS n FROM messages WHERE id LIKE 'msg-mid-%'
        AND (body IS NOT NULL OR sender_name <> '' OR attachments <> '[]'::jsonb OR body_erased_at <> $1)`,
        [now],
      ),
    ).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM agent_notes WHERE id LIKE 'note-mid-%' AND body <> ''`)).toBe(0);
    expect(
      await count(`SELECT count(*) AS n FROM event_log WHERE event_id LIKE 'mid-%' AND length(payload) > 0
        AND type IN ('interaction.message_sent', 'interaction.note_added')`),
    ).toBe(0);
    expect(
      await count(`SELECT count(*) AS n FROM event_log WHERE event_id LIKE 'mid-%' AND type = 'interaction.created'
        AND length(payload) > 0`),
    ).toBeGreaterThan(0);
    // New: untouched.
    expect(await count(`SELECT count(*) AS n FROM messages WHERE id LIKE 'msg-new-%' AND body IS NOT NULL`)).toBe(
      before.newMessages,
    );
    expect(await count(`SELECT count(*) AS n FROM interactions WHERE id LIKE 'new-%'`)).toBe(before.newInteractions);
  });

  it('removes nothing more on a repeat, and audits every run with its counts', async () => {
    const outcome = await runRetention(pool, policy, now);
    expect(outcome).toMatchObject({
      ran: true,
      counts: { messageBodies: 0, noteTexts: 0, eventPayloads: 0, interactions: 0, events: 0, customers: 0 },
    });
    const { rows } = await pool.query<{ actor: string; details: { counts: { interactions: number } } }>(
      `SELECT actor, details FROM audit_entries WHERE action = 'retention.run' ORDER BY id`,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]?.details.counts.interactions).toBeGreaterThan(0);
    expect(rows[1]?.details.counts.interactions).toBe(0);
    expect(rows[0]?.actor).toBe('system:retention');
  });

  it('does nothing while another replica holds the job', async () => {
    const other = await pool.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1::bigint)', [0x68_69_73_72_65_74]);
      expect(await runRetention(pool, policy, now)).toEqual({ ran: false });
      await other.query('SELECT pg_advisory_unlock($1::bigint)', [0x68_69_73_72_65_74]);
    } finally {
      other.release();
    }
    expect((await runRetention(pool, policy, now)).ran).toBe(true);
  });
});

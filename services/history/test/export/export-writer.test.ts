// The export as files: ExportInteractions (the real handler on the real PostgreSQL) written as CSV and NDJSON,
// read back with a CSV parser, row for row against the database.
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type CallContext } from '@parley/kit';
import { createTestDatabase, type TestDatabase } from '@parley/kit/testing';
import { ExportInteractionsRequest } from '@parley/protos/parley/history/v1/history';
import { ingestBatch } from '../../src/adapters/database/ingest-batch.js';
import { migrateUp, readMigrations } from '../../src/adapters/database/migrations.js';
import { createDatabasePool } from '../../src/adapters/database/pool.js';
import { csvColumns } from '../../src/export/export-records.js';
import { writeExport, type ExportFormat } from '../../src/export/export-writer.js';
import { generateEventStream } from '../support/event-stream.js';
import { startHandlerHarness, type HandlerHarness } from '../support/handler-harness.js';

const logger = createLogger({ service: 'export-test', level: 'silent' });
const range = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') };
let database: TestDatabase;
let pool: pg.Pool;
let harness: HandlerHarness;

async function exportAs(format: ExportFormat, includeContent = false): Promise<{ text: string; count: number }> {
  const rows = harness.handlers.exportInteractions(
    ExportInteractionsRequest.fromPartial({ filter: { timeRange: range }, includeContent }),
    {} as CallContext,
  );
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const count = await writeExport(rows, format, output);
  return { text: Buffer.concat(chunks).toString('utf8'), count };
}

beforeAll(async () => {
  database = await createTestDatabase('history_export');
  pool = createDatabasePool(database.url, logger, 3);
  const client = await pool.connect();
  await migrateUp(client, readMigrations());
  client.release();
  const stream = generateEventStream(2_000, 41);
  for (let i = 0; i < stream.payloads.length; i += 500) await ingestBatch(pool, stream.payloads.slice(i, i + 500));
  harness = await startHandlerHarness(database.url, pool);
});

afterAll(async () => {
  await harness?.close();
  await pool?.end();
  await database?.drop();
});

describe('history › export files', () => {
  it('writes one CSV record per interaction with the documented columns, matching the database', async () => {
    const { text, count } = await exportAs('csv', true);
    const records = parse(text, { columns: true }) as Record<string, string>[];
    const { rows } = await pool.query<{ id: string; channel: string; state: string; customer_id: string }>(
      'SELECT id, channel, state, customer_id FROM interactions ORDER BY created_at, id',
    );
    expect(count).toBe(rows.length);
    expect(records).toHaveLength(rows.length);
    expect(Object.keys(records[0] ?? {})).toEqual([...csvColumns]);
    records.forEach((record, i) => {
      expect(record.interaction_id).toBe(rows[i]?.id);
      expect(record.channel).toBe(rows[i]?.channel);
      expect(record.state).toBe(rows[i]?.state);
      expect(record.customer_id).toBe(rows[i]?.customer_id ?? '');
    });
    // Legs in order, joined by ">"; transfers give two queue legs.
    expect(records.some((record) => /^queue:q\d:a\d+>queue:q\d:a\d+$/.test(record.segment_path ?? ''))).toBe(true);
    expect(records.some((record) => Number(record.message_count) === 2)).toBe(true);
  });

  it('writes NDJSON in the contract’s JSON mapping', async () => {
    const { text, count } = await exportAs('ndjson');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(count);
    const first = JSON.parse(lines[0] ?? '{}') as { interaction?: { interaction?: { id?: string; channel?: string } } };
    expect(first.interaction?.interaction?.id).toMatch(/^int-/);
    expect(first.interaction?.interaction?.channel).toMatch(/^CHANNEL_(VOICE|CHAT)$/);
  });
});

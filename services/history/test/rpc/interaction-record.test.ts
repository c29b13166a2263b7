// GetInteraction's segments on the real PostgreSQL: a transferred call's legs in order, chained by previous links,
// each with its queue and the agent who answered it, the transfer and the final outcome named.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type CallContext } from '@parley/kit';
import { createTestDatabase, type TestDatabase } from '@parley/kit/testing';
import { InteractionState } from '@parley/protos/parley/common/v1/interaction';
import { SegmentKind } from '@parley/protos/parley/history/v1/history';
import { ingestBatch } from '../../src/adapters/database/ingest-batch.js';
import { migrateUp, readMigrations } from '../../src/adapters/database/migrations.js';
import { createDatabasePool } from '../../src/adapters/database/pool.js';
import type { HistoryHandlers } from '../../src/rpc/history-handlers.js';
import { startHandlerHarness, type HandlerHarness } from '../support/handler-harness.js';
import { generateEventStream, shuffled } from '../support/event-stream.js';

const logger = createLogger({ service: 'interaction-record-test', level: 'silent' });
const context = {} as CallContext; // the handlers do not read the call context
let database: TestDatabase;
let pool: pg.Pool;
let handlers: HistoryHandlers;
let harness: HandlerHarness;

beforeAll(async () => {
  database = await createTestDatabase('history_record');
  pool = createDatabasePool(database.url, logger, 2);
  const client = await pool.connect();
  await migrateUp(client, readMigrations()).finally(() => client.release());
  // Out of order, so legs are cut before every event of the interaction has arrived.
  const events = shuffled(generateEventStream(2_000, 13).payloads, 17);
  for (let i = 0; i < events.length; i += 100) await ingestBatch(pool, events.slice(i, i + 100));
  harness = await startHandlerHarness(database.url, pool);
  handlers = harness.handlers;
});

afterAll(async () => {
  await harness?.close();
  await pool.end();
  await database.drop();
});

describe('history › interaction record', () => {
  it('lists a transferred call’s legs with their queues, agents, links and how each ended', async () => {
    const { rows } = await pool.query<{ id: string; first_agent_id: string; last_agent_id: string; state: string }>(
      `SELECT id, first_agent_id, last_agent_id, state FROM interactions
       WHERE first_agent_id <> last_agent_id AND state = 'completed' ORDER BY id LIMIT 1`,
    );
    const call = rows[0];
    expect(call, 'the stream has completed, transferred calls').toBeDefined();
    const { interaction } = await handlers.getInteraction({ interactionId: call?.id ?? '' }, context);
    const [first, second, ...rest] = interaction?.segments ?? [];
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      kind: SegmentKind.SEGMENT_KIND_QUEUE,
      previousSegmentId: '',
      agentId: call?.first_agent_id,
      endState: InteractionState.INTERACTION_STATE_TRANSFERRED,
    });
    expect(second).toMatchObject({
      kind: SegmentKind.SEGMENT_KIND_QUEUE,
      previousSegmentId: first?.id,
      agentId: call?.last_agent_id,
      endState: InteractionState.INTERACTION_STATE_COMPLETED,
    });
    expect(first?.queueId).toMatch(/^q\d$/);
    expect(second?.queueId).toMatch(/^q\d$/);
    expect(first?.endedAt).toEqual(second?.startedAt);
  });

  it('gives an abandoned call one queue leg without an agent, ended ABANDONED', async () => {
    const { rows } = await pool.query<{ id: string }>(
      `SELECT id FROM interactions WHERE state = 'abandoned' ORDER BY id LIMIT 1`,
    );
    const { interaction } = await handlers.getInteraction({ interactionId: rows[0]?.id ?? '' }, context);
    expect(interaction?.segments).toEqual([
      expect.objectContaining({
        kind: SegmentKind.SEGMENT_KIND_QUEUE,
        agentId: '',
        endState: InteractionState.INTERACTION_STATE_ABANDONED,
        endedAt: interaction?.summary?.interaction?.timestamps?.endedAt,
      }),
    ]);
  });
});

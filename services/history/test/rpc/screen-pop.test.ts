// GetScreenPopContext on the real PostgreSQL: what an agent sees when an offer rings — the customer found by the
// caller's phone number however it is written, their latest interactions (the ringing one left out), the agent
// they last talked to; nothing (not an error) for an unknown caller; bad input named.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, Status, type CallContext } from '@parley/kit';
import { createTestDatabase, type TestDatabase } from '@parley/kit/testing';
import { GetScreenPopContextRequest } from '@parley/protos/parley/history/v1/history';
import { ingestBatch } from '../../src/adapters/database/ingest-batch.js';
import { migrateUp, readMigrations } from '../../src/adapters/database/migrations.js';
import { createDatabasePool } from '../../src/adapters/database/pool.js';
import type { HistoryHandlers } from '../../src/rpc/history-handlers.js';
import { startHandlerHarness, type HandlerHarness } from '../support/handler-harness.js';
import { generateEventStream } from '../support/event-stream.js';

const logger = createLogger({ service: 'screen-pop-test', level: 'silent' });
const context = {} as CallContext;
let database: TestDatabase;
let pool: pg.Pool;
let handlers: HistoryHandlers;
let harness: HandlerHarness;

const screenPop = (request: {
  identity?: { phoneNumber?: string; email?: string };
  interactionId?: string;
  recentLimit?: number;
}) => handlers.getScreenPopContext(GetScreenPopContextRequest.fromPartial(request), context);

beforeAll(async () => {
  database = await createTestDatabase('history_screen_pop');
  pool = createDatabasePool(database.url, logger, 2);
  const client = await pool.connect();
  await migrateUp(client, readMigrations());
  client.release();
  const stream = generateEventStream(3_000, 17);
  for (let i = 0; i < stream.payloads.length; i += 500) await ingestBatch(pool, stream.payloads.slice(i, i + 500));
  harness = await startHandlerHarness(database.url, pool);
  handlers = harness.handlers;
});

afterAll(async () => {
  await harness?.close();
  await pool.end();
  await database.drop();
});

describe('history › screen pop', () => {
  it('shows the caller’s latest interactions, without the ringing one, and the agent they last talked to', async () => {
    const { rows } = await pool.query<{ value: string; customers: string[] }>(
      // The caller with the most answered interactions (across the records their phone links to).
      `SELECT ci.value, array_agg(DISTINCT ci.customer_id) AS customers FROM customer_identities ci
       JOIN interactions i ON i.customer_id = ci.customer_id AND i.last_agent_id IS NOT NULL
       WHERE ci.kind = 'PHONE' GROUP BY ci.value ORDER BY count(*) DESC, ci.value LIMIT 1`,
    );
    const caller = rows[0] as { value: string; customers: string[] };
    const latest = await pool.query<{ id: string }>(
      'SELECT id FROM interactions WHERE customer_id = ANY($1) ORDER BY created_at DESC, id DESC LIMIT 4',
      [caller.customers],
    );
    const ringing = latest.rows[0]?.id ?? '';
    const lastAgent = await pool.query<{ last_agent_id: string }>(
      `SELECT last_agent_id FROM interactions WHERE customer_id = ANY($1) AND last_agent_id IS NOT NULL AND id <> $2
       ORDER BY last_agent_at DESC, id DESC LIMIT 1`,
      [caller.customers, ringing],
    );
    // Written the way a trunk may send it: spaces and a 00 prefix.
    const spaced = `00${caller.value.slice(1, 3)} ${caller.value.slice(3)}`;
    const context = await screenPop({ identity: { phoneNumber: spaced }, interactionId: ringing, recentLimit: 3 });
    expect(caller.customers).toContain(context.customer?.id);
    expect(context.recent.map((s) => s.interaction?.id)).toEqual(latest.rows.slice(1, 4).map((r) => r.id));
    expect(lastAgent.rows[0]?.last_agent_id).toBeTruthy();
    expect(context.lastAgentId).toBe(lastAgent.rows[0]?.last_agent_id);
    expect(context.lastAgentContactAt).toBeInstanceOf(Date);
  });

  it('gives an unknown caller an empty context, and names bad input', async () => {
    const unknown = await screenPop({ identity: { phoneNumber: '+48 999 999 999' } });
    expect(unknown).toMatchObject({ recent: [], open: [], lastAgentId: '' });
    expect(unknown.customer).toBeUndefined();
    await expect(
      screenPop({ identity: { phoneNumber: 'anonymous', email: 'no-at-sign' }, recentLimit: 51 }),
    ).rejects.toMatchObject({
      status: Status.INVALID_ARGUMENT,
      fieldViolations: [
        expect.objectContaining({ field: 'identity.phone_number' }),
        expect.objectContaining({ field: 'identity.email' }),
        expect.objectContaining({ field: 'recent_limit' }),
      ],
    });
  });
});

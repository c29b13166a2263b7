// GetCustomerTimeline on the real PostgreSQL: a customer's interactions newest first, paged without gaps or repeats,
// channel filters, merged customers counted as one, and bad requests answered INVALID_ARGUMENT naming the field.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, Status, type CallContext } from '@parley/kit';
import { createTestDatabase, type TestDatabase } from '@parley/kit/testing';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { GetCustomerTimelineRequest } from '@parley/protos/parley/history/v1/history';
import { ingestBatch } from '../../src/adapters/database/ingest-batch.js';
import { migrateUp, readMigrations } from '../../src/adapters/database/migrations.js';
import { createDatabasePool } from '../../src/adapters/database/pool.js';
import type { HistoryHandlers } from '../../src/rpc/history-handlers.js';
import { startHandlerHarness, type HandlerHarness } from '../support/handler-harness.js';
import { generateEventStream } from '../support/event-stream.js';

const logger = createLogger({ service: 'timeline-test', level: 'silent' });
const context = {} as CallContext; // the handlers do not read the call context
let database: TestDatabase;
let pool: pg.Pool;
let handlers: HistoryHandlers;
let harness: HandlerHarness;

interface TimelineCall {
  customer?: { customerId?: string; phoneNumber?: string; email?: string };
  channels?: Channel[];
  paging?: { pageSize?: number; pageToken?: string };
}

const timeline = (request: TimelineCall) =>
  handlers.getCustomerTimeline(GetCustomerTimelineRequest.fromPartial(request), context);

beforeAll(async () => {
  database = await createTestDatabase('history_timeline');
  pool = createDatabasePool(database.url, logger, 2);
  const client = await pool.connect();
  await migrateUp(client, readMigrations());
  client.release();
  const stream = generateEventStream(4_000, 9);
  for (let i = 0; i < stream.payloads.length; i += 500) await ingestBatch(pool, stream.payloads.slice(i, i + 500));
  harness = await startHandlerHarness(database.url, pool);
  handlers = harness.handlers;
});

afterAll(async () => {
  await harness?.close();
  await pool.end();
  await database.drop();
});

async function busiestCustomer(): Promise<{ id: string; count: number }> {
  const { rows } = await pool.query<{ customer_id: string; n: string }>(
    'SELECT customer_id, count(*) AS n FROM interactions GROUP BY customer_id ORDER BY count(*) DESC, customer_id LIMIT 1',
  );
  return { id: rows[0]?.customer_id ?? '', count: Number(rows[0]?.n) };
}

describe('history › customer timeline and interaction record', () => {
  it('pages through every interaction of a customer, newest first, without gaps or repeats', async () => {
    const customer = await busiestCustomer();
    expect(customer.count).toBeGreaterThan(3);
    const seen: string[] = [];
    const created: number[] = [];
    let pageToken = '';
    do {
      const page = await timeline({ customer: { customerId: customer.id }, paging: { pageSize: 2, pageToken } });
      expect(page.customer?.id).toBe(customer.id);
      for (const summary of page.interactions) {
        seen.push(summary.interaction?.id ?? '');
        created.push(summary.interaction?.timestamps?.createdAt?.getTime() ?? 0);
      }
      pageToken = page.pageInfo?.nextPageToken ?? '';
    } while (pageToken);
    expect(seen).toHaveLength(customer.count);
    expect(new Set(seen).size).toBe(customer.count);
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  it('filters by channel and counts a merged customer’s interactions as the survivor’s', async () => {
    const customer = await busiestCustomer();
    const voice = await timeline({ customer: { customerId: customer.id }, channels: [Channel.CHANNEL_VOICE] });
    expect(voice.interactions.every((s) => s.interaction?.channel === Channel.CHANNEL_VOICE)).toBe(true);
    const { rows } = await pool.query<{ customer_id: string; n: string }>(
      `SELECT customer_id, count(*) AS n FROM interactions WHERE customer_id <> $1 GROUP BY customer_id LIMIT 1`,
      [customer.id],
    );
    const other = rows[0] as { customer_id: string; n: string };
    await pool.query('UPDATE customers SET merged_into_id = $1 WHERE id = $2', [customer.id, other.customer_id]);
    const merged = await timeline({ customer: { customerId: other.customer_id }, paging: { pageSize: 500 } });
    expect(merged.customer?.id).toBe(customer.id); // the lookup hit the merged record: the survivor answers
    expect(merged.interactions).toHaveLength(customer.count + Number(other.n));
  });

  it('finds a person by phone number across the records that identity is linked to', async () => {
    const { rows } = await pool.query<{ value: string; customers: string[] }>(
      `SELECT value, array_agg(customer_id ORDER BY customer_id) AS customers FROM customer_identities
       WHERE kind = 'PHONE' GROUP BY value HAVING count(*) > 1 ORDER BY value LIMIT 1`,
    );
    const shared = rows[0];
    expect(shared, 'someone called both as a named customer and anonymously').toBeDefined();
    // Each linked record counts as its survivor (the test above merged one), with every record merged into it.
    const expected = await pool.query<{ n: string; roots: string[] }>(
      `WITH roots AS (SELECT COALESCE(merged_into_id, id) AS id FROM customers WHERE id = ANY($1))
       SELECT count(*) AS n, (SELECT array_agg(DISTINCT id) FROM roots) AS roots FROM interactions
       WHERE customer_id IN (SELECT id FROM roots)
         OR customer_id IN (SELECT id FROM customers WHERE merged_into_id IN (SELECT id FROM roots))`,
      [shared?.customers],
    );
    // The stored value is E.164 (the event said "+48 600 …"): the contract's lookup is E.164 too.
    const page = await timeline({ customer: { phoneNumber: shared?.value ?? '' }, paging: { pageSize: 500 } });
    expect(page.interactions).toHaveLength(Number(expected.rows[0]?.n));
    expect(expected.rows[0]?.roots).toContain(page.customer?.id);
  });

  it('names every bad field and says NOT_FOUND for an unknown customer', async () => {
    await expect(
      timeline({ customer: { phoneNumber: '0048 22 123' }, paging: { pageSize: 501, pageToken: 'garbage' } }),
    ).rejects.toMatchObject({
      status: Status.INVALID_ARGUMENT,
      fieldViolations: [
        expect.objectContaining({ field: 'customer.phone_number' }),
        expect.objectContaining({ field: 'paging.page_size' }),
        expect.objectContaining({ field: 'paging.page_token' }),
      ],
    });
    await expect(timeline({})).rejects.toMatchObject({
      fieldViolations: [expect.objectContaining({ field: 'customer' })],
    });
    const first = await timeline({ customer: { customerId: (await busiestCustomer()).id }, paging: { pageSize: 1 } });
    // A token is bound to its query: reusing it for another customer is refused.
    await expect(
      timeline({
        customer: { customerId: 'someone-else' },
        paging: { pageToken: first.pageInfo?.nextPageToken ?? '' },
      }),
    ).rejects.toMatchObject({ fieldViolations: [expect.objectContaining({ field: 'paging.page_token' })] });
    await expect(timeline({ customer: { customerId: 'nobody' } })).rejects.toMatchObject({ status: Status.NOT_FOUND });
    await expect(timeline({ customer: { email: 'Nobody@Example.com' } })).rejects.toMatchObject({
      status: Status.NOT_FOUND,
    });
  });

  it('returns one interaction’s record, and NOT_FOUND / INVALID_ARGUMENT for unknown or missing ids', async () => {
    const { rows } = await pool.query<{ id: string; disposition: string; last_agent_id: string }>(
      "SELECT id, disposition, last_agent_id FROM interactions WHERE state = 'completed' ORDER BY id LIMIT 1",
    );
    const row = rows[0] as { id: string; disposition: string; last_agent_id: string };
    const found = await handlers.getInteraction({ interactionId: row.id }, context);
    expect(found.interaction?.summary?.interaction?.id).toBe(row.id);
    expect(found.interaction?.summary?.wrapUpCodeId).toBe(row.disposition);
    expect(found.interaction?.disposition?.wrapUpCodeId).toBe(row.disposition);
    expect(found.interaction?.summary?.agentIds).toContain(row.last_agent_id);
    await expect(handlers.getInteraction({ interactionId: 'nope' }, context)).rejects.toMatchObject({
      status: Status.NOT_FOUND,
    });
    await expect(handlers.getInteraction({ interactionId: '' }, context)).rejects.toMatchObject({
      status: Status.INVALID_ARGUMENT,
      fieldViolations: [expect.objectContaining({ field: 'interaction_id' })],
    });
  });
});

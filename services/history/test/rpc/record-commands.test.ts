// The record's commands and the export on the real PostgreSQL and NATS: notes, disposition corrections, customer
// merges and GDPR erasures — validated, idempotent, published as events, audited — and the streamed export.
import { jetstreamManager } from '@nats-io/jetstream';
import type pg from 'pg';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, Status, type CallContext } from '@parley/kit';
import { createTestDatabase, type TestDatabase } from '@parley/kit/testing';
import { ActorKind } from '@parley/protos/parley/common/v1/actor';
import {
  AddNoteRequest,
  EraseCustomerRequest,
  ExportInteractionsRequest,
  GetCustomerTimelineRequest,
  GetInteractionRequest,
  MergeCustomersRequest,
  SetDispositionRequest,
} from '@parley/protos/parley/history/v1/history';
import { ingestBatch } from '../../src/adapters/database/ingest-batch.js';
import { migrateUp, readMigrations } from '../../src/adapters/database/migrations.js';
import { createDatabasePool } from '../../src/adapters/database/pool.js';
import type { HistoryHandlers } from '../../src/rpc/history-handlers.js';
import { generateEventStream } from '../support/event-stream.js';
import { startHandlerHarness, type HandlerHarness } from '../support/handler-harness.js';

const logger = createLogger({ service: 'commands-test', level: 'silent' });
const context = {} as CallContext;
const agent = { kind: ActorKind.ACTOR_KIND_AGENT, id: 'a7', displayName: '' };
const supervisor = { kind: ActorKind.ACTOR_KIND_SUPERVISOR, id: 'sup-2', displayName: '' };
const admin = { kind: ActorKind.ACTOR_KIND_ADMIN, id: 'dpo', displayName: '' };
let database: TestDatabase;
let pool: pg.Pool;
let harness: HandlerHarness;
let handlers: HistoryHandlers;

const one = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) =>
  (await pool.query<T>(sql, params)).rows[0] as T;
const count = async (sql: string, params: unknown[] = []) => Number((await one<{ n: string }>(sql, params)).n);

/** Events of one type the commands published to the test stream. */
async function published(type: string): Promise<number> {
  const jsm = await jetstreamManager(harness.nc);
  const info = await jsm.streams.info(harness.streams.config.stream, { subjects_filter: '>' });
  return Object.entries(info.state.subjects ?? {})
    .filter(([subject]) => subject.endsWith(`.${type}`))
    .reduce((sum, [, n]) => sum + n, 0);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

beforeAll(async () => {
  database = await createTestDatabase('history_commands');
  pool = createDatabasePool(database.url, logger, 3);
  const client = await pool.connect();
  await migrateUp(client, readMigrations());
  client.release();
  const stream = generateEventStream(3_000, 21);
  for (let i = 0; i < stream.payloads.length; i += 500) await ingestBatch(pool, stream.payloads.slice(i, i + 500));
  harness = await startHandlerHarness(database.url, pool);
  handlers = harness.handlers;
});

afterAll(async () => {
  await harness?.close();
  await pool?.end();
  await database?.drop();
});

describe('history › commands', () => {
  it('adds a note once per note id, publishes it, and names bad fields', async () => {
    const { id } = await one<{ id: string }>(
      `SELECT i.id FROM interactions i JOIN customers c ON c.id = i.customer_id
       WHERE c.erased_at IS NULL AND i.state = 'completed' ORDER BY i.id LIMIT 1`,
    );
    await expect(
      handlers.addNote(AddNoteRequest.fromPartial({ interactionId: id, noteId: 'n1', text: ' ' }), context),
    ).rejects.toMatchObject({
      status: Status.INVALID_ARGUMENT,
      fieldViolations: [
        expect.objectContaining({ field: 'note_id' }),
        expect.objectContaining({ field: 'text' }),
        expect.objectContaining({ field: 'author.kind' }),
      ],
    });
    const noteId = ulid();
    await expect(
      handlers.addNote(
        AddNoteRequest.fromPartial({ interactionId: 'nope', noteId, text: 'x', author: agent }),
        context,
      ),
    ).rejects.toMatchObject({ status: Status.NOT_FOUND });

    const request = AddNoteRequest.fromPartial({
      interactionId: id,
      noteId,
      text: ' Promised a refund ',
      author: agent,
    });
    const first = await handlers.addNote(request, context);
    const again = await handlers.addNote(request, context); // a retry
    expect(first.note).toMatchObject({ id: noteId, interactionId: id, text: 'Promised a refund' });
    expect(again.note).toEqual(first.note);
    expect(await count('SELECT count(*) AS n FROM agent_notes WHERE id = $1', [noteId])).toBe(1);
    expect(await published('interaction.note_added')).toBe(1);
    const record = await handlers.getInteraction(GetInteractionRequest.fromPartial({ interactionId: id }), context);
    expect(record.interaction?.notes.map((note) => note.id)).toContain(noteId);
  });

  it('corrects a disposition after the conversation only, and the latest one wins', async () => {
    const live = await one<{ id: string }>(`INSERT INTO interactions (id, channel, state, created_at, last_event_at)
      VALUES ('live-1', 'voice', 'connected', now(), now()) RETURNING id`);
    const correction = { wrapUpCodeId: 'refund', comment: 'customer called back', actor: supervisor };
    await expect(
      handlers.setDisposition(SetDispositionRequest.fromPartial({ interactionId: live.id, ...correction }), context),
    ).rejects.toMatchObject({ status: Status.FAILED_PRECONDITION });
    await expect(
      handlers.setDisposition(
        SetDispositionRequest.fromPartial({ interactionId: live.id, wrapUpCodeId: 'a b' }),
        context,
      ),
    ).rejects.toMatchObject({
      fieldViolations: [
        expect.objectContaining({ field: 'wrap_up_code_id' }),
        expect.objectContaining({ field: 'actor.kind' }),
      ],
    });

    const { id } = await one<{ id: string }>(
      `SELECT i.id FROM interactions i JOIN customers c ON c.id = i.customer_id
       WHERE c.erased_at IS NULL AND i.disposition IS NOT NULL ORDER BY i.id DESC LIMIT 1`,
    );
    const { disposition } = await handlers.setDisposition(
      SetDispositionRequest.fromPartial({ interactionId: id, ...correction }),
      context,
    );
    expect(disposition).toMatchObject({ wrapUpCodeId: 'refund', comment: 'customer called back', setBy: supervisor });
    const record = await handlers.getInteraction(GetInteractionRequest.fromPartial({ interactionId: id }), context);
    expect(record.interaction?.summary?.wrapUpCodeId).toBe('refund');
    expect(record.interaction?.disposition?.wrapUpCodeId).toBe('refund');
    expect(await published('interaction.disposition_set')).toBe(1);
  });

  it('merges two records of one person, idempotently and audited', async () => {
    const [survivor, merged] = (
      await pool.query<{ id: string }>(
        `SELECT c.id FROM customers c WHERE c.merged_into_id IS NULL AND c.erased_at IS NULL
           AND EXISTS (SELECT 1 FROM customer_identities ci WHERE ci.customer_id = c.id)
           AND EXISTS (SELECT 1 FROM interactions i WHERE i.customer_id = c.id)
         ORDER BY c.id LIMIT 2`,
      )
    ).rows.map((row) => row.id) as [string, string];
    const interactionsOf = (ids: string[]) =>
      count('SELECT count(*) AS n FROM interactions WHERE customer_id = ANY($1)', [ids]);
    const total = await interactionsOf([survivor, merged]);
    const mergedPhones = (
      await pool.query<{ value: string }>(
        `SELECT value FROM customer_identities WHERE customer_id = $1 AND kind = 'PHONE'`,
        [merged],
      )
    ).rows.map((row) => row.value);

    await expect(
      handlers.mergeCustomers(
        MergeCustomersRequest.fromPartial({ survivingCustomerId: survivor, mergedCustomerId: survivor, actor: admin }),
        context,
      ),
    ).rejects.toMatchObject({ fieldViolations: [expect.objectContaining({ field: 'merged_customer_id' })] });
    await expect(
      handlers.mergeCustomers(
        MergeCustomersRequest.fromPartial({ survivingCustomerId: survivor, mergedCustomerId: 'nobody', actor: admin }),
        context,
      ),
    ).rejects.toMatchObject({ status: Status.NOT_FOUND });

    const request = MergeCustomersRequest.fromPartial({
      survivingCustomerId: survivor,
      mergedCustomerId: merged,
      actor: admin,
    });
    const { customer } = await handlers.mergeCustomers(request, context);
    expect(customer?.id).toBe(survivor);
    expect(customer?.phoneNumbers).toEqual(expect.arrayContaining(mergedPhones));
    await handlers.mergeCustomers(request, context); // repeated: nothing more happens
    expect(await published('customer.merged')).toBe(1);
    expect(
      await count(
        `SELECT count(*) AS n FROM audit_entries WHERE action = 'customer.merged' AND subject = $1
        AND details->>'mergedCustomerId' = $2`,
        [survivor, merged],
      ),
    ).toBe(1);
    // The merged id keeps resolving to the survivor, with every interaction of both.
    const timeline = await handlers.getCustomerTimeline(
      GetCustomerTimelineRequest.fromPartial({ customer: { customerId: merged }, paging: { pageSize: 500 } }),
      context,
    );
    expect(timeline.customer?.id).toBe(survivor);
    expect(timeline.interactions).toHaveLength(total);
    await expect(
      handlers.mergeCustomers(
        MergeCustomersRequest.fromPartial({ survivingCustomerId: merged, mergedCustomerId: survivor, actor: admin }),
        context,
      ),
    ).rejects.toMatchObject({ status: Status.FAILED_PRECONDITION });
  });

  it('erases a customer’s personal data, keeps the anonymous facts, and answers repeats with the first erasure', async () => {
    const target = await one<{ customer_id: string; phone: string }>(
      `SELECT i.customer_id, ci.value AS phone FROM interactions i
         JOIN customers c ON c.id = i.customer_id AND c.merged_into_id IS NULL AND c.erased_at IS NULL
         JOIN customer_identities ci ON ci.customer_id = c.id AND ci.kind = 'PHONE'
       WHERE EXISTS (SELECT 1 FROM messages m WHERE m.interaction_id = i.id)
         -- a phone also linked to another record (not merged yet) would still find that one
         AND NOT EXISTS (SELECT 1 FROM customer_identities o WHERE o.kind = ci.kind AND o.value = ci.value
           AND o.customer_id <> c.id)
       ORDER BY i.customer_id LIMIT 1`,
    );
    const customerId = target.customer_id;
    const interactions = await count('SELECT count(*) AS n FROM interactions WHERE customer_id = $1', [customerId]);
    await expect(
      handlers.eraseCustomer(EraseCustomerRequest.fromPartial({ customerId, actor: agent }), context),
    ).rejects.toMatchObject({ fieldViolations: [expect.objectContaining({ field: 'actor.kind' })] });

    const request = EraseCustomerRequest.fromPartial({ customerId, actor: admin, requestRef: 'DSR-2026-0042' });
    const first = await handlers.eraseCustomer(request, context);
    expect(first.interactionsAnonymized).toBe(interactions);
    expect(first.messagesDeleted).toBeGreaterThan(0);
    const again = await handlers.eraseCustomer(request, context);
    expect(again).toEqual(first);
    expect(await published('customer.erased')).toBe(1);

    // Nobody finds them by phone any more; their interactions remain, without content.
    await expect(
      handlers.getCustomerTimeline(
        GetCustomerTimelineRequest.fromPartial({ customer: { phoneNumber: target.phone } }),
        context,
      ),
    ).rejects.toMatchObject({ status: Status.NOT_FOUND });
    expect(await count('SELECT count(*) AS n FROM interactions WHERE customer_id = $1', [customerId])).toBe(
      interactions,
    );
    const chat = await one<{ id: string }>(
      `SELECT i.id FROM interactions i WHERE i.customer_id = $1
         AND EXISTS (SELECT 1 FROM messages m WHERE m.interaction_id = i.id) LIMIT 1`,
      [customerId],
    );
    const record = await handlers.getInteraction(
      GetInteractionRequest.fromPartial({ interactionId: chat.id }),
      context,
    );
    expect(record.interaction?.messages.length).toBeGreaterThan(0);
    expect(record.interaction?.messages.every((m) => m.text === '' && m.senderDisplayName === '')).toBe(true);
    expect(record.interaction?.notes).toEqual([]);
    expect(record.interaction?.summary?.interaction?.channel).toBeTruthy();
    await expect(
      handlers.addNote(
        AddNoteRequest.fromPartial({ interactionId: chat.id, noteId: ulid(), text: 'x', author: agent }),
        context,
      ),
    ).rejects.toMatchObject({ status: Status.FAILED_PRECONDITION });
    const audit = await one<{ actor: string; details: { requestRef: string } }>(
      `SELECT actor, details FROM audit_entries WHERE action = 'customer.erased' AND subject = $1`,
      [customerId],
    );
    expect(audit).toMatchObject({ actor: 'admin:dpo', details: { requestRef: 'DSR-2026-0042' } });
  });
});

describe('history › export', () => {
  const range = { start: new Date(Date.UTC(2026, 0, 1)), end: new Date(Date.UTC(2027, 0, 1)) };

  it('streams every interaction of the range oldest first, with segments, and content on request', async () => {
    const rows = await collect(
      handlers.exportInteractions(
        ExportInteractionsRequest.fromPartial({ filter: { timeRange: range }, includeContent: true }),
        context,
      ),
    );
    const expected = await count('SELECT count(*) AS n FROM interactions WHERE created_at >= $1 AND created_at < $2', [
      range.start,
      range.end,
    ]);
    expect(rows).toHaveLength(expected);
    const created = rows.map((row) => row.interaction?.interaction?.timestamps?.createdAt?.getTime() ?? 0);
    expect(created).toEqual([...created].sort((a, b) => a - b));
    expect(rows.filter((row) => row.segments.length > 0).length).toBeGreaterThan(expected / 2);
    expect(rows.some((row) => row.messages.some((message) => message.text.includes('parcel')))).toBe(true);
    const lean = await collect(
      handlers.exportInteractions(ExportInteractionsRequest.fromPartial({ filter: { timeRange: range } }), context),
    );
    expect(lean.every((row) => row.messages.length === 0 && row.notes.length === 0)).toBe(true);
  });

  it('names a bad range and caps concurrent exports', async () => {
    await expect(
      collect(
        handlers.exportInteractions(
          ExportInteractionsRequest.fromPartial({ filter: { timeRange: { start: range.end, end: range.start } } }),
          context,
        ),
      ),
    ).rejects.toMatchObject({ fieldViolations: [expect.objectContaining({ field: 'filter.time_range.end' })] });
    const request = ExportInteractionsRequest.fromPartial({ filter: { timeRange: range } });
    const running = [handlers.exportInteractions(request, context), handlers.exportInteractions(request, context)];
    const iterators = running.map((stream) => stream[Symbol.asyncIterator]());
    for (const iterator of iterators) await iterator.next(); // both hold their cursor now
    await expect(collect(handlers.exportInteractions(request, context))).rejects.toMatchObject({
      status: Status.RESOURCE_EXHAUSTED,
    });
    for (const iterator of iterators) await iterator.return?.(undefined);
    expect((await collect(handlers.exportInteractions(request, context))).length).toBeGreaterThan(0);
  });
});

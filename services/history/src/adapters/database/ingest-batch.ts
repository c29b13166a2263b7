// Applies a batch of events in one transaction: the event log insert decides which events are new (a redelivered
// or duplicated event id is skipped), only those change the projection, and the caller acks after the commit — so
// a crash at any point loses nothing and applies nothing twice.
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type pg from 'pg';
import { contentFactOf, type ContentFact } from '../../domain/content-facts.js';
import { factsFromEnvelope } from '../../domain/interaction-facts.js';
import { mergeRows, rowFromFacts, type InteractionRow } from '../../domain/interaction-row.js';
import { segmentMarkOf, type SegmentMark } from '../../domain/segment-marks.js';
import { applyContent } from './content-apply.js';
import { upsertInteractions } from './interaction-upsert.js';
import { projectSegments } from './segment-upsert.js';

export interface IngestResult {
  applied: number;
  duplicates: number;
  /** Every event id of the batch, in batch order (new and duplicate). */
  eventIds: string[];
}

/** `decoded`: the payloads' envelopes when the caller has decoded them already (the consumer checks each one). */
export async function ingestBatch(
  pool: pg.Pool,
  payloads: readonly Uint8Array[],
  decoded?: readonly Envelope[],
): Promise<IngestResult> {
  const envelopes = decoded ?? payloads.map((payload) => Envelope.decode(payload));
  const client = await pool.connect();
  // A connection lost while checked out also emits 'error' on the client: the failing query already reports it.
  const ignore = () => undefined;
  client.on('error', ignore);
  let failure: Error | undefined;
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ event_id: string }>(
      `INSERT INTO event_log (event_id, type, site, source, occurred_at, interaction_id, customer_id, payload)
       SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[],
         $8::bytea[])
       ON CONFLICT (event_id) DO NOTHING
       RETURNING event_id`,
      [
        envelopes.map((e) => e.id),
        envelopes.map((e) => e.type),
        envelopes.map((e) => e.site),
        envelopes.map((e) => e.source),
        envelopes.map((e) => e.occurredAt ?? new Date(0)),
        envelopes.map((e) => e.interactionId || null),
        envelopes.map((e) => e.customerId || null),
        payloads.map((payload) => Buffer.from(payload)),
      ],
    );
    const fresh = new Set(rows.map((row) => row.event_id));
    // Merged per interaction first (mergeRows is order-independent): each interaction is written once per batch.
    const merged = new Map<string, InteractionRow>();
    const marks: SegmentMark[] = [];
    const contents: ContentFact[] = [];
    const namedCustomers: { id: string; at: number }[] = [];
    for (const envelope of envelopes) {
      if (!fresh.delete(envelope.id)) continue; // seen before, or twice in this batch
      const content = contentFactOf(envelope);
      if (content) contents.push(content);
      if (content?.kind === 'customer_merge')
        namedCustomers.push(
          { id: content.fact.survivingCustomerId, at: content.fact.at.getTime() },
          { id: content.fact.mergedCustomerId, at: content.fact.at.getTime() },
        );
      if (content?.kind === 'customer_erasure')
        namedCustomers.push({ id: content.fact.customerId, at: content.fact.at.getTime() });
      const mark = segmentMarkOf(envelope);
      if (mark) marks.push(mark);
      const facts = factsFromEnvelope(envelope);
      if (!facts) continue;
      const row = rowFromFacts(facts);
      const earlier = merged.get(row.id);
      merged.set(row.id, earlier ? mergeRows(earlier, row) : row);
    }
    // Sorted: concurrent batches touching the same interactions then lock them in the same order.
    const ordered = [...merged.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    await upsertInteractions(client, ordered, namedCustomers);
    // Legs change with a new mark, and the last one's end with the conversation's end.
    const reshaped = new Set(marks.map((mark) => mark.interactionId));
    for (const row of ordered) if (row.endedAt !== undefined) reshaped.add(row.id);
    await projectSegments(client, marks, [...reshaped].sort());
    await applyContent(client, contents, [...merged.keys()]);
    await client.query('COMMIT');
    return {
      applied: rows.length,
      duplicates: envelopes.length - rows.length,
      eventIds: envelopes.map((envelope) => envelope.id),
    };
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', ignore);
    client.release(failure); // a failed connection is discarded, not handed to the next batch
  }
}

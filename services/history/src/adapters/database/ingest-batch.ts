// Applies a batch of events in one transaction: the event log insert decides which events are new (a redelivered
// or duplicated event id is skipped), only those change the projection, and the caller acks after the commit — so
// a crash at any point loses nothing and applies nothing twice.
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type pg from 'pg';
import { factsFromEnvelope } from '../../domain/interaction-facts.js';
import { refreshDurations, upsertInteraction } from './interaction-upsert.js';

export interface IngestResult {
  applied: number;
  duplicates: number;
}

export async function ingestBatch(pool: pg.Pool, payloads: readonly Uint8Array[]): Promise<IngestResult> {
  const envelopes = payloads.map((payload) => Envelope.decode(payload));
  const client = await pool.connect();
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
    const touched = new Set<string>();
    for (const envelope of envelopes) {
      if (!fresh.delete(envelope.id)) continue; // seen before, or twice in this batch
      const facts = factsFromEnvelope(envelope);
      if (!facts) continue;
      await upsertInteraction(client, facts);
      touched.add(facts.interactionId);
    }
    await refreshDurations(client, [...touched]);
    await client.query('COMMIT');
    return { applied: rows.length, duplicates: envelopes.length - rows.length };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

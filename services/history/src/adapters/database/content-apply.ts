// The content side of an ingest batch: messages, notes, dispositions and recordings of the new events, then
// customer merges and erasures, then the follow-up every batch needs — work of merged records moved to their
// survivor, and anything that landed for an erased customer scrubbed.
import type pg from 'pg';
import type {
  ContentFact,
  CustomerErasureFact,
  CustomerMergeFact,
  DispositionFact,
  MessageFact,
  NoteFact,
  RecordingFact,
} from '../../domain/content-facts.js';
import { insertDispositions, insertMessages, insertNotes, upsertRecordings } from './content-upsert.js';
import { applyErasure, applyMerge, moveToSurvivors, scrubErasedCustomers } from './customer-changes.js';

const byTime = <T extends { at: Date }>(a: T, b: T) => a.at.getTime() - b.at.getTime();

/**
 * `contents`: what the batch's new events add; `touchedInteractions`: the interactions they changed. Customers the
 * merges and erasures name must exist already (interaction-upsert.ts writes them first, for the lock order).
 */
export async function applyContent(
  client: pg.PoolClient,
  contents: readonly ContentFact[],
  touchedInteractions: readonly string[],
): Promise<void> {
  const messages: MessageFact[] = [];
  const notes: NoteFact[] = [];
  const dispositions: DispositionFact[] = [];
  const recordings: RecordingFact[] = [];
  const merges: CustomerMergeFact[] = [];
  const erasures: CustomerErasureFact[] = [];
  for (const content of contents) {
    if (content.kind === 'message') messages.push(content.fact);
    else if (content.kind === 'note') notes.push(content.fact);
    else if (content.kind === 'disposition') dispositions.push(content.fact);
    else if (content.kind === 'recording') recordings.push(content.fact);
    else if (content.kind === 'customer_merge') merges.push(content.fact);
    else if (content.kind === 'customer_erasure') erasures.push(content.fact);
  }
  await insertMessages(client, messages);
  await insertNotes(client, notes);
  await insertDispositions(client, dispositions);
  await upsertRecordings(client, recordings);
  for (const merge of merges.sort(byTime)) await applyMerge(client, merge);
  for (const erasure of erasures.sort(byTime)) await applyErasure(client, erasure);
  // Only customers that were merged away or erased need more work: one query finds them among those the batch's
  // interactions belong to now (including interactions a content event only referred to).
  const { rows } = await client.query<{ id: string; merged: boolean; erased: boolean }>(
    `SELECT id, merged_into_id IS NOT NULL AS merged, erased_at IS NOT NULL AS erased FROM customers
     WHERE id IN (SELECT customer_id FROM interactions WHERE id = ANY($1::text[]))
       AND (merged_into_id IS NOT NULL OR erased_at IS NOT NULL)
     ORDER BY id`,
    [touchedInteractions],
  );
  const merged = rows.filter((row) => row.merged).map((row) => row.id);
  let erased = rows.filter((row) => row.erased).map((row) => row.id);
  if (merged.length > 0) {
    await moveToSurvivors(client, merged);
    // What moved may now belong to an erased survivor.
    const moved = await client.query<{ id: string }>(
      `SELECT id FROM customers WHERE erased_at IS NOT NULL
         AND id IN (SELECT customer_id FROM interactions WHERE id = ANY($1::text[])) ORDER BY id`,
      [touchedInteractions],
    );
    erased = moved.rows.map((row) => row.id);
  }
  if (erased.length > 0) await scrubErasedCustomers(client, erased);
}

// The content side of an ingest batch: messages, notes, dispositions and recordings of the new events, then
// customer merges and erasures, then the follow-up every batch needs — work of merged records moved to their
// survivor, and anything that landed for an erased customer scrubbed.
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type pg from 'pg';
import {
  contentFactOf,
  type CustomerErasureFact,
  type CustomerMergeFact,
  type DispositionFact,
  type MessageFact,
  type NoteFact,
  type RecordingFact,
} from '../../domain/content-facts.js';
import { insertDispositions, insertMessages, insertNotes, upsertRecordings } from './content-upsert.js';
import { applyErasure, applyMerge, moveToSurvivors, scrubErasedCustomers } from './customer-changes.js';

const byTime = <T extends { at: Date }>(a: T, b: T) => a.at.getTime() - b.at.getTime();

/** `fresh`: the batch's new events; `touchedInteractions`: the interactions they changed. */
export async function applyContent(
  client: pg.PoolClient,
  fresh: readonly Envelope[],
  touchedInteractions: readonly string[],
): Promise<void> {
  const messages: MessageFact[] = [];
  const notes: NoteFact[] = [];
  const dispositions: DispositionFact[] = [];
  const recordings: RecordingFact[] = [];
  const merges: CustomerMergeFact[] = [];
  const erasures: CustomerErasureFact[] = [];
  for (const envelope of fresh) {
    const content = contentFactOf(envelope);
    if (content?.kind === 'message') messages.push(content.fact);
    else if (content?.kind === 'note') notes.push(content.fact);
    else if (content?.kind === 'disposition') dispositions.push(content.fact);
    else if (content?.kind === 'recording') recordings.push(content.fact);
    else if (content?.kind === 'customer_merge') merges.push(content.fact);
    else if (content?.kind === 'customer_erasure') erasures.push(content.fact);
  }
  await insertMessages(client, messages);
  await insertNotes(client, notes);
  await insertDispositions(client, dispositions);
  await upsertRecordings(client, recordings);
  for (const merge of merges.sort(byTime)) await applyMerge(client, merge);
  for (const erasure of erasures.sort(byTime)) await applyErasure(client, erasure);
  // Whoever the batch's interactions belong to now, including those a content event only referred to.
  const { rows } = await client.query<{ customer_id: string }>(
    `SELECT DISTINCT customer_id FROM interactions WHERE id = ANY($1::text[]) AND customer_id IS NOT NULL
     ORDER BY customer_id`,
    [touchedInteractions],
  );
  const customers = rows.map((row) => row.customer_id);
  await moveToSurvivors(client, customers);
  await scrubErasedCustomers(client, customers);
}

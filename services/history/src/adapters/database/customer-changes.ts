// Customer merges and GDPR erasures, applied from their events (customer.merged, customer.erased) inside the ingest
// transaction, so a replay of the stream rebuilds the same records, and audited in that same transaction. Both are
// idempotent: the first merge of a record wins, and an erasure keeps its first time. The customers they name exist
// by then (a record not seen yet starts empty: interaction-upsert.ts writes it with the batch's customers).
import type pg from 'pg';
import type { CustomerErasureFact, CustomerMergeFact } from '../../domain/content-facts.js';

export interface ErasureCounts {
  interactionsAnonymized: number;
  messagesDeleted: number;
  recordingsScheduled: number;
}

export async function applyMerge(client: pg.ClientBase, merge: CustomerMergeFact): Promise<void> {
  const { survivingCustomerId: survivor, mergedCustomerId: merged } = merge;
  await client.query(
    `UPDATE customers SET merged_into_id = $2, updated_at = GREATEST(updated_at, $3)
     WHERE id = $1 AND merged_into_id IS NULL AND id <> $2`,
    [merged, survivor, merge.at],
  );
  // The survivor changed too (it gained identities); also what makes the result independent of which record was
  // seen first.
  await client.query('UPDATE customers SET updated_at = GREATEST(updated_at, $2) WHERE id = $1', [survivor, merge.at]);
  // Records merged into the loser earlier now point at the survivor: chains stay one step long.
  await client.query('UPDATE customers SET merged_into_id = $2 WHERE merged_into_id = $1 AND id <> $2', [
    merged,
    survivor,
  ]);
  await moveToSurvivors(client, [merged]);
  await client.query(
    `INSERT INTO audit_entries (id, action, actor, subject, details, at) VALUES ($1, 'customer.merged', $2, $3, $4, $5)
     ON CONFLICT (id) DO NOTHING`,
    [merge.eventId, merge.actor, survivor, JSON.stringify({ mergedCustomerId: merged }), merge.at],
  );
}

/**
 * Interactions and identity links of merged records belong to the record they were merged into. Run for merges and
 * after every batch for the customers it touched: a late event may still name a merged record.
 */
export async function moveToSurvivors(client: pg.ClientBase, customerIds: readonly string[]): Promise<void> {
  if (customerIds.length === 0) return;
  const { rows } = await client.query<{ id: string; merged_into_id: string }>(
    'SELECT id, merged_into_id FROM customers WHERE id = ANY($1::text[]) AND merged_into_id IS NOT NULL ORDER BY id',
    [customerIds],
  );
  if (rows.length === 0) return;
  const from = rows.map((row) => row.id);
  const to = rows.map((row) => row.merged_into_id);
  await client.query(
    `UPDATE interactions i SET customer_id = m.survivor
     FROM UNNEST($1::text[], $2::text[]) AS m(merged, survivor) WHERE i.customer_id = m.merged`,
    [from, to],
  );
  // The link id is the one interaction-upsert.ts derives: sha256("<kind>:<value>:<customer>"), 32 hex digits.
  await client.query(
    `INSERT INTO customer_identities (id, customer_id, kind, value, created_at)
     SELECT substr(encode(sha256(convert_to(ci.kind::text || ':' || ci.value || ':' || m.survivor, 'UTF8')), 'hex'),
       1, 32), m.survivor, ci.kind, ci.value, ci.created_at
     FROM customer_identities ci JOIN UNNEST($1::text[], $2::text[]) AS m(merged, survivor) ON ci.customer_id = m.merged
     ON CONFLICT (kind, value, customer_id) DO NOTHING`,
    [from, to],
  );
  await client.query('DELETE FROM customer_identities WHERE customer_id = ANY($1::text[])', [from]);
}

export async function applyErasure(client: pg.ClientBase, erasure: CustomerErasureFact): Promise<ErasureCounts> {
  await client.query(
    `UPDATE customers SET erased_at = COALESCE(erased_at, $2), display_name = '', updated_at = GREATEST(updated_at, $2)
     WHERE id = $1`,
    [erasure.customerId, erasure.at],
  );
  const counts = await scrubErasedCustomers(client, [erasure.customerId]);
  await client.query(
    `INSERT INTO audit_entries (id, action, actor, subject, details, at) VALUES ($1, 'customer.erased', $2, $3, $4, $5)
     ON CONFLICT (id) DO NOTHING`,
    [
      erasure.eventId,
      erasure.actor,
      erasure.customerId,
      JSON.stringify({ requestRef: erasure.requestRef, ...counts }),
      erasure.at,
    ],
  );
  return counts;
}

/**
 * Removes the personal data of erased customers among `customerIds` from everything that happened up to their
 * erasure: identities, attributes, message bodies and senders, notes, disposition comments and the raw events'
 * payloads. What stays is anonymous: channel, queue, agents, times, durations, outcome. Run for an erasure and after
 * every batch for the customers it touched, so a late event of an erased customer is scrubbed as it lands.
 */
export async function scrubErasedCustomers(
  client: pg.ClientBase,
  customerIds: readonly string[],
): Promise<ErasureCounts> {
  const none = { interactionsAnonymized: 0, messagesDeleted: 0, recordingsScheduled: 0 };
  if (customerIds.length === 0) return none;
  const { rows: erased } = await client.query<{ id: string }>(
    'SELECT id FROM customers WHERE id = ANY($1::text[]) AND erased_at IS NOT NULL ORDER BY id',
    [customerIds],
  );
  if (erased.length === 0) return none;
  const ids = erased.map((row) => row.id);
  await client.query('DELETE FROM customer_identities WHERE customer_id = ANY($1::text[])', [ids]);
  const { rows: interactions } = await client.query<{ id: string }>(
    `SELECT i.id FROM interactions i JOIN customers c ON c.id = i.customer_id
     WHERE i.customer_id = ANY($1::text[]) AND i.created_at <= c.erased_at ORDER BY i.id`,
    [ids],
  );
  const interactionIds = interactions.map((row) => row.id);
  await client.query(
    `UPDATE interactions SET attributes = '{}' WHERE id = ANY($1::text[]) AND attributes <> '{}'::jsonb`,
    [interactionIds],
  );
  // Merges and erasures themselves stay readable (ids, actor, request reference: no personal data), as evidence.
  // Erased-at times come from the erasure itself, so a replay rebuilds identical rows.
  const messages = await client.query(
    `UPDATE messages m SET body = NULL, html = NULL, email = NULL, sender_name = '', attachments = '[]',
       sender_id = CASE WHEN m.sender_kind = 'customer' THEN '' ELSE m.sender_id END,
       body_erased_at = COALESCE(m.body_erased_at, c.erased_at)
     FROM interactions i JOIN customers c ON c.id = i.customer_id
     WHERE m.interaction_id = i.id AND i.id = ANY($1::text[]) AND (m.body IS NOT NULL OR m.html IS NOT NULL
       OR m.email IS NOT NULL OR m.sender_name <> '' OR m.attachments <> '[]'::jsonb)`,
    [interactionIds],
  );
  await client.query('DELETE FROM agent_notes WHERE interaction_id = ANY($1::text[])', [interactionIds]);
  await client.query(`UPDATE dispositions SET comment = '' WHERE interaction_id = ANY($1::text[]) AND comment <> ''`, [
    interactionIds,
  ]);
  await client.query(
    `UPDATE event_log e SET payload = '\\x'::bytea, redacted_at = c.erased_at
     FROM interactions i JOIN customers c ON c.id = i.customer_id
     WHERE e.interaction_id = i.id AND i.id = ANY($1::text[]) AND e.redacted_at IS NULL`,
    [interactionIds],
  );
  await client.query(
    `UPDATE event_log e SET payload = '\\x'::bytea, redacted_at = c.erased_at FROM customers c
     WHERE e.customer_id = c.id AND c.id = ANY($1::text[]) AND e.redacted_at IS NULL
       AND e.type NOT IN ('customer.merged', 'customer.erased')`,
    [ids],
  );
  const recordings = await client.query<{ count: string }>(
    'SELECT count(*) FROM recording_refs WHERE interaction_id = ANY($1::text[]) AND erased_at IS NULL',
    [interactionIds],
  );
  return {
    interactionsAnonymized: interactionIds.length,
    messagesDeleted: messages.rowCount ?? 0,
    recordingsScheduled: Number(recordings.rows[0]?.count ?? 0),
  };
}

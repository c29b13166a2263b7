// Every row of the record — projection, content, audit and the event log (but when each event was received) — in a
// fixed order, so two ingests of the same events can be compared for equality.
import type pg from 'pg';

const tables = {
  interactions: 'SELECT * FROM interactions ORDER BY id',
  customers: 'SELECT * FROM customers ORDER BY id',
  identities: 'SELECT * FROM customer_identities ORDER BY id',
  segments: 'SELECT * FROM segments ORDER BY id',
  marks: 'SELECT * FROM segment_marks ORDER BY event_id',
  messages:
    'SELECT id, interaction_id, sender_kind, sender_id, sender_name, body, html, email, attachments, sent_at, body_erased_at FROM messages ORDER BY id',
  notes: 'SELECT * FROM agent_notes ORDER BY id',
  dispositions: 'SELECT * FROM dispositions ORDER BY event_id',
  recordings: 'SELECT * FROM recording_refs ORDER BY id',
  audit: 'SELECT * FROM audit_entries ORDER BY id',
  events:
    'SELECT event_id, type, occurred_at, interaction_id, customer_id, payload, redacted_at FROM event_log ORDER BY event_id',
} as const;

export async function dumpRecord(pool: pg.Pool): Promise<Record<keyof typeof tables, unknown[]>> {
  const entries = await Promise.all(
    Object.entries(tables).map(async ([name, sql]) => [name, (await pool.query(sql)).rows] as const),
  );
  return Object.fromEntries(entries) as Record<keyof typeof tables, unknown[]>;
}

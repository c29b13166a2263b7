// The retention policy, applied as a job: content (message bodies, e-mail HTML and headers, attachment metadata,
// sender names, note texts and the raw payloads of the events that carried them) is removed after `contentDays`;
// whole interactions with everything attached, their raw events, and customers left without interactions after
// `metadataDays`. Each step works in small batches, each its own transaction, so the job never holds long locks
// against the ingest; one replica runs it at a time (advisory lock); every run is audited with what it removed.
import type pg from 'pg';
import { monotonicFactory } from 'ulid';

export interface RetentionPolicy {
  contentDays: number;
  metadataDays: number;
  /** Rows per transaction. */
  batchSize: number;
}

export interface RetentionCounts {
  messageBodies: number;
  noteTexts: number;
  eventPayloads: number;
  interactions: number;
  events: number;
  customers: number;
}

export type RetentionOutcome = { ran: true; counts: RetentionCounts; auditId: string } | { ran: false };

// Any constant shared by every replica: "hisret" in ASCII.
const retentionLockKey = 0x68_69_73_72_65_74;
const day = 86_400_000;
// Runs within one millisecond still sort in order.
const ulid = monotonicFactory();

/** Repeats a statement that handles at most `batchSize` rows until one handles fewer; the total. */
async function inBatches(pool: pg.Pool, sql: string, params: unknown[], batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await pool.query(sql, [...params, batchSize]);
    const handled = result.rowCount ?? 0;
    total += handled;
    if (handled < batchSize) return total;
  }
}

export async function runRetention(
  pool: pg.Pool,
  policy: RetentionPolicy,
  now: Date,
  actor = 'system:retention',
): Promise<RetentionOutcome> {
  const lock = await pool.connect();
  try {
    const { rows } = await lock.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
      retentionLockKey,
    ]);
    if (!rows[0]?.locked) return { ran: false }; // another replica is running it
    try {
      const counts = await applyPolicy(pool, policy, now);
      const auditId = ulid(now.getTime());
      await pool.query(
        `INSERT INTO audit_entries (id, action, actor, subject, details, at) VALUES ($1, 'retention.run', $2, 'history', $3, $4)`,
        [auditId, actor, JSON.stringify({ policy, counts }), now],
      );
      return { ran: true, counts, auditId };
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1::bigint)', [retentionLockKey]);
    }
  } finally {
    lock.release();
  }
}

async function applyPolicy(pool: pg.Pool, policy: RetentionPolicy, now: Date): Promise<RetentionCounts> {
  const contentCutoff = new Date(now.getTime() - policy.contentDays * day);
  const metadataCutoff = new Date(now.getTime() - policy.metadataDays * day);
  const batch = policy.batchSize;
  // Whole interactions first: their content then needs no separate removal.
  // Segments, messages, notes, dispositions and recording references go with their interaction (cascade).
  const interactions = await inBatches(
    pool,
    `WITH doomed AS (SELECT id FROM interactions WHERE created_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED),
       marks AS (DELETE FROM segment_marks WHERE interaction_id IN (SELECT id FROM doomed))
     DELETE FROM interactions WHERE id IN (SELECT id FROM doomed)`,
    [metadataCutoff],
    batch,
  );
  const events = await inBatches(
    pool,
    `DELETE FROM event_log WHERE event_id IN (SELECT event_id FROM event_log WHERE occurred_at < $1 LIMIT $2
       FOR UPDATE SKIP LOCKED)`,
    [metadataCutoff],
    batch,
  );
  // Records merged into another are kept while it exists: the merged id must keep resolving.
  const customers = await inBatches(
    pool,
    `DELETE FROM customers WHERE id IN (SELECT c.id FROM customers c WHERE c.updated_at < $1
       AND c.merged_into_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.customer_id = c.id)
       AND NOT EXISTS (SELECT 1 FROM customers m WHERE m.merged_into_id = c.id)
       LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [metadataCutoff],
    batch,
  );
  const messageBodies = await inBatches(
    pool,
    `UPDATE messages SET body = NULL, html = NULL, email = NULL, attachments = '[]', sender_name = '',
       body_erased_at = $2
     WHERE id IN (SELECT id FROM messages WHERE sent_at < $1 AND body_erased_at IS NULL LIMIT $3
       FOR UPDATE SKIP LOCKED)`,
    [contentCutoff, now],
    batch,
  );
  const noteTexts = await inBatches(
    pool,
    `UPDATE agent_notes SET body = '', body_erased_at = $2
     WHERE id IN (SELECT id FROM agent_notes WHERE created_at < $1 AND body_erased_at IS NULL LIMIT $3
       FOR UPDATE SKIP LOCKED)`,
    [contentCutoff, now],
    batch,
  );
  // The row stays (it is what makes a redelivered event a duplicate); only the content goes.
  const eventPayloads = await inBatches(
    pool,
    `UPDATE event_log SET payload = '\\x'::bytea, redacted_at = $2
     WHERE event_id IN (SELECT event_id FROM event_log WHERE occurred_at < $1 AND redacted_at IS NULL
       AND type IN ('interaction.message_sent', 'interaction.note_added') LIMIT $3 FOR UPDATE SKIP LOCKED)`,
    [contentCutoff, now],
    batch,
  );
  return { messageBodies, noteTexts, eventPayloads, interactions, events, customers };
}

// Writes the content facts of a batch (domain/content-facts.ts), one statement per kind. Messages, notes and
// dispositions are immutable rows keyed by their ids; recordings merge per id with the same earliest/latest rules
// as interactions, so the order events arrive in does not matter.
import type pg from 'pg';
import type { DispositionFact, MessageFact, NoteFact, RecordingFact } from '../../domain/content-facts.js';

export async function insertMessages(client: pg.PoolClient, messages: readonly MessageFact[]): Promise<void> {
  if (messages.length === 0) return;
  await client.query(
    `INSERT INTO messages (id, interaction_id, sender_kind, sender_id, sender_name, body, html, email, attachments,
       sent_at)
     SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
       $8::jsonb[], $9::jsonb[], $10::timestamptz[])
     ON CONFLICT (id) DO NOTHING`,
    [
      messages.map((m) => m.id),
      messages.map((m) => m.interactionId),
      messages.map((m) => m.senderKind),
      messages.map((m) => m.senderId),
      messages.map((m) => m.senderName),
      messages.map((m) => m.body),
      messages.map((m) => m.html),
      messages.map((m) => (m.email ? JSON.stringify(m.email) : null)),
      messages.map((m) => JSON.stringify(m.attachments)),
      messages.map((m) => m.sentAt),
    ],
  );
}

export async function insertNotes(client: pg.PoolClient, notes: readonly NoteFact[]): Promise<void> {
  if (notes.length === 0) return;
  await client.query(
    `INSERT INTO agent_notes (id, interaction_id, author_kind, agent_id, body, created_at)
     SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
     ON CONFLICT (id) DO NOTHING`,
    [
      notes.map((n) => n.id),
      notes.map((n) => n.interactionId),
      notes.map((n) => n.authorKind),
      notes.map((n) => n.authorId),
      notes.map((n) => n.body),
      notes.map((n) => n.createdAt),
    ],
  );
}

/**
 * Stores each disposition and makes the latest one (by when it was set) the interaction's disposition, whatever
 * order they arrived in.
 */
export async function insertDispositions(client: pg.PoolClient, dispositions: readonly DispositionFact[]) {
  if (dispositions.length === 0) return;
  await client.query(
    `INSERT INTO dispositions (event_id, interaction_id, wrap_up_code_id, comment, actor_kind, actor_id, set_at)
     SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
     ON CONFLICT (event_id) DO NOTHING`,
    [
      dispositions.map((d) => d.eventId),
      dispositions.map((d) => d.interactionId),
      dispositions.map((d) => d.wrapUpCodeId),
      dispositions.map((d) => d.comment),
      dispositions.map((d) => d.actorKind),
      dispositions.map((d) => d.actorId),
      dispositions.map((d) => d.setAt),
    ],
  );
  const touched = [...new Set(dispositions.map((d) => d.interactionId))].sort();
  await client.query(
    `UPDATE interactions i SET disposition = latest.wrap_up_code_id
     FROM (SELECT DISTINCT ON (interaction_id) interaction_id, wrap_up_code_id FROM dispositions
           WHERE interaction_id = ANY($1::text[]) ORDER BY interaction_id, set_at DESC, event_id DESC) latest
     WHERE i.id = latest.interaction_id AND i.disposition IS DISTINCT FROM latest.wrap_up_code_id`,
    [touched],
  );
}

export async function upsertRecordings(client: pg.PoolClient, facts: readonly RecordingFact[]): Promise<void> {
  if (facts.length === 0) return;
  // Several events of one recording in one batch: merged here, since one statement cannot touch a row twice.
  const byId = new Map<string, RecordingFact>();
  for (const fact of facts) {
    const earlier = byId.get(fact.id);
    byId.set(fact.id, earlier ? mergeRecordingFacts(earlier, fact) : fact);
  }
  const rows = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  await client.query(
    `INSERT INTO recording_refs AS r (id, interaction_id, segment_id, started_at, ended_at, duration_ms, uri, erased_at)
     SELECT u.id, u.interaction_id, u.segment_id, u.started_at, u.ended_at, u.duration_ms, COALESCE(u.uri, ''),
       u.erased_at
     FROM UNNEST($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::int[], $7::text[],
       $8::timestamptz[]) AS u(id, interaction_id, segment_id, started_at, ended_at, duration_ms, uri, erased_at)
     ON CONFLICT (id) DO UPDATE SET
       segment_id = COALESCE(r.segment_id, EXCLUDED.segment_id),
       started_at = LEAST(r.started_at, EXCLUDED.started_at),
       ended_at = GREATEST(r.ended_at, EXCLUDED.ended_at),
       duration_ms = GREATEST(r.duration_ms, EXCLUDED.duration_ms),
       uri = GREATEST(r.uri, EXCLUDED.uri),
       erased_at = LEAST(r.erased_at, EXCLUDED.erased_at)`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.interactionId),
      rows.map((r) => r.segmentId),
      rows.map((r) => r.startedAt),
      rows.map((r) => r.endedAt),
      rows.map((r) => r.durationMs),
      rows.map((r) => r.uri),
      rows.map((r) => r.erasedAt),
    ],
  );
}

/** The SQL rules above, for two facts of one recording in the same batch. */
function mergeRecordingFacts(a: RecordingFact, b: RecordingFact): RecordingFact {
  const least = (x: Date | null, y: Date | null) => (x && y ? (x <= y ? x : y) : (x ?? y));
  const greatest = <T extends Date | number | string>(x: T | null, y: T | null): T | null =>
    x !== null && y !== null ? (x >= y ? x : y) : (x ?? y);
  return {
    id: a.id,
    interactionId: a.interactionId,
    segmentId: a.segmentId ?? b.segmentId,
    startedAt: least(a.startedAt, b.startedAt),
    endedAt: greatest(a.endedAt, b.endedAt),
    durationMs: greatest(a.durationMs, b.durationMs),
    uri: greatest(a.uri, b.uri),
    erasedAt: least(a.erasedAt, b.erasedAt),
  };
}

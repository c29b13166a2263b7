// Stores a batch's segment marks and re-derives the segments of the interactions they touch (domain/segments.ts)
// from every mark stored so far. Call it after the batch's interaction upsert: that statement holds the
// interactions' row locks, so a concurrent batch touching the same interaction has committed (and its marks are
// visible to this statement's fresh snapshot) or waits until this one has — no mark is ever left out.
import type pg from 'pg';
import type { SegmentKind, SegmentMark } from '../../domain/segment-marks.js';
import { deriveSegments, type SegmentRow } from '../../domain/segments.js';

// Stores the batch's marks and reads every mark of the interactions to re-derive, in one round trip: the statement's
// snapshot does not show its own inserts, so the new marks come back through RETURNING.
const marksSql = `
WITH fresh AS (
  INSERT INTO segment_marks (event_id, interaction_id, at, mark, type, segment_kind, queue_id, agent_id)
  SELECT * FROM UNNEST($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[],
    $8::text[])
  ON CONFLICT (event_id) DO NOTHING
  RETURNING *),
every AS (
  SELECT * FROM fresh
  UNION ALL
  SELECT * FROM segment_marks WHERE interaction_id = ANY($9))
SELECT m.event_id, m.interaction_id, m.at, m.mark, m.type, m.segment_kind, m.queue_id, m.agent_id, i.ended_at
FROM every m JOIN interactions i ON i.id = m.interaction_id
WHERE m.interaction_id = ANY($9)`;

// Rows that did not change are left alone (no dead tuples for every event of a long interaction). A leg that a
// later-arriving event absorbed or re-cut (a transfer arriving after its queue's `queued`) goes away.
const segmentsSql = `
WITH stale AS (DELETE FROM segments WHERE interaction_id = ANY($10) AND NOT (id = ANY($1)))
INSERT INTO segments AS s (id, interaction_id, kind, queue_id, agent_id, started_at, ended_at, previous_segment_id,
  initial_segment_id)
SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
  $7::timestamptz[], $8::text[], $9::text[])
ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, queue_id = EXCLUDED.queue_id, agent_id = EXCLUDED.agent_id,
  started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at, previous_segment_id = EXCLUDED.previous_segment_id,
  initial_segment_id = EXCLUDED.initial_segment_id
WHERE (s.kind, s.queue_id, s.agent_id, s.started_at, s.ended_at, s.previous_segment_id, s.initial_segment_id)
  IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.queue_id, EXCLUDED.agent_id, EXCLUDED.started_at, EXCLUDED.ended_at,
  EXCLUDED.previous_segment_id, EXCLUDED.initial_segment_id)`;

interface StoredMark {
  event_id: string;
  interaction_id: string;
  at: Date;
  mark: 'open' | 'connect';
  type: string;
  segment_kind: SegmentKind | null;
  queue_id: string | null;
  agent_id: string | null;
  ended_at: Date | null;
}

/**
 * Stores the batch's marks and re-derives the segments of `interactionIds` (sorted: every batch works in the same
 * order) from every mark stored for them.
 */
export async function projectSegments(
  client: pg.ClientBase,
  marks: readonly SegmentMark[],
  interactionIds: readonly string[],
): Promise<void> {
  if (interactionIds.length === 0) return;
  const mark = <T>(value: (mark: SegmentMark) => T) => marks.map(value);
  const { rows } = await client.query<StoredMark>(marksSql, [
    mark((m) => m.eventId),
    mark((m) => m.interactionId),
    mark((m) => new Date(m.at)),
    mark((m) => m.mark),
    mark((m) => m.type),
    mark((m) => m.segmentKind ?? null),
    mark((m) => m.queueId ?? null),
    mark((m) => m.agentId ?? null),
    interactionIds,
  ]);
  const byInteraction = new Map<string, { marks: SegmentMark[]; endedAt: number | undefined }>();
  for (const row of rows) {
    const entry = byInteraction.get(row.interaction_id) ?? { marks: [], endedAt: row.ended_at?.getTime() };
    entry.marks.push({
      eventId: row.event_id,
      interactionId: row.interaction_id,
      at: row.at.getTime(),
      mark: row.mark,
      type: row.type,
      segmentKind: row.segment_kind ?? undefined,
      queueId: row.queue_id ?? undefined,
      agentId: row.agent_id ?? undefined,
    });
    byInteraction.set(row.interaction_id, entry);
  }
  const segments: SegmentRow[] = [];
  for (const id of [...byInteraction.keys()].sort()) {
    const { marks: all, endedAt } = byInteraction.get(id) as { marks: SegmentMark[]; endedAt: number | undefined };
    segments.push(...deriveSegments(id, all, endedAt));
  }
  if (segments.length === 0) return;
  const column = <T>(value: (segment: SegmentRow) => T) => segments.map(value);
  await client.query(segmentsSql, [
    column((s) => s.id),
    column((s) => s.interactionId),
    column((s) => s.kind),
    column((s) => s.queueId ?? null),
    column((s) => s.agentId ?? null),
    column((s) => new Date(s.startedAt)),
    column((s) => (s.endedAt === undefined ? null : new Date(s.endedAt))),
    column((s) => s.previousSegmentId ?? null),
    column((s) => s.initialSegmentId),
    [...byInteraction.keys()],
  ]);
}

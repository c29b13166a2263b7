// One interaction's projected segments (adapters/database/segment-upsert.ts), first leg first.
import type pg from 'pg';

export interface SegmentQueryRow {
  id: string;
  kind: string;
  queue_id: string | null;
  agent_id: string | null;
  started_at: Date;
  ended_at: Date | null;
  previous_segment_id: string | null;
}

export async function interactionSegments(db: pg.Pool, interactionId: string): Promise<SegmentQueryRow[]> {
  const { rows } = await db.query<SegmentQueryRow>(
    `SELECT id, kind, queue_id, agent_id, started_at, ended_at, previous_segment_id
     FROM segments WHERE interaction_id = $1 ORDER BY started_at, id`,
    [interactionId],
  );
  return rows;
}

/** The segments of many interactions at once (exports), grouped by interaction, each first leg first. */
export async function segmentsOf(
  db: pg.Pool,
  interactionIds: readonly string[],
): Promise<Map<string, SegmentQueryRow[]>> {
  const { rows } = await db.query<SegmentQueryRow & { interaction_id: string }>(
    `SELECT interaction_id, id, kind, queue_id, agent_id, started_at, ended_at, previous_segment_id
     FROM segments WHERE interaction_id = ANY($1::text[]) ORDER BY interaction_id, started_at, id`,
    [interactionIds],
  );
  const grouped = new Map<string, SegmentQueryRow[]>();
  for (const row of rows) grouped.set(row.interaction_id, [...(grouped.get(row.interaction_id) ?? []), row]);
  return grouped;
}

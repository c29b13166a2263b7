// Interactions matching a search filter: newest first one keyset page at a time (search), or oldest first through
// a cursor (export). Every condition is a parameter (an empty list means "any"); the time range uses the
// (created_at, id) index, text searches the messages' full-text index.
import type pg from 'pg';
import type { SearchQuery } from '../../rpc/search-request.js';
import type { TimelineRow } from './timeline-query.js';

export type InteractionFilterQuery = Omit<SearchQuery, 'pageSize' | 'after' | 'fingerprint'>;

export const summaryColumns = `id, channel, direction, site_id, customer_id, queue_id, state, first_agent_id,
  last_agent_id, created_at, queued_at, offered_at, answered_at, ended_at, wait_ms, talk_ms, hold_ms, wrap_up_ms,
  disposition, abandon_point`;

/** The filter as a WHERE clause over `interactions i` with parameters $1–$10. */
export function filterClause(
  query: InteractionFilterQuery,
  customerIds: readonly string[] | undefined,
): { where: string; params: unknown[] } {
  return {
    where: `created_at >= $1 AND created_at < $2
       AND (cardinality($3::text[]) = 0 OR channel = ANY($3))
       AND (cardinality($4::text[]) = 0 OR site_id = ANY($4))
       AND (cardinality($5::text[]) = 0 OR queue_id = ANY($5))
       AND (cardinality($6::text[]) = 0 OR first_agent_id = ANY($6) OR last_agent_id = ANY($6))
       AND (cardinality($7::text[]) = 0 OR disposition = ANY($7))
       AND (cardinality($8::text[]) = 0 OR state = ANY($8))
       AND ($9::text[] IS NULL OR customer_id = ANY($9))
       AND ($10 = '' OR EXISTS (SELECT 1 FROM messages m WHERE m.interaction_id = i.id
             AND m.search_vector @@ websearch_to_tsquery('simple', $10)))`,
    params: [
      query.from,
      query.to,
      query.channels,
      query.siteIds,
      query.queueIds,
      query.agentIds,
      query.dispositions,
      query.states,
      customerIds ?? null,
      query.text,
    ],
  };
}

export async function searchPage(
  db: pg.Pool,
  query: SearchQuery,
  customerIds: readonly string[] | undefined,
): Promise<{ rows: TimelineRow[]; more: boolean }> {
  const filter = filterClause(query, customerIds);
  const { rows } = await db.query<TimelineRow>(
    `SELECT ${summaryColumns} FROM interactions i
     WHERE ${filter.where}
       AND ($11::timestamptz IS NULL OR (created_at, id) < ($11, $12))
     ORDER BY created_at DESC, id DESC
     LIMIT $13`,
    [...filter.params, query.after?.createdAt ?? null, query.after?.id ?? '', query.pageSize + 1],
  );
  return { rows: rows.slice(0, query.pageSize), more: rows.length > query.pageSize };
}

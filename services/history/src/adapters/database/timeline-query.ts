// A customer's interactions, newest first, one keyset page at a time: the customer is resolved (an identity, or a
// merged record's survivor), and every customer merged into it counts as the same person. Served by the index on
// (customer_id, created_at DESC, id DESC).
import type pg from 'pg';
import type { Lookup } from '../../rpc/timeline-request.js';

export interface TimelineCustomer {
  id: string;
  displayName: string;
  createdAt: Date;
  updatedAt: Date;
  erasedAt: Date | null;
}

export interface TimelineRow {
  id: string;
  channel: string;
  direction: string;
  site_id: string;
  customer_id: string | null;
  queue_id: string | null;
  state: string;
  first_agent_id: string | null;
  last_agent_id: string | null;
  created_at: Date;
  queued_at: Date | null;
  offered_at: Date | null;
  answered_at: Date | null;
  ended_at: Date | null;
  wait_ms: number | null;
  talk_ms: number | null;
  hold_ms: number;
  wrap_up_ms: number | null;
  disposition: string | null;
  abandon_point: string | null;
}

/**
 * The surviving customers a lookup stands for, least id first: one for a customer id; for an identity, every
 * record it is linked to (a shared phone, or one person's records not merged yet). Empty when none.
 */
export async function resolveCustomers(db: pg.Pool, lookup: Lookup): Promise<TimelineCustomer[]> {
  const starts =
    'customerId' in lookup
      ? [lookup.customerId]
      : (
          await db.query<{ customer_id: string }>(
            'SELECT customer_id FROM customer_identities WHERE kind = $1::identity_kind AND value = $2',
            [lookup.kind, lookup.value],
          )
        ).rows.map((row) => row.customer_id);
  if (starts.length === 0) return [];
  const { rows } = await db.query<{
    id: string;
    display_name: string;
    created_at: Date;
    updated_at: Date;
    erased_at: Date | null;
  }>(
    `WITH RECURSIVE chain AS (
       SELECT id, merged_into_id, 0 AS depth FROM customers WHERE id = ANY($1)
       UNION ALL
       SELECT c.id, c.merged_into_id, chain.depth + 1 FROM customers c JOIN chain ON c.id = chain.merged_into_id
       WHERE chain.depth < 32)
     SELECT DISTINCT c.id, c.display_name, c.created_at, c.updated_at, c.erased_at FROM customers c
     WHERE c.id IN (SELECT id FROM chain WHERE merged_into_id IS NULL)
     ORDER BY c.id`,
    [starts],
  );
  return rows.map((row) => ({
    id: row.id,
    displayName: row.display_name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    erasedAt: row.erased_at,
  }));
}

export async function timelinePage(
  db: pg.Pool,
  customerIds: readonly string[],
  options: { channels: string[]; pageSize: number; after: { createdAt: Date; id: string } | undefined },
): Promise<{ rows: TimelineRow[]; more: boolean }> {
  const { rows } = await db.query<TimelineRow>(
    `WITH RECURSIVE merged AS (
       SELECT id, 0 AS depth FROM customers WHERE id = ANY($1)
       UNION ALL
       SELECT c.id, merged.depth + 1 FROM customers c JOIN merged ON c.merged_into_id = merged.id WHERE merged.depth < 32)
     SELECT id, channel, direction, site_id, customer_id, queue_id, state, first_agent_id, last_agent_id, created_at,
       queued_at, offered_at, answered_at, ended_at, wait_ms, talk_ms, hold_ms, wrap_up_ms, disposition, abandon_point
     FROM interactions
     WHERE customer_id IN (SELECT id FROM merged)
       AND (cardinality($2::text[]) = 0 OR channel = ANY($2))
       AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4))
     ORDER BY created_at DESC, id DESC
     LIMIT $5`,
    [customerIds, options.channels, options.after?.createdAt ?? null, options.after?.id ?? '', options.pageSize + 1],
  );
  return { rows: rows.slice(0, options.pageSize), more: rows.length > options.pageSize };
}

/** One interaction's projected row, or undefined. */
export async function interactionRow(db: pg.Pool, interactionId: string): Promise<TimelineRow | undefined> {
  const { rows } = await db.query<TimelineRow>(
    `SELECT id, channel, direction, site_id, customer_id, queue_id, state, first_agent_id, last_agent_id, created_at,
       queued_at, offered_at, answered_at, ended_at, wait_ms, talk_ms, hold_ms, wrap_up_ms, disposition, abandon_point
     FROM interactions WHERE id = $1`,
    [interactionId],
  );
  return rows[0];
}

const rowColumns = `id, channel, direction, site_id, customer_id, queue_id, state, first_agent_id, last_agent_id,
  created_at, queued_at, offered_at, answered_at, ended_at, wait_ms, talk_ms, hold_ms, wrap_up_ms, disposition,
  abandon_point`;

/** The customers' interactions not finished yet (state below the terminal rank), newest first, but `exceptId`. */
export async function openInteractions(
  db: pg.Pool,
  customerIds: readonly string[],
  exceptId: string,
  limit: number,
): Promise<TimelineRow[]> {
  const { rows } = await db.query<TimelineRow>(
    `SELECT ${rowColumns} FROM interactions
     WHERE customer_id = ANY($1) AND state_rank < 6 AND id <> $2
     ORDER BY created_at DESC, id DESC LIMIT $3`,
    [customerIds, exceptId, limit],
  );
  return rows;
}

/** The agent who last talked to one of the customers, and when (`exceptId` left out). */
export async function lastAgentContact(
  db: pg.Pool,
  customerIds: readonly string[],
  exceptId: string,
): Promise<{ agentId: string; at: Date } | undefined> {
  const { rows } = await db.query<{ last_agent_id: string; last_agent_at: Date }>(
    `SELECT last_agent_id, last_agent_at FROM interactions
     WHERE customer_id = ANY($1) AND last_agent_id IS NOT NULL AND id <> $2
     ORDER BY last_agent_at DESC, id DESC LIMIT 1`,
    [customerIds, exceptId],
  );
  const row = rows[0];
  return row ? { agentId: row.last_agent_id, at: row.last_agent_at } : undefined;
}

// Merges one event's facts into its interaction row. Every rule gives the same row whatever order the facts come
// in: first moments take the earliest value (LEAST ignores NULLs), last moments the latest, the state moves only up
// its rank (ties broken by name), and values tied to a moment (first agent, last agent, queue) move with it (ties
// broken by id). Idempotence is not this statement's job: the event log lets each event through once.
import type pg from 'pg';
import { stateRanks, type InteractionFacts } from '../../domain/interaction-facts.js';

const upsertSql = `
INSERT INTO interactions AS i (
  id, channel, direction, site_id, customer_id, queue_id, queue_set_at, state, state_rank,
  created_at, queued_at, offered_at, answered_at, first_agent_id, last_agent_id, last_agent_at, wait_ms,
  ended_at, wrap_up_ended_at, disposition, abandoned, abandon_point, hold_ms, last_event_at)
VALUES ($1, COALESCE($2, 'unknown'), COALESCE($3, 'inbound'), COALESCE($4, ''), $5, $6, $7, COALESCE($8, 'created'),
  $9, $10, $11, $12, $13, $14, $14, $13, $15, $16, $17, $18, $19, $20, $21, $22)
ON CONFLICT (id) DO UPDATE SET
  channel = CASE WHEN EXCLUDED.channel <> 'unknown' THEN EXCLUDED.channel ELSE i.channel END,
  direction = CASE WHEN $3::text IS NOT NULL THEN EXCLUDED.direction ELSE i.direction END,
  -- Events of one interaction may come from several sites' services: any fixed choice converges; take the least.
  site_id = CASE WHEN i.site_id = '' THEN EXCLUDED.site_id WHEN EXCLUDED.site_id = '' THEN i.site_id
    ELSE LEAST(i.site_id, EXCLUDED.site_id) END,
  customer_id = COALESCE(i.customer_id, EXCLUDED.customer_id),
  queue_id = CASE WHEN EXCLUDED.queue_set_at > i.queue_set_at OR i.queue_set_at IS NULL
      OR (EXCLUDED.queue_set_at = i.queue_set_at AND EXCLUDED.queue_id > i.queue_id)
    THEN COALESCE(EXCLUDED.queue_id, i.queue_id) ELSE i.queue_id END,
  queue_set_at = GREATEST(i.queue_set_at, EXCLUDED.queue_set_at),
  state = CASE WHEN EXCLUDED.state_rank > i.state_rank
      OR (EXCLUDED.state_rank = i.state_rank AND EXCLUDED.state > i.state) THEN EXCLUDED.state ELSE i.state END,
  state_rank = GREATEST(i.state_rank, EXCLUDED.state_rank),
  created_at = LEAST(i.created_at, EXCLUDED.created_at),
  queued_at = LEAST(i.queued_at, EXCLUDED.queued_at),
  offered_at = LEAST(i.offered_at, EXCLUDED.offered_at),
  first_agent_id = CASE WHEN EXCLUDED.answered_at < i.answered_at OR i.answered_at IS NULL
      OR (EXCLUDED.answered_at = i.answered_at AND EXCLUDED.first_agent_id < i.first_agent_id)
    THEN COALESCE(EXCLUDED.first_agent_id, i.first_agent_id) ELSE i.first_agent_id END,
  wait_ms = CASE WHEN EXCLUDED.answered_at < i.answered_at OR i.answered_at IS NULL
      OR (EXCLUDED.answered_at = i.answered_at AND EXCLUDED.first_agent_id < i.first_agent_id)
    THEN COALESCE(EXCLUDED.wait_ms, i.wait_ms) ELSE i.wait_ms END,
  answered_at = LEAST(i.answered_at, EXCLUDED.answered_at),
  last_agent_id = CASE WHEN EXCLUDED.last_agent_at > i.last_agent_at OR i.last_agent_at IS NULL
      OR (EXCLUDED.last_agent_at = i.last_agent_at AND EXCLUDED.last_agent_id > i.last_agent_id)
    THEN COALESCE(EXCLUDED.last_agent_id, i.last_agent_id) ELSE i.last_agent_id END,
  last_agent_at = GREATEST(i.last_agent_at, EXCLUDED.last_agent_at),
  ended_at = LEAST(i.ended_at, EXCLUDED.ended_at),
  wrap_up_ended_at = GREATEST(i.wrap_up_ended_at, EXCLUDED.wrap_up_ended_at),
  disposition = COALESCE(GREATEST(i.disposition, EXCLUDED.disposition), i.disposition, EXCLUDED.disposition),
  abandoned = i.abandoned OR EXCLUDED.abandoned,
  abandon_point = COALESCE(i.abandon_point, EXCLUDED.abandon_point),
  hold_ms = i.hold_ms + EXCLUDED.hold_ms,
  last_event_at = GREATEST(i.last_event_at, EXCLUDED.last_event_at)`;

// A customer named by an event exists from its first event on (identities and merges come with customer events).
const customerSql = `
INSERT INTO customers AS c (id, created_at, updated_at) VALUES ($1, $2, $2)
ON CONFLICT (id) DO UPDATE SET created_at = LEAST(c.created_at, EXCLUDED.created_at),
  updated_at = GREATEST(c.updated_at, EXCLUDED.updated_at)`;

export async function upsertInteraction(client: pg.ClientBase, facts: InteractionFacts): Promise<void> {
  if (facts.customerId) await client.query(customerSql, [facts.customerId, facts.at]);
  const connectedAt = facts.connectedAgentId ? facts.at : null;
  await client.query(upsertSql, [
    facts.interactionId,
    facts.channel ?? null,
    facts.direction ?? null,
    facts.siteId ?? null,
    facts.customerId ?? null,
    facts.queueId ?? null,
    facts.queueId ? facts.at : null,
    facts.state ?? null,
    facts.state ? stateRanks[facts.state] : 0,
    facts.createdAt ?? facts.at,
    facts.queuedAt ?? null,
    facts.offeredAt ?? null,
    connectedAt,
    facts.connectedAgentId ?? null,
    facts.connectedAgentId ? (facts.waitMs ?? null) : null,
    facts.endedAt ?? null,
    facts.completedAt ?? null,
    facts.disposition ?? null,
    facts.abandonPoint !== undefined,
    facts.abandonPoint ?? null,
    facts.holdMs ?? 0,
    facts.at,
  ]);
}

/** Durations follow from the merged moments, so they are computed after every batch from the row itself. */
export async function refreshDurations(client: pg.ClientBase, interactionIds: readonly string[]): Promise<void> {
  if (interactionIds.length === 0) return;
  await client.query(
    `UPDATE interactions SET
       talk_ms = CASE WHEN answered_at IS NOT NULL AND ended_at >= answered_at
         THEN (EXTRACT(EPOCH FROM ended_at - answered_at) * 1000)::int END,
       wrap_up_ms = CASE WHEN wrap_up_ended_at IS NOT NULL AND ended_at IS NOT NULL AND wrap_up_ended_at >= ended_at
         THEN (EXTRACT(EPOCH FROM wrap_up_ended_at - ended_at) * 1000)::int END
     WHERE id = ANY($1)`,
    [interactionIds],
  );
}

// Writes merged interaction rows (domain/interaction-row.ts) in one statement per batch. The ON CONFLICT rules are
// mergeRows' rules in SQL — earliest/latest moments (LEAST/GREATEST ignore NULLs), state by rank, agents and queue
// tied to their moments with ties broken by id — so the stored row is the same whatever order the events came in
// and however they were batched. Idempotence is not this statement's job: the event log lets each event through once.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { identityFromKey, type Identity } from '../../domain/identities.js';
import { stateRanks } from '../../domain/interaction-facts.js';
import type { InteractionRow } from '../../domain/interaction-row.js';

const upsertSql = `
INSERT INTO interactions AS i (
  id, channel, direction, site_id, customer_id, queue_id, queue_set_at, state, state_rank,
  created_at, queued_at, offered_at, answered_at, first_agent_id, wait_ms, last_agent_id, last_agent_at,
  ended_at, wrap_up_ended_at, disposition, abandoned, abandon_point, hold_ms, last_event_at)
SELECT u.id, COALESCE(u.channel, 'unknown'), COALESCE(u.direction, 'inbound'), COALESCE(u.site_id, ''), u.customer_id,
  u.queue_id, u.queue_set_at, COALESCE(u.state, 'created'), u.state_rank, u.created_at, u.queued_at, u.offered_at,
  u.answered_at, u.first_agent_id, u.wait_ms, u.last_agent_id, u.last_agent_at, u.ended_at, u.wrap_up_ended_at,
  u.disposition, u.abandon_point IS NOT NULL, u.abandon_point, u.hold_ms, u.last_event_at
FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[],
  $9::int[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::text[], $15::int[],
  $16::text[], $17::timestamptz[], $18::timestamptz[], $19::timestamptz[], $20::text[], $21::text[], $22::int[],
  $23::timestamptz[])
  AS u(id, channel, direction, site_id, customer_id, queue_id, queue_set_at, state, state_rank, created_at, queued_at,
    offered_at, answered_at, first_agent_id, wait_ms, last_agent_id, last_agent_at, ended_at, wrap_up_ended_at,
    disposition, abandon_point, hold_ms, last_event_at)
ON CONFLICT (id) DO UPDATE SET
  channel = CASE WHEN EXCLUDED.channel = 'unknown' THEN i.channel WHEN i.channel = 'unknown' THEN EXCLUDED.channel
    ELSE LEAST(i.channel, EXCLUDED.channel) END,
  direction = CASE WHEN i.direction = 'outbound' OR EXCLUDED.direction = 'outbound' THEN 'outbound' ELSE 'inbound' END,
  site_id = CASE WHEN i.site_id = '' THEN EXCLUDED.site_id WHEN EXCLUDED.site_id = '' THEN i.site_id
    ELSE LEAST(i.site_id, EXCLUDED.site_id) END,
  customer_id = LEAST(i.customer_id, EXCLUDED.customer_id),
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
  first_agent_id = CASE WHEN EXCLUDED.answered_at IS NOT NULL AND (i.answered_at IS NULL
      OR EXCLUDED.answered_at < i.answered_at
      OR (EXCLUDED.answered_at = i.answered_at AND EXCLUDED.first_agent_id < i.first_agent_id))
    THEN EXCLUDED.first_agent_id ELSE i.first_agent_id END,
  wait_ms = CASE WHEN EXCLUDED.answered_at = i.answered_at AND EXCLUDED.first_agent_id = i.first_agent_id
      THEN LEAST(i.wait_ms, EXCLUDED.wait_ms)
    WHEN EXCLUDED.answered_at IS NOT NULL AND (i.answered_at IS NULL
      OR EXCLUDED.answered_at < i.answered_at
      OR (EXCLUDED.answered_at = i.answered_at AND EXCLUDED.first_agent_id < i.first_agent_id))
    THEN EXCLUDED.wait_ms ELSE i.wait_ms END,
  answered_at = LEAST(i.answered_at, EXCLUDED.answered_at),
  last_agent_id = CASE WHEN EXCLUDED.last_agent_at > i.last_agent_at OR i.last_agent_at IS NULL
      OR (EXCLUDED.last_agent_at = i.last_agent_at AND EXCLUDED.last_agent_id > i.last_agent_id)
    THEN COALESCE(EXCLUDED.last_agent_id, i.last_agent_id) ELSE i.last_agent_id END,
  last_agent_at = GREATEST(i.last_agent_at, EXCLUDED.last_agent_at),
  ended_at = LEAST(i.ended_at, EXCLUDED.ended_at),
  wrap_up_ended_at = GREATEST(i.wrap_up_ended_at, EXCLUDED.wrap_up_ended_at),
  disposition = GREATEST(i.disposition, EXCLUDED.disposition),
  abandoned = i.abandoned OR EXCLUDED.abandoned,
  abandon_point = LEAST(i.abandon_point, EXCLUDED.abandon_point),
  hold_ms = i.hold_ms + EXCLUDED.hold_ms,
  last_event_at = GREATEST(i.last_event_at, EXCLUDED.last_event_at)`;

// A customer named by an event exists from its first event on (identities and merges come with customer events).
const customersSql = `
INSERT INTO customers AS c (id, created_at, updated_at)
SELECT id, first_at, last_at FROM UNNEST($1::text[], $2::timestamptz[], $3::timestamptz[]) AS u(id, first_at, last_at)
ON CONFLICT (id) DO UPDATE SET created_at = LEAST(c.created_at, EXCLUDED.created_at),
  updated_at = GREATEST(c.updated_at, EXCLUDED.updated_at)
WHERE EXCLUDED.created_at < c.created_at OR EXCLUDED.updated_at > c.updated_at`; // unchanged: no new row version

// An identity seen with a customer links to it (a set: the same link again only keeps the earliest time).
const identitiesSql = `
INSERT INTO customer_identities AS ci (id, customer_id, kind, value, created_at)
SELECT id, customer_id, kind::identity_kind, value, at
FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS u(id, customer_id, kind, value, at)
ON CONFLICT (kind, value, customer_id) DO UPDATE SET created_at = EXCLUDED.created_at
WHERE EXCLUDED.created_at < ci.created_at`; // a link seen again later changes nothing: no new row version

const date = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));

async function linkIdentities(client: pg.ClientBase, rows: readonly InteractionRow[]): Promise<void> {
  const links = new Map<string, { customerId: string; identity: Identity; at: number }>();
  for (const row of rows) {
    if (!row.customerId || row.customerFirstAt === undefined) continue;
    for (const key of row.identities) {
      const id = createHash('sha256').update(`${key}:${row.customerId}`).digest('hex').slice(0, 32);
      const seen = links.get(id);
      links.set(id, {
        customerId: row.customerId,
        identity: identityFromKey(key),
        at: Math.min(seen?.at ?? Infinity, row.customerFirstAt),
      });
    }
  }
  if (links.size === 0) return;
  const ids = [...links.keys()].sort(); // every batch locks links in the same order
  const link = (id: string) => links.get(id) as { customerId: string; identity: Identity; at: number };
  await client.query(identitiesSql, [
    ids,
    ids.map((id) => link(id).customerId),
    ids.map((id) => link(id).identity.kind),
    ids.map((id) => link(id).identity.value),
    ids.map((id) => new Date(link(id).at)),
  ]);
}

/**
 * `otherCustomers`: customers the batch's customer events name (merges, erasures). They are written here, in the one
 * sorted customers statement before any interaction: a customer row written after an interaction row could
 * deadlock with a concurrent batch doing the two the other way round.
 */
export async function upsertInteractions(
  client: pg.ClientBase,
  rows: readonly InteractionRow[],
  otherCustomers: readonly { id: string; at: number }[] = [],
): Promise<void> {
  if (rows.length === 0 && otherCustomers.length === 0) return;
  // Per customer: first seen (created_at) and last seen (updated_at), both order-independent.
  const customers = new Map<string, { first: number; last: number }>();
  const see = (id: string, first: number, last: number) => {
    const seen = customers.get(id);
    customers.set(id, {
      first: Math.min(seen?.first ?? Infinity, first),
      last: Math.max(seen?.last ?? -Infinity, last),
    });
  };
  for (const row of rows)
    if (row.customerId && row.customerFirstAt !== undefined && row.customerLastAt !== undefined)
      see(row.customerId, row.customerFirstAt, row.customerLastAt);
  for (const other of otherCustomers) see(other.id, other.at, other.at);
  if (customers.size > 0) {
    const ids = [...customers.keys()].sort(); // every batch locks customers in the same order
    const seen = (id: string) => customers.get(id) as { first: number; last: number };
    await client.query(customersSql, [
      ids,
      ids.map((id) => new Date(seen(id).first)),
      ids.map((id) => new Date(seen(id).last)),
    ]);
  }
  if (rows.length === 0) return;
  await linkIdentities(client, rows);
  const column = <T>(value: (row: InteractionRow) => T) => rows.map(value);
  await client.query(upsertSql, [
    column((r) => r.id),
    column((r) => r.channel ?? null),
    column((r) => r.direction ?? null),
    column((r) => r.siteId ?? null),
    column((r) => r.customerId ?? null),
    column((r) => r.queueId ?? null),
    column((r) => date(r.queueSetAt)),
    column((r) => r.state ?? null),
    column((r) => (r.state ? stateRanks[r.state] : 0)),
    column((r) => date(r.createdAt)),
    column((r) => date(r.queuedAt)),
    column((r) => date(r.offeredAt)),
    column((r) => date(r.answeredAt)),
    column((r) => r.firstAgentId ?? null),
    column((r) => r.waitMs ?? null),
    column((r) => r.lastAgentId ?? null),
    column((r) => date(r.lastAgentAt)),
    column((r) => date(r.endedAt)),
    column((r) => date(r.completedAt)),
    column((r) => r.disposition ?? null),
    column((r) => r.abandonPoint ?? null),
    column((r) => r.holdMs),
    column((r) => date(r.lastEventAt)),
  ]);
}

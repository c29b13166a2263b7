// An interaction's record as the merge of facts. mergeRows is commutative and associative — the same rules the
// database upsert applies (adapters/database/interaction-upsert.ts) — so a batch can merge its events per
// interaction first and write each interaction once, and any order of events gives the same row.
import { identityKey } from './identities.js';
import { stateRanks, type InteractionFacts, type InteractionStateName } from './interaction-facts.js';

export interface InteractionRow {
  id: string;
  channel: string | undefined;
  direction: string | undefined;
  siteId: string | undefined;
  customerId: string | undefined;
  /** When events naming the customer happened (their first and last): the customer record's own times. */
  customerFirstAt: number | undefined;
  customerLastAt: number | undefined;
  /** identityKey()s linked to customerId, sorted. */
  identities: string[];
  queueId: string | undefined;
  queueSetAt: number | undefined;
  state: InteractionStateName | undefined;
  createdAt: number;
  queuedAt: number | undefined;
  offeredAt: number | undefined;
  answeredAt: number | undefined;
  firstAgentId: string | undefined;
  waitMs: number | undefined;
  lastAgentId: string | undefined;
  lastAgentAt: number | undefined;
  endedAt: number | undefined;
  completedAt: number | undefined;
  disposition: string | undefined;
  abandonPoint: string | undefined;
  holdMs: number;
  lastEventAt: number;
}

const time = (date: Date | undefined) => date?.getTime();

export function rowFromFacts(facts: InteractionFacts): InteractionRow {
  const at = facts.at.getTime();
  const connectedAt = facts.connectedAgentId ? at : undefined;
  return {
    id: facts.interactionId,
    channel: facts.channel,
    direction: facts.direction,
    siteId: facts.siteId,
    customerId: facts.customerId,
    customerFirstAt: facts.customerId ? at : undefined,
    customerLastAt: facts.customerId ? at : undefined,
    identities: [...new Set((facts.identities ?? []).map(identityKey))].sort(),
    queueId: facts.queueId,
    queueSetAt: facts.queueId ? at : undefined,
    state: facts.state,
    createdAt: time(facts.createdAt) ?? at,
    queuedAt: time(facts.queuedAt),
    offeredAt: time(facts.offeredAt),
    answeredAt: connectedAt,
    firstAgentId: facts.connectedAgentId,
    waitMs: facts.connectedAgentId ? facts.waitMs : undefined,
    lastAgentId: facts.connectedAgentId,
    lastAgentAt: connectedAt,
    endedAt: time(facts.endedAt),
    completedAt: time(facts.completedAt),
    disposition: facts.disposition,
    abandonPoint: facts.abandonPoint,
    holdMs: facts.holdMs ?? 0,
    lastEventAt: at,
  };
}

function least<T extends string | number>(a: T | undefined, b: T | undefined): T | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a <= b ? a : b;
}

function greatest<T extends string | number>(a: T | undefined, b: T | undefined): T | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a >= b ? a : b;
}

/** Which of two (moment, value) pairs wins: the earlier (`earliest`) or later moment, ties by value. */
function pick(
  a: { at: number | undefined; value: string | undefined },
  b: { at: number | undefined; value: string | undefined },
  earliest: boolean,
): 'a' | 'b' {
  if (b.at === undefined) return 'a';
  if (a.at === undefined) return 'b';
  if (a.at !== b.at) return a.at < b.at === earliest ? 'a' : 'b';
  return least(a.value, b.value) === a.value ? (earliest ? 'a' : 'b') : earliest ? 'b' : 'a';
}

function higherState(a: InteractionStateName | undefined, b: InteractionStateName | undefined) {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const [rankA, rankB] = [stateRanks[a], stateRanks[b]];
  if (rankA !== rankB) return rankA > rankB ? a : b;
  return a >= b ? a : b;
}

function knownChannel(a: string | undefined, b: string | undefined) {
  const known = [a, b].filter((channel) => channel !== undefined && channel !== 'unknown') as string[];
  return known.length === 0 ? (a ?? b) : least(known[0], known[1]);
}

export function mergeRows(a: InteractionRow, b: InteractionRow): InteractionRow {
  const first = pick({ at: a.answeredAt, value: a.firstAgentId }, { at: b.answeredAt, value: b.firstAgentId }, true);
  const last = pick({ at: a.lastAgentAt, value: a.lastAgentId }, { at: b.lastAgentAt, value: b.lastAgentId }, false);
  const queue = pick({ at: a.queueSetAt, value: a.queueId }, { at: b.queueSetAt, value: b.queueId }, false);
  return {
    id: a.id,
    channel: knownChannel(a.channel, b.channel),
    // Only interaction.created says; unknown is stored as inbound, so a known outbound must win either way.
    direction: a.direction === 'outbound' || b.direction === 'outbound' ? 'outbound' : (a.direction ?? b.direction),
    siteId: least(a.siteId || undefined, b.siteId || undefined),
    customerId: least(a.customerId, b.customerId),
    customerFirstAt: least(a.customerFirstAt, b.customerFirstAt),
    customerLastAt: greatest(a.customerLastAt, b.customerLastAt),
    identities: [...new Set([...a.identities, ...b.identities])].sort(),
    queueId: queue === 'a' ? a.queueId : b.queueId,
    queueSetAt: greatest(a.queueSetAt, b.queueSetAt),
    state: higherState(a.state, b.state),
    createdAt: Math.min(a.createdAt, b.createdAt),
    queuedAt: least(a.queuedAt, b.queuedAt),
    offeredAt: least(a.offeredAt, b.offeredAt),
    answeredAt: least(a.answeredAt, b.answeredAt),
    firstAgentId: first === 'a' ? a.firstAgentId : b.firstAgentId,
    // The same connection reported twice: the shorter wait (any fixed choice converges).
    waitMs:
      a.answeredAt === b.answeredAt && a.firstAgentId === b.firstAgentId
        ? least(a.waitMs, b.waitMs)
        : first === 'a'
          ? a.waitMs
          : b.waitMs,
    lastAgentId: last === 'a' ? a.lastAgentId : b.lastAgentId,
    lastAgentAt: greatest(a.lastAgentAt, b.lastAgentAt),
    endedAt: least(a.endedAt, b.endedAt),
    completedAt: greatest(a.completedAt, b.completedAt),
    disposition: greatest(a.disposition, b.disposition),
    abandonPoint: least(a.abandonPoint, b.abandonPoint),
    holdMs: a.holdMs + b.holdMs,
    lastEventAt: Math.max(a.lastEventAt, b.lastEventAt),
  };
}

// An interaction the router holds, from enqueue to completion, and its place in line.
import type { Channel, QueueConfig } from './model.js';
import type { OrderKey } from './ordered-set.js';
import type { Pool } from './pool.js';

/** 'deciding': its queue's decision hook is choosing among the agents able to take it (in no line, none reserved). */
export type InteractionPhase = 'waiting' | 'deciding' | 'offered' | 'connected' | 'wrap_up';

export interface WaitingInteraction {
  id: string;
  queue: QueueConfig;
  channel: Channel;
  priority: number;
  attributes: Readonly<Record<string, string>>;
  /** Kept across reject, timeout, callback conversion and transfer: the interaction's place in line. */
  enqueuedAt: number;
  phase: InteractionPhase;
  /** The widening step it has reached (index into queue.steps + 1; 0 = the queue itself). */
  step: number;
  pool: Pool | undefined;
  /** Waiting only for this agent until stickyUntil. */
  preferredAgentId: string | undefined;
  stickyUntil: number;
  /** Agents that rejected or missed it: not offered it again while others can take it. */
  declinedBy: Set<string>;
  agentId: string | undefined;
  offerId: string | undefined;
  /** While deciding: the agents the hook was asked to order, in built-in strategy order; empty otherwise. */
  candidateAgentIds: string[];
  /** How many times it has entered 'deciding': a hook's answer to an earlier round is ignored. */
  decisionRound: number;
}

/**
 * Effective priority grows linearly with waiting time at the queue's SLA-weighted rate:
 * priority + urgency × (now − enqueuedAt) / slaThreshold. Within one queue the order is therefore fixed by
 * priority − rate × enqueuedAt, which is what the sorted set stores (negated: smallest first).
 */
export function agingRate(queue: QueueConfig): number {
  return queue.urgency / Math.max(1, queue.slaThresholdMs);
}

export function effectivePriority(interaction: WaitingInteraction, now: number): number {
  return interaction.priority + agingRate(interaction.queue) * (now - interaction.enqueuedAt);
}

export function waitingOrder(interaction: WaitingInteraction): OrderKey {
  return {
    primary: -(interaction.priority - agingRate(interaction.queue) * interaction.enqueuedAt),
    secondary: interaction.enqueuedAt,
    id: interaction.id,
  };
}

/** True when `a` should be served before `b` (effective priority, then longest waiting). */
export function servedBefore(a: WaitingInteraction, b: WaitingInteraction, now: number): boolean {
  const difference = effectivePriority(a, now) - effectivePriority(b, now);
  if (Math.abs(difference) > 1e-9) return difference > 0;
  return a.enqueuedAt < b.enqueuedAt || (a.enqueuedAt === b.enqueuedAt && a.id < b.id);
}

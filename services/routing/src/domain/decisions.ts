// Decision hooks ("routing as code"), the pure part: which agents a queue's hook is asked to order, what it is told
// about them, and which agent its answer picks. The engine holds an interaction in 'deciding' while the adapter asks
// the hook; the answer comes back as an operation of its own (RoutingEngine.decide), so a replay stays deterministic.
import type { AgentRuntime } from './agent-runtime.js';
import type { RoutingEvent } from './events.js';
import type { Channel, DecisionHook } from './model.js';
import type { Pool } from './pool.js';
import type { WaitingInteraction } from './waiting-interaction.js';

/** Enough choice for a hook, and a bounded request. */
export const MAX_DECISION_CANDIDATES = 8;
export const DEFAULT_DECISION_HOOK_TIMEOUT_MS = 200;
export const MIN_DECISION_HOOK_TIMEOUT_MS = 10;
export const MAX_DECISION_HOOK_TIMEOUT_MS = 5_000;
/**
 * The engine's own deadline is the hook's plus this. The adapter normally reports a timeout first; this only matters
 * when no answer is ever recorded (e.g. the owner changed while asking), so the interaction cannot stay deciding.
 */
export const DECISION_GRACE_MS = 1_000;

export interface DecisionCandidate {
  agentId: string;
  siteId: string;
  teamIds: string[];
  /** Skill name → level. */
  skills: [string, number][];
  /** Since the agent last became free of all work. */
  idleMs: number;
  /** Share of total capacity in use, 0–1. */
  occupancy: number;
}

/** What the adapter sends to the hook (DecisionHookRequest), plus where and how long to ask. */
export interface DecisionRequest {
  interactionId: string;
  /** WaitingInteraction.decisionRound when asked: the answer must carry it back. */
  round: number;
  queueId: string;
  hook: DecisionHook;
  channel: Channel;
  priority: number;
  attributes: Record<string, string>;
  waitedMs: number;
  /** In built-in strategy order. */
  candidates: DecisionCandidate[];
}

export type HookFailure = 'timeout' | 'no_responders' | 'error_reply' | 'malformed_reply' | 'unreachable';

/** A hook's answer as the engine takes it (and the operation log records it). */
export interface HookDecision {
  interactionId: string;
  round: number;
  /** The hook's order; empty when it failed. */
  agentIds: string[];
  failure: HookFailure | undefined;
}

/** Why the built-in strategy decided instead of the hook. */
export type FallbackReason = HookFailure | 'no_preference' | 'no_usable_candidate' | 'deadline';

export type DecisionResult =
  | { outcome: 'ignored' }
  | { outcome: 'hook'; agentId: string }
  /** agentId: who the built-in strategy offered it to at once, if anyone (else it waits in line). */
  | { outcome: 'fallback'; reason: FallbackReason; agentId: string | undefined };

/** Waiting for an agent, in a line or while its hook decides (not offered, not with an agent). */
export function awaitsAgent(interaction: WaitingInteraction): boolean {
  return interaction.phase === 'waiting' || interaction.phase === 'deciding';
}

/** Up to `limit` agents of the pool who may take the interaction now, in the pool's strategy order. */
export function candidatesFor(pool: Pool, interaction: WaitingInteraction, limit: number): AgentRuntime[] {
  const found: AgentRuntime[] = [];
  pool.available.find((agent) => {
    if (!interaction.declinedBy.has(agent.id) && agent.canTake(interaction.channel)) found.push(agent);
    return found.length >= limit;
  });
  return found;
}

export function decisionRequest(
  interaction: WaitingInteraction,
  hook: DecisionHook,
  candidates: readonly AgentRuntime[],
  now: number,
): DecisionRequest {
  return {
    interactionId: interaction.id,
    round: interaction.decisionRound,
    queueId: interaction.queue.id,
    hook,
    channel: interaction.channel,
    priority: interaction.priority,
    attributes: { ...interaction.attributes },
    waitedMs: now - interaction.enqueuedAt,
    candidates: candidates.map((agent) => ({
      agentId: agent.id,
      siteId: agent.profile.siteId,
      teamIds: [...agent.profile.teamIds],
      skills: [...agent.profile.skills],
      idleMs: Math.max(0, now - agent.idleSince),
      occupancy: agent.occupancy(),
    })),
  };
}

/** 'routing.decided', once the interaction has been offered (or lined up) after the decision. */
export function decidedEvent(
  interaction: WaitingInteraction,
  candidateAgentIds: string[],
  hookAgentIds: readonly string[],
  fallbackReason: FallbackReason | undefined,
  now: number,
): RoutingEvent {
  return {
    type: 'routing.decided',
    at: now,
    interactionId: interaction.id,
    queueId: interaction.queue.id,
    hookSubject: interaction.queue.decisionHook?.subject ?? '',
    decidedBy: fallbackReason ? 'fallback' : 'hook',
    fallbackReason,
    agentId: interaction.phase === 'offered' ? interaction.agentId : undefined,
    candidateAgentIds,
    hookAgentIds: [...hookAgentIds],
  };
}

/** The first agent of the hook's order who was a candidate and can still take the interaction. */
export function hookChoice(
  order: readonly string[],
  candidateIds: readonly string[],
  canStillTake: (agentId: string) => boolean,
): string | undefined {
  return order.find((agentId) => candidateIds.includes(agentId) && canStillTake(agentId));
}

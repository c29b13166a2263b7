// The engine's state as plain, JSON-safe data, for snapshots: agents (profile and live counters), interactions
// (with where each one waits), offers and timers. Pools and sticky lines are derived — rebuilt on restore from the
// interactions' recorded placement — and queue configurations are rebuilt by the caller from their contract form,
// since they hold compiled skills expressions.
import { AgentRuntime } from './agent-runtime.js';
import type { AgentState, Channel, PresenceState, QueueConfig } from './model.js';
import type { Timer } from './timers.js';
import type { InteractionPhase, WaitingInteraction } from './waiting-interaction.js';

type Counts = Record<Channel, number>;

export interface AgentSnapshot {
  profile: {
    id: string;
    siteId: string;
    teamIds: string[];
    skills: [string, number][];
    capacity: Partial<Record<Channel, number>>;
    voiceIsExclusive: boolean;
    missedOffersBeforePause: number;
  };
  presence: PresenceState;
  presenceReason: string;
  reserved: Counts;
  active: Counts;
  wrapping: Counts;
  state: AgentState;
  stateSince: number;
  idleSince: number;
  lastOfferAt: number;
  missedInRow: number;
}

/** Where a waiting interaction sits: its step's pool, or its preferred agent's sticky line. */
export type Placement = 'pool' | 'sticky' | 'none';

export interface InteractionSnapshot {
  id: string;
  queueId: string;
  channel: Channel;
  priority: number;
  attributes: Record<string, string>;
  enqueuedAt: number;
  phase: InteractionPhase;
  step: number;
  placement: Placement;
  preferredAgentId: string | null;
  /** null = for ever (a transfer to one agent); JSON has no Infinity. */
  stickyUntil: number | null;
  declinedBy: string[];
  agentId: string | null;
  offerId: string | null;
  /** Decision hooks (absent in snapshots taken before they existed). */
  candidateAgentIds?: string[];
  decisionRound?: number;
}

export interface OfferSnapshot {
  id: string;
  interactionId: string;
  agentId: string;
  expiresAt: number;
}

export interface EngineState {
  agents: AgentSnapshot[];
  interactions: InteractionSnapshot[];
  offers: OfferSnapshot[];
  timers: { entries: { at: number; seq: number; timer: Timer }[]; nextSeq: number };
}

export function agentToSnapshot(agent: AgentRuntime): AgentSnapshot {
  const { profile } = agent;
  return {
    profile: {
      id: profile.id,
      siteId: profile.siteId,
      teamIds: [...profile.teamIds],
      skills: [...profile.skills.entries()],
      capacity: { ...profile.capacity },
      voiceIsExclusive: profile.voiceIsExclusive,
      missedOffersBeforePause: profile.missedOffersBeforePause,
    },
    presence: agent.presence,
    presenceReason: agent.presenceReason,
    reserved: { ...agent.reserved },
    active: { ...agent.active },
    wrapping: { ...agent.wrapping },
    state: agent.state,
    stateSince: agent.stateSince,
    idleSince: agent.idleSince,
    lastOfferAt: agent.lastOfferAt,
    missedInRow: agent.missedInRow,
  };
}

export function agentFromSnapshot(snapshot: AgentSnapshot): AgentRuntime {
  const agent = new AgentRuntime(
    { ...snapshot.profile, skills: new Map(snapshot.profile.skills) },
    snapshot.stateSince,
  );
  agent.presence = snapshot.presence;
  agent.presenceReason = snapshot.presenceReason;
  Object.assign(agent.reserved, snapshot.reserved);
  Object.assign(agent.active, snapshot.active);
  Object.assign(agent.wrapping, snapshot.wrapping);
  agent.state = snapshot.state;
  agent.idleSince = snapshot.idleSince;
  agent.lastOfferAt = snapshot.lastOfferAt;
  agent.missedInRow = snapshot.missedInRow;
  return agent;
}

export function interactionToSnapshot(interaction: WaitingInteraction, placement: Placement): InteractionSnapshot {
  return {
    id: interaction.id,
    queueId: interaction.queue.id,
    channel: interaction.channel,
    priority: interaction.priority,
    attributes: { ...interaction.attributes },
    enqueuedAt: interaction.enqueuedAt,
    phase: interaction.phase,
    step: interaction.step,
    placement,
    preferredAgentId: interaction.preferredAgentId ?? null,
    stickyUntil: Number.isFinite(interaction.stickyUntil) ? interaction.stickyUntil : null,
    declinedBy: [...interaction.declinedBy],
    agentId: interaction.agentId ?? null,
    offerId: interaction.offerId ?? null,
    candidateAgentIds: [...interaction.candidateAgentIds],
    decisionRound: interaction.decisionRound,
  };
}

/** The interaction without its place in line (the engine puts it back in its pool or sticky line). */
export function interactionFromSnapshot(snapshot: InteractionSnapshot, queue: QueueConfig): WaitingInteraction {
  return {
    id: snapshot.id,
    queue,
    channel: snapshot.channel,
    priority: snapshot.priority,
    attributes: snapshot.attributes,
    enqueuedAt: snapshot.enqueuedAt,
    phase: snapshot.phase,
    step: snapshot.step,
    pool: undefined,
    preferredAgentId: snapshot.preferredAgentId ?? undefined,
    stickyUntil: snapshot.stickyUntil ?? Number.POSITIVE_INFINITY,
    declinedBy: new Set(snapshot.declinedBy),
    agentId: snapshot.agentId ?? undefined,
    offerId: snapshot.offerId ?? undefined,
    candidateAgentIds: snapshot.candidateAgentIds ?? [],
    decisionRound: snapshot.decisionRound ?? 0,
  };
}

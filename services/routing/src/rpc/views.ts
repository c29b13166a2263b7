// Domain → proto for responses: agents with live status, interactions with their routing state, queue positions.
import {
  AgentDevice,
  type Agent,
  type AgentStatus,
  type ChannelLoad,
  type NotReadyReason,
} from '@parley/protos/parley/common/v1/agent';
import { Direction } from '@parley/protos/parley/common/v1/channel';
import { InteractionState, type Interaction } from '@parley/protos/parley/common/v1/interaction';
import type { QueuePosition } from '@parley/protos/parley/routing/v1/routing';
import type { AgentRuntime } from '../domain/agent-runtime.js';
import type { RoutingEngine } from '../domain/engine.js';
import { channels, type Channel, type QueueConfig } from '../domain/model.js';
import type { InteractionPhase, WaitingInteraction } from '../domain/waiting-interaction.js';
import type { RoutingCatalog } from './catalog.js';
import { protoAgentState, protoChannel } from './mappers.js';

/** Average handle time for wait estimates until the domain keeps real figures. */
export const AVERAGE_HANDLE_TIME_MS = 180_000;

export function notReadyReason(catalog: RoutingCatalog, code: string): NotReadyReason {
  return catalog.notReadyReasons.get(code) ?? { code, displayName: code, system: false, productive: false };
}

export function agentStatus(engine: RoutingEngine, catalog: RoutingCatalog, agent: AgentRuntime): AgentStatus {
  const work = engine.workOf(agent.id).sort((a, b) => a.enqueuedAt - b.enqueuedAt || (a.id < b.id ? -1 : 1));
  const interactionIds = work.filter((i) => i.phase === 'connected' || i.phase === 'wrap_up').map((i) => i.id);
  const offerIds = work.filter((i) => i.phase === 'offered').map((i) => i.offerId as string);
  const loads: ChannelLoad[] = [];
  for (const channel of channels) {
    const active = agent.active[channel] + agent.wrapping[channel];
    const reserved = agent.reserved[channel];
    if (active > 0 || reserved > 0 || (agent.profile.capacity[channel] ?? 0) > 0)
      loads.push({ channel: protoChannel(channel), active, reserved });
  }
  const session = catalog.sessions.get(agent.id);
  return {
    state: protoAgentState(agent.state),
    notReadyReason: agent.state === 'not_ready' ? notReadyReason(catalog, agent.presenceReason) : undefined,
    stateChangedAt: new Date(agent.stateSince),
    device: session?.device ?? AgentDevice.AGENT_DEVICE_UNSPECIFIED,
    sessionId: session?.sessionId ?? '',
    interactionIds,
    offerIds,
    loads,
    consecutiveMissedOffers: agent.missedInRow,
    idleSince: new Date(agent.idleSince),
  };
}

export function agentView(engine: RoutingEngine, catalog: RoutingCatalog, stored: Agent): Agent {
  const runtime = engine.agents.get(stored.id);
  return { ...stored, status: runtime ? agentStatus(engine, catalog, runtime) : undefined };
}

const interactionStates: Record<InteractionPhase, InteractionState> = {
  waiting: InteractionState.INTERACTION_STATE_QUEUED,
  deciding: InteractionState.INTERACTION_STATE_QUEUED,
  offered: InteractionState.INTERACTION_STATE_OFFERED,
  connected: InteractionState.INTERACTION_STATE_CONNECTED,
  wrap_up: InteractionState.INTERACTION_STATE_WRAP_UP,
};

/** The caller's interaction overlaid with what routing knows now; `state` overrides for terminal answers. */
export function interactionView(
  catalog: RoutingCatalog,
  interaction: WaitingInteraction,
  state: InteractionState = interactionStates[interaction.phase],
): Interaction {
  const stored = catalog.interactions.get(interaction.id);
  return {
    id: interaction.id,
    direction: stored?.direction ?? Direction.DIRECTION_INBOUND,
    siteId: stored?.siteId ?? '',
    customer: stored?.customer,
    requiredSkills: [],
    segmentId: stored?.segmentId ?? '',
    callId: stored?.callId ?? '',
    entryPoint: stored?.entryPoint ?? '',
    subject: stored?.subject ?? '',
    notBefore: undefined,
    parentInteractionId: stored?.parentInteractionId ?? '',
    channel: protoChannel(interaction.channel),
    attributes: { ...interaction.attributes },
    queueId: interaction.queue.id,
    priority: interaction.priority,
    state,
    agentId: interaction.agentId ?? '',
    timestamps: { ...stored?.timestamps, queuedAt: new Date(interaction.enqueuedAt) },
  };
}

/** Agents logged in who could serve this channel of the queue (site, team and capacity; skills are not checked). */
function countStaffed(engine: RoutingEngine, queue: QueueConfig, channel: Channel): number {
  let count = 0;
  for (const agent of engine.agents.values()) {
    const profile = agent.profile;
    if (agent.presence === 'offline' || (profile.capacity[channel] ?? 0) <= 0) continue;
    if (queue.siteIds.length > 0 && !queue.siteIds.includes(profile.siteId)) continue;
    if (queue.teamIds.length > 0 && !profile.teamIds.some((team) => queue.teamIds.includes(team))) continue;
    count++;
  }
  return count;
}

// Counting scans every agent; enqueues far outnumber logins and presence changes, so counts are kept until the
// engine's agents revision moves (or the queue's configuration object is replaced).
const staffingCache = new WeakMap<
  RoutingEngine,
  { revision: number; counts: Map<QueueConfig, Map<Channel, number>> }
>();

function staffed(engine: RoutingEngine, queue: QueueConfig, channel: Channel): number {
  let cache = staffingCache.get(engine);
  if (!cache || cache.revision !== engine.agentsRevision) {
    staffingCache.set(engine, (cache = { revision: engine.agentsRevision, counts: new Map() }));
  }
  let byChannel = cache.counts.get(queue);
  if (!byChannel) cache.counts.set(queue, (byChannel = new Map()));
  let count = byChannel.get(channel);
  if (count === undefined) byChannel.set(channel, (count = countStaffed(engine, queue, channel)));
  return count;
}

/**
 * Position among the queue's waiting interactions in service order (0 once offered), in O(log n). The estimate is
 * position × average handle time shared by the agents logged in for the channel; -1 when none are.
 */
export function queuePosition(engine: RoutingEngine, interaction: WaitingInteraction): QueuePosition {
  const { position, waiting } = engine.placeInQueue(interaction);
  const agents = position === 0 ? 0 : staffed(engine, interaction.queue, interaction.channel);
  const estimatedWaitMs =
    position === 0 ? 0 : agents === 0 ? -1 : Math.round((position * AVERAGE_HANDLE_TIME_MS) / agents);
  return { position, waiting, estimatedWaitMs, enqueuedAt: new Date(interaction.enqueuedAt), step: interaction.step };
}

/** Whether the agent could serve the queue at its first step, ignoring presence and load. */
export function eligibleFor(agent: AgentRuntime, queue: QueueConfig): boolean {
  const profile = agent.profile;
  if (!queue.channels.some((channel) => (profile.capacity[channel] ?? 0) > 0)) return false;
  if (queue.siteIds.length > 0 && !queue.siteIds.includes(profile.siteId)) return false;
  if (queue.teamIds.length > 0 && !profile.teamIds.some((team) => queue.teamIds.includes(team))) return false;
  // Attribute-dependent expressions are judged for an interaction without attributes.
  return queue.requirement.specialise({}).matches(profile.skills, 0);
}

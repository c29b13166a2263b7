// Proto → domain: the contract's Queue and Agent become the engine's QueueConfig and AgentProfile. Inputs are
// validated first (validate.ts).
import { AgentState, type Agent } from '@parley/protos/parley/common/v1/agent';
import { Channel as ProtoChannel } from '@parley/protos/parley/common/v1/channel';
import { RoutingStrategy, type Queue } from '@parley/protos/parley/common/v1/queue';
import type { AgentProfile, AgentState as DomainAgentState, Channel, QueueConfig, Strategy } from '../domain/model.js';
import { DEFAULT_DECISION_HOOK_TIMEOUT_MS } from '../domain/decisions.js';
import { compileSkillsExpression } from '../domain/skills-expression/index.js';
import { toOpeningSchedule } from './business-hours-mapper.js';
import { toOverflowRule } from './overflow-rule-mapper.js';

/** Service level threshold when a queue sets none (the common "80 % in 20 s"). */
export const DEFAULT_SLA_THRESHOLD_MS = 20_000;
/** +1 effective priority per SLA threshold waited; the contract has no field for it yet. */
export const DEFAULT_URGENCY = 1;
/** Missed offers in a row before NOT_READY("missed"); the contract has no per-agent field for it yet. */
export const DEFAULT_MISSED_OFFERS_BEFORE_PAUSE = 3;

const toDomainChannel: Partial<Record<ProtoChannel, Channel>> = {
  [ProtoChannel.CHANNEL_VOICE]: 'voice',
  [ProtoChannel.CHANNEL_CHAT]: 'chat',
  [ProtoChannel.CHANNEL_EMAIL]: 'email',
  [ProtoChannel.CHANNEL_CALLBACK]: 'callback',
};

const toProtoChannel: Record<Channel, ProtoChannel> = {
  voice: ProtoChannel.CHANNEL_VOICE,
  chat: ProtoChannel.CHANNEL_CHAT,
  email: ProtoChannel.CHANNEL_EMAIL,
  callback: ProtoChannel.CHANNEL_CALLBACK,
};

export function domainChannel(channel: ProtoChannel): Channel {
  const mapped = toDomainChannel[channel];
  // validate.ts rejects unspecified/unknown channels before any mapping.
  if (!mapped) throw new Error(`unmapped channel ${channel}`);
  return mapped;
}

export function protoChannel(channel: Channel): ProtoChannel {
  return toProtoChannel[channel];
}

const strategies: Partial<Record<RoutingStrategy, Strategy>> = {
  [RoutingStrategy.ROUTING_STRATEGY_MOST_SKILLED]: 'most_skilled',
  [RoutingStrategy.ROUTING_STRATEGY_LEAST_OCCUPIED]: 'least_occupied',
  [RoutingStrategy.ROUTING_STRATEGY_ROUND_ROBIN]: 'round_robin',
};

export function toQueueConfig(queue: Queue): QueueConfig {
  const channels = queue.channels.map(domainChannel);
  // "A voice queue also serves callbacks converted from its calls."
  if (channels.includes('voice') && !channels.includes('callback')) channels.push('callback');
  const offerTimeoutMs: Partial<Record<Channel, number>> = {};
  for (const timeout of queue.offerTimeouts) offerTimeoutMs[domainChannel(timeout.channel)] = timeout.timeoutMs;
  // OVERFLOW_ACTION_UNSPECIFIED means "keep waiting": no max-wait timer at all.
  const maxWait = toOverflowRule(queue.maxWaitAction);
  const businessHours = toOpeningSchedule(queue.businessHours);
  const sticky = queue.strategy === RoutingStrategy.ROUTING_STRATEGY_STICKY;
  return {
    id: queue.id,
    channels,
    siteIds: [...queue.siteIds],
    teamIds: [...queue.teamIds],
    requirement: compileSkillsExpression(queue.skillsExpression),
    priority: queue.priority,
    slaThresholdMs: queue.serviceLevel?.thresholdMs || DEFAULT_SLA_THRESHOLD_MS,
    urgency: DEFAULT_URGENCY,
    // STICKY is longest_idle plus a preferred agent for sticky_window_ms (the engine's sticky window).
    strategy: strategies[queue.strategy] ?? 'longest_idle',
    steps: queue.steps.map((step) => ({
      afterMs: step.afterWaitMs,
      relaxSkillsBy: step.skillLevelRelaxation,
      addTeamIds: [...step.addTeamIds],
      anySite: step.allSites,
      addSiteIds: [...step.addSiteIds],
      ...(step.skillsExpression ? { requirement: compileSkillsExpression(step.skillsExpression) } : {}),
    })),
    maxWaitMs: maxWait ? queue.maxWaitMs : 0,
    maxWaitAction: maxWait?.action ?? 'voicemail',
    ...(maxWait?.targetQueueId ? { maxWaitTargetQueueId: maxWait.targetQueueId } : {}),
    ...(businessHours ? { businessHours } : {}),
    offerTimeoutMs,
    wrapUpMs: queue.wrapUp?.timeoutMs ?? 0,
    stickyWindowMs: sticky ? queue.stickyWindowMs : 0,
    ...(queue.decisionHookSubject
      ? {
          decisionHook: {
            subject: queue.decisionHookSubject,
            timeoutMs: queue.decisionHookTimeoutMs || DEFAULT_DECISION_HOOK_TIMEOUT_MS,
          },
        }
      : {}),
  };
}

export function toAgentProfile(agent: Agent): AgentProfile {
  const capacity: Partial<Record<Channel, number>> = {};
  let voiceBlocksOthers = false;
  for (const entry of agent.capacities) {
    capacity[domainChannel(entry.channel)] = entry.maxConcurrent;
    if (entry.channel === ProtoChannel.CHANNEL_VOICE) voiceBlocksOthers = entry.blocksChannels.length > 0;
  }
  // Callbacks occupy voice capacity (the contract forbids a callback entry).
  if (capacity.voice !== undefined) capacity.callback = capacity.voice;
  return {
    id: agent.id,
    siteId: agent.siteId,
    teamIds: [...agent.teamIds],
    skills: new Map(agent.skills.map((skill) => [skill.name.toLowerCase(), skill.level])),
    capacity,
    // The engine knows one rule, "a call excludes all other work and vice versa"; a voice entry that blocks any
    // channel turns it on; finer blocking lists are approximated by it until the domain models them.
    voiceIsExclusive: voiceBlocksOthers,
    missedOffersBeforePause: agent.missedOffersBeforePause ?? DEFAULT_MISSED_OFFERS_BEFORE_PAUSE,
  };
}

const agentStates: Record<DomainAgentState, AgentState> = {
  offline: AgentState.AGENT_STATE_OFFLINE,
  available: AgentState.AGENT_STATE_AVAILABLE,
  not_ready: AgentState.AGENT_STATE_NOT_READY,
  reserved: AgentState.AGENT_STATE_RESERVED,
  busy: AgentState.AGENT_STATE_BUSY,
  wrap_up: AgentState.AGENT_STATE_WRAP_UP,
};

export function protoAgentState(state: DomainAgentState): AgentState {
  return agentStates[state];
}

// The routing domain's vocabulary: what agents, queues, waiting interactions and offers are, independent of wire
// formats (the rpc layer maps protobuf messages onto these).
import type { OpeningSchedule } from './business-hours.js';
import type { CompiledSkillsExpression } from './skills-expression/index.js';

export type Channel = 'voice' | 'chat' | 'email' | 'callback';
export const channels: readonly Channel[] = ['voice', 'chat', 'email', 'callback'];

export type Strategy = 'longest_idle' | 'most_skilled' | 'least_occupied' | 'round_robin';

export type PresenceState = 'offline' | 'available' | 'not_ready';

/** The state supervisors see, derived from presence and the work in hand. */
export type AgentState = 'offline' | 'available' | 'not_ready' | 'reserved' | 'busy' | 'wrap_up';

export interface AgentProfile {
  id: string;
  siteId: string;
  teamIds: readonly string[];
  /** Skill name (lower case) → level 1–10. */
  skills: ReadonlyMap<string, number>;
  /** How many interactions of each channel the agent may hold at once; a missing channel means 0. */
  capacity: Readonly<Partial<Record<Channel, number>>>;
  /** A voice call excludes every other new offer, and other work excludes a new call. */
  voiceIsExclusive: boolean;
  /** Missed offers in a row after which the agent is put in not_ready(missed); 0 = never. */
  missedOffersBeforePause: number;
}

export interface QueueStep {
  /** Wait time after which this step applies. */
  afterMs: number;
  /** Skill thresholds (skill.x >= N) are lowered by this many levels. */
  relaxSkillsBy: number;
  /** Teams added to the queue's own. */
  addTeamIds: readonly string[];
  /** Agents of every site may take the interaction. */
  anySite: boolean;
  /** Sites added to the queue's own (ignored when anySite). */
  addSiteIds?: readonly string[];
  /** Replaces the queue's skills requirement from this step on (later steps may replace it again). */
  requirement?: CompiledSkillsExpression;
}

export type MaxWaitAction = 'voicemail' | 'callback' | 'disconnect' | 'transfer';

/**
 * What happens when an interaction overflows (max wait reached, queue closed). Routing carries out `callback` (a
 * waiting call becomes a callback request, keeping its place) and `transfer` (to `targetQueueId`); for `voicemail`
 * and `disconnect` the interaction leaves routing and its holder (sip-gateway, api) acts on the event.
 */
export interface OverflowRule {
  action: MaxWaitAction;
  targetQueueId?: string;
}

export interface QueueConfig {
  id: string;
  channels: readonly Channel[];
  /** Sites whose agents serve the queue; empty = every site. */
  siteIds: readonly string[];
  /** Teams whose agents serve the queue; empty = every agent of the sites. */
  teamIds: readonly string[];
  requirement: CompiledSkillsExpression;
  priority: number;
  /** Service level target, e.g. 80 % within 20 s: the seconds part drives ageing. */
  slaThresholdMs: number;
  /** How strongly waiting raises effective priority: +urgency per SLA threshold waited. */
  urgency: number;
  strategy: Strategy;
  /** Widening steps, ordered by afterMs; step 0 (the queue itself) is implicit. */
  steps: readonly QueueStep[];
  maxWaitMs: number;
  maxWaitAction: MaxWaitAction;
  /** For maxWaitAction 'transfer'. */
  maxWaitTargetQueueId?: string;
  /** When the queue is open; none = always. */
  businessHours?: OpeningSchedule;
  offerTimeoutMs: Readonly<Partial<Record<Channel, number>>>;
  wrapUpMs: number;
  stickyWindowMs: number;
  /** An external program that may reorder the candidates for each interaction (decisions.ts); none when unset. */
  decisionHook?: DecisionHook;
}

export interface DecisionHook {
  /** NATS subject the adapter asks (request/reply). */
  subject: string;
  /** How long the adapter waits for the answer before the built-in strategy decides. */
  timeoutMs: number;
}

export interface EnqueueRequest {
  interactionId: string;
  queueId: string;
  channel: Channel;
  priority: number;
  attributes: Readonly<Record<string, string>>;
  /** Customer's last agent (from history), preferred for the queue's sticky window. */
  preferredAgentId?: string;
  /** Original enqueue time when re-entering (transfer keeps its place in line); defaults to now. */
  enqueuedAt?: number;
}

export const defaultOfferTimeoutMs: Record<Channel, number> = {
  voice: 20_000,
  chat: 30_000,
  email: 120_000,
  callback: 30_000,
};

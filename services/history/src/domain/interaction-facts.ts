// What one event says about its interaction, as facts that combine in any order (the writer merges them with
// earliest/latest/rank rules), so events arriving out of order for one interaction converge to the same record.
import { Channel, Direction } from '@parley/protos/parley/common/v1/channel';
import { AbandonPoint } from '@parley/protos/parley/common/v1/interaction';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { customerIdFor, identitiesOf, type Identity } from './identities.js';

/** Lifecycle order: a fact never moves the state to a lower rank. Terminal states share the top rank. */
export const stateRanks = {
  created: 0,
  ivr: 1,
  queued: 2,
  offered: 3,
  connected: 4,
  wrap_up: 5,
  completed: 6,
  abandoned: 6,
  failed: 6,
} as const;

export type InteractionStateName = keyof typeof stateRanks;

export interface InteractionFacts {
  interactionId: string;
  /** When the event happened: the latest seen becomes last_event_at; the earliest bounds created_at. */
  at: Date;
  state?: InteractionStateName;
  channel?: string;
  direction?: string;
  siteId?: string;
  customerId?: string;
  /** Identities the customer was known by (linked to customerId). */
  identities?: Identity[];
  /** The queue it was in as of `at` (transfers move it; the latest wins). */
  queueId?: string;
  createdAt?: Date;
  queuedAt?: Date;
  offeredAt?: Date;
  /** Connected to an agent at `at`: the earliest is "answered", the latest names the last agent. */
  connectedAgentId?: string;
  waitMs?: number;
  /** The conversation ended (wrap-up started, completed, abandoned, failed): the earliest counts. */
  endedAt?: Date;
  /** Completed: the latest counts. */
  completedAt?: Date;
  disposition?: string;
  abandonPoint?: string;
  holdMs?: number;
}

const abandonPoints: Partial<Record<AbandonPoint, string>> = {
  [AbandonPoint.ABANDON_POINT_IVR]: 'ivr',
  [AbandonPoint.ABANDON_POINT_QUEUE]: 'queue',
  [AbandonPoint.ABANDON_POINT_OFFERED]: 'offer',
};

/** Undefined for events that say nothing about an interaction's record. */
export function factsFromEnvelope(envelope: Envelope): InteractionFacts | undefined {
  if (!envelope.interactionId || !envelope.occurredAt) return undefined;
  const at = envelope.occurredAt;
  const base = { interactionId: envelope.interactionId, at, ...(envelope.site ? { siteId: envelope.site } : {}) };
  const queue = envelope.queueId ? { queueId: envelope.queueId } : {};
  switch (envelope.type) {
    case 'interaction.created': {
      const interaction = envelope.interactionCreated?.interaction;
      const identities = identitiesOf(interaction?.customer);
      const strongest = identities[0];
      // Named by the event, or else the record the strongest identity stands for.
      const customerId =
        envelope.customerId || interaction?.customer?.customerId || (strongest ? customerIdFor(strongest) : undefined);
      return {
        ...base,
        state: 'created',
        createdAt: at,
        ...(interaction?.channel ? { channel: channelName(interaction.channel) } : {}),
        ...(interaction?.direction
          ? { direction: interaction.direction === Direction.DIRECTION_OUTBOUND ? 'outbound' : 'inbound' }
          : {}),
        ...(customerId ? { customerId } : {}),
        ...(customerId && identities.length > 0 ? { identities } : {}),
      };
    }
    case 'interaction.ivr_started':
      return { ...base, state: 'ivr' };
    case 'interaction.queued':
      return { ...base, ...queue, state: 'queued', queuedAt: envelope.interactionQueued?.enqueuedAt ?? at };
    case 'interaction.offered':
    case 'offer.created':
      return { ...base, ...queue, state: 'offered', offeredAt: at };
    case 'interaction.connected':
      return {
        ...base,
        ...queue,
        state: 'connected',
        ...(envelope.agentId ? { connectedAgentId: envelope.agentId } : {}),
        waitMs: Number(envelope.interactionConnected?.waitMs ?? 0),
      };
    case 'interaction.transferred':
      return {
        ...base,
        ...(envelope.interactionTransferred?.target?.queueId
          ? { queueId: envelope.interactionTransferred.target.queueId }
          : {}),
      };
    case 'interaction.wrap_up_started':
      return { ...base, state: 'wrap_up', endedAt: at };
    case 'interaction.completed':
      return {
        ...base,
        state: 'completed',
        endedAt: at,
        completedAt: at,
        ...(envelope.interactionCompleted?.wrapUpCodeId
          ? { disposition: envelope.interactionCompleted.wrapUpCodeId }
          : {}),
      };
    case 'interaction.abandoned':
      return {
        ...base,
        ...queue,
        state: 'abandoned',
        endedAt: at,
        abandonPoint:
          abandonPoints[envelope.interactionAbandoned?.point ?? AbandonPoint.ABANDON_POINT_UNSPECIFIED] ?? 'queue',
      };
    case 'interaction.failed':
      return { ...base, state: 'failed', endedAt: at };
    case 'interaction.resumed':
      return { ...base, holdMs: Number(envelope.interactionResumed?.holdMs ?? 0) };
    case 'interaction.disposition_set':
      return {
        ...base,
        ...(envelope.interactionDispositionSet?.wrapUpCodeId
          ? { disposition: envelope.interactionDispositionSet.wrapUpCodeId }
          : {}),
      };
    case 'interaction.message_sent':
    case 'interaction.note_added':
    case 'recording.started':
    case 'recording.stopped':
    case 'recording.stored':
    case 'recording.deleted':
      // Content only; the interaction's row must exist for it (it may arrive before interaction.created).
      return base;
    default:
      return undefined;
  }
}

const channelNames: Partial<Record<Channel, string>> = {
  [Channel.CHANNEL_VOICE]: 'voice',
  [Channel.CHANNEL_CHAT]: 'chat',
  [Channel.CHANNEL_EMAIL]: 'email',
  [Channel.CHANNEL_CALLBACK]: 'callback',
};

function channelName(channel: Channel): string {
  return channelNames[channel] ?? 'unknown';
}

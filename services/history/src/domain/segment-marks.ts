// What one event says about an interaction's legs: it opened one (a flow, a queue, a transfer) or connected an
// agent. Each mark is stored once (keyed by its event); segments are derived from the whole set (segments.ts).
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';

export type SegmentKind = 'ivr' | 'queue' | 'agent' | 'external';

export interface SegmentMark {
  eventId: string;
  interactionId: string;
  at: number;
  /** An `open` mark starts a segment of `segmentKind`; a `connect` mark names the agent who took the customer. */
  mark: 'open' | 'connect';
  /** The event type: a queue segment opened by a transfer absorbs the `queued` event that follows it. */
  type: string;
  segmentKind: SegmentKind | undefined;
  queueId: string | undefined;
  agentId: string | undefined;
}

/** Undefined for events that do not shape the legs. */
export function segmentMarkOf(envelope: Envelope): SegmentMark | undefined {
  if (!envelope.interactionId || !envelope.occurredAt) return undefined;
  const base = {
    eventId: envelope.id,
    interactionId: envelope.interactionId,
    at: envelope.occurredAt.getTime(),
    type: envelope.type,
    queueId: envelope.queueId || undefined,
    agentId: undefined,
  };
  switch (envelope.type) {
    case 'interaction.ivr_started':
      return { ...base, mark: 'open', segmentKind: 'ivr', queueId: undefined };
    case 'interaction.queued':
      return { ...base, mark: 'open', segmentKind: 'queue' };
    case 'interaction.transferred': {
      const target = envelope.interactionTransferred?.target;
      if (target?.queueId) return { ...base, mark: 'open', segmentKind: 'queue', queueId: target.queueId };
      if (target?.agentId)
        return { ...base, mark: 'open', segmentKind: 'agent', queueId: undefined, agentId: target.agentId };
      if (target?.phoneNumber) return { ...base, mark: 'open', segmentKind: 'external', queueId: undefined };
      return undefined;
    }
    case 'interaction.connected':
      return envelope.agentId
        ? { ...base, mark: 'connect', segmentKind: undefined, agentId: envelope.agentId }
        : undefined;
    default:
      return undefined;
  }
}

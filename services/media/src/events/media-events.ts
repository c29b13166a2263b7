// Envelopes of the media.* events (ARCHITECTURE.md's envelope). The SIP gateway's flows consume DTMF and prompt
// ends; history, reporting and auditors consume the rest.
import type { MediaLeg } from '@parley/protos/parley/common/v1/media';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import {
  MediaBridged,
  MediaDtmfReceived,
  MediaEndpointClosed,
  MediaEndpointCreated,
  MediaPeerConsumerCreated,
  MediaPromptFinished,
  MediaSupervisionStarted,
  MediaSupervisionStopped,
  MediaUnbridged,
  MediaWorkerDied,
  type PromptEndReason,
} from '@parley/protos/parley/events/v1/media_events';
import { ulid } from 'ulid';

export interface EventContext {
  site: string;
  interactionId?: string;
  callId?: string;
  agentId?: string;
}

/** Payload fields are whole messages built with their own fromPartial, so a shallow Partial types them. */
function envelope(context: EventContext, fields: Partial<Envelope> & Pick<Envelope, 'type'>): Envelope {
  const at = new Date();
  return Envelope.fromPartial({
    id: ulid(at.getTime()),
    site: context.site,
    occurredAt: at,
    interactionId: context.interactionId ?? '',
    callId: context.callId ?? '',
    agentId: context.agentId ?? '',
    source: 'media',
    correlationId: context.interactionId ?? '',
    ...fields,
  });
}

export const mediaEvents = {
  endpointCreated: (context: EventContext, fields: Partial<MediaEndpointCreated>) =>
    envelope(context, {
      type: 'media.endpoint_created',
      mediaEndpointCreated: MediaEndpointCreated.fromPartial(fields),
    }),
  endpointClosed: (context: EventContext, fields: Partial<MediaEndpointClosed>) =>
    envelope(context, { type: 'media.endpoint_closed', mediaEndpointClosed: MediaEndpointClosed.fromPartial(fields) }),
  bridged: (context: EventContext, bridgeId: string, legA: MediaLeg, legB: MediaLeg) =>
    envelope(context, { type: 'media.bridged', mediaBridged: MediaBridged.fromPartial({ bridgeId, legA, legB }) }),
  unbridged: (context: EventContext, fields: Partial<MediaUnbridged>) =>
    envelope(context, { type: 'media.unbridged', mediaUnbridged: MediaUnbridged.fromPartial(fields) }),
  dtmfReceived: (context: EventContext, leg: MediaLeg, digit: string, durationMs: number) =>
    envelope(context, {
      type: 'media.dtmf_received',
      mediaDtmfReceived: MediaDtmfReceived.fromPartial({ leg, digit, durationMs }),
    }),
  promptFinished: (
    context: EventContext,
    fields: { playbackId: string; leg: MediaLeg; reason: PromptEndReason; playedMs: number; digit: string },
  ) =>
    envelope(context, { type: 'media.prompt_finished', mediaPromptFinished: MediaPromptFinished.fromPartial(fields) }),
  supervisionStarted: (context: EventContext, fields: Partial<MediaSupervisionStarted>) =>
    envelope(context, {
      type: 'media.supervision_started',
      mediaSupervisionStarted: MediaSupervisionStarted.fromPartial(fields),
    }),
  supervisionStopped: (context: EventContext, fields: Partial<MediaSupervisionStopped>) =>
    envelope(context, {
      type: 'media.supervision_stopped',
      mediaSupervisionStopped: MediaSupervisionStopped.fromPartial(fields),
    }),
  workerDied: (context: EventContext, fields: Partial<MediaWorkerDied>) =>
    envelope(context, { type: 'media.worker_died', mediaWorkerDied: MediaWorkerDied.fromPartial(fields) }),
  peerConsumerCreated: (context: EventContext, fields: Partial<MediaPeerConsumerCreated>) =>
    envelope(context, {
      type: 'media.peer_consumer_created',
      mediaPeerConsumerCreated: MediaPeerConsumerCreated.fromPartial(fields),
    }),
};

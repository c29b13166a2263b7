// Turns the engine's events into parley.events.v1 envelopes: ids, subject ids and the typed payload.
import { AgentState as ProtoAgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel as ProtoChannel } from '@parley/protos/parley/common/v1/channel';
import { AbandonPoint, CustomerIdentity, InteractionState } from '@parley/protos/parley/common/v1/interaction';
import { OverflowAction } from '@parley/protos/parley/common/v1/queue';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { OverflowReason } from '@parley/protos/parley/events/v1/interaction_events';
import {
  DecidedBy,
  DecisionFallbackReason,
  RepairKind,
  RescindReason,
} from '@parley/protos/parley/events/v1/routing_events';
import type { FallbackReason } from '../domain/decisions.js';
import type { RoutingEvent } from '../domain/events.js';
import type { AgentState, Channel, MaxWaitAction } from '../domain/model.js';

const agentStates: Record<AgentState, ProtoAgentState> = {
  offline: ProtoAgentState.AGENT_STATE_OFFLINE,
  available: ProtoAgentState.AGENT_STATE_AVAILABLE,
  not_ready: ProtoAgentState.AGENT_STATE_NOT_READY,
  reserved: ProtoAgentState.AGENT_STATE_RESERVED,
  busy: ProtoAgentState.AGENT_STATE_BUSY,
  wrap_up: ProtoAgentState.AGENT_STATE_WRAP_UP,
};

const protoChannels: Record<Channel, ProtoChannel> = {
  voice: ProtoChannel.CHANNEL_VOICE,
  chat: ProtoChannel.CHANNEL_CHAT,
  email: ProtoChannel.CHANNEL_EMAIL,
  callback: ProtoChannel.CHANNEL_CALLBACK,
};

const overflowActions: Record<MaxWaitAction, OverflowAction> = {
  voicemail: OverflowAction.OVERFLOW_ACTION_VOICEMAIL,
  callback: OverflowAction.OVERFLOW_ACTION_CALLBACK,
  transfer: OverflowAction.OVERFLOW_ACTION_TRANSFER_TO_QUEUE,
  disconnect: OverflowAction.OVERFLOW_ACTION_DISCONNECT,
};

const repairKinds: Record<'orphan_reservation' | 'busy_without_interaction' | 'lost_offer', RepairKind> = {
  orphan_reservation: RepairKind.REPAIR_KIND_ORPHAN_RESERVATION,
  busy_without_interaction: RepairKind.REPAIR_KIND_BUSY_WITHOUT_INTERACTION,
  lost_offer: RepairKind.REPAIR_KIND_LOST_OFFER,
};

const fallbackReasons: Record<FallbackReason, DecisionFallbackReason> = {
  timeout: DecisionFallbackReason.DECISION_FALLBACK_REASON_TIMEOUT,
  no_responders: DecisionFallbackReason.DECISION_FALLBACK_REASON_NO_RESPONDERS,
  error_reply: DecisionFallbackReason.DECISION_FALLBACK_REASON_ERROR_REPLY,
  malformed_reply: DecisionFallbackReason.DECISION_FALLBACK_REASON_MALFORMED_REPLY,
  unreachable: DecisionFallbackReason.DECISION_FALLBACK_REASON_UNREACHABLE,
  no_preference: DecisionFallbackReason.DECISION_FALLBACK_REASON_NO_PREFERENCE,
  no_usable_candidate: DecisionFallbackReason.DECISION_FALLBACK_REASON_NO_USABLE_CANDIDATE,
  deadline: DecisionFallbackReason.DECISION_FALLBACK_REASON_DEADLINE,
};

export interface EnvelopeContext {
  site: string;
  /** "routing/<instance>" */
  source: string;
  newId: () => string;
}

export function toEnvelope(event: RoutingEvent, context: EnvelopeContext): Envelope {
  const base = {
    id: context.newId(),
    type: event.type,
    site: context.site,
    occurredAt: new Date(event.at),
    source: context.source,
  };
  switch (event.type) {
    case 'agent.state_changed':
      return Envelope.fromPartial({
        ...base,
        agentId: event.agentId,
        agentStateChanged: {
          state: agentStates[event.current],
          previousState: agentStates[event.previous],
          previousStateSince: new Date(event.at - event.previousDurationMs),
          previousStateDurationMs: event.previousDurationMs,
          notReadyReason: event.current === 'not_ready' ? { code: event.reason, displayName: event.reason } : undefined,
          cause: event.reason,
        },
      });
    case 'interaction.queued':
      return Envelope.fromPartial({
        ...base,
        interactionId: event.interactionId,
        queueId: event.queueId,
        correlationId: event.interactionId,
        interactionQueued: { priority: event.priority, enqueuedAt: new Date(event.at) },
      });
    case 'offer.created':
      return Envelope.fromPartial({
        ...base,
        interactionId: event.interactionId,
        agentId: event.agentId,
        queueId: event.queueId,
        offerId: event.offerId,
        correlationId: event.interactionId,
        offerCreated: {
          interaction: {
            id: event.interactionId,
            channel: protoChannels[event.channel],
            queueId: event.queueId,
            agentId: event.agentId,
            state: InteractionState.INTERACTION_STATE_OFFERED,
            ...(event.about
              ? {
                  customer: CustomerIdentity.fromPartial(event.about.customer ?? {}),
                  attributes: { ...event.about.attributes },
                  entryPoint: event.about.entryPoint,
                  callId: event.about.callId,
                }
              : {}),
          },
          timeoutMs: event.expiresAt - event.at,
          expiresAt: new Date(event.expiresAt),
        },
      });
    case 'offer.accepted':
      return Envelope.fromPartial({
        ...base,
        interactionId: event.interactionId,
        agentId: event.agentId,
        offerId: event.offerId,
        correlationId: event.interactionId,
        offerAccepted: {},
      });
    case 'offer.rejected':
      return Envelope.fromPartial({
        ...base,
        interactionId: event.interactionId,
        agentId: event.agentId,
        offerId: event.offerId,
        correlationId: event.interactionId,
        offerRejected: { reason: 'declined' },
      });
    case 'offer.timed_out':
      return Envelope.fromPartial({
        ...base,
        interactionId: event.interactionId,
        agentId: event.agentId,
        offerId: event.offerId,
        correlationId: event.interactionId,
        offerTimedOut: {},
      });
    case 'offer.rescinded':
      return Envelope.fromPartial({
        ...base,
        interactionId: event.interactionId,
        agentId: event.agentId,
        offerId: event.offerId,
        correlationId: event.interactionId,
        offerRescinded: {
          reason:
            event.reason === 'transferred'
              ? RescindReason.RESCIND_REASON_TRANSFERRED
              : RescindReason.RESCIND_REASON_CANCELLED,
        },
      });
    case 'interaction.connected':
      return Envelope.fromPartial({
        ...base,
        interactionId: event.interactionId,
        agentId: event.agentId,
        queueId: event.queueId,
        correlationId: event.interactionId,
        interactionConnected: { waitMs: event.waitMs },
      });
    case 'interaction.wrap_up_started':
      return Envelope.fromPartial({
        ...base,
        interactionId: event.interactionId,
        agentId: event.agentId,
        correlationId: event.interactionId,
        interactionWrapUpStarted: {},
      });
    case 'interaction.completed':
      return Envelope.fromPartial({
        ...base,
        interactionId: event.interactionId,
        agentId: event.agentId,
        correlationId: event.interactionId,
        interactionCompleted: {
          wrapUpCodeId: event.wrapUpCodeId ?? '',
          wrapUpTimedOut: event.wrapUpTimedOut ?? false,
        },
      });
    case 'interaction.abandoned':
      return Envelope.fromPartial({
        ...base,
        interactionId: event.interactionId,
        queueId: event.queueId,
        correlationId: event.interactionId,
        interactionAbandoned: {
          point: event.whileOffered ? AbandonPoint.ABANDON_POINT_OFFERED : AbandonPoint.ABANDON_POINT_QUEUE,
          waitMs: event.waitMs,
        },
      });
    case 'interaction.overflowed':
      return Envelope.fromPartial({
        ...base,
        interactionId: event.interactionId,
        queueId: event.queueId,
        correlationId: event.interactionId,
        interactionOverflowed: {
          reason:
            event.reason === 'closed' ? OverflowReason.OVERFLOW_REASON_CLOSED : OverflowReason.OVERFLOW_REASON_MAX_WAIT,
          rule: { action: overflowActions[event.action], targetQueueId: event.targetQueueId ?? '' },
          waitMs: event.waitMs,
        },
      });
    case 'interaction.callback_requested':
      return Envelope.fromPartial({
        ...base,
        interactionId: event.interactionId,
        queueId: event.queueId,
        correlationId: event.interactionId,
        interactionCallbackRequested: { originalChannel: ProtoChannel.CHANNEL_VOICE },
      });
    case 'routing.reconciled':
      return Envelope.fromPartial({
        ...base,
        agentId: event.agentId,
        routingReconciled: { kind: repairKinds[event.kind], detail: event.detail },
      });
    case 'routing.decided':
      return Envelope.fromPartial({
        ...base,
        interactionId: event.interactionId,
        queueId: event.queueId,
        agentId: event.agentId ?? '',
        correlationId: event.interactionId,
        routingDecided: {
          decidedBy: event.decidedBy === 'hook' ? DecidedBy.DECIDED_BY_HOOK : DecidedBy.DECIDED_BY_FALLBACK,
          fallbackReason: event.fallbackReason
            ? fallbackReasons[event.fallbackReason]
            : DecisionFallbackReason.DECISION_FALLBACK_REASON_UNSPECIFIED,
          hookSubject: event.hookSubject,
          candidateAgentIds: event.candidateAgentIds,
          hookAgentIds: event.hookAgentIds,
        },
      });
    case 'interaction.transferred':
      return Envelope.fromPartial({
        ...base,
        interactionId: event.interactionId,
        queueId: event.toQueueId,
        correlationId: event.interactionId,
        interactionTransferred: { fromQueueId: event.fromQueueId },
      });
  }
}

// The events a call through the gateway emits (ARCHITECTURE.md's envelope; history and reporting build IVR time,
// abandon points and the customer's timeline from them): the interaction created when the call is answered, the
// flow started, the caller leaving during the flow, what the flow learnt, hold and resume, transfers to numbers.
import { ActorKind } from '@parley/protos/parley/common/v1/actor';
import { Channel, Direction } from '@parley/protos/parley/common/v1/channel';
import {
  AbandonPoint,
  Interaction,
  InteractionState,
  type TransferMode,
} from '@parley/protos/parley/common/v1/interaction';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import {
  InteractionAbandoned,
  InteractionAttributesUpdated,
  InteractionHeld,
  InteractionResumed,
  InteractionTransferred,
} from '@parley/protos/parley/events/v1/interaction_events';
import type { Actor } from '@parley/protos/parley/common/v1/actor';
import { ulid } from 'ulid';

/** What the gateway knows of a call when it answers it. */
export interface AnsweredCall {
  interactionId: string;
  callId: string;
  site: string;
  /** The caller, E.164 when the From user part is a number. */
  callerNumber: string | undefined;
  callerName: string | undefined;
  /** The dialled number (the entry point) and the flow it starts. */
  dialled: string;
  flowId: string;
  trunkId: string | undefined;
  answeredAt: Date;
  /** Calls Parley placed (callbacks) are outbound; the rest came in. */
  direction?: 'outbound';
  /** The caller's G.711 codec: a call placed to bridge with it must use the same (nothing is transcoded). */
  audio?: { codec: 'PCMU' | 'PCMA'; payloadType: number; telephoneEventPayloadType?: number };
}

/** The payload fields are whole messages (built with their own fromPartial), so a shallow Partial types them. */
function envelope(call: AnsweredCall, fields: Partial<Envelope> & Pick<Envelope, 'type'>, at: Date): Envelope {
  return Envelope.fromPartial({
    id: ulid(at.getTime()),
    site: call.site,
    occurredAt: at,
    interactionId: call.interactionId,
    callId: call.callId,
    source: 'sip-gateway',
    correlationId: call.interactionId,
    ...fields,
  });
}

/** The call was answered: `interaction.created`, then the flow it starts (`flowVersion` 0: a configured flow). */
export function callAnsweredEvents(call: AnsweredCall, flowVersion = 0): Envelope[] {
  return [callCreated(call), flowStarted(call, flowVersion)];
}

export function callCreated(call: AnsweredCall): Envelope {
  const interaction = Interaction.fromPartial({
    id: call.interactionId,
    channel: Channel.CHANNEL_VOICE,
    direction: Direction.DIRECTION_INBOUND,
    siteId: call.site,
    customer: { phoneNumber: call.callerNumber ?? '', displayName: call.callerName ?? '' },
    attributes: call.trunkId ? { dialled: call.dialled, trunk: call.trunkId } : { dialled: call.dialled },
    state: InteractionState.INTERACTION_STATE_CREATED,
    callId: call.callId,
    entryPoint: call.dialled,
    timestamps: { createdAt: call.answeredAt, ivrStartedAt: call.answeredAt },
  });
  return envelope(call, { type: 'interaction.created', interactionCreated: { interaction } }, call.answeredAt);
}

/** The call's flow started, in this version (the one the call keeps to its end). */
export function flowStarted(call: AnsweredCall, flowVersion: number): Envelope {
  return envelope(
    call,
    { type: 'interaction.ivr_started', interactionIvrStarted: { flowId: call.flowId, flowVersion } },
    call.answeredAt,
  );
}

/** The caller hung up while the flow ran (nothing queued the call yet). */
export function callerLeftDuringFlow(call: AnsweredCall, at: Date): Envelope {
  return envelope(
    call,
    {
      type: 'interaction.abandoned',
      interactionAbandoned: InteractionAbandoned.fromPartial({
        point: AbandonPoint.ABANDON_POINT_IVR,
        ivrMs: Math.max(0, at.getTime() - call.answeredAt.getTime()),
        actor: { kind: ActorKind.ACTOR_KIND_CUSTOMER, id: call.callerNumber ?? '' },
      }),
    },
    at,
  );
}

/** What the flow learnt (menu choices, collected digits, set attributes) as interaction attributes. */
export function attributesCollected(call: AnsweredCall, attributes: Record<string, string>, at: Date): Envelope {
  return envelope(
    call,
    {
      type: 'interaction.attributes_updated',
      interactionAttributesUpdated: InteractionAttributesUpdated.fromPartial({
        set: attributes,
        actor: { kind: ActorKind.ACTOR_KIND_SYSTEM, id: 'sip-gateway' },
      }),
    },
    at,
  );
}

/** The customer was put on hold (by the agent, through HoldCall). */
export function callHeld(call: AnsweredCall, actor: Actor, at: Date): Envelope {
  return envelope(call, { type: 'interaction.held', interactionHeld: InteractionHeld.fromPartial({ actor }) }, at);
}

/** The customer was taken off hold after `holdMs`. */
export function callResumed(call: AnsweredCall, actor: Actor, holdMs: number, at: Date): Envelope {
  return envelope(
    call,
    { type: 'interaction.resumed', interactionResumed: InteractionResumed.fromPartial({ actor, holdMs }) },
    at,
  );
}

/** The customer was handed to an external number (by an agent, blind or after consulting; or by the flow). */
export function callTransferredOut(
  call: AnsweredCall,
  transfer: { number: string; fromAgentId: string | undefined; actor: Actor; mode: TransferMode },
  at = new Date(),
): Envelope {
  return envelope(
    call,
    {
      type: 'interaction.transferred',
      interactionTransferred: InteractionTransferred.fromPartial({
        mode: transfer.mode,
        target: { phoneNumber: transfer.number },
        fromAgentId: transfer.fromAgentId ?? '',
        actor: transfer.actor,
      }),
    },
    at,
  );
}

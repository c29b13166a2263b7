// What the engine reports after each operation; the adapters turn these into parley.events.v1 envelopes.
import type { FallbackReason } from './decisions.js';
import type { AgentState, Channel, MaxWaitAction } from './model.js';

interface At {
  /** Engine time (ms since epoch) of the change. */
  at: number;
}

export type RoutingEvent = At &
  (
    | {
        type: 'agent.state_changed';
        agentId: string;
        previous: AgentState;
        current: AgentState;
        reason: string;
        /** Time spent in `previous` (the agent activity timeline). */
        previousDurationMs: number;
      }
    | { type: 'interaction.queued'; interactionId: string; queueId: string; channel: Channel; priority: number }
    | {
        type: 'offer.created';
        offerId: string;
        interactionId: string;
        agentId: string;
        queueId: string;
        channel: Channel;
        expiresAt: number;
        /**
         * Who the customer is and what the IVR or pre-chat form learnt, as enqueued (added by the state machine from
         * its catalog, which the engine does not hold), so the agent's desk can show them with the ring.
         */
        about?: OfferedInteraction;
      }
    | { type: 'offer.accepted'; offerId: string; interactionId: string; agentId: string }
    | { type: 'offer.rejected' | 'offer.timed_out'; offerId: string; interactionId: string; agentId: string }
    | { type: 'offer.rescinded'; offerId: string; interactionId: string; agentId: string; reason: string }
    | { type: 'interaction.connected'; interactionId: string; agentId: string; queueId: string; waitMs: number }
    | { type: 'interaction.wrap_up_started'; interactionId: string; agentId: string }
    | {
        type: 'interaction.completed';
        interactionId: string;
        agentId: string;
        /** The disposition the agent chose (a wrap-up code id). */
        wrapUpCodeId?: string;
        /** The queue's wrap-up time ran out before the agent finished. */
        wrapUpTimedOut?: boolean;
      }
    | { type: 'interaction.abandoned'; interactionId: string; queueId: string; waitMs: number; whileOffered: boolean }
    | {
        type: 'interaction.overflowed';
        interactionId: string;
        queueId: string;
        reason: 'max_wait' | 'closed';
        action: MaxWaitAction;
        targetQueueId: string | undefined;
        waitMs: number;
      }
    | { type: 'interaction.callback_requested'; interactionId: string; queueId: string }
    | { type: 'interaction.transferred'; interactionId: string; fromQueueId: string; toQueueId: string }
    | {
        type: 'routing.reconciled';
        agentId: string;
        kind: 'orphan_reservation' | 'busy_without_interaction' | 'lost_offer';
        detail: string;
      }
    | {
        type: 'routing.decided';
        interactionId: string;
        queueId: string;
        hookSubject: string;
        decidedBy: 'hook' | 'fallback';
        fallbackReason: FallbackReason | undefined;
        /** Offered at once to (offer.created precedes this event); undefined when it went to a line. */
        agentId: string | undefined;
        candidateAgentIds: string[];
        hookAgentIds: string[];
      }
  );

export type RoutingEventType = RoutingEvent['type'];

/** The customer's identity fields (CustomerIdentity's, by name) and the interaction's attributes. */
export interface OfferedInteraction {
  customer:
    | Readonly<
        Partial<Record<'customerId' | 'phoneNumber' | 'email' | 'chatVisitorId' | 'crmRef' | 'displayName', string>>
      >
    | undefined;
  attributes: Readonly<Record<string, string>>;
  entryPoint: string;
  callId: string;
}

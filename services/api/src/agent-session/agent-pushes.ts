// What the agent's tabs are told about, from routing's events for the agent: offers and how they ended, the
// agent's state (also when a supervisor or routing changed it), and the life of the agent's interactions
// (connected, wrap-up, completed, transferred away). Events of no interest to the desktop give nothing.
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type { AgentPush } from './agent-messages.js';

const ENDED_OFFERS: Record<string, string> = {
  'offer.rescinded': 'rescinded',
  'offer.timed_out': 'timed_out',
  'offer.rejected': 'rejected',
  'offer.accepted': 'accepted',
};

const INTERACTION_PHASES: Record<string, string> = {
  'interaction.connected': 'connected',
  'interaction.wrap_up_started': 'wrap_up',
  'interaction.completed': 'completed',
  'interaction.transferred': 'transferred',
  'interaction.held': 'held',
  'interaction.resumed': 'resumed',
};

export function pushFor(event: Envelope): AgentPush | undefined {
  if (event.type === 'offer.created') {
    const offer = event.offerCreated;
    const interaction = offer?.interaction;
    return {
      type: 'offer',
      offerId: event.offerId,
      interactionId: event.interactionId,
      channel: channelName(interaction?.channel),
      queueId: event.queueId,
      timeoutMs: Number(offer?.timeoutMs ?? 0),
      expiresAt: offer?.expiresAt?.toISOString(),
      attributes: interaction?.attributes ?? {},
      customer: {
        name: interaction?.customer?.displayName ?? '',
        phoneNumber: interaction?.customer?.phoneNumber ?? '',
        email: interaction?.customer?.email ?? '',
      },
    };
  }
  const ended = ENDED_OFFERS[event.type];
  if (ended) return { type: 'offer_ended', offerId: event.offerId, reason: ended };
  if (event.type === 'agent.state_changed')
    return {
      type: 'state',
      state: stateName(event.agentStateChanged?.state),
      reason: event.agentStateChanged?.notReadyReason?.code ?? '',
    };
  const phase = INTERACTION_PHASES[event.type];
  if (phase)
    return {
      type: 'interaction',
      interactionId: event.interactionId,
      phase,
      at: (event.occurredAt ?? new Date()).toISOString(),
      wrapUpDeadline: event.interactionWrapUpStarted?.deadline?.toISOString(),
    };
  return undefined;
}

export function stateName(state: AgentState | undefined): string {
  return (AgentState[state ?? AgentState.AGENT_STATE_UNSPECIFIED] ?? 'AGENT_STATE_UNSPECIFIED').replace(
    'AGENT_STATE_',
    '',
  );
}

function channelName(channel: Channel | undefined): string {
  return (Channel[channel ?? Channel.CHANNEL_UNSPECIFIED] ?? 'CHANNEL_UNSPECIFIED').replace('CHANNEL_', '');
}

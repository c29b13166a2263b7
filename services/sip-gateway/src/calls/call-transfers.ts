// Moving a connected customer elsewhere. Blind to a queue or an agent: routing moves the interaction (the agent goes
// to wrap-up), the agent's audio is cut off, the customer waits again until the next ConnectAgent. Blind to a number
// (also a flow's transfer node): a leg through a trunk, bridged with the customer on answer (external-leg.ts).
// Consultative to a number: the customer waits on hold while the agent talks to the number; completing it bridges
// the customer with that party and the agent leaves; cancelling it (or the number hanging up or never answering)
// brings the agent back to the customer.
import { Status, type Logger, type RpcClient } from '@parley/kit';
import type { Actor } from '@parley/protos/parley/common/v1/actor';
import { TransferMode, type TransferTarget } from '@parley/protos/parley/common/v1/interaction';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { BridgeLegsRequest, type MediaServiceService } from '@parley/protos/parley/media/v1/media';
import type { RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { ulid } from 'ulid';
import { callTransferredOut } from '../events/call-events.js';
import type { Dialer } from '../outbound/dialer.js';
import { callError, type CallSession } from './call-session.js';
import { ExternalLeg } from './external-leg.js';
import { Ringback } from './ringback.js';

/** What transfers need of the call sessions. */
export interface TransferHost {
  media: RpcClient<typeof MediaServiceService>;
  routing: RpcClient<typeof RoutingServiceService>;
  events: (envelopes: Envelope[]) => void;
  logger: Logger;
  ringTimeoutMs: number;
  dialer(): Dialer | undefined;
  /** The session is still the live one for its call. */
  isLive(session: CallSession): boolean;
  /** The queue experience again (music, announcements). */
  startWaiting(session: CallSession): Promise<void>;
  hold(session: CallSession, actor: Actor): Promise<void>;
  resumeHeld(session: CallSession, actor: Actor): Promise<void>;
  /** Ends the call from our side: every leg hung up, the session forgotten. */
  endCall(session: CallSession, reason: string): void;
}

/** An open consultation: the agent talking to `number` while the customer waits. */
export interface Consultation {
  id: string;
  number: string;
  leg: ExternalLeg;
  answered: boolean;
  actor: Actor;
}

export class CallTransfers {
  private readonly consultations = new Map<string, { session: CallSession; consultation: Consultation }>();

  constructor(private readonly host: TransferHost) {}

  /** Blind to a queue or an agent (through routing). */
  async toRouting(session: CallSession, target: TransferTarget, priorityBoost: number, actor: Actor): Promise<void> {
    await this.host.routing.transferInteraction({
      interactionId: session.call.interactionId,
      target,
      priorityBoost,
      fromAgentId: session.agentId ?? '',
      actor,
    });
    const bridgeId = this.releaseAgent(session);
    session.phase = 'queued';
    if (bridgeId) await this.host.media.unbridgeLegs({ bridgeId });
    if (session.heldAt) await this.host.resumeHeld(session, actor);
    await this.host.startWaiting(session);
  }

  /**
   * Blind to a number: from an agent (routing ends the conversation: wrap-up) or from the flow. The customer hears
   * "transferring" and music until the far end answers; a far end that never answers (busy, no answer, no common
   * codec) ends the call, as does either side's hang-up afterwards.
   */
  async toNumber(session: CallSession, number: string, actor: Actor): Promise<void> {
    const dialer = this.dialerFor(number);
    const { call } = session;
    const fromAgentId = session.agentId;
    if (session.phase === 'connected') {
      await this.host.routing.endInteraction({ interactionId: call.interactionId, actor });
      const bridgeId = this.releaseAgent(session);
      if (bridgeId) await this.host.media.unbridgeLegs({ bridgeId });
      if (session.heldAt) await this.host.resumeHeld(session, actor);
    }
    session.phase = 'external';
    this.host.events([
      callTransferredOut(call, { number, fromAgentId, actor, mode: TransferMode.TRANSFER_MODE_BLIND }),
    ]);
    const ringback = new Ringback(session.audio);
    ringback.start();
    try {
      session.external = await ExternalLeg.dial({
        media: this.host.media,
        dialer,
        interactionId: call.interactionId,
        bridgeWith: { rtpEndpointId: session.endpointId },
        codec: call.audio,
        target: { number },
        callerId: '',
        ringTimeoutMs: this.host.ringTimeoutMs,
        onConnected: () => void ringback.stop(),
        onFailed: (status, reason) => {
          this.host.logger.warn({ callId: call.callId, number, status, reason }, 'transfer to a number failed');
          this.host.endCall(session, 'transfer_failed');
        },
        onEnded: () => this.host.endCall(session, 'far_end_hangup'),
      });
    } catch (error) {
      // Media could not set up the leg, or the trunk is full: the customer cannot be left in silence.
      this.host.logger.error({ err: error, callId: call.callId, number }, 'transfer to a number failed');
      this.host.endCall(session, 'transfer_failed');
      throw error;
    }
    // The customer left while the leg was set up.
    if (!this.host.isLive(session)) session.external.hangUp();
  }

  /** Consultative to a number: the customer on hold, the agent's leg dialled through to the number. */
  async consult(session: CallSession, number: string, actor: Actor): Promise<Consultation> {
    if (session.consultation) {
      throw callError(
        'PARLEY_SIP_GATEWAY_TRANSFER_IN_PROGRESS',
        Status.FAILED_PRECONDITION,
        `call "${session.call.callId}" already has consultation "${session.consultation.id}" open`,
      );
    }
    const dialer = this.dialerFor(number);
    const agentLeg = session.agentLeg;
    if (!agentLeg) throw callError('PARLEY_SIP_GATEWAY_CALL_NOT_ESTABLISHED', Status.FAILED_PRECONDITION, 'no agent');
    // The agent's leg leaves the customer (who hears music) for the consultation.
    if (session.bridgeId) await this.host.media.unbridgeLegs({ bridgeId: session.bridgeId });
    session.bridgeId = undefined;
    if (!session.heldAt) await this.host.hold(session, actor);
    const id = ulid();
    // Filled in once the INVITE is out; the leg's events (all later) read it.
    const open: { consultation?: Consultation } = {};
    const dialling = ExternalLeg.dial({
      media: this.host.media,
      dialer,
      interactionId: session.call.interactionId,
      bridgeWith: agentLeg,
      // The consulted party may end up with the customer: it must speak the customer's codec.
      codec: session.call.audio,
      target: { number },
      callerId: '',
      ringTimeoutMs: this.host.ringTimeoutMs,
      onConnected: () => {
        if (open.consultation) open.consultation.answered = true;
      },
      onFailed: () => void this.consultationOver(session, id),
      onEnded: () => {
        // Hung up during the consultation: back to the customer. After completion: the call is theirs, it ends.
        const leg = open.consultation?.leg;
        if (session.consultation?.id === id) void this.consultationOver(session, id);
        else if (leg && session.external === leg) this.host.endCall(session, 'far_end_hangup');
        else if (leg && session.conference?.leg === leg) void this.conferenceOver(session);
      },
    });
    let leg: ExternalLeg;
    try {
      leg = await dialling;
    } catch (error) {
      // Media or the trunk could not take the consultation: the agent is back with the customer at once.
      if (session.heldAt) await this.host.resumeHeld(session, actor);
      await this.bridge(session, undefined);
      throw error;
    }
    const consultation: Consultation = { id, number, leg, answered: false, actor };
    open.consultation = consultation;
    session.consultation = consultation;
    this.consultations.set(id, { session, consultation });
    return consultation;
  }

  /** The customer goes to the consulted party, the agent leaves (wrap-up at routing). */
  async complete(consultationId: string, actor: Actor): Promise<CallSession> {
    const { session, consultation } = this.find(consultationId);
    if (!consultation.answered) {
      throw callError(
        'PARLEY_SIP_GATEWAY_CONSULTATION_NOT_ANSWERED',
        Status.FAILED_PRECONDITION,
        `consultation "${consultationId}" has not been answered: cancel it instead`,
      );
    }
    this.consultations.delete(consultationId);
    session.consultation = undefined;
    const { call } = session;
    const fromAgentId = session.agentId;
    await this.host.routing.endInteraction({ interactionId: call.interactionId, actor });
    if (consultation.leg.bridgeId) await this.host.media.unbridgeLegs({ bridgeId: consultation.leg.bridgeId });
    this.releaseAgent(session);
    session.phase = 'external';
    session.external = consultation.leg;
    if (session.heldAt) await this.host.resumeHeld(session, actor);
    await this.bridge(session, consultation.leg.endpointId);
    this.host.events([
      callTransferredOut(call, {
        number: consultation.number,
        fromAgentId,
        actor,
        mode: TransferMode.TRANSFER_MODE_CONSULTATIVE,
      }),
    ]);
    return session;
  }

  /**
   * Turns an answered consultation into a three-way call: the customer comes off hold and media mixes the three legs
   * (the agent's bridge with the consulted party stays underneath). The consulted party hanging up brings it back to
   * agent and customer.
   */
  async conference(consultationId: string, actor: Actor): Promise<CallSession> {
    const { session, consultation } = this.find(consultationId);
    if (!consultation.answered) {
      throw callError(
        'PARLEY_SIP_GATEWAY_CONSULTATION_NOT_ANSWERED',
        Status.FAILED_PRECONDITION,
        `consultation "${consultationId}" has not been answered yet`,
      );
    }
    this.consultations.delete(consultationId);
    session.consultation = undefined;
    const conferenceId = ulid();
    session.conference = { id: conferenceId, leg: consultation.leg };
    if (session.heldAt) await this.host.resumeHeld(session, actor);
    await this.host.media.startConference({
      conferenceId,
      interactionId: session.call.interactionId,
      legs: [{ rtpEndpointId: session.endpointId }, session.agentLeg!, { rtpEndpointId: consultation.leg.endpointId }],
      peerRtpCapabilitiesJson: {},
    });
    return session;
  }

  /** The third party left the conference: agent and customer talk on, bridged again. */
  private async conferenceOver(session: CallSession): Promise<void> {
    const conference = session.conference;
    if (!conference) return;
    session.conference = undefined;
    if (!this.host.isLive(session) || !session.agentLeg) return;
    try {
      await this.host.media.stopConference({ conferenceId: conference.id });
      await this.bridge(session, undefined);
    } catch (error) {
      this.host.logger.error({ err: error, callId: session.call.callId }, 'could not reconnect after the conference');
    }
  }

  /** The consultation ends: its leg hung up, the agent back with the customer. */
  async cancel(consultationId: string, actor: Actor): Promise<CallSession> {
    const { session, consultation } = this.find(consultationId);
    consultation.actor = actor;
    // Closed first (synchronously, before its first await), so the leg's own end finds nothing left to undo.
    const restored = this.consultationOver(session, consultationId);
    consultation.leg.hangUp();
    await restored;
    return session;
  }

  /** The consultation's leg is gone (cancelled, never answered, hung up): the agent and customer talk again. */
  private async consultationOver(session: CallSession, consultationId: string): Promise<void> {
    const open = this.consultations.get(consultationId);
    if (!open) return;
    this.consultations.delete(consultationId);
    session.consultation = undefined;
    if (!this.host.isLive(session) || !session.agentLeg) return;
    try {
      if (open.consultation.leg.bridgeId) {
        await this.host.media.unbridgeLegs({ bridgeId: open.consultation.leg.bridgeId }).catch(() => undefined);
      }
      if (session.heldAt) await this.host.resumeHeld(session, open.consultation.actor);
      await this.bridge(session, undefined);
    } catch (error) {
      this.host.logger.error({ err: error, callId: session.call.callId }, 'could not reconnect the agent');
    }
  }

  /** Bridges the customer with the agent's leg (no endpoint given) or with an external leg's endpoint. */
  private async bridge(session: CallSession, externalEndpointId: string | undefined): Promise<void> {
    const other = externalEndpointId ? { rtpEndpointId: externalEndpointId } : session.agentLeg;
    session.bridgeId = ulid();
    await this.host.media.bridgeLegs(
      BridgeLegsRequest.fromPartial({
        bridgeId: session.bridgeId,
        interactionId: session.call.interactionId,
        legA: { rtpEndpointId: session.endpointId },
        legB: other,
      }),
    );
  }

  private find(consultationId: string): { session: CallSession; consultation: Consultation } {
    const open = this.consultations.get(consultationId);
    if (!open || !this.host.isLive(open.session)) {
      throw callError(
        'PARLEY_SIP_GATEWAY_CONSULTATION_NOT_FOUND',
        Status.NOT_FOUND,
        `no open consultation "${consultationId}"`,
      );
    }
    return open;
  }

  /** The agent leaves the call (their phone hung up); returns the bridge that joined them, to take down. */
  private releaseAgent(session: CallSession): string | undefined {
    const { bridgeId } = session;
    session.agentPhone?.hangUp();
    session.agentPhone = undefined;
    session.agentId = undefined;
    session.agentLeg = undefined;
    session.bridgeId = undefined;
    return bridgeId;
  }

  private dialerFor(number: string): Dialer {
    const dialer = this.host.dialer();
    if (!dialer) throw callError('PARLEY_SIP_GATEWAY_NO_ROUTE', Status.FAILED_PRECONDITION, 'no SIP side to dial');
    dialer.route(number); // an unroutable number is refused before anything changes
    return dialer;
  }
}

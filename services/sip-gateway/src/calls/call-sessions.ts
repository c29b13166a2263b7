// The life of each answered call with media, after the SIP answer: its IVR flow (prompts and keys at media), then
// the queue (routing's EnqueueInteraction, music on hold with position announcements and the offer of a callback),
// then the agent (ConnectAgent bridges the caller's endpoint with the agent's leg at media), who may hold the caller
// or transfer them blind to a queue or another agent (back to the queue phase until the next ConnectAgent) or to an
// external number (the 'external' phase: a leg through a trunk, external-leg.ts; a flow's transfer node does the
// same). When the caller hangs up, whoever holds the call hears it: the IVR (abandoned at the IVR, our event), the
// queue (routing's CancelInteraction: abandoned with the wait), the agent (routing's EndInteraction: wrap-up), the
// external party (our BYE). A flow's hangUp, an accepted callback, HangUpCall, the external party's hang-up or a
// transfer that never connects end the call from our side (the SIP side sends the BYE and releases the media).
import { Status, type EventFeed, type Logger, type RpcClient } from '@parley/kit';
import { Actor, ActorKind } from '@parley/protos/parley/common/v1/actor';
import type { TransferTarget } from '@parley/protos/parley/common/v1/interaction';
import type { MediaLeg } from '@parley/protos/parley/common/v1/media';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { BridgeLegsRequest, type MediaServiceService } from '@parley/protos/parley/media/v1/media';
import { CancelReason, type RoutingServiceService } from '@parley/protos/parley/routing/v1/routing';
import { ulid } from 'ulid';
import {
  attributesCollected,
  callerLeftDuringFlow,
  callHeld,
  callResumed,
  flowStarted,
  type AnsweredCall,
} from '../events/call-events.js';
import type { FlowDocument } from '../flows/flow-document.js';
import { runFlow, type FlowOutcome, type FlowRun } from '../flows/flow-runner.js';
import { CallAudio } from './call-audio.js';
import { CallRouting } from './call-routing.js';
import { ExternalLeg } from './external-leg.js';
import type { Dialer } from '../outbound/dialer.js';
import { callError, view, type CallSession, type CallView, type EnqueueNode, type Phase } from './call-session.js';
import { CallTransfers } from './call-transfers.js';
import { waitInQueue } from './queue-phase.js';
import { sendKeysToCustomer } from './customer-keys.js';

export interface CallSessionsOptions {
  /** The flow a DID names, as it is now, and its version (0: configured); calls keep what they started with. */
  flows: (flowId: string) => Promise<{ document: FlowDocument; version: number } | undefined>;
  media: RpcClient<typeof MediaServiceService>;
  routing: RpcClient<typeof RoutingServiceService>;
  /** The site's media events by Call-ID. */
  feed: EventFeed;
  events: (envelopes: Envelope[]) => void;
  logger: Logger;
  /** Told how each flow ended (tests, troubleshooting). */
  onOutcome?: (call: AnsweredCall, outcome: FlowOutcome, run: FlowRun) => void;
  /** How long a transfer to a number rings before it is given up (default 30 s). */
  transferRingTimeoutMs?: number;
}

const customer = (call: AnsweredCall) =>
  Actor.fromPartial({ kind: ActorKind.ACTOR_KIND_CUSTOMER, id: call.callerNumber ?? '' });

export class CallSessions {
  /** By SIP Call-ID (Parley uses it as the call id until calls get ids of their own). */
  private readonly sessions = new Map<string, CallSession>();
  /** Sends our BYE and releases the call's media (the SIP endpoint, created after this). */
  private sendBye: (callId: string, reason: string) => boolean = () => false;
  /** Sends SIP INFO in a call we answered (keys for callers without telephone-event). */
  private sendInfo: (callId: string, body: { contentType: string; text: string }) => Promise<boolean> = () =>
    Promise.resolve(false);
  /** Places calls through the trunks (the SIP endpoint's). */
  private dialer: Dialer | undefined;

  private readonly transfers: CallTransfers;

  constructor(private readonly options: CallSessionsOptions) {
    this.transfers = new CallTransfers({
      media: options.media,
      routing: options.routing,
      events: options.events,
      logger: options.logger,
      ringTimeoutMs: options.transferRingTimeoutMs ?? 30_000,
      dialer: () => this.dialer,
      isLive: (session) => this.sessions.get(session.call.callId) === session,
      startWaiting: (session) => this.startWaiting(session),
      hold: (session, actor) => this.holdCustomer(session, '', actor),
      resumeHeld: (session, actor) => this.resumeHeld(session, actor),
      endCall: (session, reason) => this.endCall(session, reason),
    });
  }

  /** Ends the call from our side: every leg hung up, routing told by whoever calls this. */
  private endCall(session: CallSession, reason: string): void {
    if (this.sessions.get(session.call.callId) !== session) return;
    this.forget(session);
    session.external?.hangUp();
    session.consultation?.leg.hangUp();
    session.conference?.leg.hangUp();
    this.hangUpCustomer(session, reason);
  }

  /** The SIP side's ways to end a call from our side and to place calls. */
  bindSip(sip: {
    hangUp: (callId: string, reason: string) => boolean;
    sendInfo: (callId: string, body: { contentType: string; text: string }) => Promise<boolean>;
    dialer: Dialer;
  }): void {
    this.sendBye = sip.hangUp;
    this.sendInfo = sip.sendInfo;
    this.dialer = sip.dialer;
  }

  /**
   * Ends a call from Parley's side (HangUpCall: an agent or supervisor hangs up): routing hears it first (the end of
   * the conversation, or the interaction taken out of the queue), then the caller gets our BYE.
   */
  async hangUpCall(callId: string, actor: Actor): Promise<boolean> {
    const session = this.sessions.get(callId);
    if (!session) return false;
    const { phase, call } = session;
    this.forget(session);
    session.external?.hangUp();
    session.agentPhone?.hangUp();
    session.consultation?.leg.hangUp();
    session.conference?.leg.hangUp();
    if (phase === 'connected' || phase === 'dialing') {
      await this.options.routing.endInteraction({ interactionId: call.interactionId, actor });
    }
    if (phase === 'queued') {
      await this.options.routing.cancelInteraction({
        interactionId: call.interactionId,
        reason: CancelReason.CANCEL_REASON_SUPERVISOR,
        actor,
      });
    }
    return this.hangUpCustomer(session, 'hangup');
  }

  /** Our BYE to the customer: on the dialog they called in on, or the leg Parley placed to them. */
  private hangUpCustomer(session: CallSession, reason: string): boolean {
    if (session.placed) {
      session.placed.hangUp();
      return true;
    }
    return this.sendBye(session.call.callId, reason);
  }

  /** A session for the call, registered, listening to media's events about the customer's endpoint. */
  private open(call: AnsweredCall, endpointId: string, phase: Phase): CallSession {
    const session: CallSession = {
      call,
      endpointId,
      audio: new CallAudio(this.options.media, endpointId),
      routing: new CallRouting(this.options.routing, call),
      phase,
      run: { caller: call.callerNumber ?? '', called: call.dialled, attributes: {}, path: [] },
      queueing: undefined,
      wait: undefined,
      agentId: undefined,
      agentLeg: undefined,
      bridgeId: undefined,
      external: undefined,
      placed: undefined,
      agentPhone: undefined,
      consultation: undefined,
      conference: undefined,
      heldAt: undefined,
      stopListening: () => undefined,
    };
    session.stopListening = this.options.feed.listen(call.callId, (event) => {
      // Media closed the endpoint after a long silence: the caller is gone without a BYE (network, dead phone).
      if (event.mediaEndpointClosed?.reason === 'rtp_timeout') this.mediaLost(session);
      else session.audio.onMediaEvent(event);
    });
    this.sessions.set(call.callId, session);
    return session;
  }

  /** The call was answered with its media endpoint: its flow starts. */
  answered(call: AnsweredCall, endpointId: string): void {
    const session = this.open(call, endpointId, 'flow');
    const { audio, run, routing } = session;
    this.options
      .flows(call.flowId)
      .then((flow) => {
        this.options.events([flowStarted(call, flow?.version ?? 0)]);
        if (!flow) {
          this.options.logger.warn({ callId: call.callId, flowId: call.flowId }, 'no such flow; the call waits');
          return undefined;
        }
        return runFlow(flow.document, audio, run, { services: routing }).then((outcome) =>
          this.flowEnded(session, outcome, run),
        );
      })
      .catch((error: unknown) => this.options.logger.error({ err: error, callId: call.callId }, 'flow failed'));
  }

  /**
   * Calls a customer back for the agent who accepted their callback: the customer's leg through the trunk, bridged
   * with the agent's leg when they answer. A call that is never answered ends the agent's part at routing (wrap-up,
   * where the agent records the attempt). Idempotent by interaction: a live call for it is returned as it is.
   */
  async originateCallback(request: {
    interactionId: string;
    number: string;
    callerId: string;
    agentId: string;
    agentLeg: MediaLeg;
    ringTimeoutMs: number;
    site: string;
  }): Promise<CallView> {
    const existing = [...this.sessions.values()].find((s) => s.call.interactionId === request.interactionId);
    if (existing) return view(existing);
    const dialer = this.dialer;
    if (!dialer) throw callError('PARLEY_SIP_GATEWAY_NO_ROUTE', Status.FAILED_PRECONDITION, 'no SIP side to dial');
    const trunk = dialer.route(request.number);
    const system = Actor.fromPartial({ kind: ActorKind.ACTOR_KIND_SYSTEM, id: 'sip-gateway' });
    // The session exists once the INVITE is out; the leg's events (all later) find it here.
    const placed: { session?: CallSession } = {};
    const live = () =>
      placed.session && this.sessions.get(placed.session.call.callId) === placed.session ? placed.session : undefined;
    const leg = await ExternalLeg.dial({
      media: this.options.media,
      dialer,
      interactionId: request.interactionId,
      bridgeWith: request.agentLeg,
      codec: undefined,
      target: { number: request.number },
      callerId: request.callerId,
      ringTimeoutMs: request.ringTimeoutMs,
      onConnected: () => {
        const session = live();
        if (!session) return;
        session.phase = 'connected';
        session.bridgeId = leg.bridgeId;
        session.call.answeredAt = new Date();
      },
      onFailed: (status, reason) => {
        const session = live();
        if (!session) return;
        this.options.logger.info({ interactionId: request.interactionId, status, reason }, 'callback not answered');
        this.forget(session);
        this.options.routing
          .endInteraction({ interactionId: request.interactionId, actor: system })
          .catch((error: unknown) => this.options.logger.error({ err: error }, 'routing did not hear the failure'));
      },
      onEnded: (by) => {
        const session = live();
        if (by === 'remote' && session) this.ended(session.call.callId);
      },
    });
    const call: AnsweredCall = {
      interactionId: request.interactionId,
      callId: leg.sipCallId,
      site: request.site,
      callerNumber: request.number,
      callerName: undefined,
      dialled: request.number,
      flowId: '',
      trunkId: trunk.id,
      answeredAt: new Date(),
      direction: 'outbound',
    };
    const session = this.open(call, leg.endpointId, 'dialing');
    placed.session = session;
    session.placed = leg;
    session.agentId = request.agentId;
    session.agentLeg = request.agentLeg;
    return view(session);
  }

  /** A key from SIP INFO (RFC 4733 keys come through media's events). */
  digit(callId: string, key: string): void {
    this.sessions.get(callId)?.audio.pushDigit(key);
  }

  /** The caller hung up (its endpoint is released by the SIP side). */
  ended(callId: string): void {
    const session = this.sessions.get(callId);
    if (!session) return; // ended from our side already
    const { call, phase } = session;
    this.forget(session);
    const { routing } = this.options;
    if (phase === 'flow') {
      // Hanging up after choosing a callback is no abandon: routing holds the callback.
      if (!session.run.callbackQueue) this.options.events([callerLeftDuringFlow(call, new Date())]);
    } else if (phase === 'queued' && !session.run.callbackQueue) {
      routing
        .cancelInteraction({
          interactionId: call.interactionId,
          reason: CancelReason.CANCEL_REASON_CUSTOMER_LEFT,
          actor: customer(call),
        })
        .catch((error: unknown) =>
          this.options.logger.error({ err: error, callId }, 'routing did not hear the abandon'),
        );
    } else if (phase === 'connected' || phase === 'dialing') {
      routing
        .endInteraction({ interactionId: call.interactionId, actor: customer(call) })
        .catch((error: unknown) =>
          this.options.logger.error({ err: error, callId }, 'routing did not hear the hang-up'),
        );
    } else if (phase === 'external') {
      session.external?.hangUp();
    }
    session.placed?.hangUp();
    session.agentPhone?.hangUp();
    session.consultation?.leg.hangUp();
    session.conference?.leg.hangUp();
  }

  /**
   * Connects the agent who accepted the call's offer: the queue experience stops and media bridges the caller with
   * the agent's leg. Idempotent for the same agent and leg.
   */
  async connectAgent(
    callId: string,
    agentId: string,
    agentLeg: MediaLeg,
    /** The agent's SIP phone, when it was rung for this (agent-phones.ts). */
    agentPhone?: ExternalLeg,
  ): Promise<CallView> {
    const session = this.sessions.get(callId);
    if (!session) throw callError('PARLEY_SIP_GATEWAY_CALL_NOT_FOUND', Status.NOT_FOUND, `no live call "${callId}"`);
    if (session.phase === 'connected' && session.agentId === agentId) return view(session);
    if (session.phase !== 'queued') {
      throw callError(
        'PARLEY_SIP_GATEWAY_CALL_ENDED',
        Status.FAILED_PRECONDITION,
        `call "${callId}" is ${session.phase}`,
      );
    }
    session.phase = 'connected';
    session.agentId = agentId;
    session.agentLeg = agentLeg;
    session.agentPhone = agentPhone;
    session.bridgeId = ulid();
    await session.wait?.stop();
    session.wait = undefined;
    await this.options.media.bridgeLegs(
      BridgeLegsRequest.fromPartial({
        bridgeId: session.bridgeId,
        interactionId: session.call.interactionId,
        legA: { rtpEndpointId: session.endpointId },
        legB: agentLeg,
      }),
    );
    return view(session);
  }

  /** Keys towards the customer (customer-keys.ts). */
  async sendDtmf(callId: string, digits: string, digitMs: number): Promise<void> {
    const session = this.sessions.get(callId);
    if (!session) throw callError('PARLEY_SIP_GATEWAY_CALL_NOT_FOUND', Status.NOT_FOUND, `no live call "${callId}"`);
    if (session.phase === 'dialing') {
      throw callError('PARLEY_SIP_GATEWAY_CALL_NOT_ESTABLISHED', Status.FAILED_PRECONDITION, 'not answered yet');
    }
    await sendKeysToCustomer(session, digits, digitMs, { media: this.options.media, sendInfo: this.sendInfo });
  }

  /** The waiting call of an interaction, when this gateway holds it (an offer for it may ring an agent's phone). */
  queuedCallOf(interactionId: string): AnsweredCall | undefined {
    for (const session of this.sessions.values())
      if (session.call.interactionId === interactionId && session.phase === 'queued') return session.call;
    return undefined;
  }

  /** The agent put their phone down: the call ends as if they had hung up in the desk (HangUpCall). */
  async agentPhoneHungUp(callId: string, phone: ExternalLeg, agent: Actor): Promise<void> {
    const session = this.sessions.get(callId);
    if (!session || session.agentPhone !== phone) return; // transferred, or already over
    session.agentPhone = undefined;
    await this.hangUpCall(callId, agent).catch((error: unknown) =>
      this.options.logger.error({ err: error, callId }, 'the agent’s hang-up did not reach routing'),
    );
  }

  /** Puts the connected customer on hold: music from media, the agent no longer hears them. Idempotent. */
  async holdCall(callId: string, music: string, actor: Actor): Promise<CallView> {
    const session = this.connected(callId);
    if (session.consultation || session.conference) {
      throw callError(
        'PARLEY_SIP_GATEWAY_TRANSFER_IN_PROGRESS',
        Status.FAILED_PRECONDITION,
        `call "${callId}" has a consultation or conference going on`,
      );
    }
    await this.holdCustomer(session, music, actor);
    return view(session);
  }

  private async holdCustomer(session: CallSession, music: string, actor: Actor): Promise<void> {
    if (session.heldAt) return;
    await this.options.media.holdLeg({
      leg: { rtpEndpointId: session.endpointId },
      musicPrompt: music ? `builtin/${music}` : '',
    });
    session.heldAt = new Date();
    this.options.events([callHeld(session.call, actor, session.heldAt)]);
  }

  /** Takes the customer off hold. Idempotent. */
  async resumeCall(callId: string, actor: Actor): Promise<CallView> {
    const session = this.connected(callId);
    if (session.heldAt) await this.resumeHeld(session, actor);
    return view(session);
  }

  private async resumeHeld(session: CallSession, actor: Actor): Promise<void> {
    const heldAt = session.heldAt;
    if (!heldAt) return;
    session.heldAt = undefined;
    await this.options.media.resumeLeg({ leg: { rtpEndpointId: session.endpointId } });
    const now = new Date();
    this.options.events([callResumed(session.call, actor, now.getTime() - heldAt.getTime(), now)]);
  }

  /**
   * Blind transfer to a queue or an agent: routing moves the interaction (the agent goes to wrap-up), the agent's
   * audio is cut off, and the caller waits again with music until the next ConnectAgent. A held caller is taken off
   * hold first (the music of the queue replaces the agent's).
   */
  async transferCall(callId: string, target: TransferTarget, priorityBoost: number, actor: Actor): Promise<CallView> {
    const session = this.connected(callId);
    if (session.consultation || session.conference) {
      throw callError(
        'PARLEY_SIP_GATEWAY_TRANSFER_IN_PROGRESS',
        Status.FAILED_PRECONDITION,
        `call "${callId}" has a consultation or conference going on: end it first`,
      );
    }
    if (target.phoneNumber) await this.transfers.toNumber(session, target.phoneNumber, actor);
    else if (target.queueId || target.agentId) await this.transfers.toRouting(session, target, priorityBoost, actor);
    else {
      throw callError(
        'PARLEY_SIP_GATEWAY_INVALID_ARGUMENT',
        Status.INVALID_ARGUMENT,
        'a transfer needs target.queue_id, target.agent_id or target.phone_number',
      );
    }
    return view(session);
  }

  /** Opens a consultation with a number before a transfer: the customer waits on hold meanwhile. */
  async consultTransfer(callId: string, number: string, actor: Actor): Promise<CallView> {
    const session = this.connected(callId);
    await this.transfers.consult(session, number, actor);
    return view(session);
  }

  /** The customer goes to the consulted number; the agent leaves. */
  async completeTransfer(consultationId: string, actor: Actor): Promise<CallView> {
    return view(await this.transfers.complete(consultationId, actor));
  }

  /** The consultation becomes a three-way call. */
  async conferenceCall(consultationId: string, actor: Actor): Promise<CallView> {
    return view(await this.transfers.conference(consultationId, actor));
  }

  /** The consultation ends; the agent and the customer talk again. */
  async cancelTransfer(consultationId: string, actor: Actor): Promise<CallView> {
    return view(await this.transfers.cancel(consultationId, actor));
  }

  /** Live calls, optionally only those of an agent, an interaction or a trunk. */
  list(filter: { agentId?: string; interactionId?: string; trunkId?: string }): CallView[] {
    return [...this.sessions.values()]
      .filter(
        (session) =>
          (!filter.agentId || session.agentId === filter.agentId) &&
          (!filter.interactionId || session.call.interactionId === filter.interactionId) &&
          (!filter.trunkId || session.call.trunkId === filter.trunkId),
      )
      .map(view);
  }

  private connected(callId: string): CallSession {
    const session = this.sessions.get(callId);
    if (!session) throw callError('PARLEY_SIP_GATEWAY_CALL_NOT_FOUND', Status.NOT_FOUND, `no live call "${callId}"`);
    if (session.phase !== 'connected') {
      throw callError(
        'PARLEY_SIP_GATEWAY_CALL_NOT_ESTABLISHED',
        Status.FAILED_PRECONDITION,
        `call "${callId}" has no agent connected (it is ${session.phase})`,
      );
    }
    return session;
  }

  /** The caller's audio stopped for good: end the call as if they had hung up, and send our BYE. */
  private mediaLost(session: CallSession): void {
    const { callId } = session.call;
    if (this.sessions.get(callId) !== session) return;
    this.options.logger.warn({ callId }, 'no RTP from the caller: ending the call');
    this.ended(callId);
    this.hangUpCustomer(session, 'rtp_timeout');
  }

  /** The session stops: no more flow, music or media events; routing is told by the caller of this. */
  private forget(session: CallSession): void {
    this.sessions.delete(session.call.callId);
    session.phase = 'ended';
    session.audio.hangUp();
    session.stopListening();
    void session.wait?.stop().catch(() => undefined);
  }

  close(): void {
    for (const session of this.sessions.values()) {
      session.audio.hangUp();
      session.stopListening();
      void session.wait?.stop().catch(() => undefined);
    }
    this.sessions.clear();
  }

  private flowEnded(session: CallSession, outcome: FlowOutcome, run: FlowRun): void {
    const { call } = session;
    if (Object.keys(run.attributes).length > 0) {
      this.options.events([attributesCollected(call, run.attributes, new Date())]);
    }
    this.options.logger.info({ callId: call.callId, outcome: outcome.kind, node: outcome.nodeId }, 'flow ended');
    this.options.onOutcome?.(call, outcome, run);
    if (outcome.kind === 'hangUp' && session.phase === 'flow') {
      // The flow ended the call (after its goodbye prompt): nothing was queued (or routing holds a callback).
      this.forget(session);
      this.hangUpCustomer(session, run.callbackQueue ? 'callback' : 'flow_hangup');
    }
    if (outcome.kind === 'transfer' && session.phase === 'flow') {
      const system = Actor.fromPartial({ kind: ActorKind.ACTOR_KIND_SYSTEM, id: 'sip-gateway' });
      this.transfers
        .toNumber(session, outcome.number, system)
        .catch((error: unknown) =>
          this.options.logger.error({ err: error, callId: call.callId }, 'the flow’s transfer failed'),
        );
    }
    if (outcome.kind === 'enqueue' && session.phase === 'flow') {
      this.enqueue(session, outcome.node, run).catch((error: unknown) =>
        this.options.logger.error({ err: error, callId: call.callId }, 'enqueue failed; the call waits'),
      );
    }
  }

  private async enqueue(session: CallSession, node: EnqueueNode, run: FlowRun): Promise<void> {
    const { call } = session;
    session.phase = 'queued';
    session.queueing = node;
    // Music first: the caller hears it at once, while routing answers.
    await this.startWaiting(session);
    if (session.phase !== 'queued') return;
    await session.routing.enqueue(node.queue, node.priority, run.attributes);
    // The caller may have left while routing answered (ended() saw "queued" before the enqueue existed): routing
    // must hear it now. The phase is re-read: it changes while this function awaits.
    if ((session.phase as Phase) === 'ended') {
      await this.options.routing.cancelInteraction({
        interactionId: call.interactionId,
        reason: CancelReason.CANCEL_REASON_CUSTOMER_LEFT,
        actor: customer(call),
      });
    }
  }

  /** The queue experience for the session (queue-phase.ts); a callback taken ends the call. */
  private startWaiting(session: CallSession): Promise<void> {
    return waitInQueue(session, {
      routing: this.options.routing,
      logger: this.options.logger,
      callbackTaken: () => this.leftForCallback(session),
    });
  }

  /** The waiting caller accepted a callback and heard the confirmation: routing holds it, the call ends. */
  private leftForCallback(session: CallSession): void {
    if (this.sessions.get(session.call.callId) !== session || session.phase !== 'queued') return;
    this.forget(session);
    this.hangUpCustomer(session, 'callback');
  }
}

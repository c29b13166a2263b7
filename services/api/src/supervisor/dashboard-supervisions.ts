// The supervisions one supervisor socket runs: started (or switched to another mode) at media for the call the SIP
// gateway says carries the interaction, on the socket's own media peer; only this socket's own (another's id is
// refused); told to the dashboard when media ends one because a leg of the call went away (media's
// `media.supervision_stopped`, stopped by the system); stopped with the socket.
import type { EventFeed, Logger, RpcClient } from '@parley/kit';
import { ActorKind, type Actor } from '@parley/protos/parley/common/v1/actor';
import { SupervisionMode } from '@parley/protos/parley/common/v1/media';
import type { MediaServiceService, StartSupervisionResponse } from '@parley/protos/parley/media/v1/media';
import { ListActiveCallsRequest, type SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { ulid } from 'ulid';
import { canSuperviseSite } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { Refused } from '../http/json-socket.js';
import type { MediaRelay } from '../media/media-relay.js';
import type { SupervisorClientMessage, SupervisorServerMessage } from './supervisor-messages.js';

export interface SupervisionServices {
  media: RpcClient<typeof MediaServiceService>;
  sipGateway: RpcClient<typeof SipGatewayServiceService>;
  /** Media's events by key: `media.supervision_stopped` under the supervision id. */
  mediaEvents?: EventFeed | undefined;
  logger: Logger;
}

type Supervise = Extract<SupervisorClientMessage, { type: 'supervise' }>;

const modes = {
  monitor: SupervisionMode.SUPERVISION_MODE_MONITOR,
  whisper: SupervisionMode.SUPERVISION_MODE_WHISPER,
  barge: SupervisionMode.SUPERVISION_MODE_BARGE,
} as const;

interface Running {
  /** Stops following media's events for it. */
  unfollow: () => void;
  /** The dashboard asked to stop it: media's event for that is the answer's echo, not news. */
  stopping: boolean;
}

/** Ended ones remembered, so a stop that crossed media's end is answered rather than refused. */
const ENDED_KEPT = 32;

export class DashboardSupervisions {
  private readonly running = new Map<string, Running>();
  private readonly ended: string[] = [];

  constructor(
    private readonly services: SupervisionServices,
    private readonly relay: MediaRelay,
    private readonly caller: Principal,
    private readonly actor: Actor,
    /** What the dashboard is told unasked: a supervision media ended. */
    private readonly tell: (message: SupervisorServerMessage) => void,
  ) {}

  /** Starts a supervision, or switches a running one of this socket's to another mode; resolves with the answer. */
  async supervise(message: Supervise): Promise<SupervisorServerMessage> {
    const { media, sipGateway } = this.services;
    const asked = message.supervisionId;
    if (asked !== undefined && this.ended.includes(asked))
      throw new Refused('no_call', `supervision ${asked} has ended with its call`);
    if (asked !== undefined && !this.running.has(asked))
      throw new Refused('forbidden', `supervision ${asked} is not one of this socket's`);
    const { calls } = await sipGateway.listActiveCalls(
      ListActiveCallsRequest.fromPartial({ interactionId: message.interactionId }),
    );
    const call = calls[0];
    if (!call || !call.agentLeg) throw new Refused('no_call', 'no agent is on a call for this interaction');
    if (!canSuperviseSite(this.caller, call.siteId)) throw new Refused('forbidden', 'this call is not of your site');
    const supervisionId = message.supervisionId ?? ulid();
    // Followed before it starts, so a call that ends at once is not missed.
    const fresh = !this.running.has(supervisionId);
    if (fresh) this.running.set(supervisionId, { unfollow: this.followEnd(supervisionId), stopping: false });
    let answer: StartSupervisionResponse;
    try {
      answer = await media.startSupervision({
        supervisionId,
        interactionId: message.interactionId,
        agentId: call.agentId,
        agentLeg: call.agentLeg,
        customerLeg: call.customerLeg,
        supervisorPeerId: this.relay.peerId,
        supervisorRtpCapabilitiesJson: JSON.stringify(message.rtpCapabilities),
        mode: modes[message.mode],
        supervisor: this.actor,
      });
    } catch (error) {
      if (fresh) this.forget(supervisionId);
      throw error;
    }
    // Media lists every consumer the supervision made: the agent's tab's too (whisper, barge), which that tab is
    // told of through its own socket. The dashboard gets, and may resume, its own peer's only.
    const own = answer.consumers.filter((consumer) => consumer.peerId === this.relay.peerId);
    this.relay.adopt(own.map((consumer) => consumer.consumerId));
    return {
      type: 'supervising',
      supervisionId,
      interactionId: message.interactionId,
      mode: message.mode,
      consumers: own.map((consumer) => ({
        consumerId: consumer.consumerId,
        producerId: consumer.producerId,
        transportId: consumer.transportId,
        kind: 'audio',
        rtpParameters: JSON.parse(consumer.rtpParametersJson || '{}') as unknown,
      })),
    };
  }

  /** Stops one of this socket's supervisions; resolves with the answer. */
  async stop(supervisionId: string): Promise<SupervisorServerMessage> {
    const running = this.running.get(supervisionId);
    if (!running) {
      if (!this.ended.includes(supervisionId)) throw new Refused('forbidden', 'not your supervision');
      // Media ended it (the call ended) as the dashboard asked: it is stopped all the same.
      return { type: 'supervision_stopped', supervisionId, reason: 'call_ended' };
    }
    running.stopping = true;
    try {
      await this.services.media.stopSupervision({ supervisionId, actor: this.actor });
    } catch (error) {
      running.stopping = false;
      throw error;
    }
    this.forget(supervisionId);
    return { type: 'supervision_stopped', supervisionId, reason: 'stopped' };
  }

  /** The socket closed: its supervisions stop with it (media would end them with its peer anyway). */
  close(): void {
    for (const [supervisionId, running] of this.running) {
      running.unfollow();
      this.services.media.stopSupervision({ supervisionId, actor: this.actor }).catch((error: unknown) => {
        this.services.logger.debug({ err: error, supervisionId }, 'supervision not stopped with its socket');
      });
    }
    this.running.clear();
  }

  private followEnd(supervisionId: string): () => void {
    const feed = this.services.mediaEvents;
    if (!feed) return () => undefined;
    return feed.listen(supervisionId, (event) => {
      const stopped = event.mediaSupervisionStopped;
      const running = this.running.get(supervisionId);
      if (!stopped || stopped.supervisionId !== supervisionId || !running || running.stopping) return;
      this.forget(supervisionId);
      this.ended.push(supervisionId);
      if (this.ended.length > ENDED_KEPT) this.ended.shift();
      // Media stops a supervision by itself (the system) only when the agent's or the customer's leg is gone.
      const reason = stopped.stoppedBy?.kind === ActorKind.ACTOR_KIND_SYSTEM ? 'call_ended' : 'stopped';
      this.tell({ type: 'supervision_stopped', supervisionId, reason });
    });
  }

  private forget(supervisionId: string): void {
    this.running.get(supervisionId)?.unfollow();
    this.running.delete(supervisionId);
  }
}

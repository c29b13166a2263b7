// Supervisors joining agents' calls. Monitor: the supervisor's browser hears the customer and the agent. Whisper:
// the agent also hears the supervisor. Barge: the customer too. A browser hears the supervisor as one more
// consumer; a SIP phone hears a mix of its partner and the supervisor (RtpMixer), since it plays one stream.
// Every start, mode switch and stop is an event: the audit trail supervisors' auditors ask for.
import { Actor, ActorKind } from '@parley/protos/parley/common/v1/actor';
import { SupervisionMode } from '@parley/protos/parley/common/v1/media';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type { types } from 'mediasoup';
import type { PacketClock } from '../audio/packet-clock.js';
import { RtpMixer } from '../audio/rtp-mixer.js';
import { failedPrecondition, invalidArgument, MediaErrorCode } from '../errors.js';
import { mediaEvents } from '../events/media-events.js';
import { BrowserPeer } from '../legs/browser-peer.js';
import type { Leg } from '../legs/leg.js';
import type { MediaGraph } from '../legs/media-graph.js';
import { RtpEndpoint } from '../legs/rtp-endpoint.js';

/** A leg hearing the supervisor: a consumer on a browser, or a mix on a SIP leg. */
interface Listener {
  leg: Leg;
  key: string;
  mixer: RtpMixer | undefined;
}

interface Supervision {
  id: string;
  interactionId: string;
  agentId: string;
  mode: SupervisionMode;
  supervisor: BrowserPeer;
  actor: Actor;
  agent: Leg;
  customer: Leg;
  startedAt: Date;
  listeners: Listener[];
}

export interface StartSupervision {
  id: string;
  interactionId: string;
  agentId: string;
  agent: Leg;
  customer: Leg;
  supervisor: BrowserPeer;
  supervisorCapabilities: types.RtpCapabilities;
  mode: SupervisionMode;
  actor: Actor;
}

/** A consumer for a browser to set up (then ResumeConsumer), and whose audio it carries. */
export interface SignalledConsumer {
  peer: BrowserPeer;
  consumer: types.Consumer;
  source: Leg;
}

export class Supervisions {
  private readonly byId = new Map<string, Supervision>();

  constructor(
    private readonly graph: MediaGraph,
    private readonly clock: PacketClock,
    private readonly site: string,
    private readonly publish: (envelope: Envelope) => void,
  ) {}

  /** Starts a supervision, or switches the mode of a running one; returns the consumers browsers must set up. */
  async start(request: StartSupervision): Promise<SignalledConsumer[]> {
    if (request.mode === SupervisionMode.SUPERVISION_MODE_UNSPECIFIED) {
      throw invalidArgument('mode', 'must be MONITOR, WHISPER or BARGE');
    }
    const existing = this.byId.get(request.id);
    if (existing) return this.switchMode(existing, request.mode);
    const { supervisor, agent, customer } = request;
    if (!supervisor.transports.recv || supervisor.transports.recv.closed) {
      throw failedPrecondition(MediaErrorCode.PEER_NOT_READY, 'the supervisor has no receive transport');
    }
    supervisor.rtpCapabilities = request.supervisorCapabilities;
    const supervision: Supervision = {
      id: request.id,
      interactionId: request.interactionId,
      agentId: request.agentId,
      mode: request.mode,
      supervisor,
      actor: request.actor,
      agent,
      customer,
      startedAt: new Date(),
      listeners: [],
    };
    const signalled: SignalledConsumer[] = [];
    for (const source of [customer, agent]) {
      const producer = source.producer();
      if (!producer) throw failedPrecondition(MediaErrorCode.PEER_NOT_READY, `leg ${source.key} has no audio`);
      await this.graph.reach(producer, source.slot, supervisor.slot);
      const consumer = await supervisor.hear(producer.id);
      this.graph.trackPeerConsumer(supervisor, consumer);
      await supervisor.listening.add(`supervise:${request.id}:${source.key}`, 'partner', consumer, true);
      signalled.push({ peer: supervisor, consumer, source });
    }
    this.byId.set(request.id, supervision);
    signalled.push(...(await this.joinConversation(supervision)));
    this.report(supervision, SupervisionMode.SUPERVISION_MODE_UNSPECIFIED);
    return signalled;
  }

  async stop(id: string, stoppedBy: Actor): Promise<void> {
    const supervision = this.byId.get(id);
    if (!supervision) return;
    this.byId.delete(id);
    await this.leaveConversation(supervision);
    for (const source of [supervision.customer, supervision.agent]) {
      await supervision.supervisor.listening.remove(`supervise:${id}:${source.key}`);
    }
    this.publish(
      mediaEvents.supervisionStopped(this.context(supervision), {
        supervisionId: id,
        mode: supervision.mode,
        supervisor: supervision.actor,
        stoppedBy,
        durationMs: Date.now() - supervision.startedAt.getTime(),
      }),
    );
  }

  /** The call or the supervisor is gone: its supervisions end, stopped by the system. */
  async legGone(leg: Leg): Promise<void> {
    for (const supervision of [...this.byId.values()]) {
      if (supervision.agent === leg || supervision.customer === leg || supervision.supervisor === leg) {
        await this.stop(supervision.id, Actor.fromPartial({ kind: ActorKind.ACTOR_KIND_SYSTEM, id: 'media' }));
      }
    }
  }

  close(): void {
    for (const supervision of this.byId.values()) {
      for (const listener of supervision.listeners) listener.mixer?.close();
    }
  }

  private async switchMode(supervision: Supervision, mode: SupervisionMode): Promise<SignalledConsumer[]> {
    if (supervision.mode === mode) return [];
    const previous = supervision.mode;
    supervision.mode = mode;
    const signalled = await this.joinConversation(supervision);
    this.report(supervision, previous);
    return signalled;
  }

  /**
   * Brings who hears the supervisor in line with the mode (whisper: the agent; barge: the customer as well). Legs
   * that keep hearing them keep their consumer, so a switch from whisper to barge signals nothing to the agent.
   */
  private async joinConversation(supervision: Supervision): Promise<SignalledConsumer[]> {
    const { mode, agent, customer } = supervision;
    const hearers: [Leg, Leg][] = [];
    if (mode !== SupervisionMode.SUPERVISION_MODE_MONITOR) hearers.push([agent, customer]);
    if (mode === SupervisionMode.SUPERVISION_MODE_BARGE) hearers.push([customer, agent]);
    for (const listener of [...supervision.listeners]) {
      if (!hearers.some(([leg]) => leg === listener.leg)) await this.dropListener(supervision, listener);
    }
    const voice = supervision.supervisor.producer();
    const missing = hearers.filter(([leg]) => !supervision.listeners.some((listener) => listener.leg === leg));
    if (missing.length > 0 && !voice) {
      throw failedPrecondition(MediaErrorCode.PEER_NOT_READY, "whisper and barge need the supervisor's microphone");
    }
    const signalled: SignalledConsumer[] = [];
    for (const [leg, partner] of missing) {
      const consumer = await this.hearSupervisor(supervision, leg, partner, voice!);
      if (consumer) signalled.push({ peer: leg as BrowserPeer, consumer, source: supervision.supervisor });
    }
    return signalled;
  }

  private async hearSupervisor(
    supervision: Supervision,
    leg: Leg,
    partner: Leg,
    voice: types.Producer,
  ): Promise<types.Consumer | undefined> {
    const key = `supervisor:${supervision.id}`;
    await this.graph.reach(voice, supervision.supervisor.slot, leg.slot);
    if (leg instanceof BrowserPeer) {
      const consumer = await leg.hear(voice.id);
      this.graph.trackPeerConsumer(leg, consumer);
      await leg.listening.add(key, 'partner', consumer, true);
      supervision.listeners.push({ leg, key, mixer: undefined });
      return consumer;
    }
    if (!(leg instanceof RtpEndpoint)) return undefined;
    const partnerVoice = partner.producer();
    const mixer = await RtpMixer.create(await this.graph.direct(leg.slot), leg.spec.codec, leg.spec.payloadType);
    if (partnerVoice) {
      await this.graph.reach(partnerVoice, partner.slot, leg.slot);
      await mixer.addSource(partnerVoice.id);
    }
    await mixer.addSource(voice.id);
    this.clock.add(mixer);
    supervision.listeners.push({ leg, key, mixer });
    await leg.listening.add(key, 'mix', await leg.hear(mixer.output.id));
    return undefined;
  }

  private async leaveConversation(supervision: Supervision): Promise<void> {
    for (const listener of [...supervision.listeners]) await this.dropListener(supervision, listener);
  }

  private async dropListener(supervision: Supervision, listener: Listener): Promise<void> {
    supervision.listeners.splice(supervision.listeners.indexOf(listener), 1);
    if (listener.mixer) {
      this.clock.delete(listener.mixer);
      listener.mixer.close();
    }
    await listener.leg.listening.remove(listener.key);
  }

  private report(supervision: Supervision, previousMode: SupervisionMode): void {
    this.publish(
      mediaEvents.supervisionStarted(this.context(supervision), {
        supervisionId: supervision.id,
        mode: supervision.mode,
        previousMode,
        supervisor: supervision.actor,
        supervisorPeerId: supervision.supervisor.id,
      }),
    );
  }

  private context(supervision: Supervision) {
    return { site: this.site, interactionId: supervision.interactionId, agentId: supervision.agentId };
  }
}

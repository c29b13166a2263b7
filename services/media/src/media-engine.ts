// The media operations behind the contract, on mediasoup objects: RTP endpoints, bridges, prompts, music on hold,
// mute, and what happens when a worker dies. Browser signalling lives in peer-signalling.ts; the rpc layer
// validates requests and maps them here.
import type { Actor } from '@parley/protos/parley/common/v1/actor';
import type { MediaLeg, SupervisionMode } from '@parley/protos/parley/common/v1/media';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { PromptEndReason } from '@parley/protos/parley/events/v1/media_events';
import type { types } from 'mediasoup';
import { MusicChannels } from './audio/music-channels.js';
import { PacketClock } from './audio/packet-clock.js';
import { PromptPlaybacks, type PlayRequest } from './audio/prompt-playbacks.js';
import type { PromptStore } from './audio/prompt-store.js';
import { Bridges, type Bridge, type UnbridgeReason } from './bridges/bridges.js';
import { failedPrecondition, invalidArgument, MediaErrorCode, notFound } from './errors.js';
import { mediaEvents, type EventContext } from './events/media-events.js';
import { BrowserPeer } from './legs/browser-peer.js';
import type { Leg } from './legs/leg.js';
import { legKey } from './legs/leg.js';
import { MediaGraph } from './legs/media-graph.js';
import { RtpEndpoint, type RtpEndpointSpec } from './legs/rtp-endpoint.js';
import { RtpInactivity } from './legs/rtp-inactivity.js';
import { RecordingTaps } from './recording/recording-taps.js';
import { Supervisions, type SignalledConsumer } from './supervision/supervisions.js';
import { Conferences, type Conference } from './conferences/conferences.js';
import { sendDtmf } from './dtmf/dtmf-sender.js';
import type { WorkerPool, WorkerSlot } from './workers/worker-pool.js';

export interface MediaEngineOptions {
  site: string;
  listenIp: string;
  announcedAddress: string | undefined;
  defaultHoldMusic: string;
  prompts: PromptStore;
  /** Silence after which an RTP endpoint is closed as "rtp_timeout" (0: never). */
  rtpTimeoutMs?: number;
  /** Fire and forget: the publisher logs failures (see README: no outbox yet). */
  publish: (envelope: Envelope) => void;
}

export class MediaEngine {
  readonly graph = new MediaGraph();
  readonly bridges: Bridges;
  private readonly clock = new PacketClock();
  private readonly playbacks: PromptPlaybacks;
  private readonly music: MusicChannels;
  readonly supervisions: Supervisions;
  readonly conferences: Conferences;
  readonly taps: RecordingTaps;
  private readonly inactivity: RtpInactivity;
  private readonly muted = new Set<string>();
  private readonly creating = new Map<string, Promise<RtpEndpoint>>();

  constructor(
    readonly pool: WorkerPool,
    private readonly options: MediaEngineOptions,
  ) {
    this.bridges = new Bridges(this.graph, (bridge, reason) => this.reportUnbridged(bridge, reason));
    this.playbacks = new PromptPlaybacks(
      options.prompts,
      this.clock,
      (leg) => this.graph.direct(leg.slot),
      (end) =>
        options.publish(
          mediaEvents.promptFinished(this.context(end.leg), {
            playbackId: end.playbackId,
            leg: end.leg.ref,
            reason: end.reason,
            playedMs: end.playedMs,
            digit: end.digit,
          }),
        ),
    );
    this.music = new MusicChannels(options.prompts, this.clock, (slot) => this.graph.direct(slot));
    this.supervisions = new Supervisions(this.graph, this.clock, options.site, options.publish);
    this.conferences = new Conferences(this.graph, this.clock);
    this.taps = new RecordingTaps(options.listenIp);
    this.inactivity = new RtpInactivity(
      () => this.graph.endpoints.values(),
      options.rtpTimeoutMs ?? 0,
      (endpoint) => void this.closeRtpEndpoint(endpoint.spec.id, 'rtp_timeout'),
    );
    this.inactivity.start();
  }

  get site(): string {
    return this.options.site;
  }

  // --- RTP endpoints -------------------------------------------------------------------------------------------

  /** Creates the endpoint on the least-loaded worker; a retry with the same id returns the same endpoint. */
  createRtpEndpoint(spec: RtpEndpointSpec): Promise<RtpEndpoint> {
    const existing = this.graph.endpoints.get(spec.id);
    if (existing) return Promise.resolve(existing);
    let pending = this.creating.get(spec.id);
    if (!pending) {
      pending = this.placeRtpEndpoint(spec).finally(() => this.creating.delete(spec.id));
      this.creating.set(spec.id, pending);
    }
    return pending;
  }

  endpoint(id: string): RtpEndpoint {
    const endpoint = this.graph.endpoints.get(id);
    if (!endpoint) throw notFound(MediaErrorCode.ENDPOINT_NOT_FOUND, 'RTP endpoint', id);
    return endpoint;
  }

  async closeRtpEndpoint(id: string, reason: string): Promise<{ packetsReceived: number; packetsSent: number }> {
    const endpoint = this.graph.endpoints.get(id);
    if (!endpoint) return { packetsReceived: 0, packetsSent: 0 };
    const counts = await endpoint.packetCounts().catch(() => ({ packetsReceived: 0, packetsSent: 0 }));
    this.forgetLeg(endpoint, 'leg_closed');
    endpoint.close();
    this.options.publish(mediaEvents.endpointClosed(this.context(endpoint), { leg: endpoint.ref, reason, ...counts }));
    return counts;
  }

  // --- Bridges -------------------------------------------------------------------------------------------------

  async bridge(id: string, interactionId: string, a: MediaLeg | undefined, b: MediaLeg | undefined): Promise<Bridge> {
    const legA = this.leg(a, 'leg_a');
    const legB = this.leg(b, 'leg_b');
    if (legA === legB) throw invalidArgument('leg_b', 'a leg cannot be bridged to itself');
    const { bridge, created } = await this.bridges.bridge(id, interactionId, legA, legB);
    if (created) {
      await Promise.all([this.updateDtmfDetection(legA), this.updateDtmfDetection(legB)]);
      this.options.publish(
        mediaEvents.bridged({ site: this.options.site, interactionId }, bridge.id, legA.ref, legB.ref),
      );
    }
    return bridge;
  }

  unbridge(id: string): void {
    this.bridges.unbridge(id, 'requested');
  }

  // --- Prompts, hold, mute -------------------------------------------------------------------------------------

  playPrompt(request: Omit<PlayRequest, 'leg'> & { leg: MediaLeg | undefined }): Promise<number> {
    return this.playbacks.play({ ...request, leg: this.rtpLeg(request.leg, 'leg') });
  }

  stopPrompt(playbackId: string): void {
    this.playbacks.stop(playbackId);
  }

  async hold(reference: MediaLeg | undefined, music: string): Promise<void> {
    const leg = this.leg(reference, 'leg');
    if (leg instanceof RtpEndpoint) {
      await this.music.hold(leg, music || this.options.defaultHoldMusic);
    }
    await leg.listening.setHeld(true);
    await this.applyMute(leg);
  }

  async resume(reference: MediaLeg | undefined): Promise<void> {
    const leg = this.leg(reference, 'leg');
    if (leg instanceof RtpEndpoint) await this.music.release(leg);
    await leg.listening.setHeld(false);
    await this.applyMute(leg);
  }

  async mute(reference: MediaLeg | undefined, muted: boolean): Promise<void> {
    const leg = this.leg(reference, 'leg');
    if (muted) this.muted.add(leg.key);
    else this.muted.delete(leg.key);
    await this.applyMute(leg);
  }

  // --- Recording taps ------------------------------------------------------------------------------------------

  startRecordingTap(
    id: string,
    recordingId: string,
    interactionId: string,
    streams: { leg: MediaLeg | undefined; destination: { address: string; port: number } }[],
  ) {
    return this.taps.start(
      id,
      recordingId,
      interactionId,
      streams.map((stream, index) => ({
        leg: this.leg(stream.leg, `streams[${index}].leg`),
        destination: stream.destination,
      })),
    );
  }

  // --- Supervision ---------------------------------------------------------------------------------------------

  async startSupervision(request: {
    id: string;
    interactionId: string;
    agentId: string;
    agentLeg: MediaLeg | undefined;
    customerLeg: MediaLeg | undefined;
    supervisorPeerId: string;
    supervisorCapabilities: types.RtpCapabilities;
    mode: SupervisionMode;
    actor: Actor;
  }): Promise<SignalledConsumer[]> {
    const agent = this.leg(request.agentLeg, 'agent_leg');
    const customer = this.leg(request.customerLeg, 'customer_leg');
    const supervisor = this.graph.peers.get(request.supervisorPeerId);
    if (!supervisor) throw notFound(MediaErrorCode.LEG_NOT_FOUND, 'supervisor peer', request.supervisorPeerId);
    if (!this.bridges.between(agent, customer)) {
      throw failedPrecondition(MediaErrorCode.NOT_BRIDGED, 'the agent and the customer are not bridged');
    }
    return this.supervisions.start({ ...request, agent, customer, supervisor });
  }

  /** DTMF into an RTP leg as RFC 4733 events; resolves once sent. */
  async sendDtmf(reference: MediaLeg | undefined, digits: string, digitMs: number): Promise<void> {
    const leg = this.rtpLeg(reference, 'leg');
    if (leg.spec.telephoneEventPayloadType <= 0) {
      throw failedPrecondition(MediaErrorCode.NO_TELEPHONE_EVENT, `leg ${leg.key} negotiated no telephone-event`);
    }
    await sendDtmf(leg, await this.graph.direct(leg.slot), digits, digitMs);
  }

  /** Three to eight legs hearing each other (a three-way call). */
  async startConference(id: string, interactionId: string, legs: MediaLeg[]): Promise<Conference> {
    return this.conferences.start(
      id,
      interactionId,
      legs.map((leg, i) => this.leg(leg, `legs[${i}]`)),
    );
  }

  stopConference(id: string): Promise<void> {
    return this.conferences.stop(id);
  }

  // --- Lookups and lifecycle -----------------------------------------------------------------------------------

  /** The leg a reference names; INVALID_ARGUMENT when it names none, NOT_FOUND when it does not exist. */
  leg(reference: MediaLeg | undefined, field: string): Leg {
    const key = legKey(reference);
    if (!key) throw invalidArgument(field, 'must name exactly one of rtp_endpoint_id and peer_id');
    const leg = this.graph.legs.get(key);
    if (!leg) throw notFound(MediaErrorCode.LEG_NOT_FOUND, 'leg', key);
    return leg;
  }

  /** Ends everything that hung off a leg that is gone (closed, or its worker died). */
  forgetLeg(leg: Leg, reason: UnbridgeReason): void {
    this.graph.removeLeg(leg);
    this.muted.delete(leg.key);
    this.bridges.legGone(leg, reason);
    void this.supervisions.legGone(leg);
    void this.conferences.legGone(leg);
    this.taps.legGone(leg);
    if (leg instanceof RtpEndpoint) {
      this.graph.endpoints.delete(leg.spec.id);
      this.playbacks.stopLeg(leg, PromptEndReason.PROMPT_END_REASON_LEG_CLOSED);
      void this.music.release(leg);
    } else if (leg instanceof BrowserPeer) {
      this.graph.forgetPeer(leg);
    }
  }

  /** Called by the worker pool: every leg on the worker is gone; the services holding them hear it from the event. */
  workerDied(slot: WorkerSlot, error: Error): void {
    const legs = this.graph.legsOn(slot);
    const interactionIds = new Set<string>();
    for (const leg of legs) {
      if (leg instanceof RtpEndpoint && leg.spec.interactionId) interactionIds.add(leg.spec.interactionId);
      for (const bridge of this.bridges.of(leg)) if (bridge.interactionId) interactionIds.add(bridge.interactionId);
      this.forgetLeg(leg, 'worker_died');
    }
    this.options.publish(
      mediaEvents.workerDied(
        { site: this.options.site },
        {
          workerId: slot.id,
          pid: slot.worker.pid,
          host: slot.id.split(':')[0] ?? '',
          error: error.message,
          interactionIds: [...interactionIds],
          legs: legs.map((leg) => leg.ref),
        },
      ),
    );
  }

  close(): void {
    this.playbacks.close();
    this.music.close();
    this.supervisions.close();
    this.conferences.close();
    this.taps.close();
    this.inactivity.stop();
    this.clock.close();
  }

  context(leg: Leg): EventContext {
    if (leg instanceof RtpEndpoint) {
      return { site: this.options.site, interactionId: leg.spec.interactionId, callId: leg.spec.callId };
    }
    return { site: this.options.site };
  }

  private rtpLeg(reference: MediaLeg | undefined, field: string): RtpEndpoint {
    const leg = this.leg(reference, field);
    if (!(leg instanceof RtpEndpoint)) {
      throw invalidArgument(field, 'prompts play into RTP legs; browsers play their own sounds');
    }
    return leg;
  }

  /** A leg's audio stops reaching others while it is muted or held. */
  private async applyMute(leg: Leg): Promise<void> {
    const producer = leg.producer();
    if (!producer || producer.closed) return;
    const silent = this.muted.has(leg.key) || leg.listening.isHeld;
    if (silent && !producer.paused) await producer.pause();
    else if (!silent && producer.paused) await producer.resume();
  }

  private async placeRtpEndpoint(spec: RtpEndpointSpec): Promise<RtpEndpoint> {
    const slot = this.pool.leastLoaded();
    const endpoint = await RtpEndpoint.create(spec, {
      slot,
      direct: await this.graph.direct(slot),
      listenIp: this.options.listenIp,
      announcedAddress: this.options.announcedAddress,
      onKeyPress: (leg, press) => {
        this.options.publish(mediaEvents.dtmfReceived(this.context(leg), leg.ref, press.digit, press.durationMs));
        this.playbacks.keyPressed(leg, press.digit);
      },
    });
    this.graph.endpoints.set(spec.id, endpoint);
    this.graph.addLeg(endpoint);
    this.options.publish(
      mediaEvents.endpointCreated(this.context(endpoint), {
        leg: endpoint.ref,
        localAddress: endpoint.localAddress,
        localPort: endpoint.localPort,
        codec: spec.codec,
        workerId: slot.id,
      }),
    );
    return endpoint;
  }

  private async updateDtmfDetection(leg: Leg): Promise<void> {
    if (leg instanceof RtpEndpoint && !leg.closed) await leg.detectDtmf(this.bridges.of(leg).length === 0);
  }

  private reportUnbridged(bridge: Bridge, reason: UnbridgeReason): void {
    void this.updateDtmfDetection(bridge.a);
    void this.updateDtmfDetection(bridge.b);
    this.options.publish(
      mediaEvents.unbridged(
        { site: this.options.site, interactionId: bridge.interactionId },
        {
          bridgeId: bridge.id,
          legA: bridge.a.ref,
          legB: bridge.b.ref,
          reason,
          durationMs: Date.now() - bridge.startedAt.getTime(),
        },
      ),
    );
  }
}

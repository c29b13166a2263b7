// The parley.media.v1 contract: validates each request, calls the engine, maps results back.
import type { ContractHandlers } from '@parley/kit';
import { Actor } from '@parley/protos/parley/common/v1/actor';
import type {
  MediaServiceService,
  RtpCodec,
  RtpEndpoint as RtpEndpointMessage,
  WebRtcConsumer,
} from '@parley/protos/parley/media/v1/media';
import { AudioCodec, MediaKind, TransportDirection } from '@parley/protos/parley/media/v1/media';
import type { types } from 'mediasoup';
import type { Bridge } from '../bridges/bridges.js';
import { DTMF_DIGITS } from '../dtmf/dtmf-sender.js';
import { invalidArgument, MediaErrorCode } from '../errors.js';
import { BrowserPeer } from '../legs/browser-peer.js';
import type { Leg } from '../legs/leg.js';
import type { RtpEndpoint } from '../legs/rtp-endpoint.js';
import type { MediaEngine } from '../media-engine.js';
import type { PeerSignalling } from '../peer-signalling.js';
import type { G711 } from '../workers/router-codecs.js';
import { optionalRemote, requireDestination, requireId, requirePayloadType, requirePort } from './request-checks.js';

export type MediaHandlers = ContractHandlers<typeof MediaServiceService>;

const codecNames: Partial<Record<AudioCodec, G711>> = {
  [AudioCodec.AUDIO_CODEC_PCMU]: 'PCMU',
  [AudioCodec.AUDIO_CODEC_PCMA]: 'PCMA',
};
const codecEnums: Record<G711, AudioCodec> = { PCMU: AudioCodec.AUDIO_CODEC_PCMU, PCMA: AudioCodec.AUDIO_CODEC_PCMA };

/** The first G.711 codec of the offer (its order is the peer's preference); PCMU when media makes the offer. */
function chooseCodec(offered: RtpCodec[]): { codec: G711; payloadType: number } {
  if (offered.length === 0) return { codec: 'PCMU', payloadType: 0 };
  for (const [index, candidate] of offered.entries()) {
    const codec = codecNames[candidate.codec];
    if (codec)
      return { codec, payloadType: requirePayloadType(candidate.payloadType, `offered_codecs[${index}].payload_type`) };
  }
  throw invalidArgument('offered_codecs', 'neither PCMU nor PCMA is offered', MediaErrorCode.NO_COMMON_CODEC);
}

function endpointMessage(endpoint: RtpEndpoint): RtpEndpointMessage {
  const { spec } = endpoint;
  return {
    id: spec.id,
    callId: spec.callId,
    interactionId: spec.interactionId,
    localAddress: endpoint.localAddress,
    localPort: endpoint.localPort,
    remoteAddress: endpoint.remote?.address ?? '',
    remotePort: endpoint.remote?.port ?? 0,
    codec: { codec: codecEnums[spec.codec], payloadType: spec.payloadType },
    telephoneEventPayloadType: spec.telephoneEventPayloadType,
    producerId: endpoint.producer().id,
    workerId: endpoint.slot.id,
    createdAt: endpoint.createdAt,
  };
}

function webRtcConsumerMessage(peer: Leg, consumer: types.Consumer, source: Leg): WebRtcConsumer {
  return {
    consumerId: consumer.id,
    producerId: consumer.producerId,
    transportId: peer instanceof BrowserPeer ? (peer.transports.recv?.id ?? '') : '',
    peerId: peer.ref.peerId ?? '',
    kind: MediaKind.MEDIA_KIND_AUDIO,
    rtpParametersJson: JSON.stringify(consumer.rtpParameters),
    source: source.ref,
  };
}

function bridgeConsumers(bridge: Bridge): WebRtcConsumer[] {
  return bridge.peerConsumers.map(({ peer, consumer, source }) => webRtcConsumerMessage(peer, consumer, source));
}

export function createMediaHandlers(engine: MediaEngine, peers: PeerSignalling): MediaHandlers {
  return {
    async createRtpEndpoint(request) {
      const id = requireId(request.endpointId, 'endpoint_id');
      const { codec, payloadType } = chooseCodec(request.offeredCodecs);
      const offered = request.telephoneEventPayloadType;
      // An offer without telephone-event gets none; media's own offer proposes 101.
      const telephoneEventPayloadType =
        offered > 0
          ? requirePayloadType(offered, 'telephone_event_payload_type')
          : request.offeredCodecs.length === 0
            ? 101
            : 0;
      const endpoint = await engine.createRtpEndpoint({
        id,
        callId: request.callId,
        interactionId: request.interactionId,
        codec,
        payloadType,
        telephoneEventPayloadType,
        remote: optionalRemote(request.remoteAddress, request.remotePort),
      });
      return { endpoint: endpointMessage(endpoint) };
    },
    async connectRtpEndpoint(request) {
      const endpoint = engine.endpoint(requireId(request.endpointId, 'endpoint_id'));
      const remote = optionalRemote(request.remoteAddress, request.remotePort);
      if (!remote) throw invalidArgument('remote_address', 'remote address and port are required');
      requirePort(request.remotePort, 'remote_port');
      await endpoint.connect(remote);
      return { endpoint: endpointMessage(endpoint) };
    },
    async closeRtpEndpoint(request) {
      return engine.closeRtpEndpoint(requireId(request.endpointId, 'endpoint_id'), request.reason || 'requested');
    },
    async getRouterRtpCapabilities() {
      return { rtpCapabilitiesJson: JSON.stringify(peers.routerRtpCapabilities()) };
    },
    async createWebRtcTransport(request) {
      const peerId = requireId(request.peerId, 'peer_id');
      const direction =
        request.direction === TransportDirection.TRANSPORT_DIRECTION_SEND
          ? 'send'
          : request.direction === TransportDirection.TRANSPORT_DIRECTION_RECV
            ? 'recv'
            : undefined;
      if (!direction) throw invalidArgument('direction', 'must be SEND or RECV');
      const created = await peers.createTransport(peerId, direction, request.owner, request.rtpCapabilitiesJson);
      return {
        transportId: created.transportId,
        iceParametersJson: JSON.stringify(created.iceParameters),
        iceCandidatesJson: JSON.stringify(created.iceCandidates),
        dtlsParametersJson: JSON.stringify(created.dtlsParameters),
      };
    },
    async connectWebRtcTransport(request) {
      await peers.connectTransport(requireId(request.transportId, 'transport_id'), request.dtlsParametersJson);
      return {};
    },
    async produce(request) {
      if (request.kind !== MediaKind.MEDIA_KIND_AUDIO) {
        throw invalidArgument('kind', 'only audio is supported', MediaErrorCode.UNSUPPORTED_KIND);
      }
      const producerId = await peers.produce(requireId(request.transportId, 'transport_id'), request.rtpParametersJson);
      return { producerId };
    },
    async consume(request) {
      const transportId = requireId(request.transportId, 'transport_id');
      const { consumer, source } = await peers.consume(
        transportId,
        requireId(request.producerId, 'producer_id'),
        request.rtpCapabilitiesJson,
      );
      const peer = engine.graph.transports.get(transportId)!.peer;
      return { consumer: webRtcConsumerMessage(peer, consumer, source) };
    },
    async resumeConsumer(request) {
      await peers.resumeConsumer(requireId(request.consumerId, 'consumer_id'));
      return {};
    },
    async closePeer(request) {
      peers.closePeer(requireId(request.peerId, 'peer_id'));
      return {};
    },
    async bridgeLegs(request) {
      const bridgeId = requireId(request.bridgeId, 'bridge_id');
      for (const [peerId, json] of Object.entries(request.peerRtpCapabilitiesJson)) {
        const peer = engine.graph.peers.get(peerId);
        if (peer) peer.rtpCapabilities = parseCapabilities(json, `peer_rtp_capabilities_json[${peerId}]`);
      }
      const bridge = await engine.bridge(bridgeId, request.interactionId, request.legA, request.legB);
      return { consumers: bridgeConsumers(bridge) };
    },
    async sendDtmf(request) {
      if (!DTMF_DIGITS.test(request.digits)) throw invalidArgument('digits', 'must be 1–32 of 0-9 * # A-D and ,');
      const digitMs = request.digitDurationMs || 100;
      if (digitMs < 40 || digitMs > 2_000) throw invalidArgument('digit_duration_ms', 'must be 40–2,000');
      const started = Date.now();
      await engine.sendDtmf(request.leg, request.digits, digitMs);
      return { durationMs: Date.now() - started };
    },
    async startConference(request) {
      const conferenceId = requireId(request.conferenceId, 'conference_id');
      for (const [peerId, json] of Object.entries(request.peerRtpCapabilitiesJson)) {
        const peer = engine.graph.peers.get(peerId);
        if (peer) peer.rtpCapabilities = parseCapabilities(json, `peer_rtp_capabilities_json[${peerId}]`);
      }
      const conference = await engine.startConference(conferenceId, request.interactionId, request.legs);
      return {
        consumers: conference.peerConsumers.map(({ peer, consumer, source }) =>
          webRtcConsumerMessage(peer, consumer, source),
        ),
      };
    },
    async stopConference(request) {
      await engine.stopConference(requireId(request.conferenceId, 'conference_id'));
      return {};
    },
    async unbridgeLegs(request) {
      engine.unbridge(requireId(request.bridgeId, 'bridge_id'));
      return {};
    },
    async holdLeg(request) {
      await engine.hold(request.leg, request.musicPrompt);
      return {};
    },
    async resumeLeg(request) {
      await engine.resume(request.leg);
      return {};
    },
    async playPrompt(request) {
      const playbackId = requireId(request.playbackId, 'playback_id');
      if (request.prompts.length === 0) throw invalidArgument('prompts', 'name at least one prompt');
      const durationMs = await engine.playPrompt({
        playbackId,
        leg: request.leg,
        prompts: request.prompts,
        loop: request.loop,
        stopOnDtmf: request.stopOnDtmf,
      });
      return { durationMs };
    },
    async stopPrompt(request) {
      engine.stopPrompt(requireId(request.playbackId, 'playback_id'));
      return {};
    },
    async muteLeg(request) {
      await engine.mute(request.leg, true);
      return {};
    },
    async unmuteLeg(request) {
      await engine.mute(request.leg, false);
      return {};
    },
    async startRecordingTap(request) {
      const tapId = requireId(request.tapId, 'tap_id');
      if (request.streams.length === 0) throw invalidArgument('streams', 'name at least one leg to tap');
      const streams = request.streams.map((stream, index) => ({
        leg: stream.leg,
        destination: requireDestination(stream.destinationAddress, stream.destinationPort, `streams[${index}]`),
      }));
      const tapped = await engine.startRecordingTap(tapId, request.recordingId, request.interactionId, streams);
      return {
        streams: tapped.map((stream) => ({
          leg: stream.leg.ref,
          ssrc: stream.ssrc,
          codec: { codec: codecEnums[stream.codec], payloadType: stream.payloadType },
        })),
      };
    },
    async stopRecordingTap(request) {
      engine.taps.stop(requireId(request.tapId, 'tap_id'));
      return {};
    },
    async pauseRecordingTap(request) {
      await engine.taps.pause(requireId(request.tapId, 'tap_id'), true);
      return {};
    },
    async resumeRecordingTap(request) {
      await engine.taps.pause(requireId(request.tapId, 'tap_id'), false);
      return {};
    },
    async startSupervision(request) {
      const signalled = await engine.startSupervision({
        id: requireId(request.supervisionId, 'supervision_id'),
        interactionId: request.interactionId,
        agentId: request.agentId,
        agentLeg: request.agentLeg,
        customerLeg: request.customerLeg,
        supervisorPeerId: requireId(request.supervisorPeerId, 'supervisor_peer_id'),
        supervisorCapabilities: parseCapabilities(
          request.supervisorRtpCapabilitiesJson,
          'supervisor_rtp_capabilities_json',
        ),
        mode: request.mode,
        actor: request.supervisor ?? Actor.fromPartial({}),
      });
      return {
        consumers: signalled.map(({ peer, consumer, source }) => webRtcConsumerMessage(peer, consumer, source)),
      };
    },
    async stopSupervision(request) {
      await engine.supervisions.stop(
        requireId(request.supervisionId, 'supervision_id'),
        request.actor ?? Actor.fromPartial({}),
      );
      return {};
    },
    async getWorkerStats() {
      const workers = await Promise.all(
        engine.pool.all().map(async (slot) => {
          const usage = slot.alive ? await slot.worker.getResourceUsage().catch(() => undefined) : undefined;
          const legs = engine.graph.legsOn(slot);
          return {
            workerId: slot.id,
            pid: slot.worker.pid,
            host: slot.id.split(':')[0] ?? '',
            siteId: engine.site,
            alive: slot.alive,
            routers: 1,
            transports: legs.length,
            producers: legs.filter((leg) => leg.producer()).length,
            consumers: 0,
            bridges: engine.bridges.countOn(slot),
            cpuUserMs: usage?.ru_utime ?? 0,
            cpuSystemMs: usage?.ru_stime ?? 0,
            maxRssBytes: (usage?.ru_maxrss ?? 0) * 1024,
            startedAt: slot.startedAt,
          };
        }),
      );
      return { workers };
    },
  };
}

function parseCapabilities(json: string, field: string): types.RtpCapabilities {
  try {
    const value: unknown = JSON.parse(json);
    if (value && typeof value === 'object' && Array.isArray((value as types.RtpCapabilities).codecs)) {
      return value as types.RtpCapabilities;
    }
  } catch {
    // fall through to the error below
  }
  throw invalidArgument(field, 'must be mediasoup RtpCapabilities as JSON');
}

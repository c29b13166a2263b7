// The server side of mediasoup-client for browser peers (agents, supervisors): transports, the microphone producer,
// consumers and their resumption, closing a peer. mediasoup's own JSON shapes come in as text and are parsed and
// checked here before mediasoup sees them.
import type { Actor } from '@parley/protos/parley/common/v1/actor';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type { types } from 'mediasoup';
import { failedPrecondition, invalidArgument, MediaErrorCode, notFound } from './errors.js';
import { mediaEvents } from './events/media-events.js';
import { BrowserPeer, type PeerDirection } from './legs/browser-peer.js';
import type { MediaEngine } from './media-engine.js';

export interface PeerSignallingOptions {
  listenIp: string;
  announcedAddress: string | undefined;
  site: string;
  publish: (envelope: Envelope) => void;
}

export class PeerSignalling {
  private readonly connected = new Set<string>();

  constructor(
    private readonly engine: MediaEngine,
    private readonly options: PeerSignallingOptions,
  ) {}

  routerRtpCapabilities(): types.RtpCapabilities {
    return this.engine.pool.leastLoaded().router.rtpCapabilities;
  }

  /** `rtpCapabilitiesJson` (a receive transport's Device capabilities) lets media make consumers for the peer itself. */
  async createTransport(peerId: string, direction: PeerDirection, owner: Actor | undefined, rtpCapabilitiesJson = '') {
    const rtpCapabilities = rtpCapabilitiesJson
      ? parseJsonObject<types.RtpCapabilities>(rtpCapabilitiesJson, 'rtp_capabilities_json')
      : undefined;
    const graph = this.engine.graph;
    let peer = graph.peers.get(peerId);
    if (peer?.transports[direction] && !peer.transports[direction].closed) {
      throw failedPrecondition(
        MediaErrorCode.TRANSPORT_EXISTS,
        `peer "${peerId}" already has a ${direction} transport`,
      );
    }
    if (!peer) {
      peer = new BrowserPeer(peerId, this.engine.pool.leastLoaded(), owner);
      const created = peer;
      created.onConsumer = (consumer) =>
        this.options.publish(
          mediaEvents.peerConsumerCreated(
            { site: this.options.site },
            {
              peerId,
              consumerId: consumer.id,
              producerId: consumer.producerId,
              transportId: created.transports.recv?.id ?? '',
              rtpParametersJson: JSON.stringify(consumer.rtpParameters),
            },
          ),
        );
      graph.peers.set(peerId, peer);
      graph.addLeg(peer);
    }
    const transport = await peer.slot.router.createWebRtcTransport({
      listenInfos: [
        {
          protocol: 'udp',
          ip: this.options.listenIp,
          ...(this.options.announcedAddress ? { announcedIp: this.options.announcedAddress } : {}),
        },
      ],
      enableUdp: true,
    });
    peer.transports[direction] = transport;
    if (rtpCapabilities) peer.rtpCapabilities = rtpCapabilities;
    graph.transports.set(transport.id, { peer, direction });
    this.options.publish(
      mediaEvents.endpointCreated(
        { site: this.options.site },
        {
          leg: peer.ref,
          transportId: transport.id,
          localAddress: transport.iceCandidates[0]?.ip ?? '',
          workerId: peer.slot.id,
        },
      ),
    );
    return {
      transportId: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async connectTransport(transportId: string, dtlsParametersJson: string): Promise<void> {
    const { peer, direction } = this.transport(transportId);
    if (this.connected.has(transportId)) {
      throw failedPrecondition(MediaErrorCode.ALREADY_CONNECTED, `transport "${transportId}" is already connected`);
    }
    const dtlsParameters = parseJsonObject<types.DtlsParameters>(dtlsParametersJson, 'dtls_parameters_json');
    if (!Array.isArray(dtlsParameters.fingerprints)) {
      throw invalidArgument('dtls_parameters_json', 'must carry mediasoup DtlsParameters (fingerprints)');
    }
    await peer.transports[direction]!.connect({ dtlsParameters });
    this.connected.add(transportId);
  }

  async produce(transportId: string, rtpParametersJson: string): Promise<string> {
    const { peer, direction } = this.transport(transportId);
    if (direction !== 'send') {
      throw failedPrecondition(MediaErrorCode.WRONG_DIRECTION, "produce needs the peer's send transport");
    }
    const rtpParameters = parseJsonObject<types.RtpParameters>(rtpParametersJson, 'rtp_parameters_json');
    const producer = await peer.transports.send!.produce({ kind: 'audio', rtpParameters }).catch((error: unknown) => {
      throw invalidArgument('rtp_parameters_json', `mediasoup refused them: ${(error as Error).message}`);
    });
    peer.audio?.close();
    peer.audio = producer;
    return producer.id;
  }

  async consume(transportId: string, producerId: string, rtpCapabilitiesJson: string) {
    const { peer, direction } = this.transport(transportId);
    if (direction !== 'recv') {
      throw failedPrecondition(MediaErrorCode.WRONG_DIRECTION, "consume needs the peer's receive transport");
    }
    const rtpCapabilities = parseJsonObject<types.RtpCapabilities>(rtpCapabilitiesJson, 'rtp_capabilities_json');
    peer.rtpCapabilities = rtpCapabilities;
    const source = [...this.engine.graph.legs.values()].find((leg) => leg.producer()?.id === producerId);
    if (!source) throw notFound(MediaErrorCode.PRODUCER_NOT_FOUND, 'producer', producerId);
    await this.engine.graph.reach(source.producer()!, source.slot, peer.slot);
    if (!peer.slot.router.canConsume({ producerId, rtpCapabilities })) {
      throw failedPrecondition(MediaErrorCode.CANNOT_CONSUME, "the browser cannot receive this producer's codec");
    }
    const consumer = await peer.hear(producerId, rtpCapabilities, true);
    this.engine.graph.trackPeerConsumer(peer, consumer);
    await peer.listening.add(`consume:${consumer.id}`, 'partner', consumer, true);
    return { consumer, source };
  }

  /** Resumes a consumer the browser has set up. Idempotent. */
  async resumeConsumer(consumerId: string): Promise<void> {
    const entry = this.engine.graph.peerConsumers.get(consumerId);
    if (!entry) throw notFound(MediaErrorCode.CONSUMER_NOT_FOUND, 'consumer', consumerId);
    await entry.peer.listening.browserReady(consumerId);
  }

  closePeer(peerId: string): void {
    const peer = this.engine.graph.peers.get(peerId);
    if (!peer) return;
    for (const id of Object.values(peer.transports).map((transport) => transport.id)) this.connected.delete(id);
    this.engine.forgetLeg(peer, 'leg_closed');
    peer.close();
    this.options.publish(
      mediaEvents.endpointClosed({ site: this.options.site }, { leg: peer.ref, reason: 'peer_closed' }),
    );
  }

  private transport(transportId: string): { peer: BrowserPeer; direction: PeerDirection } {
    const entry = this.engine.graph.transports.get(transportId);
    if (!entry || entry.peer.transports[entry.direction]?.closed !== false) {
      throw notFound(MediaErrorCode.TRANSPORT_NOT_FOUND, 'transport', transportId);
    }
    return entry;
  }
}

function parseJsonObject<T>(text: string, field: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidArgument(field, 'must be JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgument(field, 'must be a JSON object');
  }
  return value as T;
}

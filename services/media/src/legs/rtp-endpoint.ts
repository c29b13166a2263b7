// A SIP leg's plain-RTP endpoint: a PlainTransport (RTCP multiplexed) whose producer carries the caller's G.711
// and RFC 4733 events into the router, and on which consumers send the caller what it hears. SIP never signals the
// caller's SSRC (and callers change it mid-call), so the producer declares one of its own and the patched worker
// rewrites whatever SSRC arrives to it (patches/mediasoup@3.13.16.patch, RtpListener::AdoptUnknownSsrc). A DTMF tap
// hands the caller's stream to Node while the leg is not bridged (flows collect digits in the IVR and the queue);
// mediasoup cannot consume telephone-event alone, so the tap is paused during bridges to keep audio out of Node.
import { randomInt } from 'node:crypto';
import type { MediaLeg } from '@parley/protos/parley/common/v1/media';
import type { types } from 'mediasoup';
import { Rfc4733Decoder, type KeyPress } from '../dtmf/rfc4733-decoder.js';
import { g711StaticPayloadType, type G711 } from '../workers/router-codecs.js';
import type { WorkerSlot } from '../workers/worker-pool.js';
import type { Leg } from './leg.js';
import { LegListening } from './leg-listening.js';

/** The payload type telephone-event carries on the DTMF tap (the tap's own numbering). */
const DTMF_TAP_PAYLOAD_TYPE = 101;

export interface RtpEndpointSpec {
  id: string;
  callId: string;
  interactionId: string;
  codec: G711;
  payloadType: number;
  /** 0 when telephone-event was not negotiated. */
  telephoneEventPayloadType: number;
  remote: { address: string; port: number } | undefined;
}

export interface RtpEndpointEnvironment {
  slot: WorkerSlot;
  /** The slot's DirectTransport, for the DTMF tap. */
  direct: types.DirectTransport;
  listenIp: string;
  announcedAddress: string | undefined;
  onKeyPress: (endpoint: RtpEndpoint, press: KeyPress) => void;
}

export class RtpEndpoint implements Leg {
  readonly key: string;
  readonly ref: MediaLeg;
  readonly listening = new LegListening(false);
  readonly createdAt = new Date();
  remote: { address: string; port: number } | undefined;
  private dtmfTap: types.Consumer | undefined;
  private readonly consumers = new Set<types.Consumer>();

  private constructor(
    readonly spec: RtpEndpointSpec,
    readonly slot: WorkerSlot,
    readonly transport: types.PlainTransport,
    private readonly audio: types.Producer,
    readonly localAddress: string,
  ) {
    this.key = `rtp:${spec.id}`;
    this.ref = { rtpEndpointId: spec.id };
  }

  static async create(spec: RtpEndpointSpec, environment: RtpEndpointEnvironment): Promise<RtpEndpoint> {
    const { slot, listenIp, announcedAddress } = environment;
    const transport = await slot.router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: listenIp, ...(announcedAddress ? { announcedIp: announcedAddress } : {}) },
      rtcpMux: true,
      comedia: false,
    });
    try {
      if (spec.remote) await transport.connect({ ip: spec.remote.address, port: spec.remote.port });
      const producer = await transport.produce({ kind: 'audio', rtpParameters: producerParameters(spec) });
      const endpoint = new RtpEndpoint(spec, slot, transport, producer, announcedAddress ?? transport.tuple.localIp);
      endpoint.remote = spec.remote;
      if (spec.telephoneEventPayloadType > 0) await endpoint.startDtmfTap(environment);
      return endpoint;
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  get localPort(): number {
    return this.transport.tuple.localPort;
  }

  get closed(): boolean {
    return this.transport.closed;
  }

  producer(): types.Producer {
    return this.audio;
  }

  /** What this leg's caller can receive: its negotiated G.711 and telephone-event, at its payload types. */
  rtpCapabilities(): types.RtpCapabilities {
    const { codec, payloadType, telephoneEventPayloadType } = this.spec;
    const codecs: types.RtpCodecCapability[] = [
      { kind: 'audio', mimeType: `audio/${codec}`, preferredPayloadType: payloadType, clockRate: 8000, channels: 1 },
    ];
    if (telephoneEventPayloadType > 0) {
      codecs.push({
        kind: 'audio',
        mimeType: 'audio/telephone-event',
        preferredPayloadType: telephoneEventPayloadType,
        clockRate: 8000,
      });
    }
    return { codecs };
  }

  async hear(producerId: string): Promise<types.Consumer> {
    const consumer = await this.transport.consume({ producerId, rtpCapabilities: this.rtpCapabilities() });
    this.consumers.add(consumer);
    consumer.observer.once('close', () => this.consumers.delete(consumer));
    return consumer;
  }

  async connect(remote: { address: string; port: number }): Promise<void> {
    if (this.remote?.address === remote.address && this.remote.port === remote.port) return;
    if (this.remote) {
      // mediasoup connects a plain transport once; a new remote (re-INVITE moving the media) needs a fresh one.
      throw new Error('the remote of a connected RTP endpoint cannot change');
    }
    await this.transport.connect({ ip: remote.address, port: remote.port });
    this.remote = remote;
  }

  /**
   * RTP packets received from the caller, and sent to it by the consumers open now (those of earlier bridges or
   * prompts are not counted: mediasoup drops a consumer's counters with it).
   */
  async packetCounts(): Promise<{ packetsReceived: number; packetsSent: number }> {
    let packetsReceived = 0;
    let packetsSent = 0;
    if (!this.audio.closed) {
      for (const stat of await this.audio.getStats()) packetsReceived += stat.packetCount;
    }
    for (const consumer of this.consumers) {
      if (consumer.closed) continue;
      for (const stat of await consumer.getStats()) if (stat.type === 'outbound-rtp') packetsSent += stat.packetCount;
    }
    return { packetsReceived, packetsSent };
  }

  close(): void {
    if (!this.transport.closed) this.transport.close();
  }

  /** DTMF detection runs while the leg is not bridged (see the file comment). */
  async detectDtmf(on: boolean): Promise<void> {
    const tap = this.dtmfTap;
    if (!tap || tap.closed || tap.paused === !on) return;
    await (on ? tap.resume() : tap.pause()).catch(() => undefined);
  }

  private tapCodecs(): types.RtpCodecCapability[] {
    return [
      {
        kind: 'audio',
        mimeType: `audio/${this.spec.codec}`,
        preferredPayloadType: this.spec.payloadType,
        clockRate: 8000,
        channels: 1,
      },
      {
        kind: 'audio',
        mimeType: 'audio/telephone-event',
        preferredPayloadType: DTMF_TAP_PAYLOAD_TYPE,
        clockRate: 8000,
      },
    ];
  }

  private async startDtmfTap(environment: RtpEndpointEnvironment): Promise<void> {
    const decoder = new Rfc4733Decoder(DTMF_TAP_PAYLOAD_TYPE);
    this.dtmfTap = await environment.direct.consume({
      producerId: this.audio.id,
      rtpCapabilities: { codecs: this.tapCodecs() },
    });
    this.dtmfTap.on('rtp', (packet) => {
      const press = decoder.push(packet);
      if (press) environment.onKeyPress(this, press);
    });
    this.transport.observer.once('close', () => this.dtmfTap?.close());
  }
}

function producerParameters(spec: RtpEndpointSpec): types.RtpParameters {
  const codecs: types.RtpCodecParameters[] = [
    { mimeType: `audio/${spec.codec}`, payloadType: spec.payloadType, clockRate: 8000, channels: 1 },
  ];
  if (spec.telephoneEventPayloadType > 0) {
    codecs.push({ mimeType: 'audio/telephone-event', payloadType: spec.telephoneEventPayloadType, clockRate: 8000 });
  }
  // Our own SSRC, no RID or MID: the worker maps the caller's stream onto it (see the file comment).
  return { codecs, encodings: [{ ssrc: randomInt(1, 2 ** 32 - 1) }] };
}

export function defaultPayloadType(codec: G711): number {
  return g711StaticPayloadType[codec];
}

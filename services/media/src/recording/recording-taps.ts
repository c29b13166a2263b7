// Recording taps: each tapped leg's audio sent as plain RTP to a recording receiver (one stream per leg, the
// customer first), from a PlainTransport per stream so the receiver tells the streams apart by source port and
// SSRC. Pausing stops sending (card numbers being read out) without touching the call. Idempotent by tap id.
import type { types } from 'mediasoup';
import { MediaErrorCode, notFound } from '../errors.js';
import type { Leg } from '../legs/leg.js';
import type { G711 } from '../workers/router-codecs.js';

export interface TapStreamRequest {
  leg: Leg;
  destination: { address: string; port: number };
}

export interface TappedStream {
  leg: Leg;
  ssrc: number;
  codec: G711;
  payloadType: number;
}

interface Tap {
  id: string;
  recordingId: string;
  interactionId: string;
  transports: types.PlainTransport[];
  consumers: types.Consumer[];
  streams: TappedStream[];
}

/** What a recorder decodes: G.711, at the static payload types. */
const recorderCapabilities: types.RtpCapabilities = {
  codecs: [
    { kind: 'audio', mimeType: 'audio/PCMU', preferredPayloadType: 0, clockRate: 8000, channels: 1 },
    { kind: 'audio', mimeType: 'audio/PCMA', preferredPayloadType: 8, clockRate: 8000, channels: 1 },
  ],
};

export class RecordingTaps {
  private readonly taps = new Map<string, Tap>();
  private readonly pending = new Map<string, Promise<Tap>>();

  constructor(private readonly listenIp: string) {}

  async start(id: string, recordingId: string, interactionId: string, streams: TapStreamRequest[]) {
    const existing = this.taps.get(id) ?? (await this.pending.get(id));
    if (existing) return existing.streams;
    const opening = this.open(id, recordingId, interactionId, streams).finally(() => this.pending.delete(id));
    this.pending.set(id, opening);
    return (await opening).streams;
  }

  stop(id: string): void {
    const tap = this.taps.get(id);
    if (!tap) return;
    this.taps.delete(id);
    for (const transport of tap.transports) if (!transport.closed) transport.close();
  }

  async pause(id: string, paused: boolean): Promise<void> {
    const tap = this.taps.get(id);
    if (!tap) throw notFound(MediaErrorCode.TAP_NOT_FOUND, 'recording tap', id);
    await Promise.all(
      tap.consumers
        .filter((consumer) => !consumer.closed)
        .map((consumer) => (paused ? consumer.pause() : consumer.resume())),
    );
  }

  /** A tapped leg is gone: its stream ends with it (mediasoup closes the consumer); the tap stays for the rest. */
  legGone(leg: Leg): void {
    for (const tap of this.taps.values()) {
      if (tap.streams.every((stream) => stream.leg === leg)) this.stop(tap.id);
    }
  }

  close(): void {
    for (const id of [...this.taps.keys()]) this.stop(id);
  }

  private async open(id: string, recordingId: string, interactionId: string, requests: TapStreamRequest[]) {
    const tap: Tap = { id, recordingId, interactionId, transports: [], consumers: [], streams: [] };
    try {
      for (const { leg, destination } of requests) {
        const producer = leg.producer();
        if (!producer) throw notFound(MediaErrorCode.PRODUCER_NOT_FOUND, 'audio of leg', leg.key);
        const transport = await leg.slot.router.createPlainTransport({
          listenInfo: { protocol: 'udp', ip: this.listenIp },
          rtcpMux: true,
          comedia: false,
        });
        tap.transports.push(transport);
        await transport.connect({ ip: destination.address, port: destination.port });
        const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: recorderCapabilities });
        tap.consumers.push(consumer);
        const codec = consumer.rtpParameters.codecs[0]!;
        tap.streams.push({
          leg,
          ssrc: consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0,
          codec: codec.mimeType.split('/')[1]!.toUpperCase() as G711,
          payloadType: codec.payloadType,
        });
      }
    } catch (error) {
      for (const transport of tap.transports) transport.close();
      throw error;
    }
    this.taps.set(id, tap);
    return tap;
  }
}

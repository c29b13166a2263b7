// Mixes several sources into one G.711 stream for a SIP leg (a phone plays one RTP stream, so when a supervisor
// barges into a call, or whispers to an agent on a SIP phone, the leg hears a mix instead of two streams). Each
// source is consumed into Node through the worker's DirectTransport, decoded, and summed once per 20 ms tick. Each
// source has a small jitter buffer: it joins the mix once two frames are queued (20 ms of slack for packets and
// ticks arriving unevenly) and leaves it when it runs dry; its queue is kept short (≤ 4 frames) so the mix never
// lags behind the call. Sources may packetise differently (carriers often send 30 ms): their samples are cut into
// the mix's 20 ms frames.
import type { types } from 'mediasoup';
import type { G711 } from '../workers/router-codecs.js';
import { decodeG711, encodeG711, rtpPayload } from './g711.js';
import type { PacedStream } from './packet-clock.js';
import { RtpStreamWriter, SAMPLES_PER_PACKET, PACKET_MS } from './rtp-stream-writer.js';

const MAX_QUEUED_FRAMES = 4;
/** Frames a source must have queued before it (re)joins the mix. */
const PRIMING_FRAMES = 2;

interface Source {
  consumer: types.Consumer;
  /** Codec of each payload type the consumer carries. */
  codecs: Map<number, G711>;
  frames: Int16Array[];
  /** Samples received that do not fill a 20 ms frame yet. */
  partial: Int16Array;
  /** In the mix: has had PRIMING_FRAMES queued and has not run dry since. */
  playing: boolean;
}

/** The longest packet taken (120 ms): anything longer is not a phone's audio. */
const MAX_PACKET_SAMPLES = 960;

/** Appends decoded samples to the source's queue in whole 20 ms frames, the remainder kept for the next packet. */
function queueSamples(source: Source, samples: Int16Array): void {
  let pending = samples;
  if (source.partial.length > 0) {
    pending = new Int16Array(source.partial.length + samples.length);
    pending.set(source.partial);
    pending.set(samples, source.partial.length);
  }
  let offset = 0;
  for (; offset + SAMPLES_PER_PACKET <= pending.length; offset += SAMPLES_PER_PACKET) {
    source.frames.push(pending.slice(offset, offset + SAMPLES_PER_PACKET));
    if (source.frames.length > MAX_QUEUED_FRAMES) source.frames.shift();
  }
  source.partial = pending.slice(offset);
}

export class RtpMixer implements PacedStream {
  private readonly sources = new Map<string, Source>();
  private readonly writer: RtpStreamWriter;
  private readonly mix = new Int32Array(SAMPLES_PER_PACKET);
  private startedAtMs: number | undefined;
  private ticks = 0;

  constructor(
    private readonly direct: types.DirectTransport,
    readonly output: types.Producer,
    private readonly codec: G711,
    writer: RtpStreamWriter,
  ) {
    this.writer = writer;
  }

  /** An output producer on the DirectTransport, in the leg's codec, for a mixer to send through. */
  static async create(direct: types.DirectTransport, codec: G711, payloadType: number): Promise<RtpMixer> {
    const writer = new RtpStreamWriter(payloadType);
    const output = await direct.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: `audio/${codec}`, payloadType, clockRate: 8000, channels: 1 }],
        encodings: [{ ssrc: writer.ssrc }],
      },
    });
    return new RtpMixer(direct, output, codec, writer);
  }

  get sourceIds(): string[] {
    return [...this.sources.keys()];
  }

  /** Adds a producer (already in this router) to the mix. G.711 only: nothing is transcoded from opus. */
  async addSource(producerId: string): Promise<void> {
    if (this.sources.has(producerId)) return;
    const consumer = await this.direct.consume({
      producerId,
      rtpCapabilities: {
        codecs: [
          { kind: 'audio', mimeType: 'audio/PCMU', preferredPayloadType: 0, clockRate: 8000, channels: 1 },
          { kind: 'audio', mimeType: 'audio/PCMA', preferredPayloadType: 8, clockRate: 8000, channels: 1 },
        ],
      },
    });
    const codecs = new Map<number, G711>();
    for (const codec of consumer.rtpParameters.codecs) {
      const name = codec.mimeType.split('/')[1]?.toUpperCase();
      if (name === 'PCMU' || name === 'PCMA') codecs.set(codec.payloadType, name);
    }
    const source: Source = { consumer, codecs, frames: [], partial: new Int16Array(0), playing: false };
    consumer.on('rtp', (packet) => {
      const codec = codecs.get(packet[1]! & 0x7f);
      const payload = codec ? rtpPayload(packet) : undefined;
      if (!codec || !payload || payload.length === 0 || payload.length > MAX_PACKET_SAMPLES) return;
      queueSamples(source, decodeG711(codec, payload));
    });
    consumer.observer.once('close', () => this.sources.delete(producerId));
    this.sources.set(producerId, source);
  }

  removeSource(producerId: string): void {
    const source = this.sources.get(producerId);
    if (!source) return;
    this.sources.delete(producerId);
    if (!source.consumer.closed) source.consumer.close();
  }

  tick(nowMs: number): void {
    this.startedAtMs ??= nowMs;
    const due = Math.floor((nowMs - this.startedAtMs) / PACKET_MS) + 1;
    // After a stall, skip the frames that are too late rather than bursting them.
    if (due - this.ticks > MAX_QUEUED_FRAMES) this.ticks = due - MAX_QUEUED_FRAMES;
    while (this.ticks < due) {
      this.ticks += 1;
      this.mixOneFrame();
    }
  }

  close(): void {
    for (const id of [...this.sources.keys()]) this.removeSource(id);
    if (!this.output.closed) this.output.close();
  }

  private mixOneFrame(): void {
    this.mix.fill(0);
    let mixed = 0;
    for (const source of this.sources.values()) {
      if (!source.playing && source.frames.length >= PRIMING_FRAMES) source.playing = true;
      const frame = source.playing ? source.frames.shift() : undefined;
      if (!frame) {
        source.playing = false;
        continue;
      }
      mixed += 1;
      for (let index = 0; index < SAMPLES_PER_PACKET; index += 1) this.mix[index]! += frame[index]!;
    }
    if (mixed === 0 || this.output.closed) return;
    const clipped = new Int16Array(SAMPLES_PER_PACKET);
    for (let index = 0; index < SAMPLES_PER_PACKET; index += 1) {
      clipped[index] = Math.max(-32_768, Math.min(32_767, this.mix[index]!));
    }
    this.output.send(this.writer.packet(encodeG711(this.codec, clipped)));
  }
}

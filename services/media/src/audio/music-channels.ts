// Music on hold as shared channels: one looping producer per worker, music and G.711 law, heard by every held leg
// on that worker (a queue of a thousand callers costs one stream from Node, not a thousand). A channel stops when
// its last listener leaves.
import type { types } from 'mediasoup';
import type { RtpEndpoint } from '../legs/rtp-endpoint.js';
import type { WorkerSlot } from '../workers/worker-pool.js';
import { AudioLoop } from './audio-loop.js';
import type { PacketClock } from './packet-clock.js';
import { SILENCE } from './prompt-playbacks.js';
import type { PromptStore } from './prompt-store.js';
import { RtpStreamWriter } from './rtp-stream-writer.js';

interface Channel {
  producer: types.Producer;
  audio: AudioLoop;
  listeners: Set<string>;
}

/** The music source key in a leg's listening. */
const MUSIC = 'music';

export class MusicChannels {
  private readonly channels = new Map<string, Promise<Channel>>();
  private readonly listening = new Map<string, string>();

  constructor(
    private readonly store: PromptStore,
    private readonly clock: PacketClock,
    private readonly direct: (slot: WorkerSlot) => Promise<types.DirectTransport>,
  ) {}

  /** The leg hears `music` (a prompt reference) instead of its partners. Idempotent per leg and music. */
  async hold(leg: RtpEndpoint, music: string): Promise<void> {
    const key = `${leg.slot.id}|${music}|${leg.spec.codec}`;
    if (this.listening.get(leg.key) === key) return;
    await this.release(leg);
    const channel = await this.channel(key, leg, music);
    channel.listeners.add(leg.key);
    this.listening.set(leg.key, key);
    const consumer = await leg.hear(channel.producer.id);
    await leg.listening.add(MUSIC, 'music', consumer);
  }

  /** The leg stops hearing music (resume, or the leg closed). */
  async release(leg: RtpEndpoint): Promise<void> {
    const key = this.listening.get(leg.key);
    if (!key) return;
    this.listening.delete(leg.key);
    await leg.listening.remove(MUSIC);
    const channel = await this.channels.get(key);
    if (!channel) return;
    channel.listeners.delete(leg.key);
    if (channel.listeners.size === 0) this.stop(key, channel);
  }

  close(): void {
    for (const [key, pending] of this.channels) void pending.then((channel) => this.stop(key, channel));
  }

  private channel(key: string, leg: RtpEndpoint, music: string): Promise<Channel> {
    let channel = this.channels.get(key);
    if (!channel) {
      channel = this.open(leg, music);
      this.channels.set(key, channel);
      channel.catch(() => this.channels.delete(key));
    }
    return channel;
  }

  private async open(leg: RtpEndpoint, music: string): Promise<Channel> {
    const codec = leg.spec.codec;
    const samples = (await this.store.load(music))[codec];
    const writer = new RtpStreamWriter(leg.spec.payloadType);
    const direct = await this.direct(leg.slot);
    const producer = await direct.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: `audio/${codec}`, payloadType: leg.spec.payloadType, clockRate: 8000, channels: 1 }],
        encodings: [{ ssrc: writer.ssrc }],
      },
    });
    const audio = new AudioLoop({
      samples,
      loop: true,
      silence: SILENCE[codec],
      send: (payload) => {
        if (!producer.closed) producer.send(writer.packet(payload));
      },
      onComplete: () => undefined,
    });
    this.clock.add(audio);
    return { producer, audio, listeners: new Set() };
  }

  private stop(key: string, channel: Channel): void {
    this.channels.delete(key);
    this.clock.delete(channel.audio);
    if (!channel.producer.closed) channel.producer.close();
  }
}

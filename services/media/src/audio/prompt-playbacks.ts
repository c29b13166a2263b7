// Prompts played into RTP legs: one playback per leg at a time (a new one replaces it), paced 20 ms packets from a
// DirectTransport producer consumed on the leg's transport. Ends are reported once, with how much was played.
import { PromptEndReason } from '@parley/protos/parley/events/v1/media_events';
import type { types } from 'mediasoup';
import type { RtpEndpoint } from '../legs/rtp-endpoint.js';
import { AudioLoop } from './audio-loop.js';
import type { PacketClock } from './packet-clock.js';
import { SAMPLES_PER_MS, type PromptStore } from './prompt-store.js';
import { RtpStreamWriter } from './rtp-stream-writer.js';

export interface PlaybackEnd {
  playbackId: string;
  leg: RtpEndpoint;
  reason: PromptEndReason;
  playedMs: number;
  digit: string;
}

export interface PlayRequest {
  playbackId: string;
  leg: RtpEndpoint;
  prompts: string[];
  loop: boolean;
  stopOnDtmf: boolean;
}

export const SILENCE = { PCMU: 0xff, PCMA: 0xd5 } as const;

class Playback {
  private ended = false;

  constructor(
    readonly request: PlayRequest,
    readonly durationMs: number,
    readonly producer: types.Producer,
    readonly audio: AudioLoop,
  ) {}

  /** True the first time only. */
  end(): boolean {
    if (this.ended) return false;
    this.ended = true;
    return true;
  }
}

export class PromptPlaybacks {
  private readonly byId = new Map<string, Playback>();
  private readonly byLeg = new Map<string, Playback>();

  constructor(
    private readonly store: PromptStore,
    private readonly clock: PacketClock,
    private readonly direct: (leg: RtpEndpoint) => Promise<types.DirectTransport>,
    private readonly onEnd: (end: PlaybackEnd) => void,
  ) {}

  /** Starts a playback (idempotent by id) and returns the length of one pass. */
  async play(request: PlayRequest): Promise<number> {
    const existing = this.byId.get(request.playbackId);
    if (existing) return existing.durationMs;
    const { leg } = request;
    const codec = leg.spec.codec;
    const parts = await Promise.all(request.prompts.map((reference) => this.store.load(reference)));
    const samples = concat(parts.map((part) => part[codec]));
    const writer = new RtpStreamWriter(leg.spec.payloadType);
    const direct = await this.direct(leg);
    const producer = await direct.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: `audio/${codec}`, payloadType: leg.spec.payloadType, clockRate: 8000, channels: 1 }],
        encodings: [{ ssrc: writer.ssrc }],
      },
    });
    const audio = new AudioLoop({
      samples,
      loop: request.loop,
      silence: SILENCE[codec],
      send: (payload) => {
        if (!producer.closed) producer.send(writer.packet(payload));
      },
      onComplete: () => {
        const playing = this.byId.get(request.playbackId);
        if (playing) this.finish(playing, PromptEndReason.PROMPT_END_REASON_COMPLETED);
      },
    });
    const playback = new Playback(request, Math.round(samples.length / SAMPLES_PER_MS), producer, audio);
    this.stopLeg(leg, PromptEndReason.PROMPT_END_REASON_STOPPED);
    this.byId.set(request.playbackId, playback);
    this.byLeg.set(leg.key, playback);
    try {
      const consumer = await leg.hear(producer.id);
      await leg.listening.add('prompt', 'prompt', consumer);
    } catch (error) {
      this.finish(playback, PromptEndReason.PROMPT_END_REASON_FAILED);
      throw error;
    }
    if (!producer.closed) this.clock.add(audio);
    return playback.durationMs;
  }

  stop(playbackId: string): void {
    const playback = this.byId.get(playbackId);
    if (playback) this.finish(playback, PromptEndReason.PROMPT_END_REASON_STOPPED);
  }

  stopLeg(leg: RtpEndpoint, reason: PromptEndReason): void {
    const playback = this.byLeg.get(leg.key);
    if (playback) this.finish(playback, reason);
  }

  /** A key press on a leg interrupts a playback that asked for it. */
  keyPressed(leg: RtpEndpoint, digit: string): void {
    const playback = this.byLeg.get(leg.key);
    if (playback?.request.stopOnDtmf) this.finish(playback, PromptEndReason.PROMPT_END_REASON_DTMF, digit);
  }

  close(): void {
    for (const playback of [...this.byId.values()]) this.finish(playback, PromptEndReason.PROMPT_END_REASON_STOPPED);
  }

  private finish(playback: Playback, reason: PromptEndReason, digit = ''): void {
    if (!playback.end()) return;
    const { request } = playback;
    this.clock.delete(playback.audio);
    this.byId.delete(request.playbackId);
    if (this.byLeg.get(request.leg.key) === playback) this.byLeg.delete(request.leg.key);
    // Closing the producer closes the leg's consumer of it, which gives the leg back its partners.
    if (!playback.producer.closed) playback.producer.close();
    void request.leg.listening.remove('prompt');
    this.onEnd({ playbackId: request.playbackId, leg: request.leg, reason, playedMs: playback.audio.playedMs, digit });
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

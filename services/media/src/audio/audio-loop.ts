// Cuts a G.711 sample buffer into 20 ms packets paced by the PacketClock, once or looping. Shared by prompt
// playbacks (one per leg) and music channels (one per router and music, heard by every held leg).
import type { PacedStream } from './packet-clock.js';
import { PACKET_MS, SAMPLES_PER_PACKET } from './rtp-stream-writer.js';

/** Most packets sent in one tick after a stall (event loop blocked): beyond that the audio skips ahead. */
const MAX_CATCH_UP_PACKETS = 5;

export interface AudioLoopOptions {
  samples: Uint8Array;
  loop: boolean;
  /** The G.711 silence byte of the law (0xFF µ-law, 0xD5 A-law) pads the last packet. */
  silence: number;
  send: (payload: Uint8Array) => void;
  /** Called once when a non-looping sequence has been sent completely. */
  onComplete: () => void;
}

export class AudioLoop implements PacedStream {
  private startedAtMs: number | undefined;
  private packetsSent = 0;
  private offset = 0;
  private done = false;
  private readonly packetBuffer = new Uint8Array(SAMPLES_PER_PACKET);

  constructor(private readonly options: AudioLoopOptions) {}

  get playedMs(): number {
    return this.packetsSent * PACKET_MS;
  }

  tick(nowMs: number): void {
    if (this.done) return;
    this.startedAtMs ??= nowMs;
    const due = Math.floor((nowMs - this.startedAtMs) / PACKET_MS) + 1 - this.packetsSent;
    if (due > MAX_CATCH_UP_PACKETS) {
      // Skip the packets that could not be sent in time instead of bursting them.
      this.packetsSent += due - MAX_CATCH_UP_PACKETS;
    }
    for (let index = 0; index < Math.min(due, MAX_CATCH_UP_PACKETS) && !this.done; index += 1) this.sendNext();
  }

  private sendNext(): void {
    const { samples, loop, silence } = this.options;
    const take = Math.min(SAMPLES_PER_PACKET, samples.length - this.offset);
    this.packetBuffer.set(samples.subarray(this.offset, this.offset + take));
    this.offset += take;
    if (take < SAMPLES_PER_PACKET) {
      if (loop && samples.length > 0) {
        const rest = SAMPLES_PER_PACKET - take;
        this.packetBuffer.set(samples.subarray(0, rest), take);
        this.offset = rest;
      } else {
        this.packetBuffer.fill(silence, take);
      }
    }
    this.options.send(this.packetBuffer);
    this.packetsSent += 1;
    if (!loop && this.offset >= samples.length) {
      this.done = true;
      this.options.onComplete();
    }
  }
}

// One timer paces every outgoing prompt and music stream. Each stream sends the packets due since it started
// (start time + n × 20 ms), so timer jitter never accumulates into drift; the timer runs only while streams exist.
import { PACKET_MS } from './rtp-stream-writer.js';

export interface PacedStream {
  /** Sends whatever is due at `nowMs` (performance.now() time base). */
  tick(nowMs: number): void;
}

/** Half a packet: a packet leaves at most ~10 ms late, never early. */
const TICK_MS = PACKET_MS / 2;

export class PacketClock {
  private readonly streams = new Set<PacedStream>();
  private timer: NodeJS.Timeout | undefined;

  add(stream: PacedStream): void {
    this.streams.add(stream);
    stream.tick(performance.now());
    this.timer ??= setInterval(() => this.tickAll(), TICK_MS);
  }

  delete(stream: PacedStream): void {
    this.streams.delete(stream);
    if (this.streams.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  close(): void {
    this.streams.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tickAll(): void {
    const now = performance.now();
    for (const stream of this.streams) stream.tick(now);
  }
}

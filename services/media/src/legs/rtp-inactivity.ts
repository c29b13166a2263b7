// Finds RTP endpoints whose caller went silent for good (no packet for `timeoutMs`, not on hold) so dead calls are
// cleared even when no BYE ever comes. Polls the producers' packet counters; a leg is "heard" when its count moves.
import type { RtpEndpoint } from './rtp-endpoint.js';

interface Seen {
  packets: number;
  changedAt: number;
}

export class RtpInactivity {
  private readonly seen = new Map<RtpEndpoint, Seen>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly endpoints: () => Iterable<RtpEndpoint>,
    private readonly timeoutMs: number,
    private readonly onTimeout: (endpoint: RtpEndpoint) => void,
  ) {}

  start(): void {
    if (this.timeoutMs <= 0) return;
    // Checked four times per timeout (at most every 5 s): a dead call is cleared within 1.25 × the timeout.
    const every = Math.min(5_000, Math.max(100, Math.floor(this.timeoutMs / 4)));
    this.timer = setInterval(() => void this.check(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.seen.clear();
  }

  private async check(): Promise<void> {
    if (this.checking) return; // a slow round (thousands of legs) is not stacked
    this.checking = true;
    try {
      const now = Date.now();
      const live = new Set<RtpEndpoint>();
      for (const endpoint of this.endpoints()) {
        if (endpoint.closed) continue;
        live.add(endpoint);
        const { packetsReceived } = await endpoint.packetCounts().catch(() => ({ packetsReceived: -1 }));
        const held = endpoint.listening.isHeld;
        let seen = this.seen.get(endpoint);
        if (!seen) {
          // First look: a leg that never received anything has been silent since it was created.
          seen = { packets: packetsReceived, changedAt: packetsReceived > 0 ? now : endpoint.createdAt.getTime() };
          this.seen.set(endpoint, seen);
        } else if (packetsReceived !== seen.packets || held) {
          // Audio arrived, or the leg is on hold (a held caller may rightly send nothing).
          seen.packets = packetsReceived;
          seen.changedAt = now;
        }
        if (!held && now - seen.changedAt >= this.timeoutMs) {
          this.seen.delete(endpoint);
          this.onTimeout(endpoint);
        }
      }
      for (const endpoint of this.seen.keys()) if (!live.has(endpoint)) this.seen.delete(endpoint);
    } finally {
      this.checking = false;
    }
  }
}

// Requests per key (a client address, a signed-in user): a token bucket each, a minute's allowance at most at once,
// refilled evenly. Buckets idle for two minutes are forgotten. (@fastify/rate-limit runs one limiter per request,
// so it cannot give both an address limit for everyone and a user limit after authentication.)
import { TokenBucket } from './token-bucket.js';

export class KeyedRates {
  private readonly buckets = new Map<string, { bucket: TokenBucket; lastUsed: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly perMinute: number) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** Takes one request from the key's allowance; false when it is spent. */
  allow(key: string, now = Date.now()): boolean {
    let entry = this.buckets.get(key);
    if (!entry) {
      entry = { bucket: new TokenBucket(this.perMinute, 60_000 / this.perMinute), lastUsed: now };
      this.buckets.set(key, entry);
    }
    entry.lastUsed = now;
    return entry.bucket.take(now);
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(now = Date.now()): void {
    for (const [key, entry] of this.buckets) if (now - entry.lastUsed > 120_000) this.buckets.delete(key);
  }
}

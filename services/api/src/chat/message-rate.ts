// A token bucket: `burst` messages at once, then one every `intervalMs`. Keeps one chatty party from flooding the
// other side (and the event stream) without slowing a normal conversation.
export class MessageRate {
  private tokens: number;
  private last = Date.now();

  constructor(
    private readonly burst: number,
    private readonly intervalMs: number,
  ) {
    this.tokens = burst;
  }

  /** Takes a token if one is left. */
  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) / this.intervalMs);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

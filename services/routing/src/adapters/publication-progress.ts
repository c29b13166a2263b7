// Events leave in log order, but their stream acks are awaited in parallel (waiting for each operation's acks
// before sending the next one's would cap the owner at one round trip per operation). This tracks the contiguous
// prefix of operations whose events are all stored: what each append records as published, and what a snapshot
// must wait for.
export class PublicationProgress {
  private through: number;
  /** Sequences whose events were sent, in log order, not yet part of the stored prefix. */
  private readonly inFlight: number[] = [];
  private readonly stored = new Set<number>();
  private waiters: { sequence: number; resolve: () => void }[] = [];

  constructor(publishedThrough = 0) {
    this.through = publishedThrough;
  }

  /** Every operation up to this sequence has its events stored. */
  get publishedThrough(): number {
    return this.through;
  }

  /** Call in log order, as each operation's events are handed to the connection. */
  sent(sequence: number): void {
    this.inFlight.push(sequence);
  }

  markStored(sequence: number): void {
    this.stored.add(sequence);
    while (this.inFlight.length > 0 && this.stored.has(this.inFlight[0] as number)) {
      const next = this.inFlight.shift() as number;
      this.stored.delete(next);
      this.through = next;
    }
    const ready = this.waiters.filter((waiter) => waiter.sequence <= this.through);
    this.waiters = this.waiters.filter((waiter) => waiter.sequence > this.through);
    for (const waiter of ready) waiter.resolve();
  }

  /** Resolves once everything up to `sequence` is stored (never, if an earlier publication failed). */
  whenThrough(sequence: number): Promise<void> {
    if (sequence <= this.through) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ sequence, resolve }));
  }
}

// Which prefix of the stream is committed when batches commit out of order (two workers): batches are registered
// in stream order as they are taken, marked done as they commit, and the committed sequence advances only over a
// run of done batches from the front — so a checkpoint never passes an event that is not committed.

export interface PendingBatch {
  /** Stream sequence of the batch's last message. */
  readonly last: number;
  done: boolean;
}

export class CommitTracker {
  private readonly pending: PendingBatch[] = [];

  constructor(private committedSeq: number) {}

  /** Every event up to this stream sequence is committed (or parked). */
  get committed(): number {
    return this.committedSeq;
  }

  begin(last: number): PendingBatch {
    const batch = { last, done: false };
    this.pending.push(batch);
    return batch;
  }

  finish(batch: PendingBatch): void {
    batch.done = true;
    while (this.pending[0]?.done) this.committedSeq = Math.max(this.committedSeq, this.pending.shift()?.last ?? 0);
  }
}

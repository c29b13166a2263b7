// Everything the engine must do at a given time (widening steps, sticky windows, max wait, offer timeouts, wrap-up
// ends), in time order. Timers are never cancelled: each checks on firing whether it still applies, which keeps
// every other operation free of timer bookkeeping.
import { BTree } from './btree.js';

export type TimerKind = 'step' | 'sticky' | 'max_wait' | 'offer' | 'wrap_up' | 'declined' | 'decision';

export interface Timer {
  kind: TimerKind;
  /** The interaction (or offer, for 'offer') the timer is about. */
  id: string;
  /** What must still hold for the timer to apply (e.g. the step it was set for, the offer id). */
  token: string | number;
}

interface TimerKey {
  at: number;
  seq: number;
}

export class TimerQueue {
  private readonly tree = new BTree<TimerKey, Timer>(undefined, (a, b) => a.at - b.at || a.seq - b.seq);
  private seq = 0;

  get size(): number {
    return this.tree.size;
  }

  schedule(at: number, timer: Timer): void {
    this.tree.set({ at, seq: this.seq++ }, timer);
  }

  /** Removes and returns the earliest timer due at or before `now`, with its due time. */
  popDue(now: number): { at: number; timer: Timer } | undefined {
    const key = this.tree.minKey();
    if (!key || key.at > now) return undefined;
    const timer = this.tree.get(key) as Timer;
    this.tree.delete(key);
    return { at: key.at, timer };
  }

  nextDue(): number | undefined {
    return this.tree.minKey()?.at;
  }

  /** Every pending timer with its due time and tie-break order, plus the next order number (for snapshots). */
  exportState(): { entries: { at: number; seq: number; timer: Timer }[]; nextSeq: number } {
    const entries: { at: number; seq: number; timer: Timer }[] = [];
    this.tree.forEachPair((key, timer) => void entries.push({ at: key.at, seq: key.seq, timer }));
    return { entries, nextSeq: this.seq };
  }

  static fromState(state: { entries: readonly { at: number; seq: number; timer: Timer }[]; nextSeq: number }) {
    const queue = new TimerQueue();
    for (const { at, seq, timer } of state.entries) queue.tree.set({ at, seq }, { ...timer });
    queue.seq = state.nextSeq;
    return queue;
  }
}

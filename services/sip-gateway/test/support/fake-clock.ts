// A clock for the transaction layer's timers that moves only when told to: timer tests run in microseconds and
// check exact RFC 3261 schedules.
import type { TimerScheduler } from '../../src/sip/transaction/timers.js';

export class FakeClock implements TimerScheduler {
  now = 0;
  private queue: { at: number; callback: () => void; id: number }[] = [];
  private next = 0;

  set(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.queue.push({ at: this.now + ms, callback, id });
    return id;
  }

  clear(handle: unknown): void {
    this.queue = this.queue.filter((timer) => timer.id !== handle);
  }

  /** Runs every timer due within `ms`, in time order (ties in the order they were set). */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at || a.id - b.id);
      const due = this.queue[0];
      if (!due || due.at > until) break;
      this.queue.shift();
      this.now = due.at;
      due.callback();
    }
    this.now = until;
  }
}

// Drives the engine's timers (offer timeouts, widening steps, max wait, wrap-up ends) from the wall clock: one
// timer for the earliest due time, re-armed after every change.
import type { RoutingEngine } from '../domain/engine.js';

export class EngineClock {
  private timer: NodeJS.Timeout | undefined;
  private armedFor: number | undefined;
  private stopped = false;

  constructor(
    private readonly engine: RoutingEngine,
    /** Runs the engine's due timers at `now` (directly, or as a logged operation when replicated). */
    private readonly advance: (now: number) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Call after every operation: moves the wake-up earlier if the engine now has an earlier timer. */
  rearm(): void {
    if (this.stopped) return;
    const next = this.engine.nextTimerAt();
    if (next === undefined || (this.armedFor !== undefined && this.armedFor <= next)) return;
    clearTimeout(this.timer);
    this.armedFor = next;
    // Node timers hold at most ~24.8 days; a far timer is simply re-armed when it fires early.
    this.timer = setTimeout(() => void this.fire(), Math.min(Math.max(0, next - this.now()), 2 ** 31 - 1));
  }

  private async fire(): Promise<void> {
    this.armedFor = undefined;
    await this.advance(this.now()).catch(() => undefined); // failures are logged where they happen
    this.rearm();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}

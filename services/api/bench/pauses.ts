// What stalls a process's event loop during a phase of the agent-socket bench: the loop's delay (how late a timer
// fires, so how long any socket's data may wait) and the garbage collector's pauses. Used by the API process and by
// the bench itself, to tell the API's delay from the one of the tabs that measure it.
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { round } from './stats.js';

export interface Pauses {
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
}

// The histogram records the whole interval between the monitor's timer ticks: its resolution is subtracted.
const resolutionMs = 2;

export class PauseMonitor {
  private readonly loop = monitorEventLoopDelay({ resolution: resolutionMs });
  private gc = { count: 0, totalMs: 0, maxMs: 0 };
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      this.gc.count += 1;
      this.gc.totalMs += entry.duration;
      this.gc.maxMs = Math.max(this.gc.maxMs, entry.duration);
    }
  });

  constructor() {
    this.loop.enable();
    this.observer.observe({ entryTypes: ['gc'] });
  }

  reset(): void {
    this.loop.reset();
    this.gc = { count: 0, totalMs: 0, maxMs: 0 };
  }

  read(): Pauses {
    return {
      loopP50Ms: late(this.loop.percentile(50)),
      loopP99Ms: late(this.loop.percentile(99)),
      loopMaxMs: late(this.loop.max),
      gcCount: this.gc.count,
      gcTotalMs: round(this.gc.totalMs),
      gcMaxMs: round(this.gc.maxMs),
    };
  }

  close(): void {
    this.loop.disable();
    this.observer.disconnect();
  }
}

const late = (intervalNs: number) => round(Math.max(0, intervalNs / 1e6 - resolutionMs));

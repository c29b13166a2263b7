// The mediasoup workers of this instance: one process each (one per core by default), one router per worker.
// New legs go to the least-loaded live worker. A worker that dies is reported (its legs are gone), skipped by
// placement, and replaced after a delay.
import os from 'node:os';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { MediaErrorCode, unavailable } from '../errors.js';
import { routerMediaCodecs } from './router-codecs.js';

export interface WorkerSlot {
  /** "host:pid", stable for the life of the process. */
  readonly id: string;
  readonly index: number;
  readonly worker: types.Worker;
  readonly router: types.Router;
  readonly startedAt: Date;
  /** Legs placed on it and still open; the placement weight. */
  legs: number;
  alive: boolean;
}

export interface WorkerPoolOptions {
  workers: number;
  rtpMinPort: number;
  rtpMaxPort: number;
  respawnDelayMs: number;
  logLevel?: types.WorkerLogLevel;
  /** Called once per death, before the replacement starts. */
  onWorkerDied: (slot: WorkerSlot, error: Error) => void;
}

export class WorkerPool {
  private readonly slots: (WorkerSlot | undefined)[];
  private closed = false;
  private readonly respawnTimers = new Set<NodeJS.Timeout>();

  private constructor(private readonly options: WorkerPoolOptions) {
    this.slots = Array.from({ length: options.workers });
  }

  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    try {
      await Promise.all(pool.slots.map((_, index) => pool.startSlot(index)));
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  /** Every worker slot, dead ones included until replaced. */
  all(): WorkerSlot[] {
    return this.slots.filter((slot): slot is WorkerSlot => slot !== undefined);
  }

  /** The live worker with the fewest open legs. */
  leastLoaded(): WorkerSlot {
    let best: WorkerSlot | undefined;
    for (const slot of this.slots) {
      if (slot?.alive && (best === undefined || slot.legs < best.legs)) best = slot;
    }
    if (!best) throw unavailable(MediaErrorCode.NO_WORKER, 'no mediasoup worker is alive');
    return best;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.respawnTimers) clearTimeout(timer);
    for (const slot of this.slots) if (slot && !slot.worker.closed) slot.worker.close();
  }

  /** The port range split evenly, so workers never race for the same port. */
  private portRange(index: number): { rtcMinPort: number; rtcMaxPort: number } {
    const { rtpMinPort, rtpMaxPort, workers } = this.options;
    const width = Math.floor((rtpMaxPort - rtpMinPort + 1) / workers);
    const rtcMinPort = rtpMinPort + index * width;
    return { rtcMinPort, rtcMaxPort: index === workers - 1 ? rtpMaxPort : rtcMinPort + width - 1 };
  }

  private async startSlot(index: number): Promise<void> {
    const worker = await mediasoup.createWorker({
      logLevel: this.options.logLevel ?? 'error',
      ...this.portRange(index),
    });
    const router = await worker.createRouter({ mediaCodecs: routerMediaCodecs });
    const slot: WorkerSlot = {
      id: `${os.hostname()}:${worker.pid}`,
      index,
      worker,
      router,
      startedAt: new Date(),
      legs: 0,
      alive: true,
    };
    this.slots[index] = slot;
    worker.on('died', (error) => this.onDied(slot, error));
  }

  private onDied(slot: WorkerSlot, error: Error): void {
    slot.alive = false;
    this.options.onWorkerDied(slot, error);
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.respawnTimers.delete(timer);
      if (this.closed) return;
      this.startSlot(slot.index).catch((startError: unknown) => {
        // Leave the slot dead; the next death of another worker or a restart of the service retries.
        this.options.onWorkerDied(slot, startError instanceof Error ? startError : new Error(String(startError)));
      });
    }, this.options.respawnDelayMs);
    this.respawnTimers.add(timer);
  }
}

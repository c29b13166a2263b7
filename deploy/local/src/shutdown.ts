// Ctrl-C / SIGTERM handling. Things are stopped in the reverse of the order they started (services, then
// PostgreSQL, then NATS), so services can still flush to the database and the bus while they stop.
// A second Ctrl-C kills whatever is left at once.
import type { Output } from './output.js';

export interface Stoppable {
  readonly name: string;
  /** Graceful; bounded by its own timeout. */
  stop(): Promise<void>;
  /** Immediate (SIGKILL), for the forced path. */
  kill(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const FORCED_EXIT_CODE = 130;
// One Ctrl-C reaches the runner several times: from the terminal (the whole foreground group), and again as
// pnpm and tsx relay it to their children. Repeats this close together are the same key press.
const REPEAT_WINDOW_MS = 1_000;

export class Shutdown {
  private readonly stack: Stoppable[] = [];
  private readonly controller = new AbortController();
  private exitCode = 0;
  private running: Promise<number> | undefined;
  private firstSignalAt = 0;

  constructor(private readonly output: Output) {}

  /** Aborted once a stop was asked for; start-up checks it between steps. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Resolves when a stop is asked for (signal, or a server dying). */
  get requested(): Promise<void> {
    const { signal } = this.controller;
    return signal.aborted
      ? Promise.resolve()
      : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  installSignalHandlers(): void {
    for (const name of SIGNALS) {
      process.on(name, () => {
        if (!this.signal.aborted) {
          this.firstSignalAt = Date.now();
          this.request(`${name} received`, 0);
          return;
        }
        if (Date.now() - this.firstSignalAt < REPEAT_WINDOW_MS) return;
        this.output.error(`${name} again: killing everything now`);
        for (const item of this.stack) item.kill();
        process.exit(FORCED_EXIT_CODE);
      });
    }
  }

  /** Things to stop, in start order. */
  register(item: Stoppable): void {
    this.stack.push(item);
  }

  /** Asks for a stop; the first reason (and its exit code) wins. */
  request(reason: string, exitCode: number): void {
    if (this.signal.aborted) return;
    this.exitCode = exitCode;
    this.output.info(`stopping: ${reason} (Ctrl-C again to force)`);
    this.controller.abort();
  }

  /** Stops everything registered, newest first; returns the exit code to use. Idempotent. */
  run(): Promise<number> {
    this.running ??= this.stopAll();
    return this.running;
  }

  private async stopAll(): Promise<number> {
    for (const item of [...this.stack].reverse()) {
      try {
        await item.stop();
      } catch (error) {
        this.output.error(`stopping ${item.name} failed: ${String(error)}`);
        item.kill();
        this.exitCode ||= 1;
      }
    }
    this.output.info('stopped');
    return this.exitCode;
  }
}

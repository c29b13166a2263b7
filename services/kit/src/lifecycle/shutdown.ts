// Ordered, idempotent shutdown: resources close in reverse order of registration, each bounded in time.
import type { Logger } from 'pino';

export type Closer = () => Promise<void> | void;

export class ShutdownStack {
  private readonly closers: { name: string; close: Closer }[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  /** Registers something to close; later registrations close first (a server before the connection it uses). */
  add(name: string, close: Closer): void {
    this.closers.push({ name, close });
  }

  close(timeoutMs: number): Promise<void> {
    this.running ??= this.closeAll(timeoutMs);
    return this.running;
  }

  private async closeAll(timeoutMs: number): Promise<void> {
    for (const { name, close } of [...this.closers].reverse()) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(close),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        this.logger.debug({ resource: name }, 'closed');
      } catch (error) {
        this.logger.error({ err: error, resource: name }, 'failed to close cleanly');
      } finally {
        clearTimeout(timer);
      }
    }
  }
}

/** Calls `onSignal` once on SIGTERM/SIGINT; a second signal exits at once. */
export function onTerminationSignal(onSignal: (signal: NodeJS.Signals) => Promise<void>, logger: Logger): void {
  let received = false;
  const handle = (signal: NodeJS.Signals) => {
    if (received) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    received = true;
    logger.info({ signal }, 'shutting down');
    void onSignal(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}

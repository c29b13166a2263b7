// What starting nats-server or the embedded PostgreSQL hands back to main: where it is and how to stop it.
import type { ExitStatus } from './child-process-group.js';

export interface LocalServer {
  /** The URL services are given (NATS_URL / DATABASE_URL). */
  readonly url: string;
  /** Resolves when the server exits, expectedly or not. */
  readonly closed: Promise<ExitStatus>;
  /** The last lines it printed, for reporting an unexpected exit. */
  outputTail(): readonly string[];
  /** Graceful stop, escalating to SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL now (second Ctrl-C). */
  kill(): void;
}

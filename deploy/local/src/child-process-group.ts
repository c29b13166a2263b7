// A child process in a process group of its own, with its output split into lines and a stop that escalates.
//
// Why a group of its own: Ctrl-C in a terminal signals the whole foreground group. If the children were in it,
// PostgreSQL and NATS would go down at the same instant as the services still draining into them; the shutdown
// order (services, then PostgreSQL, then NATS) is only ours to choose if the terminal cannot reach them. Signals
// go to the whole group, so `pnpm run start` → sh → node are stopped together.
// The price: if the runner is SIGKILLed, its children live on. Every other exit path kills them (see below).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface GroupSpawnOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Run as this user (the runner as root starts PostgreSQL as `postgres`). */
  readonly uid?: number;
  readonly gid?: number;
  readonly onLine: (line: string, stream: 'stdout' | 'stderr') => void;
}

// Children still alive, killed if the runner exits without stopping them (an uncaught error, process.exit).
const live = new Set<ChildProcessGroup>();
process.on('exit', () => {
  for (const group of live) group.kill();
});

export class ChildProcessGroup {
  /** Resolves when the process has exited and its output is drained. */
  readonly closed: Promise<ExitStatus>;
  private status: ExitStatus | undefined;
  private done = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly pid: number,
  ) {
    live.add(this);
    this.closed = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.status = { code, signal };
      });
      child.once('close', (code, signal) => {
        live.delete(this);
        this.done = true;
        this.status ??= { code, signal };
        resolve(this.status);
      });
    });
  }

  /** Spawns, resolving once the process is running; rejects with the spawn error (ENOENT, EACCES, EPERM). */
  static spawn(options: GroupSpawnOptions): Promise<ChildProcessGroup> {
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      uid: options.uid,
      gid: options.gid,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = createInterface({ input: child[stream], crlfDelay: Infinity });
      lines.on('line', (line) => options.onLine(line, stream));
    }
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => {
        child.off('error', reject);
        // After a successful spawn, errors are failed kill() calls; the group signal below handles those.
        child.on('error', () => undefined);
        resolve(new ChildProcessGroup(child, child.pid ?? -1));
      });
    });
  }

  /** How it ended, once it has. */
  get exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  /** Signals every process in the group; a group that is already gone is not an error. */
  signal(signal: NodeJS.Signals): void {
    // Once closed, the group id may already belong to someone else.
    if (this.done) return;
    try {
      process.kill(-this.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  /**
   * Sends `signal`, waits up to `graceMs`, then SIGKILLs the group. Idempotent. `forced` says whether the
   * SIGKILL was needed.
   */
  async stop(signal: NodeJS.Signals, graceMs: number): Promise<{ status: ExitStatus | undefined; forced: boolean }> {
    if (this.status !== undefined) {
      // The leader is gone, but anything it left in the group still holds our pipes.
      this.signal('SIGKILL');
      return { status: await this.waitClosed(1_000), forced: false };
    }
    this.signal(signal);
    const graceful = await this.waitClosed(graceMs);
    if (graceful !== undefined) return { status: graceful, forced: false };
    this.signal('SIGKILL');
    // A grandchild that left the group could keep the pipes open for ever; do not wait on it.
    return { status: (await this.waitClosed(2_000)) ?? this.status, forced: true };
  }

  /** The forced path: SIGKILL now, synchronously (second Ctrl-C, process exit). */
  kill(): void {
    this.signal('SIGKILL');
  }

  private async waitClosed(ms: number): Promise<ExitStatus | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

export function describeExit(status: ExitStatus | undefined): string {
  if (status === undefined) return 'did not exit';
  if (status.signal !== null) return `was killed by ${status.signal}`;
  return `exited with code ${status.code ?? 'unknown'}`;
}

/** Keeps the last lines a child printed, for error messages. */
export class OutputTail {
  private readonly lines: string[] = [];

  constructor(private readonly max = 20) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }

  get(): readonly string[] {
    return [...this.lines];
  }
}

// A process of the agent-socket bench (the API, the routing stand-in that publishes offers): started under tsx,
// asked questions over IPC with a time limit, its CPU time and RSS read from /proc, and stopped (SIGTERM, then
// SIGKILL). Each child stops by itself when the bench goes away (it exits on the IPC channel's "disconnect").
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export class BenchChild<Request, Reply extends { type: string }> {
  private stopping: Promise<void> | undefined;

  private constructor(private readonly child: ChildProcess) {}

  /**
   * Starts `file` (in bench/) and resolves when it sends `readyType`; `nodeFlags` go before the loader (the API
   * process gets --expose-gc). Rejects, with the child killed, if it exits or is silent for `timeoutMs`.
   */
  static async start<Request, Reply extends { type: string }, Ready extends Reply['type']>(options: {
    file: string;
    args: string[];
    environment: Record<string, string>;
    readyType: Ready;
    nodeFlags?: string[];
    timeoutMs?: number;
  }): Promise<{ child: BenchChild<Request, Reply>; ready: Extract<Reply, { type: Ready }> }> {
    const spawned = spawn(
      process.execPath,
      [
        ...(options.nodeFlags ?? []),
        '--conditions=parley-source',
        '--import',
        import.meta.resolve('tsx'),
        path.join(here, options.file),
        ...options.args,
      ],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...options.environment } },
    );
    const child = new BenchChild<Request, Reply>(spawned);
    try {
      const ready = await Promise.race([
        child.reply(options.readyType, options.timeoutMs ?? 60_000),
        once(spawned, 'exit').then(([code]) => {
          throw new Error(`${options.file} exited with ${String(code)} before it was ready`);
        }),
      ]);
      return { child, ready };
    } catch (error) {
      child.kill();
      throw error;
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  ask<Type extends Reply['type']>(
    request: Request,
    type: Type,
    timeoutMs = 60_000,
  ): Promise<Extract<Reply, { type: Type }>> {
    const answer = this.reply(type, timeoutMs);
    this.child.send(request as object);
    return answer;
  }

  /** Resident set size now, from the kernel (VmRSS), in bytes. */
  rssBytes(): number {
    const line = readFileSync(`/proc/${this.pid}/status`, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('VmRSS:'));
    return Number(/(\d+)/.exec(line ?? '')?.[1] ?? Number.NaN) * 1024;
  }

  /** CPU time (user + kernel) used so far, ms; /proc counts clock ticks of 10 ms. */
  cpuMs(): number {
    const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }

  /** Idempotent: SIGTERM (the service's graceful stop), SIGKILL if it is still there after `graceMs`. */
  stop(graceMs = 5_000): Promise<void> {
    this.stopping ??= (async () => {
      if (this.exited) return;
      const exited = once(this.child, 'exit');
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    })();
    return this.stopping;
  }

  /** For a signal handler that cannot wait. */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  private get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  private reply<Type extends Reply['type']>(type: Type, timeoutMs: number): Promise<Extract<Reply, { type: Type }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.off('message', listener);
        reject(new Error(`the child process did not answer "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      // The IPC channel keeps this process alive while the child runs; a dead child must not hold it for the timeout.
      timer.unref();
      const listener = (message: Reply) => {
        if (message.type !== type) return;
        clearTimeout(timer);
        this.child.off('message', listener);
        resolve(message as Extract<Reply, { type: Type }>);
      };
      this.child.on('message', listener);
    });
  }
}

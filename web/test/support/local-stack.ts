// The whole local stack as a newcomer starts it: `pnpm start` at the repository root (the web client built, NATS
// and PostgreSQL started by the runner, every service, the demo data), in a data folder of its own. Resolves once
// the runner says the demo is ready; stop() is Ctrl-C (SIGINT), as a person would stop it.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface LocalStack {
  /** The web client and API, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Everything the runner printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /** The line that says the stack is ready to use. */
  readyLine: RegExp;
  timeoutMs: number;
  env?: Record<string, string>;
}

/** The ports the stack's defaults take on loopback (API, OpenID provider, SIP): someone else's stack must not hold them. */
const FIXED_PORTS = [8080, 8081];

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  for (const port of FIXED_PORTS)
    if (!(await portFree(port)))
      throw new Error(`port ${port} is taken: is another Parley stack (pnpm start) running?`);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-e2e-'));
  // The embedded PostgreSQL runs as the user postgres when we are root: it must be able to enter the folder.
  await chmod(dataDir, 0o755);
  const lines: string[] = [];
  // The runner's own NATS and PostgreSQL on free ports (the machine's 4222/5432 are other tests' business).
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NO_COLOR: '1',
    PARLEY_DATA_DIR: dataDir,
    PARLEY_LOCAL_NATS_PORT: String(await freePort()),
    PARLEY_LOCAL_PG_PORT: String(await freePort()),
    ...options.env,
  };
  // Vitest sets NODE_ENV=test, which would make Vite build React's development bundle and the services think
  // they are under test: a newcomer's shell has neither.
  delete env['NODE_ENV'];
  delete env['VITEST'];
  delete env['NATS_URL'];
  delete env['DATABASE_URL'];
  const pnpm = process.env['npm_execpath'];
  const command = pnpm && /pnpm/.test(pnpm) ? (/\.[cm]?js$/.test(pnpm) ? process.execPath : pnpm) : 'pnpm';
  const args = pnpm && /pnpm/.test(pnpm) && /\.[cm]?js$/.test(pnpm) ? [pnpm, 'start'] : ['start'];
  const child: ChildProcess = spawn(command, args, {
    cwd: REPO_ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const take = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        lines.push(line);
        if (options.readyLine.test(line)) resolve();
      }
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    void exited.then((code) => reject(new Error(`pnpm start exited (${code}):\n${lines.slice(-40).join('\n')}`)));
  });
  const stop = async () => {
    const group = child.pid;
    if (group !== undefined && groupAlive(group)) {
      // Ctrl-C reaches the whole foreground group: pnpm, the runner and what it started in that group.
      process.kill(-group, 'SIGINT');
      const deadline = Date.now() + 30_000;
      while (groupAlive(group) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      if (groupAlive(group)) process.kill(-group, 'SIGKILL');
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      ready,
      new Promise((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`the stack was not ready in ${options.timeoutMs} ms:\n${lines.slice(-40).join('\n')}`)),
          options.timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const url = 'http://127.0.0.1:8080';
  // The ready line comes from the runner; the API may still be binding its port.
  for (let waited = 0; ; waited += 250) {
    const answer = await fetch(`${url}/api/v1/client-config`).catch(() => undefined);
    if (answer?.ok) break;
    if (waited > 30_000) {
      await stop();
      throw new Error(`the API did not answer at ${url}:\n${lines.slice(-40).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, output: () => lines.join('\n'), stop };
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

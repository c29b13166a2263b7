// Starts the runner the way a developer would (node + tsx, no build step) and watches its output.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURE_SERVICES_DIR = path.join(PACKAGE_DIR, 'test', 'fixtures', 'services');

export interface RunnerUnderTest {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the first output line matching, rejects after `timeoutMs` (with the output so far). */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Resolves with the exit, or rejects after `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** For afterEach: SIGTERM, then SIGKILL if it lingers. */
  dispose(): Promise<void>;
}

/** Variables the runner reads, cleared so the machine's own settings cannot leak into a test. */
const RUNNER_VARS = [
  'NATS_URL',
  'DATABASE_URL',
  'PARLEY_DATA_DIR',
  'PARLEY_LOCAL_NATS_PORT',
  'PARLEY_LOCAL_PG_PORT',
  'PARLEY_SERVICES_DIR',
  'PARLEY_SITE',
  'PARLEY_DEMO_DATA',
  'SIP_ROUTING_RPC_DOMAIN',
  'SIP_RPC_DOMAIN',
  'SIP_HOST',
  'SIP_PORT',
  'API_HOST',
  'API_PORT',
  'FORCE_COLOR',
  'INIT_CWD',
];

export function spawnRunner(env: Record<string, string>): RunnerUnderTest {
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // npm_* too: under `pnpm test` the runner would otherwise start services through pnpm; the tests pin the
    // plain sh path so they behave the same however they are launched.
    if (value !== undefined && !RUNNER_VARS.includes(key) && !key.startsWith('npm_')) childEnv[key] = value;
  }
  // As package.json's start script: workspace packages (@parley/kit) load from their TypeScript sources.
  const child = spawn(process.execPath, ['--conditions=parley-source', '--import', 'tsx', 'src/main.ts'], {
    cwd: PACKAGE_DIR,
    env: { ...childEnv, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });

  const withTimeout = <T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output so far:\n${text}`)),
        timeoutMs,
      );
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });

  return {
    child,
    output: () => text,
    waitForLine(pattern, timeoutMs) {
      const found = new Promise<string>((resolve, reject) => {
        const check = (): void => {
          const line = text.split('\n').find((candidate) => pattern.test(candidate));
          if (line !== undefined) {
            listeners.delete(check);
            resolve(line);
          }
        };
        listeners.add(check);
        check();
        void exited.then(() => {
          check();
          reject(new Error(`runner exited before printing ${String(pattern)}; output:\n${text}`));
        });
      });
      return withTimeout(found, timeoutMs, String(pattern));
    },
    waitForExit(timeoutMs) {
      return withTimeout(exited, timeoutMs, 'the runner to exit');
    },
    async dispose() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A port nothing listens on right now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A temp folder the embedded PostgreSQL can use. mkdtemp makes it 0700; as root the cluster runs as `postgres`,
 * which must be able to enter it.
 */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}

/** What the first line of a NATS connection says (the server's INFO), or undefined if nothing answers. */
export function natsGreeting(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = '';
    const done = (value: string | undefined): void => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(2_000, () => done(undefined));
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      if (received.includes('\r\n')) done(received.split('\r\n')[0]);
    });
    socket.once('error', () => done(undefined));
  });
}

// Starts a local nats-server with JetStream when NATS_URL is not set: 127.0.0.1 only, data under <data>/nats.
import { access, constants, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ChildProcessGroup, describeExit, OutputTail } from './child-process-group.js';
import { LocalRunnerError, withOutputTail } from './errors.js';
import type { LocalServer } from './local-server.js';
import { assertPortFree, LOCALHOST, waitForPort } from './ports.js';

export interface NatsServerOptions {
  readonly port: number;
  /** The runner's data folder; JetStream keeps its store in `<dataDir>/nats`. */
  readonly dataDir: string;
  /** PATH entries to look in. */
  readonly searchPath: readonly string[];
  /** Receives the server's warnings and errors once it is up (start-up chatter only goes into error reports). */
  readonly onLine: (line: string) => void;
}

// Debian installs nats-server in /usr/sbin, which is not on an ordinary user's PATH.
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/bin'];
const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 10_000;
const NOTEWORTHY = /\[(WRN|ERR|FTL)\]/;

export async function findNatsServer(
  searchPath: readonly string[],
  extraDirs: readonly string[] = EXTRA_DIRS,
): Promise<string> {
  for (const dir of [...searchPath, ...extraDirs]) {
    const candidate = path.join(dir, 'nats-server');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  throw new LocalRunnerError(
    'PARLEY_LOCAL_NATS_NOT_FOUND',
    'nats-server not found: install Debian package nats-server (apt-get install -y nats-server) or set NATS_URL',
  );
}

export async function startNatsServer(options: NatsServerOptions): Promise<LocalServer> {
  const binary = await findNatsServer(options.searchPath);
  await assertPortFree(options.port, 'nats-server', 'PARLEY_LOCAL_NATS_PORT');
  const storeDir = path.join(options.dataDir, 'nats');
  await mkdir(storeDir, { recursive: true });

  const tail = new OutputTail();
  let ready = false;
  const group = await ChildProcessGroup.spawn({
    command: binary,
    args: ['-a', LOCALHOST, '-p', String(options.port), '-js', '-sd', storeDir],
    onLine: (line) => {
      tail.push(line);
      if (ready && NOTEWORTHY.test(line)) options.onLine(line);
    },
  });

  if (!(await waitForPort(options.port, START_TIMEOUT_MS, () => group.exitStatus !== undefined))) {
    const { status } = await group.stop('SIGTERM', 1_000);
    throw new LocalRunnerError(
      'PARLEY_LOCAL_NATS_START_FAILED',
      withOutputTail(
        `nats-server on ${LOCALHOST}:${options.port} did not come up within ${START_TIMEOUT_MS / 1000} s ` +
          `(it ${describeExit(status)})`,
        tail.get(),
      ),
    );
  }
  ready = true;

  return {
    url: `nats://${LOCALHOST}:${options.port}`,
    closed: group.closed,
    outputTail: () => tail.get(),
    // nats-server treats SIGTERM as "shut down now", closing client connections and flushing JetStream.
    stop: async () => {
      await group.stop('SIGTERM', STOP_GRACE_MS);
    },
    kill: () => group.kill(),
  };
}

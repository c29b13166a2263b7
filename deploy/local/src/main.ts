// `pnpm start`: brings up NATS and PostgreSQL (external ones when NATS_URL / DATABASE_URL are set, local ones
// otherwise), then every service package, seeds the demo data once they answer, and stops them all, in reverse, on
// Ctrl-C.
import path from 'node:path';
import { describeExit } from './child-process-group.js';
import { runDemoStep } from './demo-step.js';
import { loadConfig, redact } from './config.js';
import type { RunnerConfig } from './config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { LocalRunnerError, withOutputTail } from './errors.js';
import type { LocalServer } from './local-server.js';
import { startNatsServer } from './nats-server.js';
import { createOutput } from './output.js';
import type { Output } from './output.js';
import { discoverServices } from './service-discovery.js';
import { startService } from './service-process.js';
import type { RunningService } from './service-process.js';
import { Shutdown } from './shutdown.js';

const SERVICE_STOP_GRACE_MS = 10_000;

async function main(): Promise<number> {
  let config: RunnerConfig;
  try {
    config = loadConfig();
  } catch (error) {
    report(createOutput({ color: false }), error);
    return 2;
  }
  const output = createOutput({ color: config.color });
  const shutdown = new Shutdown(output);
  shutdown.installSignalHandlers();
  try {
    await startAll(config, output, shutdown);
  } catch (error) {
    // Ctrl-C during start-up also reaches initdb (the embedded-postgres class spawns it in our process group),
    // whose failure is then a consequence of the stop, not news.
    if (shutdown.signal.aborted) output.info('start-up interrupted');
    else report(output, error);
    shutdown.request('start-up failed', 1);
  }
  await shutdown.requested;
  return shutdown.run();
}

async function startAll(config: RunnerConfig, output: Output, shutdown: Shutdown): Promise<void> {
  // Read the packages first: a broken package.json should fail before seconds are spent on initdb.
  const services = await discoverServices(config.servicesDir);
  output.addNames(['nats', 'postgres', ...services.map((service) => service.name)]);

  let natsUrl = config.natsUrl;
  if (natsUrl === undefined) {
    output.info(`starting nats-server on port ${config.natsPort} (data in ${path.join(config.dataDir, 'nats')})`);
    const nats = await startNatsServer({
      port: config.natsPort,
      dataDir: config.dataDir,
      searchPath: config.searchPath,
      onLine: (line) => output.child('nats', line, 'stderr'),
    });
    keep(nats, 'nats-server', 'PARLEY_LOCAL_NATS_EXITED', shutdown, output);
    natsUrl = nats.url;
  }
  if (shutdown.signal.aborted) return;

  let databaseUrl = config.databaseUrl;
  if (databaseUrl === undefined) {
    output.info(
      `starting embedded PostgreSQL on port ${config.postgresPort} (data in ${path.join(config.dataDir, 'postgres')})`,
    );
    const postgres = await startEmbeddedPostgres({
      port: config.postgresPort,
      dataDir: config.dataDir,
      onLine: (line) => output.child('postgres', line, 'stderr'),
    });
    keep(postgres, 'PostgreSQL', 'PARLEY_LOCAL_POSTGRES_EXITED', shutdown, output);
    databaseUrl = postgres.url;
  }
  if (shutdown.signal.aborted) return;

  const running: RunningService[] = [];
  shutdown.register({
    name: 'services',
    stop: async () => {
      if (running.length > 0) output.info(`stopping ${running.length} services`);
      await Promise.all(running.map((service) => service.stop(SERVICE_STOP_GRACE_MS)));
    },
    kill: () => running.forEach((service) => service.kill()),
  });
  if (services.length === 0) output.info(`no service packages found under ${displayDir(config)}`);
  const serviceEnv = { NATS_URL: natsUrl, DATABASE_URL: databaseUrl, PARLEY_SITE: config.site };
  for (const service of services) {
    if (shutdown.signal.aborted) return;
    running.push(
      await startService(service, {
        pnpmExecPath: config.pnpmExecPath,
        repoRoot: config.repoRoot,
        baseEnv: config.baseEnv,
        serviceEnv,
        output,
      }),
    );
  }

  const names = services.length > 0 ? services.map((service) => service.name).join(', ') : 'none';
  // User-supplied URLs may hold real credentials; the embedded cluster's are local and useful for psql.
  const shownDatabaseUrl = config.databaseUrl === undefined ? databaseUrl : redact(databaseUrl);
  output.info(
    `parley local runner ready: ${services.length} services (${names}) | NATS ${redact(natsUrl)} | ` +
      `PostgreSQL ${shownDatabaseUrl}`,
  );

  if (shutdown.signal.aborted) return;
  try {
    await runDemoStep({ config, natsUrl, running, output, signal: shutdown.signal });
  } catch (error) {
    if (shutdown.signal.aborted) return;
    // The stack is still worth having (and its logs are what explains the failure): report, keep running.
    report(output, error);
    output.error(
      'the services keep running without (all of) the demo data; restart once fixed, or PARLEY_DEMO_DATA=false',
    );
  }
}

/** Registers a server for shutdown and turns its unexpected exit into a stop of everything. */
function keep(
  server: LocalServer,
  what: string,
  code: LocalRunnerError['code'],
  shutdown: Shutdown,
  output: Output,
): void {
  shutdown.register({ name: what, stop: () => server.stop(), kill: () => server.kill() });
  void server.closed.then((status) => {
    if (shutdown.signal.aborted) return;
    report(
      output,
      new LocalRunnerError(code, withOutputTail(`${what} ${describeExit(status)} unexpectedly`, server.outputTail())),
    );
    shutdown.request(`${what} is gone`, 1);
  });
}

function displayDir(config: RunnerConfig): string {
  const relative = path.relative(config.repoRoot, config.servicesDir);
  const shown =
    relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? config.servicesDir : relative;
  return `${shown}/`;
}

function report(output: Output, error: unknown): void {
  if (error instanceof LocalRunnerError) {
    // The code goes on the first line, ahead of any output tail that follows.
    const [first = '', ...rest] = error.message.split('\n');
    output.error([`${first} [${error.code}]`, ...rest].join('\n'));
  } else output.error(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

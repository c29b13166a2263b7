// Runs one service package's `start` script as a child, its output prefixed with the service's name.
// No restarts: a service that dies says so in one clear line and stays down, so the first error stays on screen.
import path from 'node:path';
import { ChildProcessGroup, describeExit } from './child-process-group.js';
import type { ExitStatus } from './child-process-group.js';
import { LocalRunnerError } from './errors.js';
import type { Output } from './output.js';
import type { ServicePackage } from './service-discovery.js';

export interface ServiceContext {
  /** The pnpm running the runner, if any (see config). */
  readonly pnpmExecPath: string | undefined;
  readonly repoRoot: string;
  readonly baseEnv: Readonly<Record<string, string>>;
  /** NATS_URL, DATABASE_URL, PARLEY_SITE. */
  readonly serviceEnv: Readonly<Record<string, string>>;
  readonly output: Output;
}

export interface RunningService {
  readonly name: string;
  readonly closed: Promise<ExitStatus>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs: number): Promise<void>;
  kill(): void;
}

export async function startService(service: ServicePackage, context: ServiceContext): Promise<RunningService> {
  const { command, args, extraPath } = scriptCommand(service, context);
  const env: Record<string, string> = { ...context.baseEnv, ...context.serviceEnv };
  if (extraPath.length > 0) env['PATH'] = [...extraPath, env['PATH'] ?? ''].join(path.delimiter);

  let group: ChildProcessGroup;
  try {
    group = await ChildProcessGroup.spawn({
      command,
      args,
      cwd: service.dir,
      env,
      onLine: (line, stream) => context.output.child(service.name, line, stream),
    });
  } catch (cause) {
    throw new LocalRunnerError(
      'PARLEY_LOCAL_SERVICE_START_FAILED',
      `cannot start service ${service.name} (${command}): ${String(cause)}`,
      { cause },
    );
  }

  // While the runner stops, pnpm and sh die of the SIGTERM sent to the whole group, so their exit status says
  // nothing about the service; only a SIGKILL after the grace period is worth a line.
  let stopping = false;
  void group.closed.then((status) => {
    if (!stopping) context.output.error(`service ${service.name} ${describeExit(status)}; not restarted`);
  });

  return {
    name: service.name,
    closed: group.closed,
    stop: async (graceMs) => {
      stopping = true;
      const { forced } = await group.stop('SIGTERM', graceMs);
      context.output[forced ? 'error' : 'info'](
        forced
          ? `service ${service.name} ignored SIGTERM for ${graceMs / 1000} s: killed`
          : `service ${service.name} stopped`,
      );
    },
    kill: () => group.kill(),
  };
}

/**
 * Through the same pnpm that runs the runner when there is one (pre/post scripts, npm_package_* variables, the
 * same version). Otherwise (`node --import tsx src/main.ts`) the script runs under sh with the package's and the
 * workspace's node_modules/.bin on PATH, which is what a package manager would do for a plain script.
 */
function scriptCommand(
  service: ServicePackage,
  context: ServiceContext,
): { command: string; args: string[]; extraPath: string[] } {
  const pnpm = context.pnpmExecPath;
  if (pnpm !== undefined) {
    // --silent: no "> pkg start" banner and no ELIFECYCLE epilogue; the runner reports exits itself.
    const args = ['--silent', 'run', 'start'];
    // npm_execpath is pnpm.cjs for the npm-installed pnpm, a native binary for @pnpm/exe.
    return /\.[cm]?js$/.test(pnpm)
      ? { command: process.execPath, args: [pnpm, ...args], extraPath: [] }
      : { command: pnpm, args, extraPath: [] };
  }
  return {
    command: 'sh',
    args: ['-c', service.startScript],
    extraPath: [path.join(service.dir, 'node_modules', '.bin'), path.join(context.repoRoot, 'node_modules', '.bin')],
  };
}

// The runner's settings: the ONLY place that reads process.env. Everything is validated up front and every bad
// variable is named in one error, so a typo costs one restart rather than one per variable.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalRunnerError } from './errors.js';

export interface RunnerConfig {
  /** The workspace root (where pnpm-workspace.yaml lives). */
  readonly repoRoot: string;
  /** Where the local nats-server and PostgreSQL keep their data between runs. */
  readonly dataDir: string;
  /** An existing NATS to use instead of starting nats-server. */
  readonly natsUrl: string | undefined;
  /** An existing PostgreSQL to use instead of the embedded one. */
  readonly databaseUrl: string | undefined;
  readonly natsPort: number;
  readonly postgresPort: number;
  readonly servicesDir: string;
  readonly site: string;
  /** Whether to seed the demo queues, agents and IVR flow once the services answer (PARLEY_DEMO_DATA). */
  readonly demoData: boolean;
  /**
   * Where the services the runner starts can be reached, read from the variables those services read (with their
   * defaults), so the demo step talks to the same ones and its hint names the right ports.
   */
  readonly services: ServiceAddresses;
  /** Whether the runner colours its output (a TTY, no NO_COLOR; FORCE_COLOR wins). */
  readonly color: boolean;
  /** PATH entries, to look for nats-server. */
  readonly searchPath: readonly string[];
  /** The pnpm that runs the runner (set when started by `pnpm start`); services are started through it too. */
  readonly pnpmExecPath: string | undefined;
  /** The environment every child starts from: the runner's own, minus the package-manager variables of its script. */
  readonly baseEnv: Readonly<Record<string, string>>;
}

export interface ServiceAddresses {
  /** Routing's NATS domain as the SIP gateway calls it (SIP_ROUTING_RPC_DOMAIN, default `routing.p0`). */
  readonly routingRpcDomain: string;
  /** The SIP gateway's NATS domain (SIP_RPC_DOMAIN, default `sip-gateway`). */
  readonly sipGatewayRpcDomain: string;
  /** Where the gateway takes calls (SIP_HOST:SIP_PORT, default 127.0.0.1:5060, UDP and TCP). */
  readonly sipHost: string;
  readonly sipPort: number;
  /** The web client and REST API (API_HOST:API_PORT, default 127.0.0.1:8080). */
  readonly apiHost: string;
  readonly apiPort: number;
  /** SIP_TRUNKS is set: only the trunks' numbers are answered, each with its own flow. */
  readonly sipTrunks: boolean;
}

/** The demo users' site (services/api/src/oidc/realm.ts): supervisors may act only on their own site's API. */
export const DEFAULT_SITE = 'waw';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SITE_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export interface ConfigInputs {
  readonly env: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (decides colours). */
  readonly stdoutIsTTY: boolean;
}

export function loadConfig(
  inputs: ConfigInputs = { env: process.env, stdoutIsTTY: process.stdout.isTTY === true },
): RunnerConfig {
  const { env } = inputs;
  const problems: string[] = [];
  // Empty counts as unset: `NATS_URL= pnpm start` should mean "no external NATS", not "invalid URL".
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  // pnpm runs the script in deploy/local; relative paths should mean what they meant where the user typed them.
  const userCwd = read('INIT_CWD') ?? process.cwd();

  const natsUrl = read('NATS_URL');
  if (natsUrl !== undefined) {
    // nats.js accepts a comma-separated server list; check each entry.
    for (const entry of natsUrl.split(',')) {
      const problem = checkUrl(entry.trim(), ['nats:', 'tls:', 'ws:', 'wss:']);
      if (problem !== undefined) problems.push(`NATS_URL ${problem}`);
    }
  }
  const databaseUrl = read('DATABASE_URL');
  if (databaseUrl !== undefined) {
    const problem = checkUrl(databaseUrl, ['postgres:', 'postgresql:']);
    if (problem !== undefined) problems.push(`DATABASE_URL ${problem}`);
  }

  const natsPort = readPort('PARLEY_LOCAL_NATS_PORT', read('PARLEY_LOCAL_NATS_PORT'), 4322, problems);
  const postgresPort = readPort('PARLEY_LOCAL_PG_PORT', read('PARLEY_LOCAL_PG_PORT'), 5433, problems);
  if (natsUrl === undefined && databaseUrl === undefined && natsPort === postgresPort) {
    problems.push(`PARLEY_LOCAL_NATS_PORT and PARLEY_LOCAL_PG_PORT must differ (both are ${natsPort})`);
  }

  const site = read('PARLEY_SITE') ?? DEFAULT_SITE;
  if (!SITE_PATTERN.test(site)) {
    problems.push(`PARLEY_SITE must be lower-case letters, digits and inner dashes, at most 63 (got "${site}")`);
  }
  const demoData = readBoolean('PARLEY_DEMO_DATA', read('PARLEY_DEMO_DATA'), true, problems);
  const services: ServiceAddresses = {
    routingRpcDomain: readDomain('SIP_ROUTING_RPC_DOMAIN', read('SIP_ROUTING_RPC_DOMAIN'), 'routing.p0', problems),
    sipGatewayRpcDomain: readDomain('SIP_RPC_DOMAIN', read('SIP_RPC_DOMAIN'), 'sip-gateway', problems),
    sipHost: read('SIP_HOST') ?? '127.0.0.1',
    sipPort: readPort('SIP_PORT', read('SIP_PORT'), 5060, problems),
    apiHost: read('API_HOST') ?? '127.0.0.1',
    apiPort: readPort('API_PORT', read('API_PORT'), 8080, problems),
    sipTrunks: read('SIP_TRUNKS') !== undefined,
  };

  if (problems.length > 0) {
    throw new LocalRunnerError(
      'PARLEY_LOCAL_CONFIG_INVALID',
      `invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }

  const dataDir = path.resolve(userCwd, read('PARLEY_DATA_DIR') ?? path.join(REPO_ROOT, '.parley', 'data'));
  const servicesDir = path.resolve(userCwd, read('PARLEY_SERVICES_DIR') ?? path.join(REPO_ROOT, 'services'));
  const userAgent = read('npm_config_user_agent') ?? '';
  const pnpmExecPath = userAgent.startsWith('pnpm/') ? read('npm_execpath') : undefined;

  return {
    repoRoot: REPO_ROOT,
    dataDir,
    natsUrl,
    databaseUrl,
    natsPort,
    postgresPort,
    servicesDir,
    site,
    demoData,
    services,
    color: wantsColor(env, inputs.stdoutIsTTY),
    searchPath: (env['PATH'] ?? '').split(path.delimiter).filter((dir) => dir !== ''),
    pnpmExecPath,
    baseEnv: childBaseEnv(env),
  };
}

function readPort(name: string, raw: string | undefined, fallback: number, problems: string[]): number {
  if (raw === undefined) return fallback;
  const port = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    problems.push(`${name} must be a port number 1-65535 (got "${raw}")`);
    return fallback;
  }
  return port;
}

function readBoolean(name: string, raw: string | undefined, fallback: boolean, problems: string[]): boolean {
  if (raw === undefined) return fallback;
  const value = raw.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  problems.push(`${name} must be true or false (got "${raw}")`);
  return fallback;
}

// The services' own rule for these (NATS subject tokens joined by dots).
function readDomain(name: string, raw: string | undefined, fallback: string, problems: string[]): string {
  if (raw === undefined) return fallback;
  if (!/^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$/.test(raw)) {
    problems.push(`${name} must be NATS subject tokens joined by dots (got "${raw}")`);
    return fallback;
  }
  return raw;
}

function checkUrl(value: string, protocols: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be a URL like ${protocols[0]}//host:port (got "${redact(value)}")`;
  }
  if (!protocols.includes(url.protocol)) {
    return `must use ${protocols.join(' or ')} (got "${url.protocol}")`;
  }
  if (url.hostname === '') return `must name a host (got "${redact(value)}")`;
  return undefined;
}

/** Hides a password in a URL before it is printed. */
export function redact(value: string): string {
  return value.replace(/\/\/([^:/@]*):[^@/]*@/g, '//$1:***@');
}

// https://no-color.org and the FORCE_COLOR convention shared by most Node colour libraries.
function wantsColor(env: NodeJS.ProcessEnv, stdoutIsTTY: boolean): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return stdoutIsTTY && env['TERM'] !== 'dumb';
}

// The runner's own `pnpm --filter @parley/local run start` leaves npm_* variables behind (npm_config_recursive,
// npm_package_name=@parley/local, ...). Handed to a service's `pnpm run start` they would make it recurse or
// misreport its own package, so children start without them and their package manager sets its own.
function childBaseEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (key.startsWith('npm_') || key === 'PNPM_SCRIPT_SRC_DIR' || key === 'INIT_CWD') continue;
    result[key] = value;
  }
  return result;
}

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, redact } from '../src/config.js';
import { LocalRunnerError } from '../src/errors.js';

const load = (env: NodeJS.ProcessEnv, stdoutIsTTY = false) => loadConfig({ env, stdoutIsTTY });

function configError(env: NodeJS.ProcessEnv): LocalRunnerError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof LocalRunnerError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to fail');
}

describe('local runner config', () => {
  it('defaults to local servers, the repo data folder, demo data and site "waw" (the demo users\' site)', () => {
    const config = load({ PATH: '/usr/bin:/bin' });
    expect(config.natsUrl).toBeUndefined();
    expect(config.databaseUrl).toBeUndefined();
    expect(config.natsPort).toBe(4322);
    expect(config.postgresPort).toBe(5433);
    expect(config.site).toBe('waw');
    expect(config.demoData).toBe(true);
    expect(config.services).toEqual({
      routingRpcDomain: 'routing.p0',
      sipGatewayRpcDomain: 'sip-gateway',
      sipHost: '127.0.0.1',
      sipPort: 5060,
      apiHost: '127.0.0.1',
      apiPort: 8080,
      sipTrunks: false,
    });
    expect(config.dataDir).toBe(path.join(config.repoRoot, '.parley', 'data'));
    expect(config.servicesDir).toBe(path.join(config.repoRoot, 'services'));
    expect(config.searchPath).toEqual(['/usr/bin', '/bin']);
    expect(config.pnpmExecPath).toBeUndefined();
  });

  it("switches the demo data off, and follows the services' own address variables", () => {
    const config = load({ PARLEY_DEMO_DATA: 'false', SIP_PORT: '5070', API_PORT: '8090', SIP_RPC_DOMAIN: 'gw-waw' });
    expect(config.demoData).toBe(false);
    expect(config.services).toMatchObject({ sipPort: 5070, apiPort: 8090, sipGatewayRpcDomain: 'gw-waw' });
    expect(load({ PARLEY_DEMO_DATA: '0' }).demoData).toBe(false);
    expect(load({ PARLEY_DEMO_DATA: 'yes' }).demoData).toBe(true);
  });

  it('treats empty variables as unset', () => {
    expect(load({ NATS_URL: '', DATABASE_URL: '  ', PARLEY_LOCAL_NATS_PORT: '' }).natsPort).toBe(4322);
  });

  it('names every bad variable in one error', () => {
    const error = configError({
      NATS_URL: 'http://127.0.0.1:4222',
      DATABASE_URL: 'not a url',
      PARLEY_LOCAL_NATS_PORT: 'abc',
      PARLEY_LOCAL_PG_PORT: '70000',
      PARLEY_SITE: 'Not_A_Site',
      PARLEY_DEMO_DATA: 'maybe',
      SIP_PORT: 'sip',
      SIP_RPC_DOMAIN: 'Not A Domain',
    });
    expect(error.code).toBe('PARLEY_LOCAL_CONFIG_INVALID');
    for (const name of [
      'NATS_URL',
      'DATABASE_URL',
      'PARLEY_LOCAL_NATS_PORT',
      'PARLEY_LOCAL_PG_PORT',
      'PARLEY_SITE',
      'PARLEY_DEMO_DATA',
      'SIP_PORT',
      'SIP_RPC_DOMAIN',
    ]) {
      expect(error.message).toContain(name);
    }
  });

  it('rejects the same port for the local NATS and PostgreSQL', () => {
    expect(configError({ PARLEY_LOCAL_NATS_PORT: '5000', PARLEY_LOCAL_PG_PORT: '5000' }).message).toContain(
      'must differ',
    );
  });

  it('accepts a comma-separated NATS server list', () => {
    expect(load({ NATS_URL: 'nats://a:4222, tls://b:4222' }).natsUrl).toBe('nats://a:4222, tls://b:4222');
  });

  it('resolves relative folders against the directory pnpm was started from', () => {
    const config = load({
      INIT_CWD: '/home/dev/parley',
      PARLEY_DATA_DIR: 'tmp/data',
      PARLEY_SERVICES_DIR: '/srv/services',
    });
    expect(config.dataDir).toBe('/home/dev/parley/tmp/data');
    expect(config.servicesDir).toBe('/srv/services');
  });

  it('starts services through the pnpm that runs it, and hands them no npm_* variables', () => {
    const config = load({
      npm_config_user_agent: 'pnpm/10.34.9 npm/? node/v20.20.2 linux x64',
      npm_execpath: '/opt/pnpm/bin/pnpm.cjs',
      npm_config_recursive: 'true',
      npm_package_name: '@parley/local',
      HOME: '/home/dev',
    });
    expect(config.pnpmExecPath).toBe('/opt/pnpm/bin/pnpm.cjs');
    expect(config.baseEnv).toEqual({ HOME: '/home/dev' });
  });

  it('ignores npm_execpath when npm (not pnpm) runs it', () => {
    expect(
      load({ npm_config_user_agent: 'npm/11.0.0', npm_execpath: '/usr/lib/npm-cli.js' }).pnpmExecPath,
    ).toBeUndefined();
  });

  it('colours only a terminal, unless NO_COLOR or FORCE_COLOR says otherwise', () => {
    expect(load({}, true).color).toBe(true);
    expect(load({}, false).color).toBe(false);
    expect(load({ NO_COLOR: '1' }, true).color).toBe(false);
    expect(load({ TERM: 'dumb' }, true).color).toBe(false);
    expect(load({ FORCE_COLOR: '1' }, false).color).toBe(true);
  });

  it('hides passwords in URLs it prints', () => {
    expect(redact('postgres://app:s3cret@db:5432/parley')).toBe('postgres://app:***@db:5432/parley');
    expect(redact('nats://127.0.0.1:4222')).toBe('nats://127.0.0.1:4222');
  });
});

// The runner against the machine's own NATS and PostgreSQL (127.0.0.1:4222 and :5432), with a fake service.
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_SERVICES_DIR, spawnRunner, tempDir } from './runner-harness.js';
import type { RunnerUnderTest } from './runner-harness.js';

describe('local runner with NATS_URL and DATABASE_URL', () => {
  let runner: RunnerUnderTest | undefined;
  let dataDir: string | undefined;

  afterEach(async () => {
    await runner?.dispose();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('starts each service package with prefixed logs and stops it cleanly on SIGINT', async () => {
    dataDir = await tempDir('parley-local-external-');
    runner = spawnRunner({
      NATS_URL: 'nats://127.0.0.1:4222',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      PARLEY_SERVICES_DIR: FIXTURE_SERVICES_DIR,
      PARLEY_DATA_DIR: dataDir,
    });

    await runner.waitForLine(/^\[echo-env\]\s+NATS_URL=nats:\/\/127\.0\.0\.1:4222 PARLEY_SITE=waw$/, 15_000);
    const ready = await runner.waitForLine(/ready/, 15_000);
    expect(ready).toContain('parley local runner ready: 1 services (echo-env)');
    expect(ready).toContain('| NATS nats://127.0.0.1:4222 |');
    expect(ready).toContain('| PostgreSQL postgres://postgres@127.0.0.1:5432/postgres');
    // The fixture services are neither routing nor the SIP gateway: nothing to seed, and no wait for them.
    await runner.waitForLine(/demo data skipped: no routing or sip-gateway service among the packages started$/, 5_000);

    runner.child.kill('SIGINT');
    const exit = await runner.waitForExit(15_000);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(runner.output()).toMatch(/^\[echo-env\]\s+bye$/m);
    // The library package and the package without a start script are not services.
    expect(runner.output()).not.toContain('kit-like');
    expect(runner.output()).not.toContain('no-start');
    expect(runner.output()).not.toContain('library started');
  }, 30_000);
});

// The runner's own defaults: no NATS_URL / DATABASE_URL, so it starts nats-server and the embedded PostgreSQL.
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { isPortOpen } from '../src/ports.js';
import { freePort, natsGreeting, spawnRunner, tempDir } from './runner-harness.js';
import type { RunnerUnderTest } from './runner-harness.js';

describe('local runner without NATS_URL and DATABASE_URL', () => {
  let runner: RunnerUnderTest | undefined;
  const dirs: string[] = [];

  afterEach(async () => {
    await runner?.dispose();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('starts its own nats-server and PostgreSQL in the data folder and stops both on SIGINT', async () => {
    const dataDir = await tempDir('parley-local-data-');
    const servicesDir = await tempDir('parley-local-no-services-');
    dirs.push(dataDir, servicesDir);
    const natsPort = await freePort();
    const pgPort = await freePort();
    runner = spawnRunner({
      PARLEY_DATA_DIR: dataDir,
      PARLEY_SERVICES_DIR: servicesDir,
      PARLEY_LOCAL_NATS_PORT: String(natsPort),
      PARLEY_LOCAL_PG_PORT: String(pgPort),
    });

    // initdb runs on this first start, hence the longer wait.
    const ready = await runner.waitForLine(/ready/, 25_000);
    expect(runner.output()).toContain('no service packages found under');
    expect(ready).toContain(`| NATS nats://127.0.0.1:${natsPort} |`);
    const databaseUrl = /PostgreSQL (\S+)$/.exec(ready)?.[1];
    expect(databaseUrl).toBe(`postgres://postgres:parley@127.0.0.1:${pgPort}/parley`);

    expect(await natsGreeting(natsPort)).toMatch(/^INFO \{.*"jetstream":true/);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const result = await client.query<{ one: number }>('select 1 as one');
      expect(result.rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
    }

    runner.child.kill('SIGINT');
    expect(await runner.waitForExit(15_000)).toEqual({ code: 0, signal: null });
    expect(await isPortOpen(natsPort)).toBe(false);
    expect(await isPortOpen(pgPort)).toBe(false);
  }, 30_000);
});

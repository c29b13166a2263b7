// Bad settings stop the runner before it starts anything, naming each bad variable.
import { describe, expect, it } from 'vitest';
import { spawnRunner } from './runner-harness.js';

describe('local runner with a bad setting', () => {
  it('fails fast naming PARLEY_LOCAL_NATS_PORT', async () => {
    const runner = spawnRunner({ PARLEY_LOCAL_NATS_PORT: 'abc', PARLEY_DATA_DIR: '/nonexistent/parley-never-created' });
    const exit = await runner.waitForExit(10_000);

    expect(exit.code).toBe(2);
    expect(runner.output()).toContain('PARLEY_LOCAL_NATS_PORT must be a port number 1-65535 (got "abc")');
    expect(runner.output()).toContain('[PARLEY_LOCAL_CONFIG_INVALID]');
    expect(runner.output()).not.toContain('starting');
  }, 15_000);
});

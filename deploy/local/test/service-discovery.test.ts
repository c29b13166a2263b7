import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalRunnerError } from '../src/errors.js';
import { discoverServices } from '../src/service-discovery.js';
import { FIXTURE_SERVICES_DIR } from './runner-harness.js';

describe('service discovery', () => {
  it('finds packages with a start script and skips libraries and packages without one', async () => {
    const services = await discoverServices(FIXTURE_SERVICES_DIR);
    expect(services.map((service) => service.name)).toEqual(['echo-env']);
    expect(services[0]?.dir).toBe(path.join(FIXTURE_SERVICES_DIR, 'echo-env'));
  });

  it('names a package.json that is not valid JSON', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'parley-discovery-'));
    await mkdir(path.join(dir, 'broken'));
    await writeFile(path.join(dir, 'broken', 'package.json'), '{ "scripts": ');
    try {
      await expect(discoverServices(dir)).rejects.toMatchObject({
        code: 'PARLEY_LOCAL_SERVICE_PACKAGE_INVALID',
        message: expect.stringContaining(path.join(dir, 'broken', 'package.json')),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails clearly when the services folder does not exist', async () => {
    const error: unknown = await discoverServices('/nonexistent/parley-services').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalRunnerError);
    expect(error).toMatchObject({ code: 'PARLEY_LOCAL_SERVICES_DIR_NOT_FOUND' });
  });
});

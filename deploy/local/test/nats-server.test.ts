import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findNatsServer } from '../src/nats-server.js';

describe('nats-server lookup', () => {
  it('names the Debian package and NATS_URL when nats-server is not installed', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'parley-no-nats-'));
    try {
      await expect(findNatsServer([empty], [])).rejects.toMatchObject({
        code: 'PARLEY_LOCAL_NATS_NOT_FOUND',
        message:
          'nats-server not found: install Debian package nats-server (apt-get install -y nats-server) or set NATS_URL',
      });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

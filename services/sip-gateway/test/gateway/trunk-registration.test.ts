// Parley registering with a carrier, against sipp playing the carrier's registrar on loopback: the challenge answered
// with the trunk's credentials (sipp's verifyauth checks them, also on the refresh), the short expiry granted
// refreshed before it ends, and an unregister on stop.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@parley/kit';
import { waitFor } from '@parley/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnsweringEndpoint } from '../../src/gateway/answering-endpoint.js';
import { TrunkRegistration } from '../../src/outbound/trunk-registration.js';
import { startLocalEndpoint } from '../support/local-endpoint.js';
import { runSipp, sippPort, udpPortBound } from '../support/sipp.js';

const scenarios = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/sipp');
const logger = createLogger({ service: 'trunk-registration-test', level: 'silent' });

let endpoint: AnsweringEndpoint;

beforeAll(async () => {
  endpoint = await startLocalEndpoint();
});

afterAll(async () => {
  await endpoint?.close();
});

describe('registering with a carrier', () => {
  it('answers the challenge, refreshes before the granted expiry, and unregisters on stop', async () => {
    const carrierPort = await sippPort();
    const carrier = runSipp(['-sf', path.join(scenarios, 'carrier-registrar.xml'), '-m', '1'], 20_000, carrierPort);
    await udpPortBound(carrierPort); // sipp has bound its port
    const registration = new TrunkRegistration({
      sip: endpoint.sip,
      trunkId: 'carrier',
      proxy: { address: '127.0.0.1', port: carrierPort },
      domain: '127.0.0.1',
      user: 'parley-trunk',
      credentials: { username: 'parley-trunk', password: 'trunk-secret-1' },
      expiresSeconds: 600,
      logger,
    });
    registration.start();
    await waitFor(() => registration.state === 'registered' || undefined, { description: 'registered' });
    expect(registration.expiresAt!.getTime() - Date.now()).toBeLessThanOrEqual(2_000); // the carrier granted 2 s
    // Refreshed after about a second (half of the 2 s granted).
    await waitFor(() => registration.accepted >= 2 || undefined, { timeoutMs: 5_000, description: 'a refresh' });
    await registration.stop();
    expect(registration.state).toBe('stopped');
    const result = await carrier;
    expect(result.exitCode, result.output).toBe(0); // the carrier saw the unregister
  }, 30_000);

  it('retries after a failure instead of giving up', async () => {
    // Nobody answers at this port: the REGISTER times out (64·T1), the registration waits and tries again.
    const silent = await sippPort();
    const shortTimers = await startLocalEndpoint({ timers: { t1: 20, t2: 160, t4: 200 } });
    try {
      const registration = new TrunkRegistration({
        sip: shortTimers.sip,
        trunkId: 'silent',
        proxy: { address: '127.0.0.1', port: silent },
        domain: '127.0.0.1',
        user: 'parley',
        credentials: undefined,
        expiresSeconds: 600,
        logger,
      });
      registration.start();
      await waitFor(() => registration.state === 'failed' || undefined, { timeoutMs: 5_000 });
      expect(registration.lastStatus).toBe(408);
      await registration.stop();
    } finally {
      await shortTimers.close();
    }
  });
});

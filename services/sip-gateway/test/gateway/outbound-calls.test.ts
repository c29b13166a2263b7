// Calls Parley places through a trunk, against sipp playing the carrier's far end on loopback: ringing, answer
// (SDP, ACK) and our BYE; a digest challenge (401) answered with the trunk's credentials, checked by sipp, then the
// far end's BYE; a busy number; a number that rings until the ring timeout (CANCEL, 487); no route; the trunk's cap.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnsweringEndpoint } from '../../src/gateway/answering-endpoint.js';
import type { OutboundDialogEvents } from '../../src/outbound/outbound-dialog.js';
import { trunksSchema } from '../../src/trunks/trunk-config.js';
import { TrunkDirectory } from '../../src/trunks/trunk-directory.js';
import { startLocalEndpoint } from '../support/local-endpoint.js';
import { runSipp, sippMediaPort, sippPort, udpPortBound } from '../support/sipp.js';

const scenarios = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/sipp');
const OFFER =
  'v=0\r\no=parley 1 1 IN IP4 127.0.0.1\r\ns=parley\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
  'm=audio 40000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n';

let endpoint: AnsweringEndpoint;
let farEndPort: number;
let challengingPort: number;

/** What a placed call went through, in order. */
function recorder() {
  const seen: string[] = [];
  let resolveDone: (value: string[]) => void;
  const done = new Promise<string[]>((resolve) => (resolveDone = resolve));
  const events: OutboundDialogEvents = {
    ringing: () => seen.push('ringing'),
    answered: (sdp) => seen.push(`answered ${/m=audio (\d+) RTP\/AVP 8/.test(sdp) ? 'PCMA' : 'other'}`),
    failed: (status, reason) => {
      seen.push(`failed ${status} ${reason}`);
      resolveDone(seen);
    },
    ended: (by) => {
      seen.push(`ended ${by}`);
      resolveDone(seen);
    },
  };
  return { seen, events, done };
}

/** A far end scenario (sipp as the carrier's UAS) on `port`, one call. */
function farEnd(scenario: string, port: number, timeoutMs = 20_000) {
  return sippMediaPort().then((mediaPort) =>
    runSipp(['-sf', path.join(scenarios, scenario), '-m', '1', '-mp', String(mediaPort)], timeoutMs, port),
  );
}

function untilAnswered(seen: string[]) {
  return new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (seen.some((step) => step.startsWith('answered'))) {
        clearInterval(check);
        resolve();
      } else if (seen.some((step) => step.startsWith('failed'))) {
        clearInterval(check);
        reject(new Error(`the call was not answered: ${seen.join(', ')}`));
      }
    }, 20);
  });
}

beforeAll(async () => {
  farEndPort = await sippPort();
  challengingPort = await sippPort();
  endpoint = await startLocalEndpoint({
    allowedSources: [],
    trunks: new TrunkDirectory(
      trunksSchema.parse([
        {
          id: 'carrier',
          name: 'Carrier',
          sources: ['127.0.0.0/8'],
          maxCalls: 2,
          dids: { '+48221234567': 'support' },
          outbound: { proxy: `127.0.0.1:${farEndPort}`, prefixes: ['+48'], callerId: '+48221234567' },
        },
        {
          id: 'challenging',
          name: 'Carrier with digest',
          sources: ['127.0.0.0/8'],
          maxCalls: 2,
          dids: { '+15551230000': 'support' },
          outbound: {
            proxy: `127.0.0.1:${challengingPort}`,
            prefixes: ['+1'],
            callerId: '+15551230000',
            credentials: { username: 'parley-out', password: 's3cret-pass' },
          },
        },
      ]),
    ),
    nonceSecret: Buffer.from('test-nonce-secret'),
    // Short transaction timers: a silent trunk is given up after 64·T1 = 3.2 s instead of 32 s.
    timers: { t1: 50, t2: 400, t4: 500 },
  });
});

afterAll(async () => {
  await endpoint?.close();
});

describe('calls Parley places through a trunk', () => {
  it('rings, is answered (ACKed, SDP read), and ends with our BYE', async () => {
    const far = farEnd('far-end-answers.xml', farEndPort);
    await udpPortBound(farEndPort);
    const call = recorder();
    const { dialog, trunk } = endpoint.dialer.dial({
      number: '+48601234567',
      sdpOffer: OFFER,
      ringTimeoutMs: 10_000,
      events: call.events,
    });
    expect(trunk.id).toBe('carrier');
    await untilAnswered(call.seen);
    expect(endpoint.dialer.activeDialogs).toBe(1);
    // The far end talks for a moment; then Parley hangs up.
    await new Promise((resolve) => setTimeout(resolve, 500));
    dialog.hangUp();
    expect(await call.done).toEqual(['ringing', 'answered PCMA', 'ended local']);
    const result = await far;
    expect(result.exitCode, result.output).toBe(0);
    expect(endpoint.dialer.activeDialogs).toBe(0);
  }, 30_000);

  it('answers a 401 with the trunk’s digest credentials (sipp checks them) and hears the far end’s BYE', async () => {
    const far = farEnd('far-end-challenges-then-hangs-up.xml', challengingPort);
    await udpPortBound(challengingPort);
    const call = recorder();
    endpoint.dialer.dial({ number: '+15557654321', sdpOffer: OFFER, ringTimeoutMs: 10_000, events: call.events });
    expect(await call.done).toEqual(['answered PCMA', 'ended remote']);
    const result = await far;
    expect(result.exitCode, result.output).toBe(0);
  }, 30_000);

  it('reports a busy number with its status', async () => {
    const far = farEnd('far-end-busy.xml', farEndPort);
    await udpPortBound(farEndPort);
    const call = recorder();
    endpoint.dialer.dial({ number: '+48601234567', sdpOffer: OFFER, ringTimeoutMs: 10_000, events: call.events });
    expect(await call.done).toEqual(['failed 486 Busy Here']);
    expect((await far).exitCode).toBe(0);
  }, 30_000);

  it('CANCELs a number that rings past the ring timeout and reports no answer', async () => {
    const far = farEnd('far-end-rings.xml', farEndPort);
    await udpPortBound(farEndPort);
    const call = recorder();
    const started = Date.now();
    endpoint.dialer.dial({ number: '+48601234567', sdpOffer: OFFER, ringTimeoutMs: 1_500, events: call.events });
    expect(await call.done).toEqual(['ringing', 'failed 408 no answer']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    const result = await far;
    expect(result.exitCode, result.output).toBe(0);
    expect(endpoint.dialer.activeDialogs).toBe(0);
  }, 30_000);

  it('refuses a number no trunk calls, and a call over the trunk’s cap; a silent trunk times out (408)', async () => {
    const call = recorder();
    expect(() =>
      endpoint.dialer.dial({ number: '+33123456789', sdpOffer: OFFER, ringTimeoutMs: 1_000, events: call.events }),
    ).toThrow(expect.objectContaining({ code: 'PARLEY_SIP_GATEWAY_NO_ROUTE' }));
    // Nobody listens at the carrier now: two calls hold the cap of 2 until their INVITEs time out (64·T1).
    const first = recorder();
    const second = recorder();
    endpoint.dialer.dial({ number: '+48601111111', sdpOffer: OFFER, ringTimeoutMs: 60_000, events: first.events });
    endpoint.dialer.dial({ number: '+48602222222', sdpOffer: OFFER, ringTimeoutMs: 60_000, events: second.events });
    expect(() =>
      endpoint.dialer.dial({ number: '+48603333333', sdpOffer: OFFER, ringTimeoutMs: 1_000, events: call.events }),
    ).toThrow(expect.objectContaining({ code: 'PARLEY_SIP_GATEWAY_TRUNK_AT_CAPACITY' }));
    expect(await first.done).toEqual(['failed 408 no response from the trunk']);
    expect(await second.done).toEqual(['failed 408 no response from the trunk']);
    expect(endpoint.dialer.activeDialogs).toBe(0);
  }, 30_000);
});

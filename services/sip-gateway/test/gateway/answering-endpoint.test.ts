// The SIP stack end to end over real UDP and TCP: sipp's own UAC scenario (INVITE → 100 → 200 → ACK → BYE → 200)
// against the answering endpoint, every call completed and every dialog closed; OPTIONS answered; an unusable offer
// refused with 488; an unknown source refused with 403; a malformed request answered 400; an unframeable TCP stream
// closed.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnsweringEndpoint } from '../../src/gateway/answering-endpoint.js';
import { optionsRequest, startLocalEndpoint } from '../support/local-endpoint.js';
import { runSipp } from '../support/sipp.js';

let endpoint: AnsweringEndpoint;

/** Sends one datagram from a socket of its own and returns the status line of the first final reply (≥ 200). */
async function exchange(port: number, text: string): Promise<string> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const own = socket.address().port;
  try {
    const reply = new Promise<string>((resolve, reject) => {
      socket.on('message', (data) => {
        const status = data.toString('utf8').split('\r\n')[0] ?? '';
        if (!/^SIP\/2\.0 1\d\d /.test(status)) resolve(status);
      });
      setTimeout(() => reject(new Error('no reply')), 3_000);
    });
    socket.send(text.replaceAll('{port}', String(own)), port, '127.0.0.1');
    return await reply;
  } finally {
    socket.close();
  }
}

const options = (branch: string) => optionsRequest(branch, 'options-1', ';rport');

beforeAll(async () => {
  endpoint = await startLocalEndpoint();
});

afterAll(async () => {
  await endpoint?.close();
});

describe('answering endpoint over UDP', () => {
  it('completes every call of sipp’s UAC scenario and closes every dialog', { timeout: 60_000 }, async () => {
    const run = await runSipp(['-sn', 'uac', `127.0.0.1:${endpoint.port}`, '-m', '100', '-r', '50', '-l', '100']);
    expect(run.exitCode, run.output.slice(-2_000)).toBe(0);
    expect(endpoint.counts.answered).toBe(100);
    expect(endpoint.counts.ended).toBe(100);
    expect(endpoint.activeDialogs).toBe(0);
  });

  it('completes sipp’s UAC scenario over TCP, responses on the calls’ connection', { timeout: 60_000 }, async () => {
    const before = { ...endpoint.counts };
    const run = await runSipp([
      '-sn',
      'uac',
      '-t',
      't1',
      `127.0.0.1:${endpoint.port}`,
      '-m',
      '50',
      '-r',
      '25',
      '-l',
      '50',
    ]);
    expect(run.exitCode, run.output.slice(-2_000)).toBe(0);
    expect(endpoint.counts.answered - before.answered).toBe(50);
    expect(endpoint.counts.ended - before.ended).toBe(50);
    expect(endpoint.activeDialogs).toBe(0);
  });

  it('closes a TCP connection whose stream cannot be framed, and keeps serving others', async () => {
    const garbage = await new Promise<boolean>((resolve) => {
      const socket = connect(endpoint.port, '127.0.0.1', () => {
        socket.write('INVITE sip:x@127.0.0.1 SIP/2.0\r\nContent-Length: nope\r\n\r\n');
      });
      socket.on('close', () => resolve(true));
      socket.on('error', () => undefined);
      setTimeout(() => resolve(false), 3_000);
    });
    expect(garbage).toBe(true); // closed by the gateway
    expect(await exchange(endpoint.port, options('z9hG4bK-o4'))).toBe('SIP/2.0 200 OK');
  });

  it('answers OPTIONS keep-alives with 200', async () => {
    expect(await exchange(endpoint.port, options('z9hG4bK-o1'))).toBe('SIP/2.0 200 OK');
  });

  it('answers a request it cannot parse with 400 when it can route the answer', async () => {
    const bad = options('z9hG4bK-o2').replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE'); // CSeq method ≠ method
    expect(await exchange(endpoint.port, bad)).toMatch(/^SIP\/2\.0 400 /);
  });

  it('answers an offer without G.711 with 488 and opens no dialog', async () => {
    const sdp =
      'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
      'm=audio 7000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n';
    const invite =
      'INVITE sip:+48221234567@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK-g729\r\n' +
      'From: <sip:caller@127.0.0.1>;tag=g1\r\nTo: <sip:+48221234567@127.0.0.1>\r\nCall-ID: g729-1\r\n' +
      'CSeq: 1 INVITE\r\nContact: <sip:caller@127.0.0.1:{port}>\r\nMax-Forwards: 70\r\n' +
      `Content-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`;
    const before = endpoint.counts.answered;
    expect(await exchange(endpoint.port, invite)).toBe('SIP/2.0 488 Not Acceptable Here');
    expect(endpoint.counts.answered).toBe(before);
    expect(endpoint.activeDialogs).toBe(0);
  });

  it('refuses a source outside the allowlist with 403', async () => {
    const closed = await startLocalEndpoint({
      allowedSources: ['192.0.2.1'], // a documentation address: loopback is not on the list
    });
    try {
      expect(await exchange(closed.port, options('z9hG4bK-o3'))).toBe('SIP/2.0 403 Forbidden');
      const run = await runSipp(['-sn', 'uac', `127.0.0.1:${closed.port}`, '-m', '3', '-r', '3'], 20_000);
      expect(run.exitCode).toBe(1); // every call failed
      expect(closed.counts.answered).toBe(0);
      expect(closed.counts.forbidden).toBeGreaterThanOrEqual(4);
    } finally {
      await closed.close();
    }
  });
});

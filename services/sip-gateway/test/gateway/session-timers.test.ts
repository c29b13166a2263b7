// Session timers (RFC 4028) over real UDP: an interval below our minimum gets 422 with Min-SE; a caller that
// supports timers gets its interval with itself as refresher; an UPDATE refreshes it; a caller that stops refreshing
// gets our BYE a third of the interval before it ends; a caller without timer support gets none.
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnsweringEndpoint } from '../../src/gateway/answering-endpoint.js';
import { startLocalEndpoint } from '../support/local-endpoint.js';

let strict: AnsweringEndpoint;
let quick: AnsweringEndpoint;
let socket: Socket;
const received: string[] = [];
const sdp = 'v=0\r\no=c 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n';

function request(
  to: AnsweringEndpoint,
  method: string,
  callId: string,
  cseq: number,
  headers: string,
  options: { toTag?: string; body?: string } = {},
) {
  const own = socket.address().port;
  const body = options.body ?? '';
  socket.send(
    `${method} sip:+48221234567@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${own};branch=z9hG4bK-${callId}-${cseq}\r\n` +
      `From: <sip:caller@127.0.0.1>;tag=c-${callId}\r\nTo: <sip:+48221234567@127.0.0.1>${options.toTag ? `;tag=${options.toTag}` : ''}\r\n` +
      `Call-ID: ${callId}\r\nCSeq: ${cseq} ${method}\r\nContact: <sip:caller@127.0.0.1:${own}>\r\nMax-Forwards: 70\r\n${headers}` +
      (body ? 'Content-Type: application/sdp\r\n' : '') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    to.port,
    '127.0.0.1',
  );
}

/** The first message after `from` that `match` accepts. */
function next(from: number, match: (message: string) => boolean, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const found = received.slice(from).find(match);
      if (found || Date.now() - started > timeoutMs) {
        clearInterval(poll);
        if (found) resolve(found);
        else reject(new Error('nothing arrived in time'));
      }
    }, 10);
  });
}

const final = (callId: string, method: string) => (message: string) =>
  message.startsWith('SIP/2.0') &&
  !/^SIP\/2\.0 1\d\d/.test(message) &&
  message.includes(`Call-ID: ${callId}`) &&
  new RegExp(`^CSeq: \\d+ ${method}`, 'm').test(message);

beforeAll(async () => {
  strict = await startLocalEndpoint();
  quick = await startLocalEndpoint({ minSessionExpiresSeconds: 1 });
  socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.on('message', (data) => received.push(data.toString('utf8')));
});

afterAll(async () => {
  socket?.close();
  await strict?.close();
  await quick?.close();
});

describe('session timers', () => {
  it('refuses an interval below the minimum with 422 and Min-SE', async () => {
    const from = received.length;
    request(strict, 'INVITE', 'st-short', 1, 'Session-Expires: 30\r\nSupported: timer\r\n', { body: sdp });
    const answer = await next(from, final('st-short', 'INVITE'));
    expect(answer).toMatch(/^SIP\/2\.0 422 /);
    expect(answer).toMatch(/^Min-SE: 90\r$/m);
  });

  it('runs the interval the caller asked for, takes UPDATE as a refresh, and ends an unrefreshed call', async () => {
    const from = received.length;
    request(quick, 'INVITE', 'st-run', 1, 'Session-Expires: 3;refresher=uac\r\nSupported: timer\r\n', { body: sdp });
    const ok = await next(from, final('st-run', 'INVITE'));
    expect(ok).toMatch(/^SIP\/2\.0 200 /);
    expect(ok).toMatch(/^Session-Expires: 3;refresher=uac\r$/m);
    expect(ok).toMatch(/^Require: timer\r$/m);
    const toTag = /^To:.*;tag=([^;\s]+)/m.exec(ok)?.[1];
    request(quick, 'ACK', 'st-run', 1, '', { toTag });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const beforeUpdate = received.length;
    request(quick, 'UPDATE', 'st-run', 2, '', { toTag });
    const updated = await next(beforeUpdate, final('st-run', 'UPDATE'));
    expect(updated).toMatch(/^SIP\/2\.0 200 /);
    expect(updated).toMatch(/^Session-Expires: 3;refresher=uac\r$/m);
    const refreshedAt = Date.now();
    // No more refreshes: our BYE comes a third of the interval (1 s) before its end, 2 s after the refresh.
    const bye = await next(beforeUpdate, (message) => message.startsWith('BYE ') && message.includes('st-run'));
    expect(Date.now() - refreshedAt).toBeGreaterThanOrEqual(1_800);
    expect(bye).toMatch(/^BYE sip:caller@127\.0\.0\.1/);
    expect(quick.counts.sessionsExpired).toBe(1);
    expect(quick.activeDialogs).toBe(0);
  });

  it('gives no timer to a caller that does not support one', async () => {
    const from = received.length;
    request(quick, 'INVITE', 'st-none', 1, 'Session-Expires: 3\r\n', { body: sdp });
    const ok = await next(from, final('st-none', 'INVITE'));
    expect(ok).toMatch(/^SIP\/2\.0 200 /);
    expect(ok).not.toMatch(/^Session-Expires:/m);
    const toTag = /^To:.*;tag=([^;\s]+)/m.exec(ok)?.[1];
    request(quick, 'ACK', 'st-none', 1, '', { toTag });
    request(quick, 'BYE', 'st-none', 2, '', { toTag });
    await next(from, final('st-none', 'BYE'));
  });
});

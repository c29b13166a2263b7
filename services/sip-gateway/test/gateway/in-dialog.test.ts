// Requests inside an established call, over real UDP: a re-INVITE putting the call on hold (sendonly → answered
// recvonly, same session, version raised) and taking it off again; DTMF by SIP INFO (dtmf-relay and dtmf bodies);
// 415 for another INFO body, 481 outside any call; a call through a record-routing proxy: the 200 copies its
// Record-Route, and our BYE carries it as the route set.
import { createSocket, type Socket } from 'node:dgram';
import { parse } from 'sdp-transform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnsweringEndpoint } from '../../src/gateway/answering-endpoint.js';
import { startLocalEndpoint } from '../support/local-endpoint.js';

let endpoint: AnsweringEndpoint;
let socket: Socket;
let own: number;
let toTag = '';
const received: string[] = [];

const offer = (direction: string) =>
  `v=0\r\no=caller 7 ${direction === 'sendonly' ? 2 : 3} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n` +
  `m=audio 7000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=${direction}\r\n`;

let cseq = 1;
function send(method: string, options: { body?: string; type?: string; callId?: string } = {}): Promise<string> {
  const body = options.body ?? '';
  const n = cseq++;
  const to = `<sip:+48221234567@127.0.0.1>${toTag && method !== 'INVITE-INITIAL' ? `;tag=${toTag}` : ''}`;
  const verb = method === 'INVITE-INITIAL' ? 'INVITE' : method;
  const text =
    `${verb} sip:+48221234567@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${own};branch=z9hG4bK-dlg-${n}\r\n` +
    `From: <sip:caller@127.0.0.1>;tag=caller\r\nTo: ${to}\r\nCall-ID: ${options.callId ?? 'dialog-1'}\r\nCSeq: ${n} ${verb}\r\n` +
    `Contact: <sip:caller@127.0.0.1:${own}>\r\nMax-Forwards: 70\r\n` +
    (body ? `Content-Type: ${options.type ?? 'application/sdp'}\r\n` : '') +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const before = received.length;
  socket.send(text, endpoint.port, '127.0.0.1');
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const final = received.slice(before).find((message) => !/^SIP\/2\.0 1\d\d /.test(message));
      if (final) {
        clearInterval(poll);
        resolve(final);
      } else if (Date.now() - started > 3_000) {
        clearInterval(poll);
        reject(new Error(`no final response to ${verb}`));
      }
    }, 10);
  });
}

const status = (message: string) => message.split('\r\n')[0];
const body = (message: string) => message.slice(message.indexOf('\r\n\r\n') + 4);

beforeAll(async () => {
  endpoint = await startLocalEndpoint();
  socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  own = socket.address().port;
  socket.on('message', (data) => received.push(data.toString('utf8')));
  const ok = await send('INVITE-INITIAL', { body: offer('sendrecv') });
  toTag = /^To:.*;tag=([^;\s]+)/m.exec(ok)?.[1] ?? '';
  expect(toTag).not.toBe('');
});

afterAll(async () => {
  socket?.close();
  await endpoint?.close();
});

describe('inside a call', () => {
  it('answers a hold re-INVITE recvonly in the same session and a resume sendrecv', async () => {
    const first = parse(body(received.find((m) => m.startsWith('SIP/2.0 200')) ?? ''));
    const hold = await send('INVITE', { body: offer('sendonly') });
    expect(status(hold)).toBe('SIP/2.0 200 OK');
    const held = parse(body(hold));
    expect(held.media[0]?.direction).toBe('recvonly');
    expect(held.origin.sessionId).toBe(first.origin.sessionId);
    expect(held.origin.sessionVersion).toBe(first.origin.sessionVersion + 1);
    expect(endpoint.dialogView('dialog-1')?.held).toBe(true);
    const resume = await send('INVITE', { body: offer('sendrecv') });
    expect(parse(body(resume)).media[0]?.direction).toBe('sendrecv');
    expect(endpoint.dialogView('dialog-1')?.held).toBe(false);
  });

  it('takes DTMF from SIP INFO, refuses other INFO bodies, and 481s outside a call', async () => {
    expect(status(await send('INFO', { body: 'Signal=5\r\nDuration=160\r\n', type: 'application/dtmf-relay' }))).toBe(
      'SIP/2.0 200 OK',
    );
    expect(status(await send('INFO', { body: '#', type: 'application/dtmf' }))).toBe('SIP/2.0 200 OK');
    expect(endpoint.dialogView('dialog-1')?.dtmf).toBe('5#');
    expect(status(await send('INFO', { body: 'hello', type: 'text/plain' }))).toBe(
      'SIP/2.0 415 Unsupported Media Type',
    );
    expect(status(await send('INFO', { body: 'Signal=5', type: 'application/dtmf-relay', callId: 'nope' }))).toBe(
      'SIP/2.0 481 Call/Transaction Does Not Exist',
    );
  });

  it('keeps a record-routing proxy in the dialog: Record-Route in the 200, Route in our BYE', async () => {
    const before = received.length;
    const text =
      `INVITE sip:+48221234567@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${own};branch=z9hG4bK-rr-1\r\n` +
      'Record-Route: <sip:sbc-b.carrier.example;lr>\r\nRecord-Route: <sip:sbc-a.carrier.example;lr;ftag=x>\r\n' +
      `From: <sip:caller@127.0.0.1>;tag=rr-caller\r\nTo: <sip:+48221234567@127.0.0.1>\r\nCall-ID: dialog-rr\r\n` +
      `CSeq: 1 INVITE\r\nContact: <sip:caller@127.0.0.1:${own}>\r\nMax-Forwards: 70\r\n` +
      `Content-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(offer('sendrecv'))}\r\n\r\n${offer('sendrecv')}`;
    socket.send(text, endpoint.port, '127.0.0.1');
    const ok = await new Promise<string>((resolve) => {
      const poll = setInterval(() => {
        const found = received.slice(before).find((message) => message.startsWith('SIP/2.0 200'));
        if (found) {
          clearInterval(poll);
          resolve(found);
        }
      }, 10);
    });
    expect(ok.match(/^Record-Route: .*$/gm)).toEqual([
      'Record-Route: <sip:sbc-b.carrier.example;lr>',
      'Record-Route: <sip:sbc-a.carrier.example;lr;ftag=x>',
    ]);
    const rrTag = /^To:.*;tag=([^;\s]+)/m.exec(ok)?.[1];
    socket.send(
      `ACK sip:parley@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${own};branch=z9hG4bK-rr-ack\r\n` +
        `From: <sip:caller@127.0.0.1>;tag=rr-caller\r\nTo: <sip:+48221234567@127.0.0.1>;tag=${rrTag}\r\n` +
        'Call-ID: dialog-rr\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
      endpoint.port,
      '127.0.0.1',
    );
    expect(endpoint.hangUp('dialog-rr', 'hangup')).toBe(true);
    const bye = await new Promise<string>((resolve) => {
      const poll = setInterval(() => {
        const found = received.slice(before).find((message) => message.startsWith('BYE '));
        if (found) {
          clearInterval(poll);
          resolve(found);
        }
      }, 10);
    });
    expect(bye.startsWith(`BYE sip:caller@127.0.0.1:${own} SIP/2.0`)).toBe(true);
    expect(bye.match(/^Route: .*$/gm)).toEqual([
      'Route: <sip:sbc-b.carrier.example;lr>',
      'Route: <sip:sbc-a.carrier.example;lr;ftag=x>',
    ]);
  });
});

// Overload protection over real UDP: a source over its request rate gets 503 with Retry-After for a while, then
// silence (a flood is not answered packet for packet); calls beyond the dialog cap get 503.
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnsweringEndpoint } from '../../src/gateway/answering-endpoint.js';
import { startLocalEndpoint } from '../support/local-endpoint.js';

const started: AnsweringEndpoint[] = [];
const sockets: Socket[] = [];

async function endpointWith(options: { maxRequestsPerSecondPerSource?: number; maxDialogs?: number }) {
  const endpoint = await startLocalEndpoint({
    ...options,
  });
  started.push(endpoint);
  return endpoint;
}

/** A client socket that records every status line it receives. */
async function client(): Promise<{ socket: Socket; port: number; statuses: string[] }> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const statuses: string[] = [];
  socket.on('message', (data) => statuses.push(data.toString('utf8').split('\r\n')[0] ?? ''));
  return { socket, port: socket.address().port, statuses };
}

const request = (method: string, clientPort: number, id: string) =>
  `${method} sip:+48221234567@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${clientPort};branch=z9hG4bK-${id}\r\n` +
  `From: <sip:caller@127.0.0.1>;tag=${id}\r\nTo: <sip:+48221234567@127.0.0.1>\r\nCall-ID: ${id}\r\n` +
  `CSeq: 1 ${method}\r\nContact: <sip:caller@127.0.0.1:${clientPort}>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  for (const endpoint of started.splice(0)) await endpoint.close();
});

describe('overload protection', () => {
  it('answers a source over its rate with 503 + Retry-After, then drops the flood', async () => {
    const endpoint = await endpointWith({ maxRequestsPerSecondPerSource: 20 });
    const { socket, port, statuses } = await client();
    for (let i = 0; i < 60; i++) socket.send(request('OPTIONS', port, `flood-${i}`), endpoint.port, '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(statuses.filter((s) => s === 'SIP/2.0 200 OK')).toHaveLength(20);
    expect(statuses.filter((s) => s.startsWith('SIP/2.0 503'))).toHaveLength(20);
    expect(statuses).toHaveLength(40); // the last 20 of the flood went unanswered
    expect(endpoint.counts.throttled).toBe(40);
  });

  it('refuses calls over the dialog cap with 503', async () => {
    const endpoint = await endpointWith({ maxDialogs: 2 });
    const { socket, port, statuses } = await client();
    for (let i = 0; i < 3; i++) socket.send(request('INVITE', port, `cap-${i}`), endpoint.port, '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const finals = statuses.filter((s) => !/ 1\d\d /.test(s));
    expect(finals.filter((s) => s === 'SIP/2.0 200 OK').length).toBeGreaterThanOrEqual(2); // 200s are retransmitted
    expect(finals.filter((s) => s.startsWith('SIP/2.0 503'))).toHaveLength(1);
    expect(endpoint.activeDialogs).toBe(2);
    expect(endpoint.counts.overCapacity).toBe(1);
  });
});

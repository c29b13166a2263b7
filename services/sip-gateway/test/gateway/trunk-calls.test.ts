// Calls through configured trunks over real UDP: the dialled number must exist (404), the trunk's call cap holds
// (503), and a trunk with credentials is challenged (401) until its INVITE answers the digest (200), while a wrong
// password is refused (403).
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnsweringEndpoint } from '../../src/gateway/answering-endpoint.js';
import { startLocalEndpoint } from '../support/local-endpoint.js';
import { authorize, parseDigestChallenge } from '../../src/sip/auth/digest.js';
import { trunksSchema } from '../../src/trunks/trunk-config.js';
import { TrunkDirectory } from '../../src/trunks/trunk-directory.js';

const started: AnsweringEndpoint[] = [];
const sockets: Socket[] = [];

async function endpointWith(trunk: Record<string, unknown>) {
  const endpoint = await startLocalEndpoint({
    allowedSources: [],
    trunks: new TrunkDirectory(
      trunksSchema.parse([
        {
          id: 'local',
          name: 'Local carrier',
          sources: ['127.0.0.0/8'],
          maxCalls: 10,
          dids: { '+48221234567': 'support' },
          ...trunk,
        },
      ]),
    ),
    nonceSecret: Buffer.from('test-nonce-secret'),
  });
  started.push(endpoint);
  return endpoint;
}

/** Sends an INVITE and returns the first final response (status line and the whole text). */
async function invite(port: number, number: string, id: string, authorization?: string) {
  const socket = createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const own = socket.address().port;
  const final = new Promise<{ status: string; text: string }>((resolve, reject) => {
    socket.on('message', (data) => {
      const text = data.toString('utf8');
      const status = text.split('\r\n')[0] ?? '';
      if (!/^SIP\/2\.0 1\d\d /.test(status)) resolve({ status, text });
    });
    setTimeout(() => reject(new Error('no final response')), 3_000);
  });
  socket.send(
    `INVITE sip:${number}@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${own};branch=z9hG4bK-${id}\r\n` +
      `From: <sip:carrier@127.0.0.1>;tag=${id}\r\nTo: <sip:${number}@127.0.0.1>\r\nCall-ID: ${id}\r\nCSeq: 1 INVITE\r\n` +
      `Contact: <sip:carrier@127.0.0.1:${own}>\r\nMax-Forwards: 70\r\n` +
      (authorization ? `Authorization: ${authorization}\r\n` : '') +
      'Content-Length: 0\r\n\r\n',
    port,
    '127.0.0.1',
  );
  return final;
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  for (const endpoint of started.splice(0)) await endpoint.close();
});

describe('calls through trunks', () => {
  it('answers a number the trunk delivers and 404s one it does not', async () => {
    const endpoint = await endpointWith({});
    expect((await invite(endpoint.port, '+48221234567', 'did-1')).status).toBe('SIP/2.0 200 OK');
    expect((await invite(endpoint.port, '+48229999999', 'did-2')).status).toBe('SIP/2.0 404 Not Found');
    expect(endpoint.counts.unknownNumber).toBe(1);
  });

  it('holds the trunk’s call cap', async () => {
    const endpoint = await endpointWith({ maxCalls: 1 });
    expect((await invite(endpoint.port, '+48221234567', 'cap-1')).status).toBe('SIP/2.0 200 OK');
    expect((await invite(endpoint.port, '+48221234567', 'cap-2')).status).toMatch(/^SIP\/2\.0 503 /);
  });

  it('challenges a trunk with credentials until its INVITE answers the digest', async () => {
    const endpoint = await endpointWith({ inboundCredentials: { username: 'carrier', password: 'correct horse' } });
    const first = await invite(endpoint.port, '+48221234567', 'auth-1');
    expect(first.status).toBe('SIP/2.0 401 Unauthorized');
    const challengeLine = first.text.split('\r\n').find((line) => line.startsWith('WWW-Authenticate:')) ?? '';
    const challenge = parseDigestChallenge(challengeLine.slice('WWW-Authenticate:'.length));
    expect(challenge).toBeDefined();
    const request = { method: 'INVITE', uri: 'sip:+48221234567@127.0.0.1' };
    const good = authorize(challenge!, { username: 'carrier', password: 'correct horse' }, request);
    expect((await invite(endpoint.port, '+48221234567', 'auth-2', good)).status).toBe('SIP/2.0 200 OK');
    const bad = authorize(challenge!, { username: 'carrier', password: 'wrong horse' }, request, 2);
    expect((await invite(endpoint.port, '+48221234567', 'auth-3', bad)).status).toBe('SIP/2.0 403 Forbidden');
  });
});

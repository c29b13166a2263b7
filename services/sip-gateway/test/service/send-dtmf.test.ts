// SendDtmf towards the customer, with a caller the test plays itself (a UDP socket for SIP, an RTP peer for audio) so
// it can see what arrives: RFC 4733 events at media when the caller offered telephone-event, one SIP INFO per key
// (application/dtmf-relay) when it did not.
import { createSocket, type Socket } from 'node:dgram';
import { waitFor } from '@parley/kit/testing';
import { RtpPeer } from '@parley/media/testing';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { Queue } from '@parley/protos/parley/common/v1/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVoiceStack, type VoiceStack } from '../support/voice-stack.js';

const SITE = 'lub';
const DID = '+48811234567';

let stack: VoiceStack;

beforeAll(async () => {
  stack = await startVoiceStack({
    name: 'send-dtmf',
    site: SITE,
    rtpPorts: 50000,
    trunks: [{ id: 'pstn', name: 'PSTN', sources: ['127.0.0.0/8'], maxCalls: 10, dids: { [DID]: 'wait' } }],
    flows: { wait: { schemaVersion: 1, start: 'queue', nodes: { queue: { type: 'enqueue', queue: 'nobody' } } } },
    queues: [Queue.fromPartial({ id: 'nobody', displayName: 'Nobody', channels: [Channel.CHANNEL_VOICE] })],
    agents: [],
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

/** A caller: the SIP socket with every request it received, its RTP peer, and the call's ids. */
interface TestCaller {
  socket: Socket;
  rtp: RtpPeer;
  callId: string;
  requests: string[];
  close(): void;
}

/** Calls the DID (PCMA, with or without telephone-event), ACKs the 200, and talks a little so media learns it. */
async function dial(callId: string, telephoneEvent: boolean): Promise<TestCaller> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const rtp = await RtpPeer.open(0x6600 + callId.length);
  const own = socket.address().port;
  const gateway = stack.gateway.endpoint.port;
  const requests: string[] = [];
  const answered = new Promise<string>((resolve) => {
    socket.on('message', (data) => {
      const text = data.toString('utf8');
      if (text.startsWith('SIP/2.0 200')) resolve(text);
      else if (!text.startsWith('SIP/2.0')) {
        requests.push(text);
        // Take every request of Parley's (INFO, BYE): 200 with its Via, From, To, Call-ID and CSeq.
        const copied = text
          .split('\r\n')
          .filter((line) => /^(Via|From|To|Call-ID|CSeq):/i.test(line))
          .join('\r\n');
        socket.send(`SIP/2.0 200 OK\r\n${copied}\r\nContent-Length: 0\r\n\r\n`, gateway, '127.0.0.1');
      }
    });
  });
  const sdp =
    `v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=test\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n` +
    `m=audio ${rtp.port} RTP/AVP 8${telephoneEvent ? ' 101' : ''}\r\na=rtpmap:8 PCMA/8000\r\n` +
    (telephoneEvent ? 'a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n' : '');
  const headers = (method: string, cseq: number, toTag = '') =>
    `Via: SIP/2.0/UDP 127.0.0.1:${own};branch=z9hG4bK-${callId}-${method}\r\n` +
    `From: <sip:+48600999888@127.0.0.1:${own}>;tag=caller-${callId}\r\nTo: <sip:${DID}@127.0.0.1>${toTag}\r\n` +
    `Call-ID: ${callId}\r\nCSeq: ${cseq} ${method}\r\nContact: <sip:caller@127.0.0.1:${own}>\r\nMax-Forwards: 70\r\n`;
  socket.send(
    `INVITE sip:${DID}@127.0.0.1:${gateway} SIP/2.0\r\n${headers('INVITE', 1)}` +
      `Content-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`,
    gateway,
    '127.0.0.1',
  );
  const ok = await answered;
  const toTag = /^To: .*?(;tag=[^\s;]+)/im.exec(ok)?.[1] ?? '';
  socket.send(
    `ACK sip:${DID}@127.0.0.1:${gateway} SIP/2.0\r\n${headers('ACK', 1, toTag)}Content-Length: 0\r\n\r\n`,
    gateway,
    '127.0.0.1',
  );
  const mediaPort = Number(/^m=audio (\d+)/m.exec(ok)?.[1]);
  await rtp.sendAudio({ address: '127.0.0.1', port: mediaPort }, 10, 1, 8);
  return {
    socket,
    rtp,
    callId,
    requests,
    close() {
      socket.close();
      rtp.close();
    },
  };
}

describe('SendDtmf', () => {
  it('sends RFC 4733 events to a caller who offered telephone-event', async () => {
    const caller = await dial('dtmf-rfc4733', true);
    try {
      await stack.gatewayRpc().sendDtmf({ callId: caller.callId, digits: '5#', digitDurationMs: 100 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const events = caller.rtp.received.filter((packet) => packet.payloadType === 101);
      const keys = [...new Set(events.map((packet) => packet.timestamp))].map(
        (timestamp) => events.find((packet) => packet.timestamp === timestamp)!.payload[0],
      );
      expect(keys).toEqual([5, 11]);
      expect(caller.requests.filter((request) => request.startsWith('INFO'))).toEqual([]);
      await stack.gatewayRpc().hangUpCall({ callId: caller.callId, actor: undefined, q850Cause: 0 });
    } finally {
      caller.close();
    }
  }, 30_000);

  it('sends one SIP INFO per key to a caller who did not, and refuses bad digits', async () => {
    const caller = await dial('dtmf-info', false);
    try {
      await expect(
        stack.gatewayRpc().sendDtmf({ callId: caller.callId, digits: '12x', digitDurationMs: 100 }),
      ).rejects.toMatchObject({ code: 'PARLEY_SIP_GATEWAY_INVALID_ARGUMENT' });
      await stack.gatewayRpc().sendDtmf({ callId: caller.callId, digits: '7,#', digitDurationMs: 80 });
      const infos = caller.requests.filter((request) => request.startsWith('INFO'));
      expect(infos.map((info) => /Signal=(\S+)/.exec(info)?.[1])).toEqual(['7', '#']);
      expect(infos.every((info) => /Content-Type: application\/dtmf-relay/i.test(info))).toBe(true);
      expect(caller.rtp.received.filter((packet) => packet.payloadType === 101)).toEqual([]);
      await stack.gatewayRpc().hangUpCall({ callId: caller.callId, actor: undefined, q850Cause: 0 });
      await waitFor(() => caller.requests.some((request) => request.startsWith('BYE')) || undefined);
    } finally {
      caller.close();
    }
  }, 30_000);
});

// The agent socket's mediasoup signalling, relayed to a real media service (mediasoup workers, in-process, NATS):
// the router's capabilities, a send transport connected and producing PCMU, a receive transport consuming that
// producer and resuming the consumer — what mediasoup-client in the web client asks, with mediasoup's own JSON. A
// tab cannot touch another tab's transports or consumers, and closing the tab closes its peer at media. (The audio
// itself is proven in media's browser tests with Chromium.)
import { createNatsRpcClient } from '@parley/kit';
import { RtpPeer } from '@parley/media/testing';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import {
  AudioCodec,
  BridgeLegsRequest,
  CreateRtpEndpointRequest,
  MediaServiceService,
} from '@parley/protos/parley/media/v1/media';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, type ApiStack, Queue, SITE, startApiStack } from '../support/api-stack.js';
import { openJsonSocket, type JsonSocketClient } from '../support/json-socket-client.js';
import { loginAt } from '../support/oidc-login.js';
import { startStackMedia, type StackMedia } from '../support/stack-media.js';
import { uniqueName } from '@parley/kit/testing';

const mediaDomain = uniqueName('api-media');
let stack: ApiStack;
let media: StackMedia;

beforeAll(async () => {
  stack = await startApiStack({
    queues: [Queue.fromPartial({ id: 'support', channels: [Channel.CHANNEL_VOICE] })],
    agents: [Agent.fromPartial({ id: 'anna', displayName: 'Anna', siteId: SITE })],
    apiEnvironment: { API_MEDIA_RPC_DOMAIN: mediaDomain },
  });
  media = await startStackMedia(stack, mediaDomain, { min: 51000, max: 51499 });
}, 60_000);

afterAll(async () => {
  await media?.stop();
  await stack?.stop();
});

/** One signalling request over the socket, answered by its requestId. */
async function signal(tab: JsonSocketClient, request: Record<string, unknown>): Promise<Record<string, unknown>> {
  const requestId = uniqueName('rq');
  const before = tab.messages.length;
  tab.send({ type: 'media', requestId, request });
  const answer = await Promise.race([
    tab.next('media_result', before, (message) => message.requestId === requestId),
    tab.next('error', before).then((error) => {
      throw new Error(`${String(error.code)}: ${String(error.message)}`);
    }),
  ]);
  return answer.result as Record<string, unknown>;
}

async function agentTab() {
  const tab = await openJsonSocket(stack.wsUrl('/api/v1/agent/socket'));
  tab.send({ type: 'auth', token: (await loginAt(stack.api.issuer, 'anna', 'anna-demo-pass')).access_token });
  await tab.next('ready');
  return tab;
}

const dtlsParameters = {
  role: 'client',
  fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }],
};
const pcmuParameters = {
  codecs: [{ mimeType: 'audio/PCMU', payloadType: 0, clockRate: 8000, channels: 1, parameters: {}, rtcpFeedback: [] }],
  encodings: [{ ssrc: 22_222_222 }],
  headerExtensions: [],
  rtcp: { cname: 'anna-tab', reducedSize: true },
};

describe('mediasoup signalling on the agent socket', () => {
  it('relays capabilities, transports, produce and consume to media, for the tab’s own objects only', async () => {
    const tab = await agentTab();
    const { rtpCapabilities } = await signal(tab, { op: 'capabilities' });
    expect((rtpCapabilities as { codecs: { mimeType: string }[] }).codecs.map((codec) => codec.mimeType)).toContain(
      'audio/PCMU',
    );

    const send = await signal(tab, { op: 'create_transport', direction: 'send' });
    expect(send).toMatchObject({
      transportId: expect.any(String),
      iceParameters: { usernameFragment: expect.any(String) },
      dtlsParameters: { fingerprints: expect.any(Array) },
    });
    expect((send.iceCandidates as { ip?: string; address?: string }[])[0]).toMatchObject({ port: expect.any(Number) });
    await signal(tab, { op: 'connect_transport', transportId: send.transportId, dtlsParameters });
    const { producerId } = await signal(tab, {
      op: 'produce',
      transportId: send.transportId,
      rtpParameters: pcmuParameters,
    });
    expect(producerId).toEqual(expect.any(String));

    const recv = await signal(tab, { op: 'create_transport', direction: 'recv' });
    const consumer = await signal(tab, { op: 'consume', transportId: recv.transportId, producerId, rtpCapabilities });
    expect(consumer).toMatchObject({
      producerId,
      transportId: recv.transportId,
      kind: 'audio',
      rtpParameters: { codecs: [expect.objectContaining({ mimeType: 'audio/PCMU' })] },
    });
    await signal(tab, { op: 'resume_consumer', consumerId: consumer.consumerId });

    // Another tab may not use this tab's transport or consumer.
    const other = await agentTab();
    await expect(
      signal(other, { op: 'produce', transportId: send.transportId, rtpParameters: pcmuParameters }),
    ).rejects.toThrow(/forbidden: transport .* is not this socket's/);
    await expect(signal(other, { op: 'resume_consumer', consumerId: consumer.consumerId })).rejects.toThrow(
      /forbidden/,
    );
    // A malformed request is refused before media sees it.
    const before = other.messages.length;
    other.send({ type: 'media', requestId: 'x', request: { op: 'create_transport', direction: 'sideways' } });
    expect(await other.next('error', before)).toMatchObject({ code: 'bad_message' });

    // Closing the tab closes its peer: its transport is gone at media.
    tab.socket.close();
    await tab.closed;
    const probe = await agentTab();
    const late = await signal(probe, { op: 'create_transport', direction: 'recv' });
    await expect(
      signal(probe, { op: 'consume', transportId: late.transportId, producerId, rtpCapabilities }),
    ).rejects.toThrow(/producer|not found/i);
    probe.socket.close();
    other.socket.close();
  });

  it("tells the tab of the consumers a call's bridge makes for it, which it may then resume", async () => {
    const tab = await agentTab();
    const { rtpCapabilities } = await signal(tab, { op: 'capabilities' });
    const send = await signal(tab, { op: 'create_transport', direction: 'send' });
    await signal(tab, { op: 'connect_transport', transportId: send.transportId, dtlsParameters });
    await signal(tab, { op: 'produce', transportId: send.transportId, rtpParameters: pcmuParameters });
    // The receive transport carries the Device's capabilities: media can make consumers for the tab by itself.
    const recv = await signal(tab, { op: 'create_transport', direction: 'recv', rtpCapabilities });
    expect(recv.peerId).toMatch(/^agent\.anna\./);

    // A caller's RTP endpoint bridged to the tab's peer, as the SIP gateway does when the agent accepts.
    const phone = await RtpPeer.open(0x7001);
    const mediaClient = createNatsRpcClient(stack.nc, MediaServiceService, { domain: mediaDomain });
    try {
      const { endpoint } = await mediaClient.createRtpEndpoint(
        CreateRtpEndpointRequest.fromPartial({
          endpointId: ulid(),
          callId: 'call-relay',
          interactionId: 'interaction-relay',
          offeredCodecs: [{ codec: AudioCodec.AUDIO_CODEC_PCMU, payloadType: 0 }],
          remoteAddress: '127.0.0.1',
          remotePort: phone.port,
        }),
      );
      const bridged = await mediaClient.bridgeLegs(
        BridgeLegsRequest.fromPartial({
          bridgeId: ulid(),
          interactionId: 'interaction-relay',
          legA: { rtpEndpointId: endpoint!.id },
          legB: { peerId: String(recv.peerId) },
        }),
      );
      const told = await tab.next('media_consumer');
      expect(told.consumer).toMatchObject({
        consumerId: bridged.consumers[0]?.consumerId,
        transportId: recv.transportId,
        kind: 'audio',
        rtpParameters: { codecs: [expect.objectContaining({ mimeType: 'audio/PCMU' })] },
      });
      await signal(tab, { op: 'resume_consumer', consumerId: (told.consumer as { consumerId: string }).consumerId });
    } finally {
      phone.close();
      tab.socket.close();
    }
  });
});

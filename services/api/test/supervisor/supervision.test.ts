// Supervision from the supervisor socket against a real media service (mediasoup workers in-process, NATS): an agent
// tab's peer bridged to a caller's RTP endpoint as the SIP gateway does (a stand-in gateway names the call's legs),
// the dashboard's own peer made through the socket. The dashboard is given (in `supervising` and pushed as
// `media_consumer`) only its own peer's consumers; the agent's tab, not the dashboard, is told of the supervisor's
// voice in whisper; another socket cannot take the supervision over; a stop is answered once; and when the call
// ends, media ends the supervision and the dashboard is told why. Each answer comes once its audit record is stored.
// (The audio itself is media's browser tests' part.)
import { createNatsRpcClient, type NatsRpcServer } from '@parley/kit';
import { uniqueName, waitFor } from '@parley/kit/testing';
import { RtpPeer } from '@parley/media/testing';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import {
  AudioCodec,
  BridgeLegsRequest,
  CreateRtpEndpointRequest,
  MediaServiceService,
} from '@parley/protos/parley/media/v1/media';
import { Call, SipGatewayServiceService } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, Queue, SITE, startApiStack, type ApiStack } from '../support/api-stack.js';
import { auditRecords } from '../support/audit-records.js';
import { openJsonSocket, type JsonSocketClient } from '../support/json-socket-client.js';
import { loginAt } from '../support/oidc-login.js';
import { startStackMedia, type StackMedia } from '../support/stack-media.js';
import { serveStandIn } from '../support/stand-in-service.js';

const mediaDomain = uniqueName('api-supervision-media');
let stack: ApiStack;
let media: StackMedia;
let gateway: NatsRpcServer;
/** The calls the stand-in gateway has, by interaction. */
const calls = new Map<string, Call>();
const phones: RtpPeer[] = [];

beforeAll(async () => {
  stack = await startApiStack({
    queues: [Queue.fromPartial({ id: 'support', channels: [Channel.CHANNEL_VOICE], siteIds: [SITE] })],
    agents: [Agent.fromPartial({ id: 'anna', displayName: 'Anna', siteId: SITE })],
    apiEnvironment: { API_MEDIA_RPC_DOMAIN: mediaDomain },
  });
  media = await startStackMedia(stack, mediaDomain, { min: 51500, max: 51999 });
  gateway = await serveStandIn(stack.nc, SipGatewayServiceService, stack.domains.sipGateway, {
    listActiveCalls: async (request) => {
      const call = calls.get(request.interactionId);
      return { calls: call ? [call] : [], pageInfo: { nextPageToken: '', totalSize: call ? 1 : 0 } };
    },
  });
}, 60_000);

afterAll(async () => {
  for (const phone of phones) phone.close();
  await gateway?.close();
  await media?.stop();
  await stack?.stop();
});

const mediaClient = () => createNatsRpcClient(stack.nc, MediaServiceService, { domain: mediaDomain });

const tokenOf = async (username: string) =>
  (await loginAt(stack.api.issuer, username, `${username}-demo-pass`)).access_token;

async function socketOf(path: string, username: string) {
  const socket = await openJsonSocket(stack.wsUrl(path));
  socket.send({ type: 'auth', token: await tokenOf(username) });
  await socket.next('ready');
  return socket;
}

/** One signalling request over the socket, answered by its requestId. */
async function signal(socket: JsonSocketClient, request: Record<string, unknown>): Promise<Record<string, unknown>> {
  const requestId = uniqueName('rq');
  const before = socket.messages.length;
  socket.send({ type: 'media', requestId, request });
  const answer = await Promise.race([
    socket.next('media_result', before, (message) => message.requestId === requestId),
    socket.next('error', before).then((error) => {
      throw new Error(`${String(error.code)}: ${String(error.message)}`);
    }),
  ]);
  return answer.result as Record<string, unknown>;
}

const dtlsParameters = {
  role: 'client',
  fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }],
};

/** What mediasoup-client does for a tab or dashboard: the microphone producing, a receive transport. */
async function browserPeer(socket: JsonSocketClient, ssrc: number) {
  const { rtpCapabilities } = await signal(socket, { op: 'capabilities' });
  const send = await signal(socket, { op: 'create_transport', direction: 'send' });
  await signal(socket, { op: 'connect_transport', transportId: send.transportId, dtlsParameters });
  const { producerId } = await signal(socket, {
    op: 'produce',
    transportId: send.transportId,
    rtpParameters: {
      codecs: [
        { mimeType: 'audio/PCMU', payloadType: 0, clockRate: 8000, channels: 1, parameters: {}, rtcpFeedback: [] },
      ],
      encodings: [{ ssrc }],
      headerExtensions: [],
      rtcp: { cname: `peer-${ssrc}`, reducedSize: true },
    },
  });
  const recv = await signal(socket, { op: 'create_transport', direction: 'recv', rtpCapabilities });
  return {
    rtpCapabilities: rtpCapabilities as Record<string, unknown>,
    peerId: String(recv.peerId),
    recvTransportId: String(recv.transportId),
    producerId: String(producerId),
  };
}

/** A caller's RTP endpoint bridged to the agent tab's peer, and the gateway's record of that call. */
async function bridgedCall(interactionId: string, agentPeerId: string) {
  const phone = await RtpPeer.open(0x5000 + calls.size);
  phones.push(phone);
  const { endpoint } = await mediaClient().createRtpEndpoint(
    CreateRtpEndpointRequest.fromPartial({
      endpointId: ulid(),
      callId: `call-${interactionId}`,
      interactionId,
      offeredCodecs: [{ codec: AudioCodec.AUDIO_CODEC_PCMU, payloadType: 0 }],
      remoteAddress: '127.0.0.1',
      remotePort: phone.port,
    }),
  );
  await mediaClient().bridgeLegs(
    BridgeLegsRequest.fromPartial({
      bridgeId: ulid(),
      interactionId,
      legA: { rtpEndpointId: endpoint!.id },
      legB: { peerId: agentPeerId },
    }),
  );
  calls.set(
    interactionId,
    Call.fromPartial({
      id: `call-${interactionId}`,
      interactionId,
      agentId: 'anna',
      siteId: SITE,
      customerLeg: { rtpEndpointId: endpoint!.id },
      agentLeg: { peerId: agentPeerId },
    }),
  );
  return { endpointId: endpoint!.id };
}

const ofType = (socket: JsonSocketClient, type: string, after: number) =>
  socket.messages.slice(after).filter((message) => message.type === type);

describe('supervision on the supervisor socket', () => {
  it("gives the dashboard its own peer's consumers only, and the agent's tab the supervisor's voice", async () => {
    const tab = await socketOf('/api/v1/agent/socket', 'anna');
    const agentPeer = await browserPeer(tab, 0x1111);
    await bridgedCall('01MONITOR', agentPeer.peerId);
    const dashboard = await socketOf('/api/v1/supervisor/socket', 'marek');
    const desk = await browserPeer(dashboard, 0x2222);
    expect(desk.peerId).toMatch(/^supervisor\.marek\./);

    const start = dashboard.messages.length;
    const startedAt = new Date().toISOString();
    const marekToken = await tokenOf('marek');
    dashboard.send({
      type: 'supervise',
      interactionId: '01MONITOR',
      mode: 'monitor',
      rtpCapabilities: desk.rtpCapabilities,
    });
    const supervising = await dashboard.next('supervising', start);
    const consumers = supervising.consumers as { consumerId: string; producerId: string; transportId: string }[];
    // The customer and the agent, both on the dashboard's receive transport.
    expect(consumers).toHaveLength(2);
    expect(consumers.every((consumer) => consumer.transportId === desk.recvTransportId)).toBe(true);
    expect(consumers.map((consumer) => consumer.producerId)).toContain(agentPeer.producerId);
    // The answer comes once the command's record is stored: a dashboard reading the audit log on it finds it.
    const audit = await fetch(
      `${stack.api.url}/api/v1/supervisor/audit?since=${startedAt}&target=interaction/01MONITOR`,
      { headers: { authorization: `Bearer ${marekToken}` } },
    );
    expect(await audit.json()).toMatchObject({ records: [{ action: 'call.monitor', outcome: 'ok' }] });
    // The same consumers pushed as media makes them, which the dashboard may resume.
    await waitFor(() => ofType(dashboard, 'media_consumer', start).length === 2 || undefined, {
      timeoutMs: 5_000,
      description: "two media_consumer pushes for the dashboard's peer",
    });
    const pushed = ofType(dashboard, 'media_consumer', start).map(
      (message) => message.consumer as { consumerId: string },
    );
    expect(pushed.map((consumer) => consumer.consumerId).sort()).toEqual(
      consumers.map((consumer) => consumer.consumerId).sort(),
    );
    for (const consumer of consumers)
      await signal(dashboard, { op: 'resume_consumer', consumerId: consumer.consumerId });

    // Whisper: the agent's tab hears the supervisor; nothing new for the dashboard, in the answer or pushed.
    const supervisionId = String(supervising.supervisionId);
    const beforeWhisper = dashboard.messages.length;
    const tabBefore = tab.messages.length;
    dashboard.send({
      type: 'supervise',
      interactionId: '01MONITOR',
      mode: 'whisper',
      rtpCapabilities: desk.rtpCapabilities,
      supervisionId,
    });
    const whispering = await dashboard.next('supervising', beforeWhisper);
    expect(whispering).toMatchObject({ supervisionId, mode: 'whisper', consumers: [] });
    const toTab = await tab.next('media_consumer', tabBefore);
    expect(toTab.consumer).toMatchObject({ producerId: desk.producerId, transportId: agentPeer.recvTransportId });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ofType(dashboard, 'media_consumer', beforeWhisper)).toEqual([]);
    // The agent tab's consumer is not the dashboard's to resume.
    await expect(
      signal(dashboard, { op: 'resume_consumer', consumerId: (toTab.consumer as { consumerId: string }).consumerId }),
    ).rejects.toThrow(/forbidden/);

    // Another socket (even an admin's) cannot switch or stop this socket's supervision.
    const other = await socketOf('/api/v1/supervisor/socket', 'admin');
    for (const command of [
      { type: 'supervise', interactionId: '01MONITOR', mode: 'barge', rtpCapabilities: {}, supervisionId },
      { type: 'stop_supervising', supervisionId },
    ]) {
      const before = other.messages.length;
      other.send(command);
      expect(await other.next('error', before)).toMatchObject({ code: 'forbidden' });
    }

    // Stopped by the dashboard: answered once, media's own event about it not passed on as news.
    const beforeStop = dashboard.messages.length;
    dashboard.send({ type: 'stop_supervising', supervisionId });
    expect(await dashboard.next('supervision_stopped', beforeStop)).toEqual({
      type: 'supervision_stopped',
      supervisionId,
      reason: 'stopped',
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ofType(dashboard, 'supervision_stopped', beforeStop)).toHaveLength(1);

    const records = (await auditRecords(stack.nc, stack.audit)).filter((record) => record.action.startsWith('call.'));
    expect(records.map((record) => [record.action, record.target, record.outcome, record.actor])).toEqual([
      ['call.monitor', 'interaction/01MONITOR', 'ok', expect.objectContaining({ username: 'marek' })],
      ['call.whisper', 'interaction/01MONITOR', 'ok', expect.objectContaining({ username: 'marek' })],
      ['call.barge', 'interaction/01MONITOR', 'failed', expect.objectContaining({ username: 'admin' })],
      [
        'call.stop_supervising',
        `supervision/${supervisionId}`,
        'failed',
        expect.objectContaining({ username: 'admin' }),
      ],
      ['call.stop_supervising', `supervision/${supervisionId}`, 'ok', expect.objectContaining({ username: 'marek' })],
    ]);
    for (const socket of [tab, dashboard, other]) socket.socket.close();
  });

  it('tells the dashboard when a supervision ends because its call ended', async () => {
    const tab = await socketOf('/api/v1/agent/socket', 'anna');
    const agentPeer = await browserPeer(tab, 0x3333);
    const { endpointId } = await bridgedCall('01HANGUP', agentPeer.peerId);
    const dashboard = await socketOf('/api/v1/supervisor/socket', 'marek');
    const desk = await browserPeer(dashboard, 0x4444);
    dashboard.send({
      type: 'supervise',
      interactionId: '01HANGUP',
      mode: 'monitor',
      rtpCapabilities: desk.rtpCapabilities,
    });
    const { supervisionId } = await dashboard.next('supervising');

    // The caller hangs up: the gateway closes the caller's leg at media, which ends the supervision by itself.
    await mediaClient().closeRtpEndpoint({ endpointId, reason: 'bye' });
    expect(await dashboard.next('supervision_stopped')).toEqual({
      type: 'supervision_stopped',
      supervisionId,
      reason: 'call_ended',
    });

    // A stop that crossed the end is answered, not refused; a mode switch on it is refused as having no call.
    const before = dashboard.messages.length;
    dashboard.send({ type: 'stop_supervising', supervisionId });
    expect(await dashboard.next('supervision_stopped', before)).toMatchObject({ supervisionId, reason: 'call_ended' });
    dashboard.send({
      type: 'supervise',
      interactionId: '01HANGUP',
      mode: 'whisper',
      rtpCapabilities: desk.rtpCapabilities,
      supervisionId,
    });
    expect(await dashboard.next('error', before)).toMatchObject({ code: 'no_call' });
    tab.socket.close();
    dashboard.socket.close();
  });
});

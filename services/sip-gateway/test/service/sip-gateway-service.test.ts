// The SIP gateway as a process runs it: the service host with its contract over NATS (ValidateFlow answered, the
// call-logic RPCs UNIMPLEMENTED until built), the SIP endpoint answering on the configured port, and each call's
// audio at a real media service (its own NATS domain, so other test files' media services never answer).
import { createSocket } from 'node:dgram';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeNats, connectNats, createLogger, createNatsRpcClient, Status, type NatsConnection } from '@parley/kit';
import { createTestEventStreams, testNatsUrl, waitFor, type TestEventStreams } from '@parley/kit/testing';
import { AbandonPoint } from '@parley/protos/parley/common/v1/interaction';
import {
  ListFlowsRequest,
  OriginateCallRequest,
  OriginateKind,
  PutFlowRequest,
  SipGatewayServiceService,
  ValidateFlowRequest,
} from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import type { startMediaService } from '@parley/media/service';
import { loadSipGatewayConfig } from '../../src/config.js';
import { startSipGatewayService } from '../../src/sip-gateway-service.js';
import { removeFlowsBucket, testFlowsBucket } from '../support/flows-bucket.js';
import { serviceEnvironment, startTestMedia } from '../support/services.js';

const logger = createLogger({ service: 'sip-gateway-test', level: 'silent' });
let nc: NatsConnection;
let streams: TestEventStreams;
let service: Awaited<ReturnType<typeof startSipGatewayService>>;
let media: Awaited<ReturnType<typeof startMediaService>>;
const MEDIA_DOMAIN = 'media-sip-gateway-service-test';
const FLOWS_BUCKET = testFlowsBucket();

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'sip-gateway-test', logger });
  streams = await createTestEventStreams(await jetstreamManager(nc));
  media = await startTestMedia({ site: 'waw', domain: MEDIA_DOMAIN, rtpPorts: 43000, streams });
  const config = loadSipGatewayConfig({
    ...serviceEnvironment('waw'),
    SIP_HOST: '127.0.0.1',
    SIP_PORT: '0',
    SIP_MEDIA_RPC_DOMAIN: MEDIA_DOMAIN,
    SIP_FLOWS_BUCKET: FLOWS_BUCKET,
    SIP_TRUNKS: JSON.stringify([
      { id: 'local', name: 'Local', sources: ['127.0.0.0/8'], maxCalls: 10, dids: { '+48221234567': 'support' } },
    ]),
  });
  service = await startSipGatewayService({ config, eventStreams: streams.config, handleSignals: false });
});

afterAll(async () => {
  await service?.stop();
  await media?.stop();
  await removeFlowsBucket(nc, FLOWS_BUCKET);
  await streams?.remove();
  await closeNats(nc);
});

describe('sip-gateway service', () => {
  it('validates flows over NATS and says UNIMPLEMENTED for the call logic not built yet', async () => {
    const client = createNatsRpcClient(nc, SipGatewayServiceService, { domain: 'sip-gateway' });
    const checked = await client.validateFlow(
      ValidateFlowRequest.fromPartial({
        documentJson: JSON.stringify({
          schemaVersion: 1,
          start: 'a',
          nodes: { a: { type: 'play', prompt: 'hi', next: 'b' } },
        }),
      }),
    );
    expect(checked).toEqual({ valid: false, problems: [{ path: '/nodes/a/next', message: 'no node "b"' }] });
    const outbound = OriginateCallRequest.fromPartial({ kind: OriginateKind.ORIGINATE_KIND_OUTBOUND });
    await expect(client.originateCall(outbound)).rejects.toMatchObject({
      status: Status.UNIMPLEMENTED,
    });
  });

  it('stores flows as versions: validated, optimistic concurrency, latest or a given version, listed by name', async () => {
    const client = createNatsRpcClient(nc, SipGatewayServiceService, { domain: 'sip-gateway' });
    const document = (prompt: string) =>
      JSON.stringify({ schemaVersion: 1, start: 'a', nodes: { a: { type: 'hangUp', prompt } } });
    await expect(
      client.putFlow(
        PutFlowRequest.fromPartial({
          flow: {
            id: 'sales',
            displayName: 'Sales',
            documentJson: JSON.stringify({
              schemaVersion: 1,
              start: 'a',
              nodes: { a: { type: 'play', prompt: 'hi', next: 'b' } },
            }),
          },
        }),
      ),
    ).rejects.toMatchObject({
      status: Status.INVALID_ARGUMENT,
      code: 'PARLEY_SIP_GATEWAY_INVALID_FLOW',
      fieldViolations: [{ field: 'flow.document_json/nodes/a/next', description: 'no node "b"' }],
    });
    const first = await client.putFlow(
      PutFlowRequest.fromPartial({ flow: { id: 'sales', displayName: 'Sales', documentJson: document('goodbye') } }),
    );
    expect(first.flow?.version).toBe(1);
    const second = await client.putFlow(
      PutFlowRequest.fromPartial({
        flow: { id: 'sales', displayName: 'Sales', documentJson: document('closed') },
        expectedVersion: 1,
      }),
    );
    expect(second.flow?.version).toBe(2);
    await expect(
      client.putFlow(
        PutFlowRequest.fromPartial({
          flow: { id: 'sales', displayName: 'Sales', documentJson: document('welcome') },
          expectedVersion: 1,
        }),
      ),
    ).rejects.toMatchObject({ status: Status.ABORTED, code: 'PARLEY_SIP_GATEWAY_VERSION_MISMATCH' });
    expect((await client.getFlow({ flowId: 'sales', version: 0 })).flow?.documentJson).toBe(document('closed'));
    expect((await client.getFlow({ flowId: 'sales', version: 1 })).flow?.documentJson).toBe(document('goodbye'));
    await expect(client.getFlow({ flowId: 'nope', version: 0 })).rejects.toMatchObject({ status: Status.NOT_FOUND });
    await client.putFlow(
      PutFlowRequest.fromPartial({
        flow: { id: 'after-hours', displayName: 'After hours', documentJson: document('closed') },
      }),
    );
    const firstPage = await client.listFlows(ListFlowsRequest.fromPartial({ paging: { pageSize: 1 } }));
    expect(firstPage.flows.map((flow) => [flow.id, flow.version, flow.documentJson])).toEqual([['after-hours', 1, '']]);
    const nextPage = await client.listFlows(
      ListFlowsRequest.fromPartial({ paging: { pageSize: 1, pageToken: firstPage.pageInfo!.nextPageToken } }),
    );
    expect(nextPage.flows.map((flow) => [flow.id, flow.version])).toEqual([['sales', 2]]);
    expect(nextPage.pageInfo?.nextPageToken).toBe('');
  });

  it('answers SIP OPTIONS on its configured port', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const own = socket.address().port;
    const reply = new Promise<string>((resolve, reject) => {
      socket.once('message', (data) => resolve(data.toString('utf8').split('\r\n')[0] ?? ''));
      setTimeout(() => reject(new Error('no SIP answer')), 3_000);
    });
    socket.send(
      `OPTIONS sip:parley@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${own};branch=z9hG4bK-svc\r\n` +
        'From: <sip:m@127.0.0.1>;tag=s\r\nTo: <sip:parley@127.0.0.1>\r\nCall-ID: svc-1\r\nCSeq: 1 OPTIONS\r\n' +
        'Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
      service.endpoint.port,
      '127.0.0.1',
    );
    expect(await reply).toBe('SIP/2.0 200 OK');
    socket.close();
  });

  it('publishes the call’s events in order (created, flow started, caller left) and its media’s', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const own = socket.address().port;
    const replies: string[] = [];
    socket.on('message', (data) => replies.push(data.toString('utf8')));
    const send = (text: string) => socket.send(text, service.endpoint.port, '127.0.0.1');
    const headers = (method: string, cseq: number, branch: string, toTag = '') =>
      `${method} sip:+48221234567@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${own};branch=z9hG4bK-${branch}\r\n` +
      `From: "Jan Kowalski" <sip:+48600111222@127.0.0.1>;tag=c1\r\nTo: <sip:+48221234567@127.0.0.1>${toTag}\r\n` +
      `Call-ID: events-1\r\nCSeq: ${cseq} ${method}\r\nContact: <sip:caller@127.0.0.1:${own}>\r\nMax-Forwards: 70\r\n` +
      'Content-Length: 0\r\n\r\n';
    send(headers('INVITE', 1, 'ev1'));
    await waitFor(() => replies.some((r) => r.startsWith('SIP/2.0 200')), { timeoutMs: 3_000 });
    const ok = replies.find((r) => r.startsWith('SIP/2.0 200')) ?? '';
    const tag = /^To:.*(;tag=[^;\s]+)/m.exec(ok)?.[1] ?? '';
    send(headers('ACK', 1, 'ev2', tag));
    send(headers('BYE', 2, 'ev3', tag));
    await waitFor(() => replies.some((r) => r.startsWith('SIP/2.0 200') && r.includes('CSeq: 2 BYE')), {
      timeoutMs: 3_000,
    });
    socket.close();

    const consumer = await jetstream(nc).consumers.get(streams.config.stream, {
      filter_subjects: `${streams.config.subjectPrefix}.>`,
    });
    const all: Envelope[] = [];
    const messages = await consumer.consume();
    const giveUp = setTimeout(() => void messages.close(), 5_000); // the expectation below then says what came
    for await (const message of messages) {
      all.push(Envelope.decode(message.data));
      if (all.length === 5) break;
    }
    clearTimeout(giveUp);
    // The call's media: an endpoint allocated before the answer, released on the BYE.
    const mediaEvents = all.filter((e) => e.type.startsWith('media.'));
    expect(mediaEvents.map((e) => e.type)).toEqual(['media.endpoint_created', 'media.endpoint_closed']);
    expect(mediaEvents[1]?.mediaEndpointClosed?.reason).toBe('bye');
    const events = all.filter((e) => e.type.startsWith('interaction.'));
    expect(mediaEvents[0]?.interactionId).toBe(events[0]?.interactionId);
    expect(events.map((e) => e.type)).toEqual([
      'interaction.created',
      'interaction.ivr_started',
      'interaction.abandoned',
    ]);
    expect(new Set(events.map((e) => e.interactionId)).size).toBe(1);
    expect(events[0]?.site).toBe('waw');
    expect(events[0]?.interactionCreated?.interaction?.customer).toMatchObject({
      phoneNumber: '+48600111222',
      displayName: 'Jan Kowalski',
    });
    expect(events[0]?.interactionCreated?.interaction?.entryPoint).toBe('+48221234567');
    expect(events[1]?.interactionIvrStarted?.flowId).toBe('support');
    expect(events[2]?.interactionAbandoned?.point).toBe(AbandonPoint.ABANDON_POINT_IVR);
  });
});

// The SIP gateway as a process runs it: the service host with its contract over NATS (ValidateFlow answered, the
// call-logic RPCs UNIMPLEMENTED until built) and the SIP endpoint answering on the configured port.
import { createSocket } from 'node:dgram';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeNats, connectNats, createLogger, createNatsRpcClient, Status, type NatsConnection } from '@parley/kit';
import { createTestEventStreams, testNatsUrl, type TestEventStreams } from '@parley/kit/testing';
import {
  OriginateCallRequest,
  SipGatewayServiceService,
  ValidateFlowRequest,
} from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import { loadSipGatewayConfig } from '../../src/config.js';
import { startSipGatewayService } from '../../src/sip-gateway-service.js';

const logger = createLogger({ service: 'sip-gateway-test', level: 'silent' });
let nc: NatsConnection;
let streams: TestEventStreams;
let service: Awaited<ReturnType<typeof startSipGatewayService>>;

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'sip-gateway-test', logger });
  streams = await createTestEventStreams(await jetstreamManager(nc));
  const config = loadSipGatewayConfig({
    NATS_URL: testNatsUrl,
    GRPC_PORT: '0',
    HTTP_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SIP_HOST: '127.0.0.1',
    SIP_PORT: '0',
  });
  service = await startSipGatewayService({ config, eventStreams: streams.config, handleSignals: false });
});

afterAll(async () => {
  await service?.stop();
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
    await expect(client.originateCall(OriginateCallRequest.fromPartial({}))).rejects.toMatchObject({
      status: Status.UNIMPLEMENTED,
    });
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
});

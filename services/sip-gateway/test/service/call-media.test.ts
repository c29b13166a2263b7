// A real SIP caller with real audio: sipp's uac_pcap scenario (Debian's pcaps: 7 s of G.711 A-law, then an
// RFC 4733 "1") calls a DID through the gateway; the media service allocates the call's RTP endpoint, the audio
// reaches it, the digit is decoded, the BYE releases it. Media out of reach → 503, and nothing is left behind.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { closeNats, connectNats, createLogger, type NatsConnection } from '@parley/kit';
import { createTestEventStreams, testNatsUrl, waitFor, type TestEventStreams } from '@parley/kit/testing';
import type { startMediaService } from '@parley/media/service';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSipGatewayConfig } from '../../src/config.js';
import { startSipGatewayService } from '../../src/sip-gateway-service.js';
import { removeFlowsBucket, testFlowsBucket } from '../support/flows-bucket.js';
import { serviceEnvironment, startTestMedia } from '../support/services.js';
import { runSipp } from '../support/sipp.js';

const FLOWS_BUCKET = testFlowsBucket();
const logger = createLogger({ service: 'call-media-test', level: 'silent' });
const MEDIA_DOMAIN = 'media-call-media-test';
let nc: NatsConnection;
let streams: TestEventStreams;
let media: Awaited<ReturnType<typeof startMediaService>>;
let gateway: Awaited<ReturnType<typeof startSipGatewayService>>;
let gatewayWithoutMedia: Awaited<ReturnType<typeof startSipGatewayService>>;

const environment = serviceEnvironment('waw');

const trunks = JSON.stringify([
  { id: 'local', name: 'Local', sources: ['127.0.0.0/8'], maxCalls: 10, dids: { '+48221234567': 'support' } },
]);

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'call-media-test', logger });
  streams = await createTestEventStreams(await jetstreamManager(nc));
  media = await startTestMedia({
    site: 'waw',
    domain: MEDIA_DOMAIN,
    rtpPorts: 44000,
    streams,
    settings: {
      // Short, so a call whose caller sends no RTP is cleared within the test.
      MEDIA_RTP_TIMEOUT_MS: '2000',
    },
  });
  const gatewayConfig = (domain: string) =>
    loadSipGatewayConfig({
      ...environment,
      SIP_HOST: '127.0.0.1',
      SIP_PORT: '0',
      SIP_MEDIA_RPC_DOMAIN: domain,
      SIP_RPC_DOMAIN: `sip-gateway-call-media-${domain}`,
      SIP_FLOWS_BUCKET: FLOWS_BUCKET,
      SIP_TRUNKS: trunks,
    });
  gateway = await startSipGatewayService({
    config: gatewayConfig(MEDIA_DOMAIN),
    eventStreams: streams.config,
    handleSignals: false,
  });
  // A gateway whose media domain nobody serves: every call must be refused cleanly.
  gatewayWithoutMedia = await startSipGatewayService({
    config: gatewayConfig('media-nobody-serves-this'),
    eventStreams: streams.config,
    handleSignals: false,
  });
}, 30_000);

afterAll(async () => {
  await removeFlowsBucket(nc, FLOWS_BUCKET);
  await gateway?.stop();
  await gatewayWithoutMedia?.stop();
  await media?.stop();
  await streams?.remove();
  await closeNats(nc);
});

async function readEvents(count: number, timeoutMs = 5_000): Promise<Envelope[]> {
  const consumer = await jetstream(nc).consumers.get(streams.config.stream, {
    filter_subjects: `${streams.config.subjectPrefix}.>`,
  });
  const events: Envelope[] = [];
  const messages = await consumer.consume();
  const giveUp = setTimeout(() => void messages.close(), timeoutMs);
  for await (const message of messages) {
    events.push(Envelope.decode(message.data));
    if (events.length === count) break;
  }
  clearTimeout(giveUp);
  return events;
}

describe('calls with media', () => {
  it('carries a sipp caller’s RTP audio and RFC 4733 digit to media, and releases the endpoint on BYE', async () => {
    const run = await runSipp(
      ['-sn', 'uac_pcap', '-s', '+48221234567', `127.0.0.1:${gateway.endpoint.port}`, '-m', '1'],
      30_000,
    );
    expect(run.exitCode, run.output).toBe(0);
    await waitFor(() => gateway.endpoint.counts.ended === 1);

    const events = await readEvents(6);
    const types = events.map((event) => event.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'media.endpoint_created',
        'interaction.created',
        'interaction.ivr_started',
        'media.dtmf_received',
        'media.endpoint_closed',
      ]),
    );
    const created = events.find((event) => event.type === 'media.endpoint_created')!;
    const interactionId = events.find((event) => event.type === 'interaction.created')!.interactionId;
    expect(created.interactionId).toBe(interactionId);
    expect(created.mediaEndpointCreated?.codec).toBe('PCMA'); // the only codec sipp offers
    expect(events.find((event) => event.type === 'media.dtmf_received')?.mediaDtmfReceived?.digit).toBe('1');
    const closed = events.find((event) => event.type === 'media.endpoint_closed')!;
    expect(closed.mediaEndpointClosed?.reason).toBe('bye');
    // g711a.pcap holds 236 audio packets (7 s), dtmf_2833_1.pcap 10 more under another SSRC and sequence (media
    // re-synchronises on them and may drop one).
    expect(Number(closed.mediaEndpointClosed?.packetsReceived)).toBeGreaterThanOrEqual(236 + 8);
    expect(types.indexOf('media.endpoint_created')).toBeLessThan(types.indexOf('interaction.created'));
    expect(media.engine.graph.endpoints.size).toBe(0);
  }, 40_000);

  it('answers 503 when media cannot be reached, keeping no call', async () => {
    const run = await runSipp(
      ['-sn', 'uac', '-s', '+48221234567', `127.0.0.1:${gatewayWithoutMedia.endpoint.port}`, '-m', '1'],
      15_000,
    );
    expect(run.exitCode).not.toBe(0);
    expect(gatewayWithoutMedia.endpoint.counts.mediaUnavailable).toBe(1);
    expect(gatewayWithoutMedia.endpoint.counts.answered).toBe(0);
    expect(gatewayWithoutMedia.endpoint.activeDialogs).toBe(0);
  }, 20_000);

  it('ends a call whose caller sends no RTP: media times it out, the gateway hangs up with a BYE', async () => {
    const before = gateway.endpoint.counts.hungUp;
    // sipp's plain uac sends no RTP and holds the call 8 s before its BYE; media gives up after 2 s of silence.
    const run = await runSipp(
      ['-sn', 'uac', '-s', '+48221234567', `127.0.0.1:${gateway.endpoint.port}`, '-m', '1', '-d', '8000'],
      20_000,
    );
    // sipp's scenario does not expect our BYE: it counts the call failed, which is the point here.
    expect(run.output).toMatch(/unexpected BYE|Unexpected-Msg/i);
    expect(gateway.endpoint.counts.hungUp).toBe(before + 1);
    expect(gateway.endpoint.activeDialogs).toBe(0);
    expect(media.engine.graph.endpoints.size).toBe(0);
  }, 30_000);
});

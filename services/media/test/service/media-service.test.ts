// The media service as a process runs it: the contract over NATS on real mediasoup workers, bad requests answered
// with the documented errors (and nothing created), and media.* events in JetStream.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { closeNats, connectNats, createLogger, createNatsRpcClient, Status, type NatsConnection } from '@parley/kit';
import { createTestEventStreams, testNatsUrl, type TestEventStreams } from '@parley/kit/testing';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import {
  AudioCodec,
  CreateRtpEndpointRequest,
  MediaServiceService,
  PlayPromptRequest,
  StartSupervisionRequest,
} from '@parley/protos/parley/media/v1/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMediaConfig } from '../../src/config.js';
import { startMediaService } from '../../src/media-service.js';
import { RtpPeer } from '../support/rtp-peer.js';

const logger = createLogger({ service: 'media-test', level: 'silent' });
let nc: NatsConnection;
let streams: TestEventStreams;
let service: Awaited<ReturnType<typeof startMediaService>>;

beforeAll(async () => {
  nc = await connectNats({ servers: [testNatsUrl], name: 'media-test', logger });
  streams = await createTestEventStreams(await jetstreamManager(nc));
  const config = loadMediaConfig({
    NATS_URL: testNatsUrl,
    GRPC_PORT: '0',
    HTTP_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    PARLEY_SITE: 'waw',
    MEDIA_WORKERS: '1',
    MEDIA_RPC_DOMAIN: 'media-service-test',
    MEDIA_RTP_MIN_PORT: '42000',
    MEDIA_RTP_MAX_PORT: '42999',
  });
  service = await startMediaService({ config, eventStreams: streams.config, handleSignals: false });
}, 30_000);

afterAll(async () => {
  await service?.stop();
  await streams?.remove();
  await closeNats(nc);
});

describe('media service over NATS', () => {
  const client = () => createNatsRpcClient(nc, MediaServiceService, { domain: 'media-service-test' });

  it('creates an RTP endpoint, plays into it and closes it, publishing the events', async () => {
    const phone = await RtpPeer.open(0x9001);
    try {
      const created = await client().createRtpEndpoint(
        CreateRtpEndpointRequest.fromPartial({
          endpointId: '01JSVCENDPOINT0000000000001',
          callId: 'call-svc',
          interactionId: 'interaction-svc',
          offeredCodecs: [
            { codec: AudioCodec.AUDIO_CODEC_PCMA, payloadType: 8 },
            { codec: AudioCodec.AUDIO_CODEC_PCMU, payloadType: 0 },
          ],
          telephoneEventPayloadType: 101,
          remoteAddress: '127.0.0.1',
          remotePort: phone.port,
        }),
      );
      const endpoint = created.endpoint!;
      // The caller's first choice wins.
      expect(endpoint.codec).toEqual({ codec: AudioCodec.AUDIO_CODEC_PCMA, payloadType: 8 });
      expect(endpoint.localAddress).toBe('127.0.0.1');
      expect(endpoint.localPort).toBeGreaterThanOrEqual(42_000);
      expect(endpoint.localPort).toBeLessThanOrEqual(42_999);
      // A retry with the same id answers the same endpoint.
      const again = await client().createRtpEndpoint(
        CreateRtpEndpointRequest.fromPartial({ endpointId: endpoint.id, offeredCodecs: [] }),
      );
      expect(again.endpoint?.localPort).toBe(endpoint.localPort);

      const played = await client().playPrompt(
        PlayPromptRequest.fromPartial({
          playbackId: '01JSVCPLAYBACK0000000000001',
          leg: { rtpEndpointId: endpoint.id },
          prompts: ['builtin/number-2'],
        }),
      );
      expect(played.durationMs).toBeGreaterThan(200);
      await new Promise((resolve) => setTimeout(resolve, played.durationMs + 300));
      expect(phone.audio(8).length).toBe(Math.ceil(played.durationMs / 20));
      await client().closeRtpEndpoint({ endpointId: endpoint.id, reason: 'bye' });
    } finally {
      phone.close();
    }

    const consumer = await jetstream(nc).consumers.get(streams.config.stream, {
      filter_subjects: `${streams.config.subjectPrefix}.>`,
    });
    const events: Envelope[] = [];
    const messages = await consumer.consume();
    const giveUp = setTimeout(() => void messages.close(), 5_000);
    for await (const message of messages) {
      events.push(Envelope.decode(message.data));
      if (events.length === 3) break;
    }
    clearTimeout(giveUp);
    expect(events.map((event) => event.type)).toEqual([
      'media.endpoint_created',
      'media.prompt_finished',
      'media.endpoint_closed',
    ]);
    expect(events.every((event) => event.site === 'waw' && event.interactionId === 'interaction-svc')).toBe(true);
    expect(events[2]?.mediaEndpointClosed?.reason).toBe('bye');
  });

  it('answers bad requests with the documented errors', async () => {
    await expect(
      client().createRtpEndpoint(CreateRtpEndpointRequest.fromPartial({ endpointId: '' })),
    ).rejects.toMatchObject({ status: Status.INVALID_ARGUMENT, fieldViolations: [{ field: 'endpoint_id' }] });
    await expect(
      client().createRtpEndpoint(
        CreateRtpEndpointRequest.fromPartial({
          endpointId: 'no-g711',
          offeredCodecs: [{ codec: AudioCodec.AUDIO_CODEC_UNSPECIFIED, payloadType: 18 }],
        }),
      ),
    ).rejects.toMatchObject({ status: Status.INVALID_ARGUMENT, code: 'PARLEY_MEDIA_NO_COMMON_CODEC' });
    await expect(
      client().createRtpEndpoint(
        CreateRtpEndpointRequest.fromPartial({
          endpointId: 'bad-remote',
          remoteAddress: 'example.com',
          remotePort: 4000,
        }),
      ),
    ).rejects.toMatchObject({ status: Status.INVALID_ARGUMENT, fieldViolations: [{ field: 'remote_address' }] });
    await expect(
      client().playPrompt(
        PlayPromptRequest.fromPartial({
          playbackId: 'p',
          leg: { rtpEndpointId: 'nobody' },
          prompts: ['builtin/goodbye'],
        }),
      ),
    ).rejects.toMatchObject({ status: Status.NOT_FOUND, code: 'PARLEY_MEDIA_LEG_NOT_FOUND' });
    await expect(
      client().playPrompt(PlayPromptRequest.fromPartial({ playbackId: 'p', leg: {}, prompts: ['builtin/goodbye'] })),
    ).rejects.toMatchObject({ status: Status.INVALID_ARGUMENT, fieldViolations: [{ field: 'leg' }] });
    await expect(client().startSupervision(StartSupervisionRequest.fromPartial({}))).rejects.toMatchObject({
      status: Status.INVALID_ARGUMENT,
      fieldViolations: [{ field: 'supervision_id' }],
    });
    // Nothing was created by the refused requests.
    expect(service.engine.graph.endpoints.size).toBe(0);
    const stats = await client().getWorkerStats({});
    expect(stats.workers).toHaveLength(1);
    expect(stats.workers[0]).toMatchObject({ alive: true, siteId: 'waw', transports: 0 });
  });
});

// The media process: the service host (health, metrics, NATS, gRPC), the mediasoup workers, and the
// parley.media.v1 contract over gRPC and NATS.
import { ServiceHost, type EventStreamsConfig } from '@parley/kit';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { MediaServiceService } from '@parley/protos/parley/media/v1/media';
import { PromptStore } from './audio/prompt-store.js';
import type { MediaConfig } from './config.js';
import { MediaEngine } from './media-engine.js';
import { PeerSignalling } from './peer-signalling.js';
import { createMediaHandlers } from './rpc/media-handlers.js';
import { WorkerPool } from './workers/worker-pool.js';

export interface MediaServiceOptions {
  config: MediaConfig;
  eventStreams?: EventStreamsConfig;
  handleSignals?: boolean;
}

export async function startMediaService(options: MediaServiceOptions) {
  const { config } = options;
  const host = await ServiceHost.start({
    service: 'media',
    config,
    grpcPort: config.GRPC_PORT,
    httpPort: config.HTTP_PORT,
    ...(options.eventStreams ? { eventStreams: options.eventStreams } : {}),
    handleSignals: options.handleSignals ?? true,
  });
  try {
    // Media events never hold up audio: published in the background, failures logged (README: no outbox yet).
    const publish = (envelope: Envelope) => {
      host.events
        .publish(envelope)
        .catch((error: unknown) => host.logger.error({ err: error, type: envelope.type }, 'media event not published'));
    };
    // The pool reports deaths to the engine, which needs the pool first.
    const deaths: { engine?: MediaEngine } = {};
    const pool = await WorkerPool.start({
      workers: config.MEDIA_WORKERS,
      rtpMinPort: config.MEDIA_RTP_MIN_PORT,
      rtpMaxPort: config.MEDIA_RTP_MAX_PORT,
      respawnDelayMs: config.MEDIA_WORKER_RESPAWN_MS,
      onWorkerDied: (slot, error) => {
        host.logger.error({ worker: slot.id, err: error }, 'mediasoup worker died; its calls are lost');
        deaths.engine?.workerDied(slot, error);
      },
    });
    host.shutdown.add('mediasoup workers', () => pool.close());
    const engine = new MediaEngine(pool, {
      site: config.PARLEY_SITE,
      listenIp: config.MEDIA_LISTEN_IP,
      announcedAddress: config.MEDIA_ANNOUNCED_ADDRESS,
      defaultHoldMusic: config.MEDIA_DEFAULT_HOLD_MUSIC,
      rtpTimeoutMs: config.MEDIA_RTP_TIMEOUT_MS,
      prompts: new PromptStore(config.MEDIA_PROMPTS_DIR),
      publish,
    });
    deaths.engine = engine;
    host.shutdown.add('media engine', () => engine.close());
    const peers = new PeerSignalling(engine, {
      listenIp: config.MEDIA_LISTEN_IP,
      announcedAddress: config.MEDIA_ANNOUNCED_ADDRESS,
      site: config.PARLEY_SITE,
      publish,
    });
    host.serve(MediaServiceService, createMediaHandlers(engine, peers), { domain: config.MEDIA_RPC_DOMAIN });
    const ports = await host.listen();
    host.logger.info({ workers: pool.all().map((slot) => slot.id) }, 'mediasoup workers started');
    return { host, engine, pool, ports, stop: () => host.stop() };
  } catch (error) {
    await host.stop();
    throw error;
  }
}

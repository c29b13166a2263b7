// The media service beside an API test stack: one mediasoup worker in-process, answering on `domain` (the stack's
// API_MEDIA_RPC_DOMAIN), publishing to the stack's event streams, RTP on a port range of the test file's own (test
// files run in parallel and must not contend for ports).
import { loadMediaConfig } from '@parley/media/config';
import { startMediaService } from '@parley/media/service';
import { type ApiStack, serviceEnvironment } from './api-stack.js';

export type StackMedia = Awaited<ReturnType<typeof startMediaService>>;

export function startStackMedia(
  stack: ApiStack,
  domain: string,
  rtpPorts: { min: number; max: number },
): Promise<StackMedia> {
  return startMediaService({
    config: loadMediaConfig({
      ...serviceEnvironment(),
      MEDIA_WORKERS: '1',
      MEDIA_RPC_DOMAIN: domain,
      MEDIA_RTP_MIN_PORT: String(rtpPorts.min),
      MEDIA_RTP_MAX_PORT: String(rtpPorts.max),
    }),
    eventStreams: stack.streams.config,
    handleSignals: false,
  });
}

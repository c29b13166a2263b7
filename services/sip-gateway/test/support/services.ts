// The services a gateway test runs in-process beside the gateway: the environment every service reads (loopback,
// ports chosen by the OS, quiet logs) and a media service on its own NATS domain and RTP port range, so test files
// running at the same time never answer each other's calls.
import type { TestEventStreams } from '@parley/kit/testing';
import { testNatsUrl } from '@parley/kit/testing';
import { loadMediaConfig } from '@parley/media/config';
import { startMediaService } from '@parley/media/service';

export function serviceEnvironment(site: string): Record<string, string> {
  return {
    NATS_URL: testNatsUrl,
    GRPC_PORT: '0',
    HTTP_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    PARLEY_SITE: site,
  };
}

export interface TestMediaOptions {
  site: string;
  /** The NATS domain it serves (the gateway's SIP_MEDIA_RPC_DOMAIN). */
  domain: string;
  /** First port of a 1,000-port RTP range of the test's own. */
  rtpPorts: number;
  streams: TestEventStreams;
  /** Extra MEDIA_* settings. */
  settings?: Record<string, string>;
}

export type TestMedia = Awaited<ReturnType<typeof startMediaService>>;

export function startTestMedia(options: TestMediaOptions): Promise<TestMedia> {
  return startMediaService({
    config: loadMediaConfig({
      ...serviceEnvironment(options.site),
      MEDIA_WORKERS: '1',
      MEDIA_RPC_DOMAIN: options.domain,
      MEDIA_RTP_MIN_PORT: String(options.rtpPorts),
      MEDIA_RTP_MAX_PORT: String(options.rtpPorts + 999),
      ...options.settings,
    }),
    eventStreams: options.streams.config,
    handleSignals: false,
  });
}

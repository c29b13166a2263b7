// The media service's configuration: the only place that reads the environment.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseServiceConfigSchema, env, loadConfig, servicePorts } from '@parley/kit';
import { z } from 'zod';

// The default prompts ship with the SIP gateway (generated offline there); in a cluster they are mounted.
const bundledPromptsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sip-gateway/prompts/en');

export const mediaConfigSchema = baseServiceConfigSchema
  .extend({
    GRPC_PORT: env.port(servicePorts.media.grpc),
    HTTP_PORT: env.port(servicePorts.media.http),
    /**
     * The NATS subject domain the contract is served on (parley.rpc.<domain>.<Method>). Media must be near its calls,
     * so sites sharing a NATS account give each site's media its own domain (and the SIP gateway the same); tests too.
     */
    MEDIA_RPC_DOMAIN: env.subjectToken('media'),
    /** mediasoup workers (one process each); one per core by default. */
    MEDIA_WORKERS: env.positiveInt(Math.max(1, os.availableParallelism())),
    /** Address the RTP and WebRTC sockets bind to (0.0.0.0 in a cluster; loopback for the local runner). */
    MEDIA_LISTEN_IP: z.string().min(1).default('127.0.0.1'),
    /**
     * Address put into SDP and ICE candidates when it differs from the bound one (Kubernetes: the node's address
     * with hostNetwork, or the address a fixed UDP port range is exposed on).
     */
    MEDIA_ANNOUNCED_ADDRESS: z.string().min(1).optional(),
    /** UDP port range of every RTP endpoint and WebRTC transport of this instance (expose it per pod). */
    MEDIA_RTP_MIN_PORT: env.port(40_000),
    MEDIA_RTP_MAX_PORT: env.port(49_999),
    /** Folder of the built-in prompts ("builtin/<name>" → <dir>/<name>.wav, 8 kHz G.711 WAV). */
    MEDIA_PROMPTS_DIR: z.string().min(1).default(bundledPromptsDir),
    /** Music on hold when HoldLeg names none. */
    MEDIA_DEFAULT_HOLD_MUSIC: z.string().min(1).default('builtin/hold-music'),
    /**
     * An RTP endpoint that receives no RTP for this long (and is not on hold) is closed with reason "rtp_timeout":
     * the caller is gone without a BYE (network loss, a crashed phone). The SIP gateway then ends the call. 0: never.
     */
    MEDIA_RTP_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
    /** A dead worker is replaced after this delay (its calls are gone; new calls avoid it meanwhile). */
    MEDIA_WORKER_RESPAWN_MS: env.positiveInt(1_000),
  })
  .refine((config) => config.MEDIA_RTP_MIN_PORT < config.MEDIA_RTP_MAX_PORT, {
    message: 'MEDIA_RTP_MIN_PORT must be below MEDIA_RTP_MAX_PORT',
    path: ['MEDIA_RTP_MIN_PORT'],
  });

export type MediaConfig = z.output<typeof mediaConfigSchema>;

export function loadMediaConfig(environment: Record<string, string | undefined> = process.env): MediaConfig {
  return loadConfig(mediaConfigSchema, environment);
}

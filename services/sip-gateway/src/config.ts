// The SIP gateway's configuration: the only place that reads the environment.
import { baseServiceConfigSchema, env, loadConfig, servicePorts } from '@parley/kit';
import { z } from 'zod';

const addressList = z
  .string()
  .default('127.0.0.1')
  .transform((text) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

export const sipGatewayConfigSchema = baseServiceConfigSchema.extend({
  GRPC_PORT: env.port(servicePorts['sip-gateway'].grpc),
  HTTP_PORT: env.port(servicePorts['sip-gateway'].http),
  /** Where SIP listens, UDP and TCP on one port (0.0.0.0 in a cluster; loopback for the local runner). */
  SIP_HOST: z.string().min(1).default('127.0.0.1'),
  SIP_PORT: z.coerce.number().int().min(0).max(65_535).default(5060),
  /** Comma-separated addresses allowed to send calls (the trunk providers'); anyone else gets 403. */
  SIP_ALLOWED_SOURCES: addressList,
  /** Address and port SDP answers name until the media service allocates endpoints (issue 6). */
  SIP_MEDIA_ADDRESS: z.string().min(1).default('127.0.0.1'),
  SIP_MEDIA_PORT: env.port(40_000),
  SIP_MAX_REQUESTS_PER_SECOND_PER_SOURCE: env.positiveInt(10_000),
  SIP_MAX_DIALOGS: env.positiveInt(50_000),
});

export type SipGatewayConfig = z.output<typeof sipGatewayConfigSchema>;

export function loadSipGatewayConfig(environment: Record<string, string | undefined> = process.env): SipGatewayConfig {
  return loadConfig(sipGatewayConfigSchema, environment);
}

// The routing service's configuration: the only place that reads the environment.
import { baseServiceConfigSchema, env, loadConfig, servicePorts } from '@parley/kit';
import type { z } from 'zod';

export const routingConfigSchema = baseServiceConfigSchema.extend({
  GRPC_PORT: env.port(servicePorts.routing.grpc),
  HTTP_PORT: env.port(servicePorts.routing.http),
});

export type RoutingConfig = z.output<typeof routingConfigSchema>;

export function loadRoutingConfig(environment: Record<string, string | undefined> = process.env): RoutingConfig {
  return loadConfig(routingConfigSchema, environment);
}

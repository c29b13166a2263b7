// The routing service's configuration: the only place that reads the environment.
import { baseServiceConfigSchema, env, loadConfig, servicePorts } from '@parley/kit';
import { z } from 'zod';
import { parsePartitions } from './partitions/index.js';

const partitionsSchema = z
  .string()
  .default('p0=*')
  .transform((text, context) => {
    const { partitions, problems } = parsePartitions(text);
    for (const problem of problems) context.addIssue({ code: 'custom', message: problem });
    return partitions;
  });

export const routingConfigSchema = baseServiceConfigSchema.extend({
  GRPC_PORT: env.port(servicePorts.routing.grpc),
  HTTP_PORT: env.port(servicePorts.routing.http),
  /** `name=site,site;name=site`: which sites each routing partition owns (default: one partition, every site). */
  ROUTING_PARTITIONS: partitionsSchema,
  /** Logged operations between two state snapshots (a standby restores the snapshot, then replays the rest). */
  ROUTING_SNAPSHOT_EVERY_OPS: env.positiveInt(20_000),
  /** And at least this often while anything changes. */
  ROUTING_SNAPSHOT_EVERY_MS: env.positiveInt(60_000),
  /**
   * Standbys keep a live copy of each partition they do not own (memory: one copy of the state per partition),
   * so a takeover applies only the last moments of the log. Off: they restore and replay when they take over.
   */
  ROUTING_HOT_STANDBY: env.boolean(true),
  /** How often a hot standby applies what the owner has logged since. */
  ROUTING_FOLLOW_EVERY_MS: env.positiveInt(250),
});

export type RoutingConfig = z.output<typeof routingConfigSchema>;

export function loadRoutingConfig(environment: Record<string, string | undefined> = process.env): RoutingConfig {
  return loadConfig(routingConfigSchema, environment);
}

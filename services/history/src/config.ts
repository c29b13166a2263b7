// The history service's configuration: the only place that reads the environment.
import { baseServiceConfigSchema, env, loadConfig, servicePorts } from '@parley/kit';
import { z } from 'zod';

export const historyConfigSchema = baseServiceConfigSchema.extend({
  GRPC_PORT: env.port(servicePorts.history.grpc),
  HTTP_PORT: env.port(servicePorts.history.http),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/parley_history'),
});

export type HistoryConfig = z.output<typeof historyConfigSchema>;

export function loadHistoryConfig(environment: Record<string, string | undefined> = process.env): HistoryConfig {
  return loadConfig(historyConfigSchema, environment);
}

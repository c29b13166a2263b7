// The history service's configuration: the only place that reads the environment.
import { baseServiceConfigSchema, env, loadConfig, servicePorts } from '@parley/kit';
import { z } from 'zod';

export const historyConfigSchema = baseServiceConfigSchema.extend({
  GRPC_PORT: env.port(servicePorts.history.grpc),
  HTTP_PORT: env.port(servicePorts.history.http),
  /** The PostgreSQL server (the local runner hands every service the same one); its database name is not used. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/postgres'),
  /** History's own database on that server, created and migrated on start-up. */
  HISTORY_DATABASE_NAME: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'must be lower-case letters, digits and _')
    .default('parley_history'),
  /** The NATS domain the contract is served on (parley.rpc.<domain>.<Method>): one per site sharing a NATS account; tests. */
  HISTORY_RPC_DOMAIN: env.subjectToken('history'),
  /** Events per ingest transaction. */
  HISTORY_INGEST_BATCH: env.positiveInt(1_000),
  /** How often a standby replica asks to take over the ingest (one replica ingests at a time). */
  HISTORY_INGEST_LEADER_POLL_MS: env.positiveInt(1_000),
  /** Exports running at once; each holds a database connection for its whole run. */
  HISTORY_MAX_EXPORTS: env.positiveInt(2),
  /** Retention: days message bodies, note texts and their raw events are kept. */
  HISTORY_RETAIN_CONTENT_DAYS: env.positiveInt(60),
  /** Retention: days interactions (and everything attached) and customers without interactions are kept. */
  HISTORY_RETAIN_METADATA_DAYS: env.positiveInt(730),
  /** Minutes between retention runs inside the service; 0 leaves it to an external job (`pnpm retention`). */
  HISTORY_RETENTION_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(60),
});

/** DATABASE_URL pointed at history's own database. */
export function historyDatabaseUrl(config: HistoryConfig): string {
  const url = new URL(config.DATABASE_URL);
  url.pathname = `/${config.HISTORY_DATABASE_NAME}`;
  return url.toString();
}

export type HistoryConfig = z.output<typeof historyConfigSchema>;

export function retentionPolicyOf(config: HistoryConfig) {
  return {
    contentDays: config.HISTORY_RETAIN_CONTENT_DAYS,
    metadataDays: config.HISTORY_RETAIN_METADATA_DAYS,
    batchSize: 1_000,
  };
}

export function loadHistoryConfig(environment: Record<string, string | undefined> = process.env): HistoryConfig {
  return loadConfig(historyConfigSchema, environment);
}

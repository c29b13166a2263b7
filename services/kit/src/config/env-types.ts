// Reusable zod pieces for environment variables, so every service spells ports, URLs and flags the same way.
import { z } from 'zod';

export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1' || value === 'yes'),
  natsUrls: () =>
    z
      .string()
      .default('nats://127.0.0.1:4222')
      .transform((value) => value.split(',').map((url) => url.trim()))
      .pipe(z.array(z.string().regex(/^(nats|tls|ws|wss):\/\/[^\s]+$/, 'must be nats://host:port[,…]')).min(1)),
  /** A NATS subject token: sites and service names end up in subjects, so no dots, spaces or wildcards. */
  subjectToken: (fallback: string) =>
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, "_" or "-" (it is a NATS subject token)')
      .default(fallback),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  url: () => z.url(),
};

/** What every Parley service reads; a service extends it with `.extend({...})`. */
export const baseServiceConfigSchema = z.object({
  PARLEY_SITE: env.subjectToken('local'),
  NATS_URL: env.natsUrls(),
  GRPC_HOST: z.string().default('0.0.0.0'),
  HTTP_HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: env.logLevel(),
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url().optional(),
  SHUTDOWN_TIMEOUT_MS: env.positiveInt(10_000),
});

export type BaseServiceConfig = z.output<typeof baseServiceConfigSchema>;

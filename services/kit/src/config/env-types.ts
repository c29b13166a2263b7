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
  /** A comma-separated list (blanks dropped), e.g. allowed origins. */
  list: (fallback = '') =>
    z
      .string()
      .default(fallback)
      .transform((text) =>
        text
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      ),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  url: () => z.url(),
  /**
   * JSON checked by `schema` (trunks, accounts, users): undefined when unset or blank; a bad document is refused at
   * start with each problem named by its path inside the JSON.
   */
  json: <T extends z.ZodType>(schema: T, what: string) =>
    z
      .string()
      .optional()
      .transform((text, context): z.output<T> | undefined => {
        if (text === undefined || text.trim() === '') return undefined;
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          context.addIssue({ code: 'custom', message: `must be JSON (${what})` });
          return z.NEVER;
        }
        const parsed = schema.safeParse(json);
        if (parsed.success) return parsed.data;
        for (const issue of parsed.error.issues)
          context.addIssue({ code: 'custom', message: `${issue.path.join('.') || '(root)'}: ${issue.message}` });
        return z.NEVER;
      }),
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

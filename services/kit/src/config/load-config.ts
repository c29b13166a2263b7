// Typed configuration from the environment: one zod schema per service, every bad variable named at once.
import { type z } from 'zod';
import { KitErrorCode } from '../errors/error-codes.js';
import { ParleyError } from '../errors/parley-error.js';
import { Status } from '../errors/status.js';

export class ConfigError extends ParleyError {
  override readonly name = 'ConfigError';
  /** "NAME: problem" for every variable that failed. */
  readonly problems: string[];

  constructor(problems: string[]) {
    super(KitErrorCode.CONFIG_INVALID, `invalid configuration:\n  ${problems.join('\n  ')}`, {
      status: Status.FAILED_PRECONDITION,
      fieldViolations: problems.map((problem) => {
        const [field = '', ...rest] = problem.split(': ');
        return { field, description: rest.join(': ') };
      }),
    });
    this.problems = problems;
  }
}

export type Environment = Record<string, string | undefined>;

/**
 * Parses `env` (process.env by default) with `schema`. Empty strings count as unset so `FOO=` falls back to the
 * default instead of failing as an invalid value.
 */
export function loadConfig<Schema extends z.ZodObject>(
  schema: Schema,
  env: Environment = process.env,
): z.output<Schema> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.length > 0 ? String(issue.path[0]) : '(environment)';
    const received = cleaned[variable];
    const shown = received === undefined ? 'unset' : `got ${JSON.stringify(received)}`;
    return `${variable}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(problems);
}

// The runner's one error class. Every failure it reports carries a stable code, so scripts and tests can tell
// "nats-server is not installed" from "the port is taken" without matching on message text.

export type LocalRunnerErrorCode =
  | 'PARLEY_LOCAL_CONFIG_INVALID'
  | 'PARLEY_LOCAL_SERVICES_DIR_NOT_FOUND'
  | 'PARLEY_LOCAL_SERVICE_PACKAGE_INVALID'
  | 'PARLEY_LOCAL_SERVICE_START_FAILED'
  | 'PARLEY_LOCAL_PORT_IN_USE'
  | 'PARLEY_LOCAL_NATS_NOT_FOUND'
  | 'PARLEY_LOCAL_NATS_START_FAILED'
  | 'PARLEY_LOCAL_NATS_EXITED'
  | 'PARLEY_LOCAL_POSTGRES_BINARIES_MISSING'
  | 'PARLEY_LOCAL_POSTGRES_DIR_NOT_ACCESSIBLE'
  | 'PARLEY_LOCAL_POSTGRES_VERSION_MISMATCH'
  | 'PARLEY_LOCAL_POSTGRES_INIT_FAILED'
  | 'PARLEY_LOCAL_POSTGRES_START_FAILED'
  | 'PARLEY_LOCAL_POSTGRES_EXITED'
  | 'PARLEY_LOCAL_DEMO_SERVICES_UNREACHABLE'
  | 'PARLEY_LOCAL_DEMO_DATA_FAILED';

export class LocalRunnerError extends Error {
  override readonly name = 'LocalRunnerError';

  constructor(
    readonly code: LocalRunnerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Appends the last lines a failed child printed, so the runner's error shows why it failed. */
export function withOutputTail(message: string, tail: readonly string[]): string {
  if (tail.length === 0) return message;
  return `${message}\n  last output:\n${tail.map((line) => `    ${line}`).join('\n')}`;
}

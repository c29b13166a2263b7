// The history service's error codes and the errors its handlers throw (the kit maps them onto gRPC and NATS).
import { InvalidArgumentError, ParleyError, Status } from '@parley/kit';
import type { FieldViolation } from '@parley/protos/parley/common/v1/error';

export const HistoryErrorCode = {
  INVALID_ARGUMENT: 'PARLEY_HISTORY_INVALID_ARGUMENT',
  CUSTOMER_NOT_FOUND: 'PARLEY_HISTORY_CUSTOMER_NOT_FOUND',
  INTERACTION_NOT_FOUND: 'PARLEY_HISTORY_INTERACTION_NOT_FOUND',
  UNIMPLEMENTED: 'PARLEY_HISTORY_UNIMPLEMENTED',
  CUSTOMER_ERASED: 'PARLEY_HISTORY_CUSTOMER_ERASED',
  CUSTOMER_MERGED: 'PARLEY_HISTORY_CUSTOMER_MERGED',
  INTERACTION_NOT_ENDED: 'PARLEY_HISTORY_INTERACTION_NOT_ENDED',
  NOTE_CONFLICT: 'PARLEY_HISTORY_NOTE_CONFLICT',
  TOO_MANY_EXPORTS: 'PARLEY_HISTORY_TOO_MANY_EXPORTS',
} as const;

export function failedPrecondition(
  code: (typeof HistoryErrorCode)[keyof typeof HistoryErrorCode],
  message: string,
  metadata: Record<string, string> = {},
): ParleyError {
  return new ParleyError(code, message, { status: Status.FAILED_PRECONDITION, domain: 'history', metadata });
}

export function tooManyExports(limit: number): ParleyError {
  return new ParleyError(HistoryErrorCode.TOO_MANY_EXPORTS, `${limit} exports are running already; retry later`, {
    status: Status.RESOURCE_EXHAUSTED,
    domain: 'history',
    metadata: { limit: String(limit) },
  });
}

export function invalidArgument(violations: FieldViolation[]): InvalidArgumentError {
  return new InvalidArgumentError(HistoryErrorCode.INVALID_ARGUMENT, violations, { domain: 'history' });
}

export function customerNotFound(how: string): ParleyError {
  return new ParleyError(HistoryErrorCode.CUSTOMER_NOT_FOUND, `no customer with ${how}`, {
    status: Status.NOT_FOUND,
    domain: 'history',
  });
}

export function interactionNotFound(interactionId: string): ParleyError {
  return new ParleyError(HistoryErrorCode.INTERACTION_NOT_FOUND, `no interaction "${interactionId}" in history`, {
    status: Status.NOT_FOUND,
    domain: 'history',
    metadata: { interactionId },
  });
}

export function notImplementedYet(method: string): ParleyError {
  return new ParleyError(
    HistoryErrorCode.UNIMPLEMENTED,
    `${method} is not implemented yet (see services/history/README.md)`,
    {
      status: Status.UNIMPLEMENTED,
      domain: 'history',
    },
  );
}

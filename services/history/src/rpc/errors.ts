// The history service's error codes and the errors its handlers throw (the kit maps them onto gRPC and NATS).
import { InvalidArgumentError, ParleyError, Status } from '@parley/kit';
import type { FieldViolation } from '@parley/protos/parley/common/v1/error';

export const HistoryErrorCode = {
  INVALID_ARGUMENT: 'PARLEY_HISTORY_INVALID_ARGUMENT',
  CUSTOMER_NOT_FOUND: 'PARLEY_HISTORY_CUSTOMER_NOT_FOUND',
  INTERACTION_NOT_FOUND: 'PARLEY_HISTORY_INTERACTION_NOT_FOUND',
  UNIMPLEMENTED: 'PARLEY_HISTORY_UNIMPLEMENTED',
} as const;

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

// The rpc layer's own error codes (those the contract documents beyond the domain's) and small constructors for them.
import { InvalidArgumentError, ParleyError, Status } from '@parley/kit';
import type { FieldViolation } from '@parley/protos/parley/common/v1/error';

export const RpcErrorCode = {
  INVALID_ARGUMENT: 'PARLEY_ROUTING_INVALID_ARGUMENT',
  INVALID_SKILLS_EXPRESSION: 'PARLEY_ROUTING_INVALID_SKILLS_EXPRESSION',
  REVISION_MISMATCH: 'PARLEY_ROUTING_REVISION_MISMATCH',
  SITE_NOT_FOUND: 'PARLEY_ROUTING_SITE_NOT_FOUND',
  AGENT_NOT_FOUND: 'PARLEY_ROUTING_AGENT_NOT_FOUND',
  QUEUE_NOT_FOUND: 'PARLEY_ROUTING_QUEUE_NOT_FOUND',
  INTERACTION_NOT_FOUND: 'PARLEY_ROUTING_INTERACTION_NOT_FOUND',
  OFFER_NOT_FOUND: 'PARLEY_ROUTING_OFFER_NOT_FOUND',
  WRAP_UP_CODE_NOT_FOUND: 'PARLEY_ROUTING_WRAP_UP_CODE_NOT_FOUND',
  WRAP_UP_CODE_REQUIRED: 'PARLEY_ROUTING_WRAP_UP_CODE_REQUIRED',
  NOT_READY_REASON_NOT_FOUND: 'PARLEY_ROUTING_NOT_READY_REASON_NOT_FOUND',
  SYSTEM_REASON: 'PARLEY_ROUTING_SYSTEM_REASON',
  AGENT_LOGGED_IN: 'PARLEY_ROUTING_AGENT_LOGGED_IN',
  AGENT_ALREADY_LOGGED_IN: 'PARLEY_ROUTING_AGENT_ALREADY_LOGGED_IN',
  AGENT_NOT_LOGGED_IN: 'PARLEY_ROUTING_AGENT_NOT_LOGGED_IN',
  AGENT_HAS_INTERACTIONS: 'PARLEY_ROUTING_AGENT_HAS_INTERACTIONS',
  QUEUE_NOT_EMPTY: 'PARLEY_ROUTING_QUEUE_NOT_EMPTY',
  CHANNEL_NOT_SERVED: 'PARLEY_ROUTING_CHANNEL_NOT_SERVED',
  INTERACTION_IN_OTHER_QUEUE: 'PARLEY_ROUTING_INTERACTION_IN_OTHER_QUEUE',
  NOT_YOUR_OFFER: 'PARLEY_ROUTING_NOT_YOUR_OFFER',
  NOT_YOUR_INTERACTION: 'PARLEY_ROUTING_NOT_YOUR_INTERACTION',
  NOT_IN_WRAP_UP: 'PARLEY_ROUTING_NOT_IN_WRAP_UP',
  NOT_WAITING: 'PARLEY_ROUTING_NOT_WAITING',
  INTERACTION_ENDED: 'PARLEY_ROUTING_INTERACTION_ENDED',
  UNIMPLEMENTED: 'PARLEY_ROUTING_UNIMPLEMENTED',
  WRONG_PARTITION: 'PARLEY_ROUTING_WRONG_PARTITION',
} as const;

export function invalidArgument(violations: FieldViolation[], code: string = RpcErrorCode.INVALID_ARGUMENT) {
  return new InvalidArgumentError(code, violations, { domain: 'routing' });
}

export function notFound(code: string, what: string, id: string): ParleyError {
  return new ParleyError(code, `${what} "${id}" does not exist`, {
    status: Status.NOT_FOUND,
    domain: 'routing',
    metadata: { id },
  });
}

export function failedPrecondition(code: string, message: string, metadata: Record<string, string> = {}) {
  return new ParleyError(code, message, { status: Status.FAILED_PRECONDITION, domain: 'routing', metadata });
}

export function permissionDenied(code: string, message: string): ParleyError {
  return new ParleyError(code, message, { status: Status.PERMISSION_DENIED, domain: 'routing' });
}

/** For contract features the routing domain cannot express yet: an honest refusal beats a silent no-op. */
export function unimplemented(message: string, field?: string): ParleyError {
  return new ParleyError(RpcErrorCode.UNIMPLEMENTED, message, {
    status: Status.UNIMPLEMENTED,
    domain: 'routing',
    metadata: field ? { field } : {},
  });
}

export function revisionMismatch(what: string, id: string, expected: number, actual: number): ParleyError {
  return new ParleyError(
    RpcErrorCode.REVISION_MISMATCH,
    `${what} "${id}" is at revision ${actual}, not the expected ${expected}`,
    { status: Status.ABORTED, domain: 'routing', metadata: { id, expected: String(expected), actual: String(actual) } },
  );
}

// The routing domain's errors: a stable code each, mapped to gRPC status by the rpc layer.
import { ParleyError, Status } from '@parley/kit';

export const RoutingErrorCode = {
  AGENT_NOT_FOUND: 'PARLEY_ROUTING_AGENT_NOT_FOUND',
  QUEUE_NOT_FOUND: 'PARLEY_ROUTING_QUEUE_NOT_FOUND',
  INTERACTION_NOT_FOUND: 'PARLEY_ROUTING_INTERACTION_NOT_FOUND',
  OFFER_NOT_FOUND: 'PARLEY_ROUTING_OFFER_NOT_FOUND',
  INTERACTION_EXISTS: 'PARLEY_ROUTING_INTERACTION_EXISTS',
  ILLEGAL_TRANSITION: 'PARLEY_ROUTING_ILLEGAL_TRANSITION',
  CHANNEL_NOT_SERVED: 'PARLEY_ROUTING_CHANNEL_NOT_SERVED',
  QUEUE_IN_USE: 'PARLEY_ROUTING_QUEUE_IN_USE',
} as const;

export function notFound(code: string, what: string, id: string): ParleyError {
  return new ParleyError(code, `${what} "${id}" does not exist`, {
    status: Status.NOT_FOUND,
    domain: 'routing',
    metadata: { id },
  });
}

export function illegal(message: string, metadata: Record<string, string> = {}): ParleyError {
  return new ParleyError(RoutingErrorCode.ILLEGAL_TRANSITION, message, {
    status: Status.FAILED_PRECONDITION,
    domain: 'routing',
    metadata,
  });
}

// The media service's error codes (documented in protos/parley/media/v1/media.proto) and small constructors.
import { InvalidArgumentError, ParleyError, Status } from '@parley/kit';

export const MediaErrorCode = {
  INVALID_ARGUMENT: 'PARLEY_MEDIA_INVALID_ARGUMENT',
  NO_COMMON_CODEC: 'PARLEY_MEDIA_NO_COMMON_CODEC',
  PORTS_EXHAUSTED: 'PARLEY_MEDIA_PORTS_EXHAUSTED',
  NO_WORKER: 'PARLEY_MEDIA_NO_WORKER',
  WORKER_UNAVAILABLE: 'PARLEY_MEDIA_WORKER_UNAVAILABLE',
  LEG_NOT_FOUND: 'PARLEY_MEDIA_LEG_NOT_FOUND',
  ENDPOINT_NOT_FOUND: 'PARLEY_MEDIA_ENDPOINT_NOT_FOUND',
  TRANSPORT_NOT_FOUND: 'PARLEY_MEDIA_TRANSPORT_NOT_FOUND',
  TRANSPORT_EXISTS: 'PARLEY_MEDIA_TRANSPORT_EXISTS',
  ALREADY_CONNECTED: 'PARLEY_MEDIA_ALREADY_CONNECTED',
  PRODUCER_NOT_FOUND: 'PARLEY_MEDIA_PRODUCER_NOT_FOUND',
  CONSUMER_NOT_FOUND: 'PARLEY_MEDIA_CONSUMER_NOT_FOUND',
  UNSUPPORTED_KIND: 'PARLEY_MEDIA_UNSUPPORTED_KIND',
  WRONG_DIRECTION: 'PARLEY_MEDIA_WRONG_DIRECTION',
  CANNOT_CONSUME: 'PARLEY_MEDIA_CANNOT_CONSUME',
  PEER_NOT_READY: 'PARLEY_MEDIA_PEER_NOT_READY',
  ALREADY_BRIDGED: 'PARLEY_MEDIA_ALREADY_BRIDGED',
  NOT_BRIDGED: 'PARLEY_MEDIA_NOT_BRIDGED',
  PROMPT_NOT_FOUND: 'PARLEY_MEDIA_PROMPT_NOT_FOUND',
  TAP_NOT_FOUND: 'PARLEY_MEDIA_TAP_NOT_FOUND',
  NO_TELEPHONE_EVENT: 'PARLEY_MEDIA_NO_TELEPHONE_EVENT',
} as const;

const domain = 'media';

export function invalidArgument(field: string, description: string, code: string = MediaErrorCode.INVALID_ARGUMENT) {
  return new InvalidArgumentError(code, [{ field, description }], { domain });
}

export function notFound(code: string, what: string, id: string): ParleyError {
  return new ParleyError(code, `${what} "${id}" does not exist`, {
    status: Status.NOT_FOUND,
    domain,
    metadata: { id },
  });
}

export function failedPrecondition(code: string, message: string): ParleyError {
  return new ParleyError(code, message, { status: Status.FAILED_PRECONDITION, domain });
}

export function unavailable(code: string, message: string): ParleyError {
  return new ParleyError(code, message, { status: Status.UNAVAILABLE, domain });
}

export function resourceExhausted(code: string, message: string): ParleyError {
  return new ParleyError(code, message, { status: Status.RESOURCE_EXHAUSTED, domain });
}

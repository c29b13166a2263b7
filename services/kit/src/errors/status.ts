// gRPC status codes are the one error vocabulary of every transport; HTTP and SIP mappings derive from them.
import { status as GrpcStatus } from '@grpc/grpc-js';

export { GrpcStatus as Status };
export type StatusCode = GrpcStatus;

const statusNames = new Map<number, string>(
  Object.entries(GrpcStatus)
    .filter(([, value]) => typeof value === 'number')
    .map(([name, value]) => [value as number, name]),
);

/** "NOT_FOUND" for 5; "UNKNOWN(99)" for a code outside the standard set. */
export function statusName(code: number): string {
  return statusNames.get(code) ?? `UNKNOWN(${code})`;
}

export function isStatusCode(code: number): code is GrpcStatus {
  return statusNames.has(code);
}

/** The HTTP status an edge (the api service) answers for a gRPC status (per google.rpc.Code's documented mapping). */
export function httpStatusFor(code: GrpcStatus): number {
  switch (code) {
    case GrpcStatus.OK:
      return 200;
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.FAILED_PRECONDITION:
    case GrpcStatus.OUT_OF_RANGE:
      return 400;
    case GrpcStatus.UNAUTHENTICATED:
      return 401;
    case GrpcStatus.PERMISSION_DENIED:
      return 403;
    case GrpcStatus.NOT_FOUND:
      return 404;
    case GrpcStatus.ABORTED:
    case GrpcStatus.ALREADY_EXISTS:
      return 409;
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return 429;
    case GrpcStatus.CANCELLED:
      return 499;
    case GrpcStatus.UNIMPLEMENTED:
      return 501;
    case GrpcStatus.UNAVAILABLE:
      return 503;
    case GrpcStatus.DEADLINE_EXCEEDED:
      return 504;
    default:
      return 500;
  }
}

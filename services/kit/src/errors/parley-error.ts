// The one error type every Parley package throws: a stable code, a gRPC status, and optional field violations.
import type { ErrorDetail, FieldViolation } from '@parley/protos/parley/common/v1/error';
import { KitErrorCode } from './error-codes.js';
import { Status, statusName } from './status.js';

export interface ParleyErrorOptions {
  /** gRPC status the transports answer with; defaults to INTERNAL. */
  status?: Status;
  /** The service the code belongs to, e.g. "routing"; travels with the error. */
  domain?: string;
  metadata?: Record<string, string>;
  fieldViolations?: FieldViolation[];
  cause?: unknown;
}

export class ParleyError extends Error {
  override readonly name: string = 'ParleyError';
  readonly code: string;
  readonly status: Status;
  readonly domain: string;
  readonly metadata: Record<string, string>;
  readonly fieldViolations: FieldViolation[];

  constructor(code: string, message: string, options: ParleyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? Status.INTERNAL;
    this.domain = options.domain ?? '';
    this.metadata = options.metadata ?? {};
    this.fieldViolations = options.fieldViolations ?? [];
  }

  toDetail(): ErrorDetail {
    return {
      reason: this.code,
      domain: this.domain,
      metadata: this.metadata,
      fieldViolations: this.fieldViolations,
    };
  }

  override toString(): string {
    return `${this.name} ${this.code} (${statusName(this.status)}): ${this.message}`;
  }
}

/** INVALID_ARGUMENT naming every bad field; the message lists them so a log line alone is enough. */
export class InvalidArgumentError extends ParleyError {
  override readonly name = 'InvalidArgumentError';
  constructor(
    code: string,
    violations: FieldViolation[],
    options: Omit<ParleyErrorOptions, 'status' | 'fieldViolations'> = {},
  ) {
    const summary = violations.map((v) => `${v.field}: ${v.description}`).join('; ');
    super(code, `invalid argument: ${summary}`, {
      ...options,
      status: Status.INVALID_ARGUMENT,
      fieldViolations: violations,
    });
  }
}

/**
 * An error that came back from a remote call, on either transport. `code` is the callee's stable code when it sent
 * one, otherwise PARLEY_KIT_RPC_FAILED (or the kit code for deadline/unavailable).
 */
export class RpcError extends ParleyError {
  override readonly name = 'RpcError';
  /** The method that failed, "/parley.routing.v1.RoutingService/Enqueue". */
  readonly method: string;

  constructor(method: string, status: Status, message: string, detail?: ErrorDetail, cause?: unknown) {
    super(detail?.reason || defaultCodeFor(status), message, {
      status,
      domain: detail?.domain ?? '',
      metadata: detail?.metadata ?? {},
      fieldViolations: detail?.fieldViolations ?? [],
      cause,
    });
    this.method = method;
  }
}

function defaultCodeFor(status: Status): string {
  switch (status) {
    case Status.DEADLINE_EXCEEDED:
      return KitErrorCode.RPC_DEADLINE_EXCEEDED;
    case Status.UNAVAILABLE:
      return KitErrorCode.RPC_UNAVAILABLE;
    case Status.UNIMPLEMENTED:
      return KitErrorCode.RPC_UNIMPLEMENTED;
    default:
      return KitErrorCode.RPC_FAILED;
  }
}

/**
 * What a transport sends for any thrown value: a ParleyError as it is; anything else becomes INTERNAL with a
 * generic message (the original is logged by the caller of this function, never leaked to clients).
 */
export function asParleyError(error: unknown): ParleyError {
  if (error instanceof ParleyError) return error;
  return new ParleyError(KitErrorCode.INTERNAL, 'internal error', { status: Status.INTERNAL, cause: error });
}

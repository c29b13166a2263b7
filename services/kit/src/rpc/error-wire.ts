// How a ParleyError crosses each transport: status + message + ErrorDetail, the same information both ways.
import { Metadata, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { ErrorDetail } from '@parley/protos/parley/common/v1/error';
import { type ParleyError, RpcError } from '../errors/parley-error.js';
import { isStatusCode, Status } from '../errors/status.js';

/** gRPC trailer carrying the encoded ErrorDetail ("-bin" keys are binary in gRPC metadata). */
export const errorDetailTrailer = 'parley-error-bin';

/** NATS reply headers. A reply without Parley-Status is not from a Parley server. */
export const natsHeaders = {
  status: 'Parley-Status',
  message: 'Parley-Message',
  /** Milliseconds the caller will still wait, relative so that clock skew between hosts does not matter. */
  timeout: 'Parley-Timeout',
} as const;

export function toGrpcStatus(error: ParleyError): Partial<StatusObject> {
  const metadata = new Metadata();
  metadata.set(errorDetailTrailer, Buffer.from(ErrorDetail.encode(error.toDetail()).finish()));
  return { code: error.status, details: error.message, metadata };
}

export function fromGrpcError(method: string, error: ServiceError | Error): RpcError {
  if (!('code' in error) || typeof error.code !== 'number') {
    return new RpcError(method, Status.UNKNOWN, error.message, undefined, error);
  }
  const status = isStatusCode(error.code) ? error.code : Status.UNKNOWN;
  const encoded = error.metadata?.get(errorDetailTrailer)[0];
  const detail = Buffer.isBuffer(encoded) ? safeDecodeDetail(encoded) : undefined;
  return new RpcError(method, status, error.details || error.message, detail, error);
}

/** NATS header values are single-line ASCII; messages are percent-encoded. */
export function encodeHeaderText(text: string): string {
  return encodeURIComponent(text.slice(0, 2000));
}

export function decodeHeaderText(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function safeDecodeDetail(bytes: Uint8Array): ErrorDetail | undefined {
  try {
    return ErrorDetail.decode(bytes);
  } catch {
    return undefined;
  }
}

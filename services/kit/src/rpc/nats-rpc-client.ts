// A typed client for a contract over NATS request/reply, with deadlines and the callee's error details.
import {
  errors as natsErrors,
  headers as natsHeadersFactory,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
} from '@nats-io/transport-node';
import { KitErrorCode } from '../errors/error-codes.js';
import { ParleyError, RpcError } from '../errors/parley-error.js';
import { isStatusCode, Status } from '../errors/status.js';
import { injectIntoNatsHeaders } from '../telemetry/trace-context.js';
import { defaultRpcDomainOf, methodsOf, rpcSubjects, type ContractDefinition, type MethodInfo } from './contract.js';
import { maxTimerMs } from './call-context.js';
import { decodeHeaderText, natsHeaders, safeDecodeDetail } from './error-wire.js';
import { resolveDeadline, type RpcCallOptions, type RpcClient } from './handlers.js';
import { runClientCall } from './instrumentation.js';
import { NoRespondersError, ReplyTimeoutError, replyMuxFor } from './reply-mux.js';

export interface NatsClientOptions {
  /** Subject token of the callee; defaults to the proto package's service segment. */
  domain?: string;
  defaultTimeoutMs?: number;
}

export function createNatsRpcClient<Definition extends ContractDefinition>(
  nc: NatsConnection,
  definition: Definition,
  options: NatsClientOptions = {},
): RpcClient<Definition> {
  const domain = options.domain ?? defaultRpcDomainOf(definition);
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 5_000;
  const client: Record<string, unknown> = {};
  for (const method of methodsOf(definition)) {
    const subject = rpcSubjects.method(domain, method.name);
    if (method.definition.responseStream || method.definition.requestStream) {
      client[method.key] = () => refuseStreaming(method);
      continue;
    }
    client[method.key] = (request: unknown, callOptions?: RpcCallOptions) =>
      callUnary(nc, method, subject, request, resolveDeadline(callOptions, defaultTimeoutMs), callOptions?.metadata);
  }
  return client as RpcClient<Definition>;
}

function callUnary(
  nc: NatsConnection,
  method: MethodInfo,
  subject: string,
  request: unknown,
  deadline: Date,
  metadata: Record<string, string> | undefined,
): Promise<unknown> {
  return runClientCall({ transport: 'nats', method: method.path }, (spanContext) => {
    const timeout = Math.min(deadline.getTime() - Date.now(), maxTimerMs);
    if (!(timeout > 0)) {
      return Promise.reject(
        new RpcError(method.path, Status.DEADLINE_EXCEEDED, 'deadline passed before the call was sent'),
      );
    }
    let payload: Uint8Array;
    let requestHeaders: MsgHdrs;
    try {
      payload = method.definition.requestSerialize(request);
      requestHeaders = natsHeadersFactory();
      if (metadata) for (const key in metadata) requestHeaders.set(key, metadata[key] as string);
      requestHeaders.set(natsHeaders.timeout, String(Math.round(timeout)));
      injectIntoNatsHeaders(requestHeaders, spanContext);
    } catch (cause) {
      return Promise.reject(
        new RpcError(method.path, Status.INVALID_ARGUMENT, `request could not be encoded: ${errorMessage(cause)}`, {
          reason: KitErrorCode.RPC_ENCODE_FAILED,
          domain: 'kit',
          metadata: {},
          fieldViolations: [],
        }),
      );
    }
    return replyMuxFor(nc)
      .request(subject, payload, requestHeaders, timeout)
      .then(
        (reply) => decodeReply(method, reply),
        (error: unknown) => {
          throw transportFailure(method.path, error, payload.length);
        },
      );
  });
}

// Streaming over NATS needs flow control the kit does not have yet; fail on first use, not on client creation.
// eslint-disable-next-line require-yield -- the iterable exists only to fail with the right status
async function* refuseStreaming(method: MethodInfo): AsyncIterable<never> {
  throw new RpcError(method.path, Status.UNIMPLEMENTED, `${method.path} is streaming; call it over gRPC`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function decodeReply(method: MethodInfo, reply: Msg): unknown {
  let statusHeader: string | undefined;
  try {
    statusHeader = reply.headers?.get(natsHeaders.status);
  } catch (cause) {
    throw new RpcError(method.path, Status.INTERNAL, `reply headers are malformed: ${errorMessage(cause)}`);
  }
  if (statusHeader) {
    const status = Number(statusHeader);
    if (!Number.isInteger(status) || !isStatusCode(status)) {
      throw new RpcError(
        method.path,
        Status.INTERNAL,
        `reply carries an invalid ${natsHeaders.status} header "${statusHeader}"`,
      );
    }
    if (status !== Status.OK) {
      const message = decodeHeaderText(reply.headers?.get(natsHeaders.message) ?? '');
      throw new RpcError(method.path, status, message, safeDecodeDetail(reply.data));
    }
  }
  try {
    return method.definition.responseDeserialize(reply.data as Buffer);
  } catch (cause) {
    throw new ParleyError(KitErrorCode.RPC_DECODE_FAILED, `response is not a valid ${method.path} response`, {
      status: Status.INTERNAL,
      cause,
    });
  }
}

function transportFailure(methodPath: string, error: unknown, requestBytes: number): RpcError {
  if (error instanceof ReplyTimeoutError) {
    return new RpcError(
      methodPath,
      Status.DEADLINE_EXCEEDED,
      'deadline exceeded waiting for the reply',
      undefined,
      error,
    );
  }
  if (error instanceof NoRespondersError) {
    return new RpcError(methodPath, Status.UNAVAILABLE, 'no replica is serving this method', undefined, error);
  }
  if (error instanceof natsErrors.InvalidArgumentError) {
    // max_payload exceeded: retrying the same request cannot help, so this is not UNAVAILABLE.
    return new RpcError(
      methodPath,
      Status.RESOURCE_EXHAUSTED,
      `request of ${requestBytes} bytes refused: ${errorMessage(error)}`,
      {
        reason: KitErrorCode.RPC_TOO_LARGE,
        domain: 'kit',
        metadata: { bytes: String(requestBytes) },
        fieldViolations: [],
      },
      error,
    );
  }
  return new RpcError(methodPath, Status.UNAVAILABLE, `NATS request failed: ${errorMessage(error)}`, undefined, error);
}

// A typed gRPC client with the same shape as the NATS client, so callers and tests switch transports freely.
import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  type Client,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { injectIntoGrpcMetadata } from '../telemetry/trace-context.js';
import { methodsOf, protoServiceNameOf, type ContractDefinition } from './contract.js';
import { fromGrpcError } from './error-wire.js';
import { resolveDeadline, type RpcCallOptions, type RpcClient } from './handlers.js';
import { runClientCall } from './instrumentation.js';

export interface GrpcClientOptions {
  defaultTimeoutMs?: number;
}

export interface ClosableRpcClient<Definition> {
  client: RpcClient<Definition>;
  close(): void;
}

type UnaryCallFn = (
  request: unknown,
  metadata: Metadata,
  options: { deadline: Date },
  callback: (error: ServiceError | null, response?: unknown) => void,
) => void;
type StreamCallFn = (
  request: unknown,
  metadata: Metadata,
  options: { deadline?: Date },
) => ClientReadableStream<unknown>;

export function createGrpcRpcClient<Definition extends ContractDefinition>(
  address: string,
  definition: Definition,
  options: GrpcClientOptions = {},
): ClosableRpcClient<Definition> {
  const Constructor = makeGenericClientConstructor(definition, protoServiceNameOf(definition));
  const raw = new Constructor(address, credentials.createInsecure()) as Client & Record<string, unknown>;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 5_000;
  const client: Record<string, unknown> = {};
  for (const method of methodsOf(definition)) {
    const labels = { transport: 'grpc' as const, method: method.path };
    const fn = raw[method.key] as UnaryCallFn | StreamCallFn;
    if (method.definition.responseStream) {
      client[method.key] = (request: unknown, callOptions?: RpcCallOptions) =>
        streamResponses(method.path, () => {
          const metadata = metadataFor(callOptions);
          injectIntoGrpcMetadata(metadata);
          // Streams (exports, playback) may legitimately run long: no default deadline, only the caller's.
          const deadline =
            callOptions?.deadline ?? (callOptions?.timeoutMs ? resolveDeadline(callOptions, 0) : undefined);
          return (fn as StreamCallFn).call(raw, request, metadata, deadline ? { deadline } : {});
        });
      continue;
    }
    client[method.key] = (request: unknown, callOptions?: RpcCallOptions) =>
      runClientCall(labels, (spanContext) => {
        const metadata = metadataFor(callOptions);
        injectIntoGrpcMetadata(metadata, spanContext);
        return new Promise((resolve, reject) => {
          const done = (error: ServiceError | null, response?: unknown) =>
            error ? reject(fromGrpcError(method.path, error)) : resolve(response);
          (fn as UnaryCallFn).call(
            raw,
            request,
            metadata,
            { deadline: resolveDeadline(callOptions, defaultTimeoutMs) },
            done,
          );
        });
      });
  }
  return { client: client as RpcClient<Definition>, close: () => raw.close() };
}

function metadataFor(options: RpcCallOptions | undefined): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(options?.metadata ?? {})) metadata.set(key, value);
  return metadata;
}

async function* streamResponses(methodPath: string, open: () => ClientReadableStream<unknown>): AsyncIterable<unknown> {
  let stream: ClientReadableStream<unknown> | undefined;
  let finished = false;
  try {
    stream = open();
    for await (const item of stream) yield item;
    finished = true;
  } catch (error) {
    finished = true;
    throw fromGrpcError(methodPath, error as ServiceError);
  } finally {
    // The caller left the loop early (break/return): tell the server to stop producing.
    if (!finished) stream?.cancel();
  }
}

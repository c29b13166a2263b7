// The handler map a service implements for a contract: one async function per method, transport-agnostic.
import type { ServerStreamHandler, UnaryHandler } from './call-context.js';
import type { RequestOf, ResponseOf } from './contract.js';

export type ContractHandlers<Definition> = {
  [Key in keyof Definition]: Definition[Key] extends { responseStream: true }
    ? ServerStreamHandler<RequestOf<Definition[Key]>, ResponseOf<Definition[Key]>>
    : UnaryHandler<RequestOf<Definition[Key]>, ResponseOf<Definition[Key]>>;
};

export interface RpcCallOptions {
  /** Relative deadline; defaults to the client's default (5 s). */
  timeoutMs?: number;
  /** Absolute deadline; wins over timeoutMs. */
  deadline?: Date;
  metadata?: Record<string, string>;
}

/** A typed client: the same shape whichever transport is underneath. Streaming methods are gRPC-only for now. */
export type RpcClient<Definition> = {
  [Key in keyof Definition]: Definition[Key] extends { responseStream: true }
    ? (request: RequestOf<Definition[Key]>, options?: RpcCallOptions) => AsyncIterable<ResponseOf<Definition[Key]>>
    : (request: RequestOf<Definition[Key]>, options?: RpcCallOptions) => Promise<ResponseOf<Definition[Key]>>;
};

export function resolveDeadline(options: RpcCallOptions | undefined, defaultTimeoutMs: number): Date {
  if (options?.deadline) return options.deadline;
  return new Date(Date.now() + (options?.timeoutMs ?? defaultTimeoutMs));
}

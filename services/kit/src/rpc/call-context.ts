// What a handler knows about the call besides the request, identical for both transports.
export interface CallContext {
  /** gRPC path of the method, "/parley.routing.v1.RoutingService/Enqueue". */
  readonly method: string;
  readonly transport: 'grpc' | 'nats';
  /** When the caller stops waiting; undefined if it set no deadline. */
  readonly deadline: Date | undefined;
  /** Aborted when the deadline passes or the caller cancels; pass it to I/O that supports cancellation. */
  readonly signal: AbortSignal;
  /** Caller metadata (gRPC metadata / NATS headers), lower-case keys; transport and tracing keys removed. */
  readonly metadata: Readonly<Record<string, string>>;
}

export type UnaryHandler<Request, Response> = (request: Request, context: CallContext) => Promise<Response>;
export type ServerStreamHandler<Request, Response> = (
  request: Request,
  context: CallContext,
) => AsyncIterable<Response>;

/** An AbortSignal that fires at `deadline` (if any) or when `parent` aborts. */
export function deadlineSignal(deadline: Date | undefined, parent?: AbortSignal): AbortSignal {
  const signals: AbortSignal[] = parent ? [parent] : [];
  if (deadline) signals.push(AbortSignal.timeout(Math.max(0, deadline.getTime() - Date.now())));
  return signals.length === 0 ? new AbortController().signal : AbortSignal.any(signals);
}

/**
 * Builds a CallContext whose `signal` is created only if the handler reads it: a timer per call is a measurable
 * cost on the hot path, and most handlers never need one.
 */
export function createCallContext(fields: Omit<CallContext, 'signal'>, parent?: AbortSignal): CallContext {
  let signal: AbortSignal | undefined;
  return Object.defineProperty({ ...fields }, 'signal', {
    enumerable: true,
    get: () => (signal ??= deadlineSignal(fields.deadline, parent)),
  }) as CallContext;
}

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

/** Node timers hold at most 2^31-1 ms (~24.8 days); anything longer is treated as "no deadline". */
export const maxTimerMs = 2 ** 31 - 1;

/** The deadline for a relative timeout header value received at `now`; undefined when absent, invalid or huge. */
export function deadlineFromTimeout(value: string | undefined, now: number): Date | undefined {
  if (!value) return undefined;
  const timeoutMs = Number(value);
  if (!Number.isFinite(timeoutMs) || timeoutMs > maxTimerMs) return undefined;
  return new Date(now + Math.max(0, timeoutMs));
}

/** An AbortSignal that fires at `deadline` (if any) or when `parent` aborts. */
export function deadlineSignal(deadline: Date | undefined, parent?: AbortSignal): AbortSignal {
  const signals: AbortSignal[] = parent ? [parent] : [];
  const remaining = deadline ? deadline.getTime() - Date.now() : NaN;
  if (remaining <= maxTimerMs) signals.push(AbortSignal.timeout(Math.max(0, remaining)));
  return signals.length === 0 ? new AbortController().signal : AbortSignal.any(signals);
}

/**
 * A CallContext whose `signal` and `metadata` are built only if the handler reads them: a timer and a header walk
 * per call are measurable on the hot path, and most handlers need neither.
 */
class LazyCallContext implements CallContext {
  private signalValue: AbortSignal | undefined;
  private metadataValue: Readonly<Record<string, string>> | undefined;

  constructor(
    readonly method: string,
    readonly transport: 'grpc' | 'nats',
    readonly deadline: Date | undefined,
    private readonly readMetadata: () => Readonly<Record<string, string>>,
    private readonly parentSignal: AbortSignal | undefined,
  ) {}

  get signal(): AbortSignal {
    return (this.signalValue ??= deadlineSignal(this.deadline, this.parentSignal));
  }

  get metadata(): Readonly<Record<string, string>> {
    return (this.metadataValue ??= this.readMetadata());
  }
}

export function createCallContext(
  method: string,
  transport: 'grpc' | 'nats',
  deadline: Date | undefined,
  readMetadata: () => Readonly<Record<string, string>>,
  parentSignal?: AbortSignal,
): CallContext {
  return new LazyCallContext(method, transport, deadline, readMetadata, parentSignal);
}

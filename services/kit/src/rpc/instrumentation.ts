// Spans and metrics for every RPC, on both transports, so a trace follows a call from gRPC into NATS and back.
import { SpanKind, SpanStatusCode, trace, context as otelContext, type Context } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { asParleyError, type ParleyError } from '../errors/parley-error.js';
import { Status, statusName } from '../errors/status.js';
import { lazyInstruments } from '../telemetry/instruments.js';

const tracer = trace.getTracer('@parley/kit');
const instruments = lazyInstruments((meter) => ({
  serverDuration: meter.createHistogram('rpc.server.duration', {
    description: 'Time to handle an RPC, by transport, method and status',
    unit: 'ms',
  }),
  clientDuration: meter.createHistogram('rpc.client.duration', {
    description: 'Round trip of an RPC as the caller saw it',
    unit: 'ms',
  }),
}));

interface CallLabels {
  transport: 'grpc' | 'nats';
  method: string;
}

/**
 * Runs a server-side handler inside a SERVER span whose parent is the caller's context. Never rejects: the outcome
 * is either the response or a ParleyError ready for the wire (unexpected errors are logged here, once).
 */
export async function runServerCall<Response>(
  labels: CallLabels,
  parent: Context,
  logger: Logger,
  handler: () => Promise<Response>,
): Promise<{ ok: true; response: Response } | { ok: false; error: ParleyError }> {
  const started = performance.now();
  return tracer.startActiveSpan(
    labels.method,
    { kind: SpanKind.SERVER, attributes: { 'rpc.system': labels.transport, 'rpc.method': labels.method } },
    parent,
    async (span) => {
      let code: Status = Status.OK;
      try {
        const response = await handler();
        return { ok: true as const, response };
      } catch (thrown) {
        const error = asParleyError(thrown);
        code = error.status;
        if (error.status === Status.INTERNAL || error.status === Status.UNKNOWN) {
          logger.error({ err: thrown, method: labels.method }, 'RPC handler failed');
        }
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
        return { ok: false as const, error };
      } finally {
        span.setAttribute('rpc.grpc.status_code', code);
        span.end();
        instruments().serverDuration.record(performance.now() - started, { ...labels, status: statusName(code) });
      }
    },
  );
}

/** Runs a client call inside a CLIENT span; `call` receives the context to inject into headers/metadata. */
export async function runClientCall<Response>(
  labels: CallLabels,
  call: (spanContext: Context) => Promise<Response>,
): Promise<Response> {
  const started = performance.now();
  return tracer.startActiveSpan(
    labels.method,
    { kind: SpanKind.CLIENT, attributes: { 'rpc.system': labels.transport, 'rpc.method': labels.method } },
    async (span) => {
      let code: Status = Status.OK;
      try {
        return await call(otelContext.active());
      } catch (thrown) {
        code = asParleyError(thrown).status;
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw thrown;
      } finally {
        span.setAttribute('rpc.grpc.status_code', code);
        span.end();
        instruments().clientDuration.record(performance.now() - started, { ...labels, status: statusName(code) });
      }
    },
  );
}

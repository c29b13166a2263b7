// Spans and metrics for every RPC, on both transports, so a trace follows a call from gRPC into NATS and back.
// This is the hot path of every call: plain promise chains, no extra async layers (each costs measurable CPU).
import {
  context as otelContext,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
} from '@opentelemetry/api';
import type { Logger } from 'pino';
import { asParleyError, type ParleyError } from '../errors/parley-error.js';
import { Status, statusName } from '../errors/status.js';
import { lazyInstruments } from '../telemetry/instruments.js';
import { spansRecorded } from '../telemetry/span-recording.js';

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

export type ServerOutcome<Response> = { ok: true; response: Response } | { ok: false; error: ParleyError };

// One attributes object per transport/method/status, reused for every measurement.
const metricAttributes = new Map<string, Attributes>();
function attributesFor(labels: CallLabels, code: Status): Attributes {
  const key = `${labels.transport}|${labels.method}|${code}`;
  let attributes = metricAttributes.get(key);
  if (!attributes) {
    attributes = Object.freeze({ transport: labels.transport, method: labels.method, status: statusName(code) });
    metricAttributes.set(key, attributes);
  }
  return attributes;
}

/**
 * Runs a server-side handler inside a SERVER span whose parent is the caller's context. Never rejects: the outcome
 * is either the response or a ParleyError ready for the wire (unexpected errors are logged here, once).
 */
export function runServerCall<Response>(
  labels: CallLabels,
  parent: Context,
  logger: Logger,
  handler: () => Promise<Response>,
): Promise<ServerOutcome<Response>> {
  const started = performance.now();
  if (!spansRecorded()) return runServerCallUntraced(labels, started, parent, logger, handler);
  const span = tracer.startSpan(
    labels.method,
    { kind: SpanKind.SERVER, attributes: { 'rpc.system': labels.transport } },
    parent,
  );
  const finish = (code: Status) => {
    if (span.isRecording()) span.setAttribute('rpc.grpc.status_code', code);
    span.end();
    instruments().serverDuration.record(performance.now() - started, attributesFor(labels, code));
  };
  let pending: Promise<Response>;
  try {
    pending = otelContext.with(trace.setSpan(parent, span), handler);
  } catch (thrown) {
    pending = Promise.reject(thrown);
  }
  return pending.then(
    (response) => {
      finish(Status.OK);
      return { ok: true as const, response };
    },
    (thrown: unknown) => {
      const error = asParleyError(thrown);
      if (error.status === Status.INTERNAL || error.status === Status.UNKNOWN) {
        logger.error({ err: thrown, method: labels.method }, 'RPC handler failed');
      }
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
      finish(error.status);
      return { ok: false as const, error };
    },
  );
}

/** Runs a client call inside a CLIENT span; `call` receives the context to inject into headers/metadata. */
export function runClientCall<Response>(
  labels: CallLabels,
  call: (spanContext: Context) => Promise<Response>,
): Promise<Response> {
  const started = performance.now();
  const active = otelContext.active();
  if (!spansRecorded()) {
    let pending: Promise<Response>;
    try {
      pending = call(active);
    } catch (thrown) {
      pending = Promise.reject(thrown);
    }
    return pending.then(
      (response) => {
        instruments().clientDuration.record(performance.now() - started, attributesFor(labels, Status.OK));
        return response;
      },
      (thrown: unknown) => {
        instruments().clientDuration.record(
          performance.now() - started,
          attributesFor(labels, asParleyError(thrown).status),
        );
        throw thrown;
      },
    );
  }
  const span = tracer.startSpan(
    labels.method,
    { kind: SpanKind.CLIENT, attributes: { 'rpc.system': labels.transport } },
    active,
  );
  const finish = (code: Status) => {
    if (span.isRecording()) span.setAttribute('rpc.grpc.status_code', code);
    span.end();
    instruments().clientDuration.record(performance.now() - started, attributesFor(labels, code));
  };
  let pending: Promise<Response>;
  try {
    pending = call(trace.setSpan(active, span));
  } catch (thrown) {
    pending = Promise.reject(thrown);
  }
  return pending.then(
    (response) => {
      finish(Status.OK);
      return response;
    },
    (thrown: unknown) => {
      span.setStatus({ code: SpanStatusCode.ERROR });
      finish(asParleyError(thrown).status);
      throw thrown;
    },
  );
}

/** The same contract as runServerCall without a span: the caller's context (if any) is made active as it is. */
function runServerCallUntraced<Response>(
  labels: CallLabels,
  started: number,
  parent: Context,
  logger: Logger,
  handler: () => Promise<Response>,
): Promise<ServerOutcome<Response>> {
  let pending: Promise<Response>;
  try {
    pending = trace.getSpanContext(parent) ? otelContext.with(parent, handler) : handler();
  } catch (thrown) {
    pending = Promise.reject(thrown);
  }
  return pending.then(
    (response) => {
      instruments().serverDuration.record(performance.now() - started, attributesFor(labels, Status.OK));
      return { ok: true as const, response };
    },
    (thrown: unknown) => {
      const error = asParleyError(thrown);
      if (error.status === Status.INTERNAL || error.status === Status.UNKNOWN) {
        logger.error({ err: thrown, method: labels.method }, 'RPC handler failed');
      }
      instruments().serverDuration.record(performance.now() - started, attributesFor(labels, error.status));
      return { ok: false as const, error };
    },
  );
}

// OpenTelemetry for a service: W3C trace context, spans (exported over OTLP when an endpoint is configured) and
// metrics served in Prometheus format on the service's own /metrics route. Start it before anything else.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { setSpanRecording } from './span-recording.js';
import { AggregationType } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  NoopSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export interface TelemetryOptions {
  serviceName: string;
  site: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT; without it spans still get ids (for logs and propagation) but are not exported. */
  otlpEndpoint?: string | undefined;
  /** Where the SDK's own warnings go (a pino child logger in services). */
  diagLogger?: DiagLogger;
}

export interface Telemetry {
  /** Serves the Prometheus text format; mounted at /metrics by the health server. */
  handleMetricsRequest(request: IncomingMessage, response: ServerResponse): void;
  shutdown(): Promise<void>;
}

const rpcBucketsMs = [0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000];

export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (options.diagLogger) diag.setLogger(options.diagLogger, DiagLogLevel.WARN);
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const spanProcessors: SpanProcessor[] = options.otlpEndpoint
    ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }))]
    : // A processor must exist for the SDK to register a tracer provider; this one drops spans after sampling.
      [new NoopSpanProcessor()];
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      'service.namespace': 'parley',
      'parley.site': options.site,
    }),
    autoDetectResources: false,
    // W3C trace context only: Parley carries no baggage, and the baggage propagator costs time on every call.
    textMapPropagator: new W3CTraceContextPropagator(),
    metricReaders: [prometheus],
    // RPCs take well under a millisecond on a LAN; the SDK's default buckets start at 5 ms and would hide that.
    views: [
      {
        instrumentName: 'rpc.*.duration',
        aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: rpcBucketsMs } },
      },
    ],
    spanProcessors,
    // Without an exporter nothing would read recorded spans: keep trace ids (logs, propagation) but record nothing.
    // With one, the sampler comes from OTEL_TRACES_SAMPLER (default: parent-based, always on).
    ...(options.otlpEndpoint ? {} : { sampler: new AlwaysOffSampler() }),
    logRecordProcessors: [],
    // Instrumentation is explicit in the kit's RPC and event code: auto-instrumentation cannot patch ES modules
    // without a loader hook, and our NATS transport has no upstream instrumentation anyway.
    instrumentations: [],
  });
  sdk.start();
  setSpanRecording(Boolean(options.otlpEndpoint));
  let stopped: Promise<void> | undefined;
  return {
    handleMetricsRequest: (request, response) => prometheus.getMetricsRequestHandler(request, response),
    shutdown: () => (stopped ??= sdk.shutdown()),
  };
}

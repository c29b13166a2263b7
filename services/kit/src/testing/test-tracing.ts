// Real (in-memory) tracing for tests that check trace propagation, without starting the whole SDK.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { setSpanRecording } from '../telemetry/span-recording.js';

let enabled = false;

/** Registers a context manager, the W3C propagator and a tracer provider, and turns span creation on. Idempotent. */
export function enableTestTracing(): void {
  if (enabled) return;
  enabled = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider());
  setSpanRecording(true);
}

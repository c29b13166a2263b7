// Metric instruments that follow the global MeterProvider. The OpenTelemetry metrics API has no proxy provider:
// an instrument made before the SDK starts stays a no-op forever, and kit modules load before main() starts it.
import { metrics, type MeterProvider } from '@opentelemetry/api';

export function lazyInstruments<T>(create: (meter: ReturnType<MeterProvider['getMeter']>) => T): () => T {
  let provider: MeterProvider | undefined;
  let instruments: T | undefined;
  return () => {
    const current = metrics.getMeterProvider();
    if (current !== provider || instruments === undefined) {
      provider = current;
      instruments = create(current.getMeter('@parley/kit'));
    }
    return instruments;
  };
}

// Figures of the agent-socket bench: latency percentiles from publish and receipt times, and byte counts as MiB/KiB.

export interface LatencySummary {
  sent: number;
  received: number;
  lost: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Latency of the offers `offers` (indices into the publish and receipt tables); a missing receipt is lost. */
export function latencies(offers: readonly number[], sentAt: Float64Array, receivedAt: Float64Array): LatencySummary {
  const values: number[] = [];
  for (const n of offers) {
    const received = receivedAt[n]!;
    if (!Number.isNaN(received)) values.push(received - sentAt[n]!);
  }
  values.sort((a, b) => a - b);
  return {
    sent: offers.length,
    received: values.length,
    lost: offers.length - values.length,
    p50Ms: round(percentile(values, 50)),
    p95Ms: round(percentile(values, 95)),
    p99Ms: round(percentile(values, 99)),
    maxMs: round(values.at(-1) ?? Number.NaN),
  };
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export const mib = (bytes: number) => round(bytes / 2 ** 20, 1);
export const kib = (bytes: number) => round(bytes / 1024, 1);

export function describeLatency(name: string, summary: LatencySummary, path = 'publish → socket'): string {
  return (
    `${name}: ${summary.received}/${summary.sent} received (${summary.lost} lost); ${path} p50 ` +
    `${summary.p50Ms} ms, p95 ${summary.p95Ms} ms, p99 ${summary.p99Ms} ms, max ${summary.maxMs} ms`
  );
}

/**
 * Milliseconds on CLOCK_MONOTONIC, the same in every process of the machine: the publisher process stamps publishes
 * and the tabs stamp receipts with it.
 */
export const now = () => Number(process.hrtime.bigint()) / 1e6;

// Two load shapes, bounded in count and time: closed-loop (max throughput with N in flight) and open-loop at a
// fixed rate (latency as a caller sending steadily sees it, without coordinated omission).
export interface LatencySummary {
  count: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function summarise(latenciesMs: number[], errors: number, seconds: number): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return {
    count: sorted.length,
    errors,
    seconds,
    perSecond: sorted.length / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: sorted.at(-1) ?? NaN,
  };
}

/** Keeps `concurrency` calls in flight until `total` calls are done or `maxSeconds` pass. */
export async function closedLoop(
  call: () => Promise<unknown>,
  concurrency: number,
  total: number,
  maxSeconds: number,
): Promise<LatencySummary> {
  const latencies: number[] = [];
  let errors = 0;
  let started = 0;
  const begin = performance.now();
  const deadline = begin + maxSeconds * 1000;
  const worker = async () => {
    while (started < total && performance.now() < deadline) {
      started++;
      const t0 = performance.now();
      try {
        await call();
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return summarise(latencies, errors, (performance.now() - begin) / 1000);
}

/**
 * Starts calls on a fixed schedule (`rate` per second for `seconds`) and measures each from its scheduled start, so
 * a stall on the caller's side shows up as latency instead of silently sending fewer requests. A call never starts
 * before its scheduled time; timers fire late, never early, so calls due together start together.
 */
export async function openLoop(call: () => Promise<unknown>, rate: number, seconds: number): Promise<LatencySummary> {
  const latencies: number[] = [];
  let errors = 0;
  const total = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const begin = performance.now();
  const inFlight: Promise<void>[] = [];
  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && begin + next * intervalMs <= now) {
      const scheduled = begin + next * intervalMs;
      inFlight.push(
        call().then(
          () => void latencies.push(performance.now() - scheduled),
          () => void errors++,
        ),
      );
      next++;
    }
    if (next < total)
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, begin + next * intervalMs - performance.now())));
  }
  await Promise.all(inFlight);
  return summarise(latencies, errors, (performance.now() - begin) / 1000);
}

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
 * Starts calls on a fixed schedule (`rate` per second for `seconds`); each call's latency runs from the moment it
 * was sent. Node's timers fire up to a millisecond late, so calls due together are sent together; `lagP99Ms` says
 * how far behind schedule the sender ran (if it grows, the caller could not keep the rate and the figure is void).
 */
export async function openLoop(
  call: () => Promise<unknown>,
  rate: number,
  seconds: number,
): Promise<LatencySummary & { lagP99Ms: number }> {
  const latencies: number[] = [];
  const lags: number[] = [];
  let errors = 0;
  const total = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const begin = performance.now();
  const inFlight: Promise<void>[] = [];
  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && begin + next * intervalMs <= now) {
      const sent = performance.now();
      lags.push(sent - (begin + next * intervalMs));
      inFlight.push(
        call().then(
          () => void latencies.push(performance.now() - sent),
          () => void errors++,
        ),
      );
      next++;
    }
    if (next < total) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, begin + next * intervalMs - performance.now())));
    }
  }
  await Promise.all(inFlight);
  const lagSummary = summarise(lags, 0, 1);
  return { ...summarise(latencies, errors, (performance.now() - begin) / 1000), lagP99Ms: lagSummary.p99Ms };
}

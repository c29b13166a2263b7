// The routing service as the end-to-end benchmark runs it: its own process, its own streams, operation log, lease
// and RPC subject; it reports ready once it owns the routing state.
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { loadRoutingConfig } from '../src/config.js';
import { startRoutingReplica } from '../src/routing-replica.js';
import { namespacedRoutingResources } from '../src/routing-resources.js';

const streams = JSON.parse(process.env.BENCH_STREAMS ?? '{}');
const run = process.env.BENCH_RUN ?? 'routing';
const replica = await startRoutingReplica({
  config: loadRoutingConfig(),
  eventStreams: streams,
  resources: namespacedRoutingResources(run),
});
while (!replica.isOwner()) await new Promise((resolve) => setTimeout(resolve, 50));
if (process.env.BENCH_DEBUG) reportPauses();
process.stdout.write('ready\n');

/** With BENCH_DEBUG: garbage collections and event-loop stalls over 20 ms, on stderr, in ms since ready. */
function reportPauses(): void {
  const ready = performance.now();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      if (entry.duration > 20)
        process.stderr.write(`routing gc ${entry.duration.toFixed(0)} ms at ${(entry.startTime - ready).toFixed(0)}\n`);
  }).observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  setInterval(() => {
    if (delay.max / 1e6 > 20)
      process.stderr.write(
        `routing event loop stalled ${(delay.max / 1e6).toFixed(0)} ms before ${(performance.now() - ready).toFixed(0)}\n`,
      );
    delay.reset();
  }, 500).unref();
}

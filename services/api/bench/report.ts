// The agent-socket bench's output: a short human summary, then one JSON line with every figure (for README's
// performance table and for comparing runs).
import type { MemoryFigures } from './api-process.js';
import type { Pauses } from './pauses.js';
import { describeLatency, kib, mib, round, type LatencySummary } from './stats.js';

export interface BurstResult extends LatencySummary {
  publishSeconds: number;
  publishFailed: number;
  /** From the burst's first publish to its last receipt. */
  allDeliveredMs: number;
}

export interface BenchResult {
  /** The command line's choices (and the defaults), so a figure can be reproduced. */
  settings: Record<string, number | string>;
  machine: { cpus: number; model: string; memoryGiB: number; node: string; nats: string; fdLimit: number };
  /** 1-minute load average before and after: the machine is shared, and the figures mean little if it was busy. */
  load: { before: number; after: number };
  sockets: { requested: number; authenticated: number; connectSeconds: number; concurrency: number };
  connectFailures: Record<string, number>;
  authMs: { p50: number; p99: number };
  issuerRequests: { discovery: number; jwks: number };
  memory: { gc: boolean; before: MemoryFigures; idle: MemoryFigures; afterOffers: MemoryFigures; vmRssIdle: number };
  paced: LatencySummary & {
    warmUpRounds: number;
    rounds: number;
    rate: number;
    roundP99Ms: number[];
    publishFailed: number;
    apiCpuPercent: number;
    tabsCpuPercent: number;
    publisherCpuPercent: number;
    api: Pauses;
    tabs: Pauses;
  };
  bursts: BurstResult[];
  burstPauses: { api: Pauses; tabs: Pauses };
  delivery: { duplicates: number; misrouted: number; unexpected: number; tabsStillOpen: number };
  /** Series on the API's /metrics about heap or RSS (none so far: the kit exports no runtime metrics). */
  metricsMemorySeries: string[];
}

/** p99 < 50 ms for paced offers (the issue's goal) and nothing lost anywhere. */
export const goalMet = (result: BenchResult) =>
  result.paced.lost === 0 && result.paced.p99Ms < 50 && result.bursts.every((burst) => burst.lost === 0);

const describePauses = (who: string, pauses: Pauses) =>
  `${who} event-loop delay p99 ${round(pauses.loopP99Ms)} ms, max ${round(pauses.loopMaxMs)} ms, ` +
  `${pauses.gcCount} GCs (${round(pauses.gcTotalMs, 0)} ms, longest ${round(pauses.gcMaxMs)} ms)`;

export function printReport(result: BenchResult): void {
  const { machine, memory, paced, sockets } = result;
  const authenticated = Math.max(1, sockets.authenticated);
  const per = (key: keyof MemoryFigures) => (memory.idle[key] - memory.before[key]) / authenticated;
  const failures = Object.entries(result.connectFailures)
    .map(([reason, count]) => `${count}× ${reason}`)
    .join('; ');
  console.log(
    `machine: ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}, NATS ` +
      `${machine.nats}, open files limit ${machine.fdLimit}; load average ${result.load.before} before, ` +
      `${result.load.after} after`,
  );
  console.log(
    `settings: ${Object.entries(result.settings)
      .map(([name, value]) => `--${name} ${value}`)
      .join(' ')}`,
  );
  console.log(
    `tabs: ${sockets.authenticated}/${sockets.requested} authenticated in ${sockets.connectSeconds} s ` +
      `(${sockets.concurrency} handshakes in flight): open → ready p50 ${result.authMs.p50} ms, p99 ` +
      `${result.authMs.p99} ms${failures ? `; failed: ${failures}` : ''}; the API fetched discovery ` +
      `${result.issuerRequests.discovery}×, JWKS ${result.issuerRequests.jwks}×`,
  );
  console.log(
    `API memory (${memory.gc ? 'after a full GC' : 'no GC exposed'}): before the tabs RSS ${mib(memory.before.rss)} MiB, ` +
      `heap ${mib(memory.before.heapUsed)} MiB; with ${sockets.authenticated} idle tabs RSS ${mib(memory.idle.rss)} MiB ` +
      `(VmRSS ${mib(memory.vmRssIdle)} MiB), heap ${mib(memory.idle.heapUsed)} MiB → per connection RSS ` +
      `${kib(per('rss'))} KiB, heap ${kib(per('heapUsed'))} KiB, external+buffers ` +
      `${kib(per('external') + per('arrayBuffers'))} KiB`,
  );
  console.log(
    `${describeLatency(`paced: ${paced.rounds} rounds × ${sockets.authenticated} offers at ${paced.rate}/s (after ${paced.warmUpRounds} unmeasured)`, paced)}; ` +
      `p99 by round ${paced.roundP99Ms.join(', ')} ms; ${paced.publishFailed} publishes failed`,
  );
  console.log(
    `  CPU: API ${paced.apiCpuPercent} % of one core, tabs ${paced.tabsCpuPercent} %, publisher ` +
      `${paced.publisherCpuPercent} %; ${describePauses('API', paced.api)}; ${describePauses('tabs', paced.tabs)}`,
  );
  result.bursts.forEach((burst, index) =>
    console.log(
      `${describeLatency(`burst ${index + 1}: ${sockets.authenticated} offers at once`, burst)}; all delivered ` +
        `${burst.allDeliveredMs} ms after the first publish (publishing took ${burst.publishSeconds} s)`,
    ),
  );
  if (result.bursts.length > 0)
    console.log(
      `  during the bursts: ${describePauses('API', result.burstPauses.api)}; ${describePauses('tabs', result.burstPauses.tabs)}`,
    );
  const { delivery } = result;
  console.log(
    `after the offers: API RSS ${mib(memory.afterOffers.rss)} MiB, heap ${mib(memory.afterOffers.heapUsed)} MiB ` +
      `(offers are kept for the 30 s grace); tabs still open ${delivery.tabsStillOpen}; duplicates ` +
      `${delivery.duplicates}, to the wrong agent ${delivery.misrouted}, unexpected frames ${delivery.unexpected}; ` +
      `/metrics heap/RSS series: ${result.metricsMemorySeries.length > 0 ? result.metricsMemorySeries.join(', ') : 'none'}`,
  );
  console.log(`goal (paced p99 < 50 ms, nothing lost): ${goalMet(result) ? 'met' : 'NOT met'}`);
  console.log(
    JSON.stringify({
      bench: 'api-agent-sockets',
      ...result,
      memory: {
        gc: memory.gc,
        beforeRssMiB: mib(memory.before.rss),
        beforeHeapMiB: mib(memory.before.heapUsed),
        idleRssMiB: mib(memory.idle.rss),
        idleHeapMiB: mib(memory.idle.heapUsed),
        afterOffersRssMiB: mib(memory.afterOffers.rss),
        afterOffersHeapMiB: mib(memory.afterOffers.heapUsed),
        perConnectionRssKiB: kib(per('rss')),
        perConnectionHeapKiB: kib(per('heapUsed')),
        perConnectionExternalKiB: kib(per('external') + per('arrayBuffers')),
      },
      goalMet: goalMet(result),
    }),
  );
}

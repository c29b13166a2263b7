// Agent-socket figures (issue 7): N agents' tabs (default 2,000) on one API process, each authenticated with a
// Keycloak-shaped token; the API's memory per idle connection (after a full GC); then routing's offer.created events
// for every agent, paced and in bursts, timed from the JetStream publish to the tab's socket (p50/p95/p99/max, lost).
// Three processes, as in production: the API (api-process.ts), the routing stand-in that publishes the offers
// (publisher-process.ts), and this one with the tabs and the issuer; publish and receipt are stamped on the
// machine's monotonic clock. Loopback only; every phase is bounded in count and time; whatever was started is
// stopped on exit, error or signal.
//
//   pnpm --filter @parley/api bench [-- --sockets 2000 --rounds 5 --rate 1000 --burst-rounds 2]
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { createLogger, ShutdownStack } from '@parley/kit';
import { AgentTab, openTabs, type Receipts } from './agent-tabs.js';
import { startBenchRun } from './bench-run.js';
import { agentId } from './offer-publisher.js';
import { PauseMonitor } from './pauses.js';
import { printReport, type BurstResult } from './report.js';
import { latencies, now, percentile, round } from './stats.js';

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index > 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number ≥ 0`);
  return value;
}

function textArgument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const sockets = Math.max(1, argument('sockets', 2_000));
const rounds = Math.max(1, argument('rounds', 5));
/** Rounds published first and not measured: the first offers run through cold code in both processes. */
const warmUpRounds = argument('warm-up-rounds', 1);
const rate = Math.max(1, argument('rate', 1_000));
const burstRounds = argument('burst-rounds', 2);
/** Publishes awaiting their JetStream ack at once (routing's publishAll uses 64). */
const window = Math.max(1, argument('window', 64));
const connectConcurrency = Math.max(1, argument('connect-concurrency', 100));
const idleSeconds = argument('idle-seconds', 3);
const drainSeconds = argument('drain-seconds', 10);
const apiLogLevel = textArgument('api-log-level', 'error');
/** The API's agent presence TTL (refreshed at a third of it, every agent at once); production's 30 s by default. */
const presenceTtlMs = Math.max(3_000, argument('presence-ttl-ms', 30_000));
/** Extra Node flags for the API process, e.g. "--trace-gc" to see which collection a stall was. */
const apiNodeFlags = textArgument('api-node-flags', '').split(' ').filter(Boolean);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const load = () => round(loadavg()[0] ?? Number.NaN);

/** Each tab takes a descriptor here and one in the API process (Node raises the soft limit to the hard one). */
function descriptorLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('Max open files'));
  const soft = Number(line?.trim().split(/\s+/).at(-3));
  if (Number.isFinite(soft) && soft < sockets + 256)
    throw new Error(`open files limit ${soft} is too low for ${sockets} tabs: run "ulimit -n ${sockets + 1024}" first`);
  return soft;
}

/** Waits until every offer in `offers` has a receipt, at most `seconds`. */
async function drain(offers: readonly number[], receivedAt: Float64Array, seconds: number): Promise<void> {
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline && offers.some((n) => Number.isNaN(receivedAt[n]!))) await sleep(50);
}

const shutdown = new ShutdownStack(createLogger({ service: 'agent-socket-bench', level: 'warn' }));
let killChildren: () => void = () => undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    setTimeout(() => process.exit(130), 15_000).unref();
    killChildren();
    void shutdown.close(5_000).finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  const fdLimit = descriptorLimit();
  const loadBefore = load();
  const run = await startBenchRun({ sockets, apiLogLevel, apiNodeFlags, presenceTtlMs }, shutdown);
  const { api, issuer } = run;
  killChildren = () => {
    api.kill();
    run.publisher.kill();
  };
  const tokens = await Promise.all(Array.from({ length: sockets }, (_, index) => issuer.agentToken(agentId(index))));

  // Warm-up: the first token makes the API fetch the discovery document and the JWKS, and runs the socket's code.
  const none: Receipts = { at: new Float64Array(0), received: 0, duplicates: 0, misrouted: 0, unexpected: 0 };
  const warmUp = await AgentTab.open(run.socketUrl, await issuer.agentToken('bench-warm-up'), 0, 1, none, 10_000);
  warmUp.close();
  await sleep(500);
  const memory = async () => {
    const { type: _type, ...figures } = await api.ask({ type: 'memory' }, 'memory');
    return figures;
  };
  const apiPauses = async () => {
    const { type: _type, ...pauses } = await api.ask({ type: 'pauses-read' }, 'pauses');
    return pauses;
  };
  const memoryBefore = await memory();

  // Every agent's tab. Offer n is for agent n % sockets; its publish and receipt times are at index n.
  const totalOffers = (warmUpRounds + rounds + burstRounds) * sockets;
  const sentAt = new Float64Array(totalOffers).fill(Number.NaN);
  const receipts: Receipts = {
    at: new Float64Array(totalOffers).fill(Number.NaN),
    received: 0,
    duplicates: 0,
    misrouted: 0,
    unexpected: 0,
  };
  const connectStarted = now();
  const opened = await openTabs(run.socketUrl, tokens, receipts, connectConcurrency, 15_000);
  const connectSeconds = round((now() - connectStarted) / 1000);
  shutdown.add('tabs', () => opened.tabs.forEach((tab) => tab?.close()));
  const ready = opened.tabs.flatMap((tab, index) => (tab ? [index] : []));
  const authMs = opened.tabs.flatMap((tab) => (tab ? [tab.authMs] : [])).sort((a, b) => a - b);
  await sleep(idleSeconds * 1000);
  const memoryIdle = await memory();
  const vmRssIdle = api.rssBytes();

  // Paced offers: a round is one offer for every agent with a tab; rounds follow each other without a pause. The
  // publisher process says when each publish started.
  const publish = async (mode: 'paced' | 'burst', offers: number[]) => {
    const answer = await run.publisher.ask(
      { type: 'publish', mode, offers, rate, window },
      'published',
      (offers.length / rate) * 1000 + 60_000,
    );
    if (answer.error) throw new Error(`the publisher stopped: ${answer.error}`);
    offers.forEach((n, k) => (sentAt[n] = answer.sentAt[k] ?? Number.NaN));
    return answer.outcome;
  };
  const roundOffers = (r: number) => ready.map((agent) => r * sockets + agent);
  const warmUpOffers = Array.from({ length: warmUpRounds }, (_, r) => roundOffers(r)).flat();
  if (warmUpOffers.length > 0) {
    await publish('paced', warmUpOffers);
    await drain(warmUpOffers, receipts.at, drainSeconds);
  }
  const measuredRounds = Array.from({ length: rounds }, (_, r) => roundOffers(warmUpRounds + r));
  const pacedOffers = measuredRounds.flat();
  const tabPauses = new PauseMonitor();
  await api.ask({ type: 'pauses-reset' }, 'pauses');
  const apiCpuBefore = api.cpuMs();
  const benchCpuBefore = process.cpuUsage();
  const publisherCpuBefore = run.publisher.cpuMs();
  const pacedStarted = now();
  const paced = await publish('paced', pacedOffers);
  await drain(pacedOffers, receipts.at, drainSeconds);
  const pacedMs = now() - pacedStarted;
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const pacedResult = {
    ...latencies(pacedOffers, sentAt, receipts.at),
    warmUpRounds,
    rounds,
    rate,
    // A tail that sits in one round is a stall (a GC, a descheduled process), not a steady cost.
    roundP99Ms: measuredRounds.map((offers) => latencies(offers, sentAt, receipts.at).p99Ms),
    publishFailed: paced.failed,
    apiCpuPercent: round(((api.cpuMs() - apiCpuBefore) / pacedMs) * 100, 0),
    tabsCpuPercent: round(((benchCpu.user + benchCpu.system) / 1000 / pacedMs) * 100, 0),
    publisherCpuPercent: round(((run.publisher.cpuMs() - publisherCpuBefore) / pacedMs) * 100, 0),
    api: await apiPauses(),
    tabs: tabPauses.read(),
  };

  // Bursts: every agent's offer at once (a backlog handed to 2,000 idle agents), `window` acks in flight.
  await api.ask({ type: 'pauses-reset' }, 'pauses');
  tabPauses.reset();
  const bursts: BurstResult[] = [];
  for (let b = 0; b < burstRounds; b += 1) {
    await sleep(1_000);
    const offers = roundOffers(warmUpRounds + rounds + b);
    const outcome = await publish('burst', offers);
    await drain(offers, receipts.at, drainSeconds);
    const received = offers.map((n) => receipts.at[n]!).filter((at) => !Number.isNaN(at));
    bursts.push({
      ...latencies(offers, sentAt, receipts.at),
      publishSeconds: round(outcome.seconds, 3),
      publishFailed: outcome.failed,
      allDeliveredMs:
        received.length > 0 ? round(Math.max(...received) - Math.min(...offers.map((n) => sentAt[n]!))) : Number.NaN,
    });
  }
  const burstPauses = { api: await apiPauses(), tabs: tabPauses.read() };
  tabPauses.close();

  const memoryAfter = await memory();
  const metrics = await fetch(`http://127.0.0.1:${run.opsPort}/metrics`).then((response) => response.text());
  const result = {
    settings: {
      sockets,
      rounds,
      'warm-up-rounds': warmUpRounds,
      rate,
      'burst-rounds': burstRounds,
      window,
      'connect-concurrency': connectConcurrency,
      'presence-ttl-ms': presenceTtlMs,
      'api-node-flags': apiNodeFlags.join(' '),
    },
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? '?',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      nats: run.natsVersion,
      fdLimit,
    },
    load: { before: loadBefore, after: load() },
    sockets: { requested: sockets, authenticated: ready.length, connectSeconds, concurrency: connectConcurrency },
    connectFailures: Object.fromEntries(opened.failures),
    authMs: { p50: round(percentile(authMs, 50)), p99: round(percentile(authMs, 99)) },
    issuerRequests: { ...issuer.requests },
    memory: { gc: memoryIdle.collected, before: memoryBefore, idle: memoryIdle, afterOffers: memoryAfter, vmRssIdle },
    paced: pacedResult,
    bursts,
    burstPauses,
    delivery: {
      duplicates: receipts.duplicates,
      misrouted: receipts.misrouted,
      unexpected: receipts.unexpected,
      tabsStillOpen: opened.tabs.filter((tab) => tab?.open).length,
    },
    metricsMemorySeries: metrics
      .split('\n')
      .filter((line) => !line.startsWith('#') && /heap|resident|rss/i.test(line))
      .slice(0, 5),
  };
  printReport(result);
}

try {
  await main();
} catch (error) {
  console.error('agent-socket bench failed:', error);
  process.exitCode = 1;
} finally {
  await shutdown.close(10_000);
}

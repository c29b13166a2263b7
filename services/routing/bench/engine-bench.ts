// Routing engine benchmark: decisions/s and per-decision latency with 10,000 agents, 1,000 queues and 100,000
// waiting interactions (mixed skills, languages, strategies), next to a naive scan-everything matcher on the same
// workload in the same run. One core, one thread. Run: pnpm --filter @parley/routing bench
import { cpus, totalmem } from 'node:os';
import { RoutingEngine } from '../src/domain/engine.js';
import { NaiveMatcher } from './naive-matcher.js';
import { buildWorkload, random } from './workload.js';

const size = { agents: 10_000, queues: 1_000, waiting: 100_000, teams: 200, skills: 50 };
const decisionsWanted = Number(process.env.BENCH_DECISIONS ?? 50_000);
const maxSeconds = Number(process.env.BENCH_SECONDS ?? 20);

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function describe(latenciesMs: number[], seconds: number): string {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return `${sorted.length} decisions, ${(sorted.length / seconds).toFixed(0)} decisions/s, p50 ${(percentile(sorted, 0.5) * 1000).toFixed(1)} µs, p99 ${(percentile(sorted, 0.99) * 1000).toFixed(1)} µs, max ${(sorted.at(-1)! * 1000).toFixed(0)} µs`;
}

const workload = buildWorkload(size);
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
console.log(
  `workload: ${size.agents} agents, ${size.queues} queues, ${size.waiting} waiting interactions, ${size.teams} teams, ${size.skills} skills`,
);

// ---- the engine ----
let now = 1_700_000_000_000;
let offerSeq = 0;
const engine = new RoutingEngine({ newId: () => `o${++offerSeq}` });
const setupStarted = performance.now();
for (const queue of workload.queues) engine.upsertQueue(queue, now);
for (const agent of workload.agents) engine.upsertAgent(agent, now);
for (const arrival of workload.arrivals) engine.enqueue(arrival, now++);
console.log(`engine set-up: ${((performance.now() - setupStarted) / 1000).toFixed(2)} s`);

// Agents come on line one by one: each log-in is a decision (the best waiting interactions it may take).
const pick = random(7);
const latencies: number[] = [];
const offers: string[] = [];
let offersMade = 0;
const collectOffers = () => {
  for (const event of engine.drainEvents()) {
    if (event.type !== 'offer.created') continue;
    offers.push(event.offerId);
    offersMade++;
  }
};
const begin = performance.now();
for (const agent of workload.agents) {
  const t = performance.now();
  engine.setPresence(agent.id, 'available', '', now);
  latencies.push(performance.now() - t);
  collectOffers();
}
// Steady state: an agent accepts, finishes (wrap-up 0 s) and the engine picks its next interaction: that last
// step — end() freeing the capacity and offering the next best work — is the decision measured.
while (latencies.length < decisionsWanted && (performance.now() - begin) / 1000 < maxSeconds && offers.length > 0) {
  const index = Math.floor(pick() * offers.length);
  const offerId = offers[index]!;
  offers[index] = offers[offers.length - 1]!;
  offers.pop();
  const offer = engine.offers.get(offerId);
  if (!offer) continue;
  now += 5;
  engine.accept(offerId, now);
  const t = performance.now();
  engine.end(offer.interaction.id, now);
  latencies.push(performance.now() - t);
  collectOffers();
}
const engineSeconds = (performance.now() - begin) / 1000;
const engineRate = latencies.length / engineSeconds;
console.log(`engine:       ${describe(latencies, engineSeconds)}`);
const stillWaiting = [...engine.interactions.values()].filter((i) => i.phase === 'waiting').length;
console.log(
  `              ${offersMade} offers made; ${stillWaiting} interactions still waiting (every decision found work)`,
);

// ---- the naive matcher, same workload ----
const naive = new NaiveMatcher(new Map(workload.queues.map((q) => [q.id, q])));
let naiveNow = 1_700_000_000_000;
for (const arrival of workload.arrivals) naive.enqueue(arrival, naiveNow++);
const naiveLatencies: number[] = [];
const naiveBegin = performance.now();
const naiveBudgetSeconds = Math.min(10, maxSeconds);
for (let i = 0; (performance.now() - naiveBegin) / 1000 < naiveBudgetSeconds && i < decisionsWanted; i++) {
  const agent = workload.agents[i % workload.agents.length]!;
  const t = performance.now();
  naive.decide(agent, i % 2 === 0 ? 'voice' : 'chat', naiveNow);
  naiveLatencies.push(performance.now() - t);
}
const naiveSeconds = (performance.now() - naiveBegin) / 1000;
const naiveRate = naiveLatencies.length / naiveSeconds;
console.log(`naive scan:   ${describe(naiveLatencies, naiveSeconds)}`);
console.log(
  `engine is ${(engineRate / naiveRate).toFixed(0)}× the naive matcher's decision rate (goal: ≥ 20,000 decisions/s, p99 < 1 ms)`,
);

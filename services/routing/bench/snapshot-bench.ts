// Snapshot benchmark: how long the owner pauses to serialise a big routing state, how large the snapshot is, and how
// long a standby needs to restore it (the part of a takeover that no longer grows with the log). The engine bench's
// workload — 10,000 agents, 1,000 queues, 100,000 waiting interactions — is built through the contract, so the
// catalog's records are in the snapshot too; a tenth of the agents then log in, so offers and timers are as well.
// In process, no NATS. Run: pnpm --filter @parley/routing bench:snapshot
import { cpus, totalmem } from 'node:os';
import { AgentState } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { RoutingStrategy } from '@parley/protos/parley/common/v1/queue';
import {
  EnqueueInteractionRequest,
  LoginAgentRequest,
  UpsertAgentRequest,
  UpsertQueueRequest,
} from '@parley/protos/parley/routing/v1/routing';
import { compressSnapshot, RoutingStateMachine } from '../src/adapters/routing-state-machine.js';
import type { AgentProfile, Channel as DomainChannel, QueueConfig, Strategy } from '../src/domain/model.js';
import { buildWorkload } from './workload.js';

const size = { agents: 10_000, queues: 1_000, waiting: 100_000, teams: 200, skills: 50 };
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

// The workload is written in engine terms; these turn it back into the contract's requests.
const protoChannels: Record<DomainChannel, Channel> = {
  voice: Channel.CHANNEL_VOICE,
  chat: Channel.CHANNEL_CHAT,
  email: Channel.CHANNEL_EMAIL,
  callback: Channel.CHANNEL_CALLBACK,
};
const protoStrategies: Record<Strategy, RoutingStrategy> = {
  longest_idle: RoutingStrategy.ROUTING_STRATEGY_LONGEST_IDLE,
  most_skilled: RoutingStrategy.ROUTING_STRATEGY_MOST_SKILLED,
  least_occupied: RoutingStrategy.ROUTING_STRATEGY_LEAST_OCCUPIED,
  round_robin: RoutingStrategy.ROUTING_STRATEGY_ROUND_ROBIN,
};

const queueRequest = (queue: QueueConfig) =>
  UpsertQueueRequest.fromPartial({
    queue: {
      id: queue.id,
      displayName: `Queue ${queue.id}`,
      channels: queue.channels.map((channel) => protoChannels[channel]),
      teamIds: [...queue.teamIds],
      skillsExpression: queue.requirement.source,
      priority: queue.priority,
      strategy: protoStrategies[queue.strategy],
      steps: queue.steps.map((step) => ({
        afterWaitMs: step.afterMs,
        skillLevelRelaxation: step.relaxSkillsBy,
        allSites: step.anySite,
      })),
    },
  });

const agentRequest = (agent: AgentProfile) =>
  UpsertAgentRequest.fromPartial({
    agent: {
      id: agent.id,
      displayName: `Agent ${agent.id}`,
      siteId: agent.siteId,
      teamIds: [...new Set(agent.teamIds)],
      skills: [...agent.skills].map(([name, level]) => ({ name, level })),
      capacities: Object.entries(agent.capacity).map(([channel, maxConcurrent]) => ({
        channel: protoChannels[channel as DomainChannel],
        maxConcurrent,
        // voiceIsExclusive: a call blocks the other channels.
        blocksChannels: channel === 'voice' && agent.voiceIsExclusive ? [Channel.CHANNEL_CHAT] : [],
      })),
    },
  });

const workload = buildWorkload(size);
const machine = new RoutingStateMachine('bench');
let now = 1_700_000_000_000;
const apply = async (method: string, request: unknown) => {
  await machine.apply(method, request, now++);
  machine.engine.drainEvents();
};

const built = performance.now();
for (const queue of workload.queues) await apply('upsertQueue', queueRequest(queue));
for (const agent of workload.agents) await apply('upsertAgent', agentRequest(agent));
for (const arrival of workload.arrivals)
  await apply(
    'enqueueInteraction',
    EnqueueInteractionRequest.fromPartial({
      interaction: {
        id: arrival.interactionId,
        channel: protoChannels[arrival.channel],
        siteId: 'waw',
        queueId: arrival.queueId,
        priority: arrival.priority,
        attributes: arrival.attributes,
      },
    }),
  );
for (let a = 0; a < size.agents; a += 10)
  await apply(
    'loginAgent',
    LoginAgentRequest.fromPartial({ agentId: `a${a}`, sessionId: 's', initialState: AgentState.AGENT_STATE_AVAILABLE }),
  );
const buildSeconds = (performance.now() - built) / 1000;

const timings = { serialize: [] as number[], compress: [] as number[], restore: [] as number[] };
let bytes: Uint8Array = new Uint8Array();
let restored: RoutingStateMachine | undefined;
for (let round = 0; round < rounds; round++) {
  let started = performance.now();
  const serialized = machine.serialize();
  timings.serialize.push(performance.now() - started);
  started = performance.now();
  bytes = await compressSnapshot(serialized);
  timings.compress.push(performance.now() - started);
  started = performance.now();
  restored = RoutingStateMachine.restore('bench', bytes);
  timings.restore.push(performance.now() - started);
}
// Not a benchmark figure: the restored state must be the same state.
if (!restored || Buffer.compare(restored.snapshot(), bytes) !== 0) throw new Error('the restored state differs');

const best = (values: number[]) =>
  `${Math.min(...values).toFixed(0)} ms (runs: ${values.map((v) => v.toFixed(0)).join(', ')} ms)`;
const engine = machine.engine;
const waiting = [...engine.interactions.values()].filter((i) => i.phase === 'waiting').length;
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
console.log(
  `state: ${engine.agents.size} agents, ${engine.queues.size} queues, ${engine.interactions.size} interactions ` +
    `(${waiting} waiting), ${engine.offers.size} offers; built through the contract in ${buildSeconds.toFixed(1)} s`,
);
console.log(`snapshot, serialising (the owner pauses writes): ${best(timings.serialize)}`);
console.log(`snapshot, compressing (thread pool; the owner keeps serving): ${best(timings.compress)}`);
console.log(`snapshot size: ${(bytes.length / 2 ** 20).toFixed(1)} MiB gzipped`);
console.log(`restore (standby): ${best(timings.restore)}`);

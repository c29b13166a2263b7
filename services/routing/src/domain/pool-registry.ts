// Keeps pools and agents cross-indexed: which pools exist, which agents each admits, and which of those can take
// work right now. Creating a pool scans only the agents of its teams (or sites), never all agents when avoidable.
import { type AgentRuntime } from './agent-runtime.js';
import { channels, type Channel, type QueueConfig } from './model.js';
import { Pool } from './pool.js';
import type { AgentRequirement } from './skills-expression/index.js';

export class PoolRegistry {
  private readonly pools = new Map<string, Pool>();
  private readonly poolsByQueue = new Map<string, Set<Pool>>();
  readonly agents = new Map<string, AgentRuntime>();
  private readonly agentsByTeam = new Map<string, Set<AgentRuntime>>();
  private readonly agentsBySite = new Map<string, Set<AgentRuntime>>();

  poolFor(queue: QueueConfig, channel: Channel, step: number, requirement: AgentRequirement): Pool {
    const key = Pool.keyOf(queue.id, channel, step, requirement.key);
    let pool = this.pools.get(key);
    if (pool) return pool;
    pool = new Pool(key, queue, channel, step, requirement);
    this.pools.set(key, pool);
    let forQueue = this.poolsByQueue.get(queue.id);
    if (!forQueue) this.poolsByQueue.set(queue.id, (forQueue = new Set()));
    forQueue.add(pool);
    for (const agent of this.candidatesFor(pool)) this.admitIfEligible(pool, agent);
    return pool;
  }

  queuePools(queueId: string): Pool[] {
    return [...(this.poolsByQueue.get(queueId) ?? [])];
  }

  /** Forgets every pool of a queue (its configuration changed); waiting interactions must be re-placed. */
  dropQueuePools(queueId: string): void {
    for (const pool of this.poolsByQueue.get(queueId) ?? []) {
      for (const agent of pool.available.values()) agent.pools[pool.channel].delete(pool);
      for (const agent of this.candidatesFor(pool)) agent.pools[pool.channel].delete(pool);
      this.pools.delete(pool.key);
    }
    this.poolsByQueue.delete(queueId);
  }

  /** Adds or updates an agent; its pool memberships are recomputed from scratch. */
  putAgent(agent: AgentRuntime): void {
    this.removeFromIndexes(agent);
    this.agents.set(agent.id, agent);
    for (const team of agent.profile.teamIds) this.index(this.agentsByTeam, team).add(agent);
    this.index(this.agentsBySite, agent.profile.siteId).add(agent);
    for (const pool of this.pools.values()) this.admitIfEligible(pool, agent);
  }

  /** Re-sorts the agent in every pool it belongs to, adding or removing it from the available sets. */
  refreshAvailability(agent: AgentRuntime): void {
    for (const channel of channels) {
      const canTake = agent.canTake(channel);
      for (const pool of agent.pools[channel]) {
        if (canTake) pool.available.set(pool.agentOrder(agent), agent);
        else pool.available.delete(agent.id);
      }
    }
  }

  private admitIfEligible(pool: Pool, agent: AgentRuntime): void {
    if (!pool.admits(agent)) return;
    agent.pools[pool.channel].add(pool);
    if (agent.canTake(pool.channel)) pool.available.set(pool.agentOrder(agent), agent);
  }

  private removeFromIndexes(agent: AgentRuntime): void {
    for (const channel of channels) {
      for (const pool of agent.pools[channel]) pool.available.delete(agent.id);
      agent.pools[channel].clear();
    }
    for (const members of this.agentsByTeam.values()) members.delete(agent);
    for (const members of this.agentsBySite.values()) members.delete(agent);
  }

  private candidatesFor(pool: Pool): Iterable<AgentRuntime> {
    const teams = pool.teamIds();
    if (teams.length > 0) {
      const found = new Set<AgentRuntime>();
      for (const team of teams) for (const agent of this.agentsByTeam.get(team) ?? []) found.add(agent);
      return found;
    }
    if (!pool.anySite()) {
      const found = new Set<AgentRuntime>();
      for (const site of pool.siteIds()) for (const agent of this.agentsBySite.get(site) ?? []) found.add(agent);
      return found;
    }
    return this.agents.values();
  }

  private index(map: Map<string, Set<AgentRuntime>>, key: string): Set<AgentRuntime> {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    return set;
  }
}

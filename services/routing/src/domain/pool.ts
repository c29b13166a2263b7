// A pool is where one kind of waiting work meets the agents who may take it: one queue, one channel, one widening
// step and one specialised skills requirement. Waiting interactions and available agents are both kept sorted, so
// either side of a match is found in O(log n).
import type { AgentRuntime } from './agent-runtime.js';
import type { Channel, QueueConfig } from './model.js';
import { OrderedSet, type OrderKey } from './ordered-set.js';
import type { AgentRequirement } from './skills-expression/index.js';
import type { WaitingInteraction } from './waiting-interaction.js';

export class Pool {
  readonly waiting = new OrderedSet<WaitingInteraction>();
  readonly available = new OrderedSet<AgentRuntime>();

  constructor(
    readonly key: string,
    readonly queue: QueueConfig,
    readonly channel: Channel,
    readonly step: number,
    readonly requirement: AgentRequirement,
  ) {}

  static keyOf(queueId: string, channel: Channel, step: number, requirementKey: string): string {
    return `${queueId}|${channel}|${step}|${requirementKey}`;
  }

  /** Teams whose agents serve this pool; empty = any team. */
  teamIds(): readonly string[] {
    const added = this.queue.steps.slice(0, this.step).flatMap((s) => s.addTeamIds);
    return this.queue.teamIds.length === 0 ? [] : [...this.queue.teamIds, ...added];
  }

  anySite(): boolean {
    return this.queue.siteIds.length === 0 || this.queue.steps.slice(0, this.step).some((s) => s.anySite);
  }

  /** Sites whose agents serve this pool (meaningful when not anySite). */
  siteIds(): readonly string[] {
    const added = this.queue.steps.slice(0, this.step).flatMap((s) => s.addSiteIds ?? []);
    return added.length === 0 ? this.queue.siteIds : [...this.queue.siteIds, ...added];
  }

  relax(): number {
    return this.queue.steps.slice(0, this.step).reduce((sum, s) => sum + s.relaxSkillsBy, 0);
  }

  /** Static eligibility: site, team and skills (capacity and presence are checked when matching). */
  admits(agent: AgentRuntime): boolean {
    const profile = agent.profile;
    if ((profile.capacity[this.channel] ?? 0) <= 0) return false;
    if (!this.anySite() && !this.siteIds().includes(profile.siteId)) return false;
    const teams = this.teamIds();
    if (teams.length > 0 && !profile.teamIds.some((team) => teams.includes(team))) return false;
    return this.requirement.matches(profile.skills, this.relax());
  }

  /** Where an available agent stands in this pool, by the queue's strategy (smallest first). */
  agentOrder(agent: AgentRuntime): OrderKey {
    switch (this.queue.strategy) {
      case 'most_skilled':
        return { primary: -this.requirement.score(agent.profile.skills), secondary: agent.idleSince, id: agent.id };
      case 'least_occupied':
        return { primary: agent.occupancy(), secondary: agent.idleSince, id: agent.id };
      case 'round_robin':
        return { primary: agent.lastOfferAt, secondary: agent.idleSince, id: agent.id };
      case 'longest_idle':
      default:
        return { primary: agent.idleSince, secondary: 0, id: agent.id };
    }
  }
}

// What the rpc layer remembers that the engine does not hold: agents and queues as last upserted (with revisions),
// login sessions, wrap-up codes, not-ready reasons, sites, and the caller's view of each live interaction.
import type { Agent, AgentDevice, NotReadyReason } from '@parley/protos/parley/common/v1/agent';
import type { Interaction } from '@parley/protos/parley/common/v1/interaction';
import type { Queue, WrapUpCode } from '@parley/protos/parley/common/v1/queue';
import type { Site } from '@parley/protos/parley/common/v1/site';
import type { RoutingCatalogSnapshot } from '@parley/protos/parley/routing/v1/state_snapshot';

export interface AgentSession {
  sessionId: string;
  device: AgentDevice;
}

/** Reasons the platform sets itself; agents cannot pick them and admins cannot change them. */
export const platformReasons: readonly NotReadyReason[] = [
  { code: 'login', displayName: 'Logged in', system: true, productive: false },
  { code: 'missed', displayName: 'Missed offers', system: true, productive: false },
  { code: 'forced', displayName: 'Set by a supervisor', system: true, productive: false },
  { code: 'session_lost', displayName: 'Session lost', system: true, productive: false },
  { code: 'after_call_work', displayName: 'After-call work', system: true, productive: true },
];

export class RoutingCatalog {
  readonly agents = new Map<string, Agent>();
  readonly sessions = new Map<string, AgentSession>();
  readonly queues = new Map<string, Queue>();
  readonly wrapUpCodes = new Map<string, WrapUpCode>();
  readonly notReadyReasons = new Map<string, NotReadyReason>(platformReasons.map((r) => [r.code, r]));
  readonly sites = new Map<string, Site>();
  /**
   * The interaction as the caller enqueued it (customer, direction, call id...), plus timestamps we learn. Records
   * are frozen and replaced, never changed in place: snapshots reuse each record's encoding while it is the same
   * object (adapters/catalog-encoding.ts).
   */
  private readonly interactionRecords = new Map<string, Readonly<Interaction>>();

  get interactions(): ReadonlyMap<string, Readonly<Interaction>> {
    return this.interactionRecords;
  }

  putInteraction(record: Interaction): Readonly<Interaction> {
    const frozen = Object.freeze(record);
    this.interactionRecords.set(record.id, frozen);
    return frozen;
  }

  /** Replaces a stored record with `change(record)`; nothing when there is none. */
  updateInteraction(id: string, change: (record: Readonly<Interaction>) => Interaction): void {
    const stored = this.interactionRecords.get(id);
    if (stored) this.putInteraction(change(stored));
  }

  constructor(sites: readonly Site[] = []) {
    for (const site of sites) this.sites.set(site.id, site);
  }

  /** Stores a new configuration with the next revision; created_at is kept from the first version. */
  putAgent(agent: Agent, now: number): Agent {
    const previous = this.agents.get(agent.id);
    const stored: Agent = {
      ...agent,
      status: undefined,
      revision: (previous?.revision ?? 0) + 1,
      createdAt: previous?.createdAt ?? new Date(now),
      updatedAt: new Date(now),
    };
    this.agents.set(agent.id, stored);
    return stored;
  }

  putQueue(queue: Queue, now: number): Queue {
    const previous = this.queues.get(queue.id);
    const stored: Queue = {
      ...queue,
      revision: (previous?.revision ?? 0) + 1,
      createdAt: previous?.createdAt ?? new Date(now),
      updatedAt: new Date(now),
    };
    this.queues.set(queue.id, stored);
    return stored;
  }

  /** Queues whose overflow (max wait or closed hours) sends interactions to `queueId`. */
  queuesOverflowingTo(queueId: string): string[] {
    const found: string[] = [];
    for (const queue of this.queues.values()) {
      if (queue.id === queueId) continue;
      if (queue.maxWaitAction?.targetQueueId === queueId || queue.businessHours?.whenClosed?.targetQueueId === queueId)
        found.push(queue.id);
    }
    return found;
  }

  /** Every record, map orders kept, for snapshots. */
  exportState(): RoutingCatalogSnapshot {
    return {
      agents: [...this.agents.values()],
      sessions: [...this.sessions].map(([agentId, session]) => ({ agentId, ...session })),
      queues: [...this.queues.values()],
      wrapUpCodes: [...this.wrapUpCodes.values()],
      notReadyReasons: [...this.notReadyReasons.values()],
      sites: [...this.sites.values()],
      interactions: [...this.interactions.values()],
    };
  }

  static fromState(state: RoutingCatalogSnapshot): RoutingCatalog {
    const catalog = new RoutingCatalog();
    catalog.notReadyReasons.clear();
    for (const agent of state.agents) catalog.agents.set(agent.id, agent);
    for (const { agentId, sessionId, device } of state.sessions) catalog.sessions.set(agentId, { sessionId, device });
    for (const queue of state.queues) catalog.queues.set(queue.id, queue);
    for (const code of state.wrapUpCodes) catalog.wrapUpCodes.set(code.id, code);
    for (const reason of state.notReadyReasons) catalog.notReadyReasons.set(reason.code, reason);
    for (const site of state.sites) catalog.sites.set(site.id, site);
    for (const interaction of state.interactions) catalog.putInteraction(interaction);
    return catalog;
  }

  /**
   * Forgets interactions the engine no longer holds (ended by a timer: overflow, wrap-up timeout), once the map has
   * grown well past the live set, so the sweep's cost is amortised.
   */
  prune(isLive: (id: string) => boolean, liveCount: number): void {
    if (this.interactions.size <= 2 * liveCount + 1_000) return;
    for (const id of this.interactionRecords.keys()) if (!isLive(id)) this.interactionRecords.delete(id);
  }
}

// Where waiting interactions stand, and what each agent holds: the pools' lines (matching reads those), the lines
// of interactions waiting for one particular agent (sticky routing, transfers to an agent), each queue's line in
// service order (positions, O(log n)) and each agent's offered and connected work. Keeping them together keeps
// them consistent: an interaction enters and leaves all of them through here.
import type { AgentRuntime } from './agent-runtime.js';
import type { Placement } from './engine-snapshot.js';
import { OrderedSet } from './ordered-set.js';
import type { Pool } from './pool.js';
import { QueueLine } from './queue-line.js';
import { waitingOrder, type WaitingInteraction } from './waiting-interaction.js';

export class WaitingLines {
  private readonly sticky = new Map<string, OrderedSet<WaitingInteraction>>();
  /** Per queue, everyone awaiting an agent in it, for positions in line (not used for matching). */
  private readonly queueLines = new Map<string, QueueLine>();
  /** Per agent, the interactions offered to it or with it: an agent's work without scanning every interaction. */
  private readonly heldBy = new Map<string, Set<WaitingInteraction>>();

  /** In its pool's line, where agents of the pool find it. */
  putInPool(interaction: WaitingInteraction, pool: Pool): void {
    interaction.pool = pool;
    pool.waiting.set(waitingOrder(interaction), interaction);
    this.queueLine(interaction.queue.id).set(interaction);
  }

  /** Waiting for one agent only (its preferredAgentId). */
  putInStickyLine(interaction: WaitingInteraction, agentId: string): void {
    let line = this.sticky.get(agentId);
    if (!line) this.sticky.set(agentId, (line = new OrderedSet()));
    line.set(waitingOrder(interaction), interaction);
    this.queueLine(interaction.queue.id).set(interaction);
  }

  /** While its hook decides: in no pool (an agent becoming free does not take it), still waiting in its queue. */
  putDeciding(interaction: WaitingInteraction): void {
    interaction.pool = undefined;
    this.queueLine(interaction.queue.id).set(interaction);
  }

  /** Out of every line (offered, cancelled, moving); harmless when it is in none. */
  remove(interaction: WaitingInteraction): void {
    interaction.pool?.waiting.delete(interaction.id);
    interaction.pool = undefined;
    if (interaction.preferredAgentId) this.sticky.get(interaction.preferredAgentId)?.delete(interaction.id);
    this.queueLines.get(interaction.queue.id)?.delete(interaction.id);
  }

  /** The first in the agent's own line it can take now and has not declined. */
  stickyHeadFor(agent: AgentRuntime): WaitingInteraction | undefined {
    return this.sticky.get(agent.id)?.find((i) => agent.canTake(i.channel) && !i.declinedBy.has(agent.id));
  }

  /** Read from the lines themselves, for snapshots. */
  placementOf(interaction: WaitingInteraction): Placement {
    if (interaction.pool?.waiting.has(interaction.id)) return 'pool';
    const line = interaction.preferredAgentId ? this.sticky.get(interaction.preferredAgentId) : undefined;
    return line?.has(interaction.id) ? 'sticky' : 'none';
  }

  inQueue(queueId: string): WaitingInteraction[] {
    return this.queueLines.get(queueId)?.inOrder() ?? [];
  }

  placeInQueue(interaction: WaitingInteraction): { position: number; waiting: number } {
    const line = this.queueLines.get(interaction.queue.id);
    return { position: line?.positionOf(interaction.id) ?? 0, waiting: line?.size ?? 0 };
  }

  dropQueue(queueId: string): void {
    this.queueLines.delete(queueId);
  }

  hold(interaction: WaitingInteraction, agent: AgentRuntime): void {
    interaction.agentId = agent.id;
    let held = this.heldBy.get(agent.id);
    if (!held) this.heldBy.set(agent.id, (held = new Set()));
    held.add(interaction);
  }

  /** Call before clearing (or with) the interaction's agentId. */
  unhold(interaction: WaitingInteraction): void {
    if (interaction.agentId) this.heldBy.get(interaction.agentId)?.delete(interaction);
  }

  workOf(agentId: string): WaitingInteraction[] {
    return [...(this.heldBy.get(agentId) ?? [])];
  }

  private queueLine(queueId: string): QueueLine {
    let line = this.queueLines.get(queueId);
    if (!line) this.queueLines.set(queueId, (line = new QueueLine()));
    return line;
  }
}

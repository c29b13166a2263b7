// Self-repair: recomputes what each agent holds from the offers and interactions the engine knows, and fixes any
// count that disagrees (a reservation without a live offer, "busy" with no interaction). The engine's own rules
// never produce such states; this is the safety net for bugs, reported loudly as events so they get fixed.
import type { AgentRuntime } from './agent-runtime.js';
import { channels, type Channel } from './model.js';
import type { Offer } from './engine.js';
import type { WaitingInteraction } from './waiting-interaction.js';

export type RepairKind = 'orphan_reservation' | 'busy_without_interaction' | 'lost_offer';

export interface Repair {
  kind: RepairKind;
  agentId: string;
  detail: string;
}

type Counts = Record<Channel, number>;
const zero = (): Counts => ({ voice: 0, chat: 0, email: 0, callback: 0 });

/** Brings every agent's counts in line with the offers and interactions; returns what it changed. */
export function reconcileAgents(
  agents: Iterable<AgentRuntime>,
  offers: Iterable<Offer>,
  interactions: Iterable<WaitingInteraction>,
): Repair[] {
  const expected = new Map<string, { reserved: Counts; active: Counts; wrapping: Counts }>();
  const of = (agentId: string) => {
    let counts = expected.get(agentId);
    if (!counts) expected.set(agentId, (counts = { reserved: zero(), active: zero(), wrapping: zero() }));
    return counts;
  };
  for (const offer of offers) of(offer.agent.id).reserved[offer.interaction.channel]++;
  for (const interaction of interactions) {
    if (!interaction.agentId) continue;
    if (interaction.phase === 'connected') of(interaction.agentId).active[interaction.channel]++;
    if (interaction.phase === 'wrap_up') of(interaction.agentId).wrapping[interaction.channel]++;
  }
  const repairs: Repair[] = [];
  for (const agent of agents) {
    const want = of(agent.id);
    for (const channel of channels) {
      if (agent.reserved[channel] !== want.reserved[channel]) {
        repairs.push({
          kind: agent.reserved[channel] > want.reserved[channel] ? 'orphan_reservation' : 'lost_offer',
          agentId: agent.id,
          detail: `${channel} reservations ${agent.reserved[channel]} → ${want.reserved[channel]}`,
        });
        agent.reserved[channel] = want.reserved[channel];
      }
      for (const held of ['active', 'wrapping'] as const) {
        if (agent[held][channel] !== want[held][channel]) {
          repairs.push({
            kind: 'busy_without_interaction',
            agentId: agent.id,
            detail: `${channel} ${held} ${agent[held][channel]} → ${want[held][channel]}`,
          });
          agent[held][channel] = want[held][channel];
        }
      }
    }
  }
  return repairs;
}

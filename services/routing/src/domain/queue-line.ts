// Everyone awaiting an agent in one queue (in a pool's line, in a sticky agent's line, or while its hook decides),
// in service order, so a caller's place in line is answered in O(log n). The pools cannot answer it: one queue's
// interactions are spread over pools by channel, widening step and attributes. An order-statistic tree (js-sdsl's
// red-black tree with subtree sizes) gives the rank; within one queue every interaction ages at the same rate, so
// waitingOrder is the order they will be served in.
import { OrderedSet } from 'js-sdsl';
import { compareOrderKeys, type OrderKey } from './ordered-set.js';
import { waitingOrder, type WaitingInteraction } from './waiting-interaction.js';

interface LineEntry {
  key: OrderKey;
  interaction: WaitingInteraction;
}

export class QueueLine {
  private readonly ordered = new OrderedSet<LineEntry>([], (a, b) => compareOrderKeys(a.key, b.key), true);
  private readonly entries = new Map<string, LineEntry>();

  get size(): number {
    return this.entries.size;
  }

  /** Adds the interaction, or moves it to where its current order key puts it. */
  set(interaction: WaitingInteraction): void {
    this.delete(interaction.id);
    const entry = { key: waitingOrder(interaction), interaction };
    this.ordered.insert(entry);
    this.entries.set(interaction.id, entry);
  }

  delete(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.ordered.eraseElementByKey(entry);
    this.entries.delete(id);
  }

  /** 1 for the next to be served; 0 when it is not in this line. */
  positionOf(id: string): number {
    const entry = this.entries.get(id);
    return entry ? this.ordered.find(entry).index + 1 : 0;
  }

  inOrder(): WaitingInteraction[] {
    const interactions: WaitingInteraction[] = [];
    this.ordered.forEach((entry) => interactions.push(entry.interaction));
    return interactions;
  }
}

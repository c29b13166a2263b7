// One agent's live routing state: presence, the work held per channel, and whether it can take a new offer now.
import type { AgentProfile, AgentState, Channel, PresenceState } from './model.js';
import type { Pool } from './pool.js';

type Counts = Record<Channel, number>;
const zero = (): Counts => ({ voice: 0, chat: 0, email: 0, callback: 0 });

export class AgentRuntime {
  presence: PresenceState = 'offline';
  presenceReason = '';
  /** Offers made and not yet answered, per channel. */
  readonly reserved: Counts = zero();
  /** Interactions connected, per channel. */
  readonly active: Counts = zero();
  /** Interactions in wrap-up, per channel: they hold capacity until wrap-up ends. */
  readonly wrapping: Counts = zero();
  /** Current derived state and since when (for state_changed events). */
  state: AgentState = 'offline';
  stateSince: number;
  /** When the agent last became free of all work (longest_idle). */
  idleSince: number;
  /** When the agent last received an offer (round_robin). */
  lastOfferAt = 0;
  /** Offers missed in a row (ring-no-answer). */
  missedInRow = 0;
  /** Pools this agent is eligible for, by channel. */
  readonly pools: Record<Channel, Set<Pool>> = {
    voice: new Set(),
    chat: new Set(),
    email: new Set(),
    callback: new Set(),
  };

  constructor(
    public profile: AgentProfile,
    now: number,
  ) {
    this.stateSince = now;
    this.idleSince = now;
  }

  get id(): string {
    return this.profile.id;
  }

  private held(channel: Channel): number {
    return this.reserved[channel] + this.active[channel] + this.wrapping[channel];
  }

  private heldTotal(): number {
    let total = 0;
    for (const channel of ['voice', 'chat', 'email', 'callback'] as const) total += this.held(channel);
    return total;
  }

  /** Whether a new offer of this channel may be made to the agent right now. */
  canTake(channel: Channel): boolean {
    if (this.presence !== 'available') return false;
    const capacity = this.profile.capacity[channel] ?? 0;
    if (this.held(channel) >= capacity) return false;
    if (this.profile.voiceIsExclusive) {
      if (channel === 'voice' || channel === 'callback') return this.heldTotal() === 0;
      if (this.held('voice') > 0 || this.held('callback') > 0) return false;
    }
    return true;
  }

  /** Share of the agent's total capacity in use (least_occupied). */
  occupancy(): number {
    let capacity = 0;
    for (const channel of ['voice', 'chat', 'email', 'callback'] as const)
      capacity += this.profile.capacity[channel] ?? 0;
    return capacity === 0 ? 1 : this.heldTotal() / capacity;
  }

  deriveState(): AgentState {
    let reserved = 0;
    let active = 0;
    let wrapping = 0;
    for (const channel of ['voice', 'chat', 'email', 'callback'] as const) {
      reserved += this.reserved[channel];
      active += this.active[channel];
      wrapping += this.wrapping[channel];
    }
    if (reserved > 0) return 'reserved';
    if (active > 0) return 'busy';
    if (wrapping > 0) return 'wrap_up';
    return this.presence;
  }

  isFree(): boolean {
    return this.heldTotal() === 0;
  }
}

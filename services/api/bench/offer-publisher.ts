// Routing's side of the bench: offer.created envelopes shaped as routing makes them (routing's
// adapters/event-envelopes.ts), published to JetStream by the kit's EventPublisher over the connection's reply mux
// as routing publishes them, either paced at a rate or all at once with a window of acks in flight (routing's
// publishAll uses 64). The moment each publish starts is kept for the latency.
import type { EventPublisher } from '@parley/kit';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { InteractionState } from '@parley/protos/parley/common/v1/interaction';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { ulid } from 'ulid';
import { now } from './stats.js';

export interface PublishOutcome {
  published: number;
  failed: number;
  /** From the first publish started to the last acknowledged, s. */
  seconds: number;
}

/** Routing's id (and the token's user name) of the bench's agent `index`. */
export const agentId = (index: number) => `agent-${String(index).padStart(5, '0')}`;

/** Offer n, for agent n % agents; its id "bench-<n>" is how the tab finds the publish time (agent-tabs.ts). */
export function offerEnvelope(n: number, site: string, agent: string): Envelope {
  const interactionId = `bench-i-${n}`;
  const at = Date.now();
  return Envelope.fromPartial({
    id: ulid(),
    type: 'offer.created',
    site,
    occurredAt: new Date(at),
    source: 'routing/agent-socket-bench',
    interactionId,
    agentId: agent,
    queueId: 'bench',
    offerId: `bench-${n}`,
    correlationId: interactionId,
    offerCreated: {
      interaction: {
        id: interactionId,
        channel: Channel.CHANNEL_VOICE,
        queueId: 'bench',
        agentId: agent,
        state: InteractionState.INTERACTION_STATE_OFFERED,
      },
      timeoutMs: 20_000,
      expiresAt: new Date(at + 20_000),
    },
  });
}

export class OfferPublisher {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly site: string,
    private readonly agents: number,
  ) {}

  /**
   * The k-th offer goes out at start + k / rate s, late ones at once; at most `window` publishes wait for their ack.
   * Gives up after the planned duration plus `slackMs`. `sentAt[k]`: when the k-th publish started (now()).
   */
  async paced(
    offers: readonly number[],
    rate: number,
    window: number,
    slackMs = 30_000,
  ): Promise<PublishOutcome & { sentAt: number[] }> {
    const sentAt: number[] = new Array(offers.length).fill(Number.NaN);
    const started = now();
    const deadline = started + (offers.length / rate) * 1000 + slackMs;
    const flight = new InFlight(window);
    let next = 0;
    while (next < offers.length) {
      if (now() > deadline) throw new Error(`publishing fell behind: ${next}/${offers.length} sent`);
      while (next < offers.length && started + (next * 1000) / rate <= now()) {
        await flight.slot();
        sentAt[next] = this.publishOne(offers[next]!, flight);
        next += 1;
      }
      const wait = started + (next * 1000) / rate - now();
      if (next < offers.length && wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.max(1, wait)));
    }
    await flight.drained();
    return { ...flight.outcome(offers.length, started), sentAt };
  }

  /** Every offer as fast as the acks allow, `window` in flight. */
  async burst(offers: readonly number[], window: number): Promise<PublishOutcome & { sentAt: number[] }> {
    const sentAt: number[] = new Array(offers.length).fill(Number.NaN);
    const started = now();
    const flight = new InFlight(window);
    for (const [k, n] of offers.entries()) {
      await flight.slot();
      sentAt[k] = this.publishOne(n, flight);
    }
    await flight.drained();
    return { ...flight.outcome(offers.length, started), sentAt };
  }

  private publishOne(n: number, flight: InFlight): number {
    const envelope = offerEnvelope(n, this.site, agentId(n % this.agents));
    const at = now();
    flight.track(this.publisher.publish(envelope));
    return at;
  }
}

/** A bounded number of publishes awaiting their acks. */
class InFlight {
  private failed = 0;
  private lastAck = 0;
  private pending = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async slot(): Promise<void> {
    while (this.pending >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  track(publish: Promise<unknown>): void {
    this.pending += 1;
    publish
      .catch(() => {
        this.failed += 1;
      })
      .finally(() => {
        this.pending -= 1;
        this.lastAck = now();
        const waiting = this.waiting;
        this.waiting = [];
        for (const wake of waiting) wake();
      });
  }

  async drained(): Promise<void> {
    while (this.pending > 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  outcome(count: number, started: number): PublishOutcome {
    return { published: count - this.failed, failed: this.failed, seconds: (this.lastAck - started) / 1000 };
  }
}

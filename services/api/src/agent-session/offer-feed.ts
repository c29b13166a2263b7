// Routing's offer events for this site, taken straight off NATS (a core subscription: an offer matters for seconds,
// a socket that was not connected has nothing to replay — resume comes later) and handed to the sockets of the
// agent each one is for. One subscription per process, whatever the number of sockets.
import type { NatsConnection } from '@parley/kit';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';

export type OfferListener = (event: Envelope) => void;

export class OfferFeed {
  private readonly listeners = new Map<string, Set<OfferListener>>();
  private readonly subscription: ReturnType<NatsConnection['subscribe']>;

  /** `subject`: the site's offer events, e.g. parley.evt.waw.offer.> */
  constructor(nc: NatsConnection, subject: string, onBadMessage: (error: unknown) => void) {
    this.subscription = nc.subscribe(subject, {
      callback: (error, message) => {
        if (error) return onBadMessage(error);
        try {
          const event = Envelope.decode(message.data);
          for (const listener of this.listeners.get(event.agentId) ?? []) listener(event);
        } catch (decodeError) {
          onBadMessage(decodeError);
        }
      },
    });
  }

  /** Calls `listener` with each offer event for the agent until the returned function is called. */
  listen(agentId: string, listener: OfferListener): () => void {
    let agentListeners = this.listeners.get(agentId);
    if (!agentListeners) this.listeners.set(agentId, (agentListeners = new Set()));
    agentListeners.add(listener);
    return () => {
      agentListeners.delete(listener);
      if (agentListeners.size === 0) this.listeners.delete(agentId);
    };
  }

  close(): void {
    this.subscription.unsubscribe();
    this.listeners.clear();
  }
}

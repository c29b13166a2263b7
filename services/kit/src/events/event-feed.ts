// Live events of one domain taken straight off NATS and handed to whoever listens for their key (a call's media
// events by Call-ID, an agent's offers by agent id). A core subscription, not a durable consumer: these events steer
// what is happening now, and a listener that was not there has nothing to replay. One subscription per process,
// whatever the number of listeners.
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type { NatsConnection } from '../nats/connection.js';

export type EventListener = (event: Envelope) => void;

export class EventFeed {
  private readonly listeners = new Map<string, Set<EventListener>>();
  private readonly subscription: ReturnType<NatsConnection['subscribe']>;

  /** `subject`: e.g. the site's media events, parley.evt.waw.media.> (eventFilter); `keyOf`: who an event is for. */
  constructor(
    nc: NatsConnection,
    subject: string,
    private readonly keyOf: (event: Envelope) => string,
    onBadMessage: (error: unknown) => void,
  ) {
    this.subscription = nc.subscribe(subject, {
      callback: (error, message) => {
        if (error) return onBadMessage(error);
        try {
          const event = Envelope.decode(message.data);
          for (const listener of this.listeners.get(this.keyOf(event)) ?? []) listener(event);
        } catch (decodeError) {
          onBadMessage(decodeError);
        }
      },
    });
  }

  /** Calls `listener` with each event for `key` until the returned function is called. */
  listen(key: string, listener: EventListener): () => void {
    let keyListeners = this.listeners.get(key);
    if (!keyListeners) this.listeners.set(key, (keyListeners = new Set()));
    keyListeners.add(listener);
    return () => {
      keyListeners.delete(listener);
      if (keyListeners.size === 0 && this.listeners.get(key) === keyListeners) this.listeners.delete(key);
    };
  }

  close(): void {
    this.subscription.unsubscribe();
    this.listeners.clear();
  }
}

// The media service's events for this site's calls (digits, prompt ends), taken straight off NATS and handed to the
// call they belong to by Call-ID. A core subscription, not a durable consumer: these events steer live calls, and
// a call does not outlive a restart of the gateway that holds it.
import type { NatsConnection } from '@parley/kit';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';

export type MediaEventListener = (event: Envelope) => void;

export class MediaEventFeed {
  private readonly listeners = new Map<string, MediaEventListener>();
  private readonly subscription: ReturnType<NatsConnection['subscribe']>;

  /** `subject`: the site's media events, e.g. parley.evt.waw.media.> */
  constructor(nc: NatsConnection, subject: string, onBadMessage: (error: unknown) => void) {
    this.subscription = nc.subscribe(subject, {
      callback: (error, message) => {
        if (error) return onBadMessage(error);
        try {
          const event = Envelope.decode(message.data);
          this.listeners.get(event.callId)?.(event);
        } catch (decodeError) {
          onBadMessage(decodeError);
        }
      },
    });
  }

  /** Calls `listener` with each media event of the call until the returned function is called. */
  listen(callId: string, listener: MediaEventListener): () => void {
    this.listeners.set(callId, listener);
    return () => {
      if (this.listeners.get(callId) === listener) this.listeners.delete(callId);
    };
  }

  close(): void {
    this.subscription.unsubscribe();
    this.listeners.clear();
  }
}

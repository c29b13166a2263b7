// Publishes the events one logged operation produced, with ids derived from its log sequence: the owner and any
// standby replaying the same operation produce the same ids, so JetStream keeps each event once.
import { deterministicUlid, type EventPublisher } from '@parley/kit';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type { RoutingEvent } from '../domain/events.js';
import { toEnvelope } from './event-envelopes.js';

/** The envelopes of one logged operation's events, ids derived from its log sequence. */
export function operationEnvelopes(
  events: RoutingEvent[],
  context: { site: string; source: string },
  sequence: number,
): Envelope[] {
  let index = 0;
  return events.map((event) =>
    toEnvelope(event, {
      ...context,
      newId: () => deterministicUlid(event.at, `${context.site}:event:${sequence}:${index++}`),
    }),
  );
}

export async function publishEnvelopes(
  events: RoutingEvent[],
  publisher: EventPublisher,
  context: { site: string; source: string },
  sequence: number,
): Promise<void> {
  if (events.length === 0) return;
  await publisher.publishAll(operationEnvelopes(events, context, sequence), 64);
}

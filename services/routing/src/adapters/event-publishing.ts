// Publishes the events one logged operation produced, with ids derived from its log sequence: the owner and any
// standby replaying the same operation produce the same ids, so JetStream keeps each event once.
import type { EventPublisher } from '@parley/kit';
import type { RoutingEvent } from '../domain/events.js';
import { deterministicUlid } from './deterministic-ids.js';
import { toEnvelope } from './event-envelopes.js';

export async function publishEnvelopes(
  events: RoutingEvent[],
  publisher: EventPublisher,
  context: { site: string; source: string },
  sequence: number,
): Promise<void> {
  if (events.length === 0) return;
  let index = 0;
  const envelopes = events.map((event) =>
    toEnvelope(event, {
      ...context,
      newId: () => deterministicUlid(event.at, `${context.site}:event:${sequence}:${index++}`),
    }),
  );
  await publisher.publishAll(envelopes, 64);
}

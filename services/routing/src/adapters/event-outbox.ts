// Publishes what the engine did to JetStream, in order, before the RPC that caused it answers: a reply means the
// events are stored. Operations are serialised so that events leave in the order the engine produced them.
import type { EventPublisher, Logger } from '@parley/kit';
import type { RoutingEngine } from '../domain/engine.js';
import { toEnvelope, type EnvelopeContext } from './event-envelopes.js';

export class EventOutbox {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly engine: RoutingEngine,
    private readonly publisher: EventPublisher,
    private readonly context: EnvelopeContext,
    private readonly logger: Logger,
  ) {}

  /** Publishes every event the engine has produced so far; resolves once JetStream has stored them all. */
  commit(): Promise<void> {
    const events = this.engine.drainEvents();
    if (events.length === 0) return this.tail;
    const envelopes = events.map((event) => toEnvelope(event, this.context));
    const run = this.tail.then(async () => {
      await this.publisher.publishAll(envelopes, 64);
    });
    // Keep the chain alive after a failure (logged here; the caller sees the rejection of its own commit).
    this.tail = run.catch((error: unknown) =>
      this.logger.error({ err: error, events: envelopes.length }, 'could not publish routing events'),
    );
    return run;
  }
}

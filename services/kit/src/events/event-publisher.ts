// Publishes event envelopes to JetStream: protobuf payload, Nats-Msg-Id = envelope id (server-side de-duplication),
// trace context in headers. Waits for the stream's ack, so a resolved publish is a stored event.
import { headers as natsHeadersFactory } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { KitErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError, ParleyError } from '../errors/parley-error.js';
import { Status } from '../errors/status.js';
import { publishToStream } from '../nats/stream-publish.js';
import { injectIntoNatsHeaders } from '../telemetry/trace-context.js';
import { defaultEventStreams, type EventStreamsConfig } from './event-streams.js';
import { eventSubject, isEventType, isSubjectToken } from './event-subjects.js';

export interface PublishResult {
  sequence: number;
  /** True when JetStream already had an event with this id: nothing new was stored. */
  duplicate: boolean;
}

export class EventPublisher {
  constructor(
    private readonly js: JetStreamClient,
    private readonly config: EventStreamsConfig = defaultEventStreams,
    /** Given: publishes over the connection's reply mux (nats/stream-publish.ts says why), not js.publish(). */
    private readonly nc?: NatsConnection,
  ) {}

  async publish(envelope: Envelope, timeoutMs = 5_000): Promise<PublishResult> {
    validateEnvelope(envelope);
    const messageHeaders = natsHeadersFactory();
    injectIntoNatsHeaders(messageHeaders);
    const subject = eventSubject(this.config, envelope.site, envelope.type);
    const data = Envelope.encode(envelope).finish();
    let ack: { seq: number; duplicate: boolean };
    try {
      ack = this.nc
        ? await publishToStream(this.nc, subject, data, { msgID: envelope.id, headers: messageHeaders, timeoutMs })
        : await this.js.publish(subject, data, { msgID: envelope.id, headers: messageHeaders, timeout: timeoutMs });
    } catch (cause) {
      throw new ParleyError(
        KitErrorCode.EVENT_PUBLISH_FAILED,
        `event ${envelope.id} (${envelope.type}) was not stored`,
        {
          status: Status.UNAVAILABLE,
          metadata: { eventId: envelope.id, type: envelope.type },
          cause,
        },
      );
    }
    return { sequence: ack.seq, duplicate: ack.duplicate };
  }

  /**
   * Publishes many events with up to `window` acks outstanding at once (pipelined, not one round trip each).
   * Resolves when all are stored; rejects on the first failure (already-stored events stay stored; re-publishing
   * the whole batch is safe because of de-duplication).
   */
  async publishAll(envelopes: Envelope[], window = 256): Promise<PublishResult[]> {
    const results: PublishResult[] = new Array(envelopes.length);
    let next = 0;
    const worker = async () => {
      while (next < envelopes.length) {
        const index = next++;
        results[index] = await this.publish(envelopes[index] as Envelope);
      }
    };
    await Promise.all(Array.from({ length: Math.min(window, envelopes.length) }, worker));
    return results;
  }
}

function validateEnvelope(envelope: Envelope): void {
  const violations = [];
  if (!envelope.id) violations.push({ field: 'id', description: 'is required (a ULID; it is the de-duplication key)' });
  if (!isEventType(envelope.type))
    violations.push({
      field: 'type',
      description: `must be "<domain>.<type>" in lower snake case, got "${envelope.type}"`,
    });
  if (!isSubjectToken(envelope.site))
    violations.push({ field: 'site', description: `must be a lower-case subject token, got "${envelope.site}"` });
  if (!envelope.occurredAt) violations.push({ field: 'occurred_at', description: 'is required' });
  if (violations.length > 0) throw new InvalidArgumentError(KitErrorCode.EVENT_INVALID, violations, { domain: 'kit' });
}

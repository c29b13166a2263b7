// A durable JetStream consumer of events: the handler's effect is committed before the ack, failures are retried
// with back-off, and a message that keeps failing is parked on the dead-letter subject instead of blocking the rest.
import { context, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { headers as natsHeadersFactory, nanos } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type { Logger } from 'pino';
import { lazyInstruments } from '../telemetry/instruments.js';
import { spansRecorded } from '../telemetry/span-recording.js';
import { extractFromNatsHeaders } from '../telemetry/trace-context.js';
import { defaultEventStreams, type EventStreamsConfig } from './event-streams.js';
import { deadLetterSubject } from './event-subjects.js';

const instruments = lazyInstruments((meter) => ({
  deadLettered: meter.createCounter('parley.events.dead_lettered', {
    description: 'Events parked on the dead-letter subject after exhausting their deliveries, by consumer',
  }),
  handled: meter.createCounter('parley.events.handled', { description: 'Event deliveries by consumer and outcome' }),
}));
const tracer = trace.getTracer('@parley/kit');

export interface DeliveryInfo {
  /** 1 on first delivery. */
  deliveryCount: number;
  streamSequence: number;
  subject: string;
}

export type EventHandler = (envelope: Envelope, delivery: DeliveryInfo) => Promise<void>;

export interface DurableConsumerOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  streams?: EventStreamsConfig;
  /** Durable name, unique per consuming service ("history"); replicas of one service share it. */
  name: string;
  /** Subject filter, e.g. eventFilter(streams, 'interaction'); all events by default. */
  filterSubject?: string;
  handler: EventHandler;
  logger: Logger;
  /** Deliveries before a failing message is parked (default 5). */
  maxDeliveries?: number;
  /** Delay before redelivery number n+1 after n failures; the last entry repeats (default 100 ms, 500 ms, 2 s, 5 s). */
  backoffMs?: number[];
  /**
   * How long the server waits for an ack before redelivering to another replica (default 60 s). The clock starts
   * when a message is prefetched, so prefetch × typical handler time must stay well below it.
   */
  ackWaitMs?: number;
  /** Messages pulled ahead of the handler (default 64). */
  prefetch?: number;
}

export class DurableEventConsumer {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private stopping = false;
  private readonly ackWaitMs: number;
  private readonly logger: Logger;
  private readonly streams: EventStreamsConfig;
  private readonly maxDeliveries: number;
  private readonly backoffMs: number[];

  private constructor(private readonly options: DurableConsumerOptions) {
    this.streams = options.streams ?? defaultEventStreams;
    this.maxDeliveries = options.maxDeliveries ?? 5;
    this.backoffMs = options.backoffMs ?? [100, 500, 2_000, 5_000];
    this.ackWaitMs = options.ackWaitMs ?? 60_000;
    this.logger = options.logger.child({ module: 'event-consumer', consumer: options.name });
  }

  static async start(options: DurableConsumerOptions): Promise<DurableEventConsumer> {
    const consumer = new DurableEventConsumer(options);
    await consumer.begin();
    return consumer;
  }

  private async begin(): Promise<void> {
    const { jsm, js, name } = this.options;
    const config = {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.options.filterSubject ?? `${this.streams.subjectPrefix}.>`,
      ack_wait: nanos(this.ackWaitMs),
      // Unlimited on the server: the kit parks a message itself after maxDeliveries, so nothing is ever dropped
      // silently (if parking fails, e.g. NATS is down, the message simply comes back).
      max_deliver: -1,
      max_ack_pending: Math.max(1_000, (this.options.prefetch ?? 64) * 4),
    };
    const existing = await jsm.consumers.info(this.streams.stream, name).catch(() => undefined);
    if (existing) await jsm.consumers.update(this.streams.stream, name, config);
    else await jsm.consumers.add(this.streams.stream, config);
    const consumer = await js.consumers.get(this.streams.stream, name);
    this.messages = await consumer.consume({ max_messages: this.options.prefetch ?? 64 });
    this.loop = this.run(this.messages);
    this.logger.info({ filter: config.filter_subject }, 'durable consumer started');
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const message of messages) {
      if (this.stopping) {
        // Closing: hand prefetched messages back at once instead of letting them wait out the ack timeout.
        settle(() => message.nak(), this.logger);
        continue;
      }
      try {
        await this.process(message);
      } catch (error) {
        // process() handles every expected failure; this is the safety net that keeps the loop alive.
        this.logger.error({ err: error, streamSequence: message.seq }, 'event processing failed unexpectedly');
        settle(() => message.nak(this.backoffMs.at(-1) ?? 5_000), this.logger);
      }
    }
  }

  private async process(message: JsMsg): Promise<void> {
    // The ack timer started when the message reached the prefetch buffer; restart it now that work begins.
    settle(() => message.working(), this.logger);
    const delivery: DeliveryInfo = {
      deliveryCount: message.info.deliveryCount,
      streamSequence: message.seq,
      subject: message.subject,
    };
    let envelope: Envelope;
    let parent: Context;
    try {
      envelope = Envelope.decode(message.data);
      parent = extractFromNatsHeaders(message.headers); // throws on malformed headers (parsed lazily)
    } catch (error) {
      // Unreadable bytes or headers will never succeed: park at once rather than retrying.
      await this.park(message, delivery, error);
      return;
    }
    const span = spansRecorded()
      ? tracer.startSpan(
          `consume ${envelope.type}`,
          {
            kind: SpanKind.CONSUMER,
            attributes: {
              'messaging.system': 'nats',
              'messaging.destination.name': message.subject,
              'parley.event.id': envelope.id,
            },
          },
          parent,
        )
      : undefined;
    // Long handlers keep their claim on the message instead of having it redelivered to another replica.
    const keepAlive = setInterval(() => settle(() => message.working(), this.logger), this.ackWaitMs / 2);
    try {
      await context.with(span ? trace.setSpan(parent, span) : parent, () => this.options.handler(envelope, delivery));
      clearInterval(keepAlive);
      // If the ack is lost (connection closing), the message comes back: handlers are idempotent by contract.
      settle(() => message.ack(), this.logger);
      instruments().handled.add(1, { consumer: this.options.name, outcome: 'ok' });
    } catch (error) {
      clearInterval(keepAlive);
      span?.setStatus({ code: SpanStatusCode.ERROR });
      instruments().handled.add(1, { consumer: this.options.name, outcome: 'failed' });
      if (delivery.deliveryCount >= this.maxDeliveries) {
        await this.park(message, delivery, error);
      } else {
        const delay = this.backoffMs[Math.min(delivery.deliveryCount - 1, this.backoffMs.length - 1)] ?? 1_000;
        this.logger.warn(
          { err: error, eventId: envelope.id, type: envelope.type, delivery: delivery.deliveryCount, retryInMs: delay },
          'event handler failed; will retry',
        );
        settle(() => message.nak(delay), this.logger);
      }
    } finally {
      span?.end();
    }
  }

  /** Copies the message to the dead-letter subject (with why and where from), then terminates it. */
  private async park(message: JsMsg, delivery: DeliveryInfo, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const parkedHeaders = natsHeadersFactory();
    parkedHeaders.set('Parley-Dlq-Subject', delivery.subject);
    parkedHeaders.set('Parley-Dlq-Stream-Sequence', String(delivery.streamSequence));
    parkedHeaders.set('Parley-Dlq-Deliveries', String(delivery.deliveryCount));
    parkedHeaders.set('Parley-Dlq-Error', encodeURIComponent(reason.slice(0, 1000)));
    try {
      await this.options.js.publish(deadLetterSubject(this.streams, this.options.name), message.data, {
        headers: parkedHeaders,
        // Parking twice (crash between publish and term) stores it once.
        msgID: `${this.options.name}:${delivery.streamSequence}`,
      });
    } catch (publishError) {
      this.logger.error(
        { err: publishError, streamSequence: delivery.streamSequence },
        'could not park message; it will be redelivered',
      );
      settle(() => message.nak(this.backoffMs.at(-1) ?? 5_000), this.logger);
      return;
    }
    // No reason on the term: NATS 2.9 (Debian's server) ignores `+TERM <reason>` (a 2.10 addition), leaving the
    // message pending to come back after the ack wait. The reason travels in the parked copy's headers.
    settle(() => message.term(), this.logger);
    instruments().deadLettered.add(1, { consumer: this.options.name });
    this.logger.error(
      { err: error, streamSequence: delivery.streamSequence, deliveries: delivery.deliveryCount },
      'event parked on the dead-letter subject',
    );
  }

  /** Idempotent: finishes the message in hand, hands prefetched ones back (nak), stops pulling. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping = true;
      await this.messages?.close();
      await this.loop;
    })();
    return this.closing;
  }
}

/** Ack/nak/term/working throw once the connection drains; the outcome is then a redelivery, which is safe. */
function settle(action: () => void, logger: Logger): void {
  try {
    action();
  } catch (error) {
    logger.debug({ err: error }, 'could not settle message (connection closing); it will be redelivered');
  }
}

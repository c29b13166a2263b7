// Pulls events from JetStream in batches for the history ingest: one durable consumer (replicas share it), each
// batch applied in one database transaction (ingest-batch.ts) and acked only after the commit. A crash or a
// database failure mid-batch leaves the batch unacked: it comes back and the event log skips what was committed.
// An event that can never be stored is found by halving its batch and parked on the dead-letter subject.
import {
  AckPolicy,
  DeliverPolicy,
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Logger } from '@parley/kit';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type pg from 'pg';
import { ingestBatch, type IngestResult } from './database/ingest-batch.js';
import { isPoisonError } from './database/poison-error.js';
import { parkMessage } from './dead-letter.js';

export interface IngestConsumerOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  pool: pg.Pool;
  stream: string;
  /** Durable name shared by the service's replicas. */
  durable: string;
  filterSubject: string;
  /** Where events that can never be stored are parked: deadLetterSubject(streams, durable) from the kit. */
  deadLetterSubject: string;
  logger: Logger;
  /** Events per transaction (default 500). */
  batchSize?: number;
  /**
   * Batches in flight at once (default 2): one fetches while another commits. Safe because the projection does
   * not depend on the order events are applied in, and batches lock rows in id order (no deadlocks).
   */
  workers?: number;
  /** Pause before a failed batch is tried again (default 1 s). */
  retryDelayMs?: number;
  /**
   * How long the server waits for an ack before redelivering (default 30 s): after a crash, the events the dead
   * replica had received come back after this.
   */
  ackWaitMs?: number;
  /** Called after each committed batch with its events' ids (benchmarks measure lag with it). */
  onCommitted?: (eventIds: string[]) => void;
}

/** A received message and its envelope, decoded once. */
interface DecodedMessage {
  message: JsMsg;
  envelope: Envelope;
}

export class IngestConsumer {
  private running = true;
  private readonly loops: Promise<void>[];
  private readonly buffer: JsMsg[] = [];
  private messages: ConsumerMessages | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly receiving: Promise<void>;
  private applied = 0;
  private parked = 0;

  private constructor(
    private readonly options: IngestConsumerOptions,
    private readonly consumer: Consumer,
  ) {
    this.receiving = this.receive().catch((error: unknown) =>
      options.logger.error({ err: error }, 'ingest stopped receiving events'),
    );
    this.loops = Array.from({ length: options.workers ?? 2 }, () => this.work());
  }

  static async start(options: IngestConsumerOptions): Promise<IngestConsumer> {
    const { jsm, js, stream, durable, filterSubject } = options;
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: filterSubject,
      ack_wait: nanos(options.ackWaitMs ?? 30_000),
      max_ack_pending: 20_000,
    };
    const existing = await jsm.consumers.info(stream, durable).catch(() => undefined);
    if (existing) await jsm.consumers.update(stream, durable, config);
    else await jsm.consumers.add(stream, config);
    return new IngestConsumer(options, await js.consumers.get(stream, durable));
  }

  /** Events applied by this instance (new ones: duplicates are not counted). */
  get appliedCount(): number {
    return this.applied;
  }

  /** Events this instance parked on the dead-letter subject. */
  get parkedCount(): number {
    return this.parked;
  }

  /**
   * Messages stream in continuously (consume) into a buffer; each worker takes what has arrived — up to a batch —
   * as soon as it is free. Under load batches fill up while the previous one commits; when quiet, an event waits
   * only for the commit in progress, not for a batch to fill.
   */
  private async receive(): Promise<void> {
    // The iterator ends only when closed; should it end (or fail) while still running, consume again: a stopped
    // receiver would stall the ingest silently.
    while (this.running) {
      try {
        const messages = await this.consumer.consume({ max_messages: (this.options.batchSize ?? 500) * 2 });
        this.messages = messages;
        for await (const message of messages) {
          this.buffer.push(message);
          this.wakeUp?.();
        }
      } catch (error) {
        this.options.logger.warn({ err: error }, 'event consumption failed; consuming again');
      }
      if (this.running) await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 1_000));
    }
  }

  private async work(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    while (this.running) {
      if (this.buffer.length === 0) {
        await new Promise<void>((resolve) => {
          this.wakeUp = resolve;
          setTimeout(resolve, 100);
        });
        continue;
      }
      const items = await this.parkUnreadable(this.buffer.splice(0, batchSize));
      if (items.length === 0) continue;
      const settled = new Set<JsMsg>();
      try {
        await this.apply(items, settled);
      } catch (error) {
        // Database or NATS away: hand back what is not committed and try again shortly (the log skips the rest).
        const unsettled = items.map((item) => item.message).filter((message) => !settled.has(message));
        this.options.logger.warn({ err: error, events: unsettled.length }, 'ingest batch failed; retrying');
        for (const message of unsettled) settle(() => message.nak(this.options.retryDelayMs ?? 1_000));
        await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 1_000));
      }
    }
  }

  /**
   * One transaction for the messages, acked after its commit. If an event in it can never be stored, the batch is
   * halved until that event is alone, and parked: a few extra transactions, only when a bad event arrives.
   * Anything else (the database away) is thrown to the caller, which hands back what is not settled yet.
   */
  private async apply(items: DecodedMessage[], settled: Set<JsMsg>): Promise<void> {
    let result: IngestResult;
    try {
      result = await ingestBatch(
        this.options.pool,
        items.map((item) => item.message.data),
        items.map((item) => item.envelope),
      );
    } catch (error) {
      if (!isPoisonError(error)) throw error;
      const [only] = items;
      if (items.length === 1 && only) {
        await this.park(only.message, error);
        settled.add(only.message);
        return;
      }
      const half = Math.ceil(items.length / 2);
      await this.apply(items.slice(0, half), settled);
      await this.apply(items.slice(half), settled);
      return;
    }
    for (const { message } of items) {
      // If the ack is lost (connection closing) the event comes back and the event log skips it.
      settle(() => message.ack());
      settled.add(message);
    }
    this.applied += result.applied;
    this.options.onCommitted?.(result.eventIds);
  }

  private async park(message: JsMsg, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const { durable, deadLetterSubject, js, logger } = this.options;
    if (!(await parkMessage(js, deadLetterSubject, durable, message, reason)))
      throw new Error(`could not park the event at stream sequence ${message.seq}`, { cause: error });
    this.parked++;
    logger.error({ err: error, streamSequence: message.seq, subject: message.subject }, 'event parked: never storable');
  }

  /** Bytes that are not an envelope will never apply: park them instead of blocking every batch. */
  private async parkUnreadable(messages: JsMsg[]): Promise<DecodedMessage[]> {
    const readable: DecodedMessage[] = [];
    for (const message of messages) {
      try {
        readable.push({ message, envelope: Envelope.decode(message.data) });
      } catch (error) {
        await this.park(message, error).catch(() => settle(() => message.nak(this.options.retryDelayMs ?? 1_000)));
      }
    }
    return readable;
  }

  async close(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await Promise.all(this.loops);
    await this.messages?.close();
    await this.receiving;
    // Received but not applied: back to the server at once rather than after the ack wait.
    for (const message of this.buffer.splice(0)) settle(() => message.nak());
  }
}

/** ack/nak throw once the connection drains; the outcome is then a redelivery, which the event log makes safe. */
function settle(action: () => void): void {
  try {
    action();
  } catch {
    // Redelivered later: nothing to do.
  }
}

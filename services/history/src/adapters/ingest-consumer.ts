// Pulls events from JetStream in batches for the history ingest: one durable consumer (replicas share it), each
// batch applied in one database transaction (ingest-batch.ts) and acked only after the commit. A crash or a
// database failure mid-batch leaves the batch unacked: it comes back and the event log skips what was committed.
import {
  AckPolicy,
  DeliverPolicy,
  type Consumer,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Logger } from '@parley/kit';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type pg from 'pg';
import { ingestBatch } from './database/ingest-batch.js';

export interface IngestConsumerOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  pool: pg.Pool;
  stream: string;
  /** Durable name shared by the service's replicas. */
  durable: string;
  filterSubject: string;
  logger: Logger;
  /** Events per transaction (default 500). */
  batchSize?: number;
  /** Pause before a failed batch is tried again (default 1 s). */
  retryDelayMs?: number;
}

export class IngestConsumer {
  private running = true;
  private readonly loop: Promise<void>;
  private applied = 0;

  private constructor(
    private readonly options: IngestConsumerOptions,
    private readonly consumer: Consumer,
  ) {
    this.loop = this.run();
  }

  static async start(options: IngestConsumerOptions): Promise<IngestConsumer> {
    const { jsm, js, stream, durable, filterSubject } = options;
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: filterSubject,
      ack_wait: nanos(30_000),
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

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    while (this.running) {
      let messages: JsMsg[] = [];
      try {
        const fetched = await this.consumer.fetch({ max_messages: batchSize, expires: 1_000 });
        for await (const message of fetched) messages.push(message);
        if (messages.length === 0) continue;
        messages = this.dropUnreadable(messages);
        const result = await ingestBatch(
          this.options.pool,
          messages.map((message) => message.data),
        );
        for (const message of messages) message.ack();
        this.applied += result.applied;
      } catch (error) {
        // Database or NATS away: hand the batch back and try again shortly (the log skips what was committed).
        this.options.logger.warn({ err: error, events: messages.length }, 'ingest batch failed; retrying');
        for (const message of messages) message.nak(this.options.retryDelayMs ?? 1_000);
        await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 1_000));
      }
    }
  }

  /** Bytes that are not an envelope will never apply: terminate them (logged) instead of blocking every batch. */
  private dropUnreadable(messages: JsMsg[]): JsMsg[] {
    return messages.filter((message) => {
      try {
        Envelope.decode(message.data);
        return true;
      } catch (error) {
        this.options.logger.error({ err: error, streamSequence: message.seq }, 'unreadable event dropped from ingest');
        message.term();
        return false;
      }
    });
  }

  async close(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

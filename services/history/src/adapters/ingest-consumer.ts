// Reads every event from JetStream for the history ingest and applies it in batches, one database transaction each
// (ingest-batch.ts). Exactly-once effect comes from the event log (a redelivered event changes nothing), so the
// stream is read with an ordered consumer — no per-message acks, which cost this process and NATS about as much CPU
// as a third of the whole ingest — from a checkpoint kept in PostgreSQL (ingest-checkpoint.ts): every event up to it
// is committed. After a crash the next leader resumes there; what was committed past it is skipped by the log.
// One replica ingests at a time (ingest-leadership.ts). An event that can never be stored is found by halving its
// batch and parked on the dead-letter subject.
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Logger } from '@parley/kit';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type pg from 'pg';
import { ingestBatch, type IngestResult } from './database/ingest-batch.js';
import { readCheckpoint, saveCheckpoint } from './database/ingest-checkpoint.js';
import { isPoisonError } from './database/poison-error.js';
import { parkMessage } from './dead-letter.js';
import { CommitTracker } from './commit-tracker.js';
import { IngestLeadership } from './ingest-leadership.js';

export interface IngestConsumerOptions {
  js: JetStreamClient;
  pool: pg.Pool;
  /** History's database: the leadership lock holds a connection of its own. */
  databaseUrl: string;
  stream: string;
  /** Names the checkpoint and the dead letters (the service uses "history"). */
  name: string;
  filterSubject: string;
  /** Where events that can never be stored are parked: deadLetterSubject(streams, name) from the kit. */
  deadLetterSubject: string;
  logger: Logger;
  /** Events per transaction (default 1,000). */
  batchSize?: number;
  /**
   * Batches in flight at once (default 2): one is built while another commits. Safe because the projection does
   * not depend on the order events are applied in, and batches lock rows in a fixed order.
   */
  workers?: number;
  /** Pause before a failed batch (or a lost stream or database) is tried again (default 1 s). */
  retryDelayMs?: number;
  /** How often the checkpoint is written (default 1 s); a crash re-reads at most this much, skipped by the log. */
  checkpointEveryMs?: number;
  /** How often a standby replica asks for the ingest (default 1 s). */
  leaderPollMs?: number;
  /** Called after each committed batch with its events' ids (benchmarks measure lag with it). */
  onCommitted?: (eventIds: string[]) => void;
}

/** A received message and its envelope, decoded once. */
interface DecodedMessage {
  message: JsMsg;
  envelope: Envelope;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class IngestConsumer {
  private readonly stopping = new AbortController();
  private readonly leadership: IngestLeadership;
  private session: AbortController | undefined;
  private readonly buffer: JsMsg[] = [];
  private wakeWorkers: (() => void) | undefined;
  private wakeReceiver: (() => void) | undefined;
  private applied = 0;
  private parked = 0;
  private readonly running: Promise<void>;

  private constructor(private readonly options: IngestConsumerOptions) {
    this.leadership = new IngestLeadership(options.databaseUrl, options.logger, options.leaderPollMs ?? 1_000);
    this.running = this.lead();
  }

  /** Starts at once; events flow as soon as this replica holds the ingest. */
  static start(options: IngestConsumerOptions): IngestConsumer {
    return new IngestConsumer(options);
  }

  /** Events applied by this instance (new ones: duplicates are not counted). */
  get appliedCount(): number {
    return this.applied;
  }

  /** Events this instance parked on the dead-letter subject. */
  get parkedCount(): number {
    return this.parked;
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 1_000;
  }

  private get retryDelayMs(): number {
    return this.options.retryDelayMs ?? 1_000;
  }

  private async lead(): Promise<void> {
    const { logger } = this.options;
    while (!this.stopping.signal.aborted) {
      const session = new AbortController();
      this.session = session;
      if (!(await this.leadership.acquire(this.stopping.signal, () => session.abort()))) return;
      logger.info('this replica ingests the event stream');
      try {
        await this.ingest(session);
      } catch (error) {
        logger.warn({ err: error }, 'ingest interrupted; resuming from the checkpoint');
      } finally {
        this.leadership.release();
      }
      if (!this.stopping.signal.aborted) await sleep(this.retryDelayMs);
    }
  }

  /** One leadership term: from the checkpoint on, until stopped, deposed, or the stream or database fails. */
  private async ingest(session: AbortController): Promise<void> {
    const { signal } = session;
    const { js, pool, name, stream, filterSubject } = this.options;
    const from = (await readCheckpoint(pool, name)) + 1;
    const consumer = await js.consumers.get(stream, { filter_subjects: filterSubject, opt_start_seq: from });
    const messages = await consumer.consume({ max_messages: this.batchSize * 2 });
    const stop = () => void messages.close();
    signal.addEventListener('abort', stop);
    const tracker = new CommitTracker(from - 1);
    let saved = from - 1;
    const checkpoint = async () => {
      const committed = tracker.committed;
      if (committed > saved) await saveCheckpoint(pool, name, committed).then(() => (saved = committed));
    };
    const timer = setInterval(() => {
      checkpoint().catch((error: unknown) => this.options.logger.warn({ err: error }, 'checkpoint not saved'));
    }, this.options.checkpointEveryMs ?? 1_000);
    const workers = Array.from({ length: this.options.workers ?? 2 }, () => this.work(session, tracker));
    try {
      await this.receive(messages, signal);
    } finally {
      // Whatever ended the term, the batches in flight finish (or give up once aborted) before it is handed on.
      if (!signal.aborted) session.abort();
      this.wakeWorkers?.();
      await Promise.all(workers);
      this.buffer.splice(0);
      clearInterval(timer);
      signal.removeEventListener('abort', stop);
      await checkpoint().catch(() => undefined);
    }
  }

  /** Fills the buffer from the stream, pausing while it holds a few batches (the consumer then stops pulling). */
  private async receive(messages: ConsumerMessages, signal: AbortSignal): Promise<void> {
    const limit = this.batchSize * ((this.options.workers ?? 2) + 2);
    for await (const message of messages) {
      if (signal.aborted) return;
      this.buffer.push(message);
      this.wakeWorkers?.();
      while (this.buffer.length >= limit && !signal.aborted)
        await new Promise<void>((resolve) => {
          this.wakeReceiver = resolve;
          setTimeout(resolve, 100);
        });
    }
    if (!signal.aborted) throw new Error('the event stream consumer stopped');
  }

  private async work(session: AbortController, tracker: CommitTracker): Promise<void> {
    const { signal } = session;
    while (!signal.aborted) {
      if (this.buffer.length === 0) {
        await new Promise<void>((resolve) => {
          this.wakeWorkers = resolve;
          setTimeout(resolve, 100);
        });
        continue;
      }
      // Taken and registered in one step: the tracker knows batches in stream order.
      const messages = this.buffer.splice(0, this.batchSize);
      const pending = tracker.begin(messages.at(-1)?.seq ?? 0);
      this.wakeReceiver?.();
      try {
        const items = await this.parkUnreadable(messages);
        if (await this.applyUntilDone(items, signal)) tracker.finish(pending);
      } catch (error) {
        // Unreadable bytes that cannot be parked (NATS away): end the term; the next resumes from the checkpoint.
        this.options.logger.warn({ err: error }, 'ingest term ended');
        session.abort();
      }
    }
  }

  /** Retries a batch the database refused for now, until it commits (true) or the term ends (false). */
  private async applyUntilDone(items: DecodedMessage[], signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      try {
        await this.apply(items);
        return true;
      } catch (error) {
        this.options.logger.warn({ err: error, events: items.length }, 'ingest batch failed; retrying');
        await sleep(this.retryDelayMs);
      }
    }
    return false;
  }

  /**
   * One transaction for the batch. If an event in it can never be stored, the batch is halved until that event is
   * alone, and parked: a few extra transactions, only when a bad event arrives. Anything else (the database away)
   * is thrown; the caller retries the whole batch (the log skips what already committed).
   */
  private async apply(items: DecodedMessage[]): Promise<void> {
    if (items.length === 0) return;
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
        return;
      }
      const half = Math.ceil(items.length / 2);
      await this.apply(items.slice(0, half));
      await this.apply(items.slice(half));
      return;
    }
    this.applied += result.applied;
    this.options.onCommitted?.(result.eventIds);
  }

  private async park(message: JsMsg, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const { name, deadLetterSubject, js, logger } = this.options;
    if (!(await parkMessage(js, deadLetterSubject, name, message, reason)))
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
        await this.park(message, error);
      }
    }
    return readable;
  }

  /** Stops: the batches in flight finish, the checkpoint is saved, the leadership is handed on. */
  async close(): Promise<void> {
    this.stopping.abort();
    this.session?.abort();
    this.wakeWorkers?.();
    this.wakeReceiver?.();
    await this.running;
  }
}

// The routing state's write-ahead record: every state-changing call, with its request bytes and the time it ran,
// appended to JetStream in order. The engine is deterministic, so replaying the log (after a snapshot, or from the
// start) rebuilds the exact state on a standby. Each partition has its own stream, so stream sequences are the log's
// positions, and appends are fenced on the stream's last sequence: an owner that lost its lease cannot append.
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { publishToStream, type NatsConnection } from '@parley/kit';
import {
  DeliverPolicy,
  jetstream,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';

export interface LoggedOperation {
  /** Contract method key (e.g. "enqueueInteraction"), or an internal one ("__advance", "__reconcile", ...). */
  method: string;
  /** Engine time the operation ran at. */
  at: number;
  request: Uint8Array;
  /**
   * The owner's word, when it appended this: every operation up to this sequence has its events published. A
   * standby taking over re-publishes only what comes after (undefined in logs written before it was recorded).
   */
  publishedThrough?: number;
}

export interface OperationLogConfig {
  /** One stream per partition. */
  stream: string;
  subject: string;
}

export class OperationLog {
  private lastSequence = 0;
  private readonly js: JetStreamClient;

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly config: OperationLogConfig,
  ) {
    this.js = jetstream(nc);
  }

  async ensureStream(): Promise<void> {
    const existing = await this.jsm.streams.info(this.config.stream).catch(() => undefined);
    if (existing) return;
    await this.jsm.streams.add({
      name: this.config.stream,
      subjects: [this.config.subject],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
    });
  }

  /**
   * Every logged operation after `afterSequence` (0 = from the start), in order; afterwards appends continue from
   * the log's last position. Fails if the log no longer holds the operations right after `afterSequence` (they were
   * trimmed): replaying from there would silently skip state changes.
   */
  async *readAfter(afterSequence: number): AsyncIterable<{ sequence: number; operation: LoggedOperation }> {
    const { state } = await this.jsm.streams.info(this.config.stream);
    this.lastSequence = state.last_seq;
    if (state.last_seq <= afterSequence) return;
    if (state.first_seq > afterSequence + 1)
      throw new Error(
        `operation log ${this.config.stream} starts at ${state.first_seq}; operations after ${afterSequence} are gone`,
      );
    const consumer = await this.js.consumers.get(this.config.stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: afterSequence + 1,
    });
    const messages = await consumer.consume();
    try {
      for await (const message of messages) {
        yield {
          sequence: message.seq,
          operation: decode(message.data, message.headers),
        };
        if (message.seq >= state.last_seq) break;
      }
    } finally {
      await messages.close();
    }
  }

  /**
   * Appends one operation. Appends may be pipelined: each reserves the next sequence synchronously and expects the
   * one before it, so they land in call order — and all fail (the caller must stop acting as owner) if anyone
   * else has appended since.
   */
  append(operation: LoggedOperation): Promise<number> {
    const expected = this.lastSequence;
    this.lastSequence = expected + 1;
    const headers = natsHeaders();
    headers.set('Routing-Method', operation.method);
    headers.set('Routing-At', String(operation.at));
    if (operation.publishedThrough !== undefined)
      headers.set('Routing-Published-Through', String(operation.publishedThrough));
    // The stream's last sequence survives trimming (a subject's last sequence would not, once its messages go).
    return publishToStream(this.nc, this.config.subject, operation.request, {
      headers,
      expectLastSequence: expected,
    }).then((ack) => {
      if (ack.seq !== expected + 1)
        throw new Error(`operation log out of step: appended at ${ack.seq}, expected ${expected + 1}`);
      return ack.seq;
    });
  }

  /** The position the next append will follow: the sequence of the last operation appended or reserved. */
  get position(): number {
    return this.lastSequence;
  }

  /** Drops the operations up to and including `sequence` (a snapshot covers them). */
  async trimThrough(sequence: number): Promise<number> {
    const { purged } = await this.jsm.streams.purge(this.config.stream, { seq: sequence + 1 });
    return purged;
  }
}

function decode(data: Uint8Array, headers: MsgHdrs | undefined): LoggedOperation {
  const method = headers?.get('Routing-Method');
  const at = Number(headers?.get('Routing-At') || NaN);
  if (!method || !Number.isFinite(at)) throw new Error('operation log entry without method or time');
  const publishedThrough = Number(headers?.get('Routing-Published-Through') || NaN);
  return { method, at, request: data, ...(Number.isFinite(publishedThrough) ? { publishedThrough } : {}) };
}

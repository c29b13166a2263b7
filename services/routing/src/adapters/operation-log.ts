// The routing state's write-ahead record: every state-changing call, with its request bytes and the time it ran,
// appended to JetStream in order. The engine is deterministic, so replaying the log rebuilds the exact state on a
// standby. Appends are fenced on the subject's last sequence: an owner that lost its lease cannot append.
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  DeliverPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';

export interface LoggedOperation {
  /** Contract method key (e.g. "enqueueInteraction"), or "__advance" for a timer tick. */
  method: string;
  /** Engine time the operation ran at. */
  at: number;
  request: Uint8Array;
}

export interface OperationLogConfig {
  stream: string;
  subject: string;
}

export class OperationLog {
  private lastSequence = 0;

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly config: OperationLogConfig,
  ) {}

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

  /** Every logged operation in order; afterwards appends continue from the last one read. */
  async *readAll(): AsyncIterable<{ sequence: number; operation: LoggedOperation }> {
    const info = await this.jsm.streams.info(this.config.stream);
    const last = info.state.last_seq;
    this.lastSequence = 0;
    if (info.state.messages === 0) return;
    // The stream holds this partition's subject only, so no filter (multi-subject filters need NATS 2.10).
    const consumer = await this.js.consumers.get(this.config.stream, { deliver_policy: DeliverPolicy.All });
    const messages = await consumer.consume();
    try {
      for await (const message of messages) {
        this.lastSequence = message.seq;
        yield {
          sequence: message.seq,
          operation: decode(message.data, message.headers?.get('Routing-At'), message.headers?.get('Routing-Method')),
        };
        if (message.seq >= last) break;
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
    this.lastSequence = expected + 1; // this partition's stream holds one subject: sequences are consecutive
    const headers = natsHeaders();
    headers.set('Routing-Method', operation.method);
    headers.set('Routing-At', String(operation.at));
    return this.js
      .publish(this.config.subject, operation.request, { headers, expect: { lastSubjectSequence: expected } })
      .then((ack) => {
        if (ack.seq !== expected + 1)
          throw new Error(`operation log out of step: appended at ${ack.seq}, expected ${expected + 1}`);
        return ack.seq;
      });
  }
}

function decode(data: Uint8Array, at: string | undefined, method: string | undefined): LoggedOperation {
  if (!method || at === undefined || !Number.isFinite(Number(at)))
    throw new Error('operation log entry without method or time');
  return { method, at: Number(at), request: data };
}

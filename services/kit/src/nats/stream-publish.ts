// Publishing to a JetStream stream over the connection's reply mux (rpc/reply-mux.ts). On the wire a JetStream
// publish is a plain request whose reply is the stream's JSON ack, and nats.js's js.publish() builds an Error (with a
// stack) for every publish that completes (RequestOne.cancel, regardless of noAsyncTraces): ~6 % of the routing
// owner's CPU, which publishes an operation and its events for every call. Options are the ones the platform uses.
import { headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { NoRespondersError, replyMuxFor } from '../rpc/reply-mux.js';

export interface StreamPublishOptions {
  /** De-duplication id (Nats-Msg-Id): the stream keeps one message per id within its duplicate window. */
  msgID?: string;
  /** Refuse unless the stream's last sequence is this (Nats-Expected-Last-Sequence): fences concurrent writers. */
  expectLastSequence?: number;
  headers?: MsgHdrs;
  timeoutMs?: number;
}

export interface StreamAck {
  stream: string;
  seq: number;
  /** The stream already held a message with this msgID: nothing new was stored. */
  duplicate: boolean;
}

/** The stream refused the message (wrong last sequence, limits, ...), or nothing stores that subject. */
export class StreamPublishError extends Error {
  override readonly name = 'StreamPublishError';
  constructor(
    message: string,
    /** JetStream's error code (e.g. 10071 wrong last sequence); undefined when there was no stream reply. */
    readonly errCode?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

interface AckBody {
  stream?: string;
  seq?: number;
  duplicate?: boolean;
  error?: { code?: number; err_code?: number; description?: string };
}

const decoder = new TextDecoder();

export async function publishToStream(
  nc: NatsConnection,
  subject: string,
  data: Uint8Array,
  options: StreamPublishOptions = {},
): Promise<StreamAck> {
  const headers = options.headers ?? natsHeaders();
  if (options.msgID) headers.set('Nats-Msg-Id', options.msgID);
  if (options.expectLastSequence !== undefined)
    headers.set('Nats-Expected-Last-Sequence', String(options.expectLastSequence));
  let reply: Msg;
  try {
    reply = await replyMuxFor(nc).request(subject, data, headers, options.timeoutMs ?? 5_000);
  } catch (error) {
    if (error instanceof NoRespondersError)
      throw new StreamPublishError(`no stream stores ${subject} (or JetStream is off)`, undefined, { cause: error });
    throw error;
  }
  return parseAck(subject, reply.data);
}

function parseAck(subject: string, data: Uint8Array): StreamAck {
  let body: AckBody;
  try {
    body = JSON.parse(decoder.decode(data)) as AckBody;
  } catch (cause) {
    throw new StreamPublishError(`malformed JetStream ack for ${subject}`, undefined, { cause });
  }
  if (body.error)
    throw new StreamPublishError(body.error.description ?? `JetStream refused ${subject}`, body.error.err_code);
  if (typeof body.seq !== 'number' || typeof body.stream !== 'string' || body.stream === '')
    throw new StreamPublishError(`JetStream ack for ${subject} has no stream or sequence`);
  return { stream: body.stream, seq: body.seq, duplicate: body.duplicate === true };
}

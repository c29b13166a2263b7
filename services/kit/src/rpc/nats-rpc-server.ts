// Serves a contract over NATS request/reply: one subscription per unary method on parley.rpc.<domain>.<Method>,
// in the queue group parley.rpc.<domain> so replicas share the load and a dead replica simply stops receiving.
import {
  headers as natsHeadersFactory,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';
import { ErrorDetail as ErrorDetailCodec } from '@parley/protos/parley/common/v1/error';
import type { Logger } from 'pino';
import { KitErrorCode } from '../errors/error-codes.js';
import { ParleyError } from '../errors/parley-error.js';
import { Status } from '../errors/status.js';
import { extractFromNatsHeaders } from '../telemetry/trace-context.js';
import { createCallContext, deadlineFromTimeout, type UnaryHandler } from './call-context.js';
import { defaultRpcDomainOf, methodsOf, rpcSubjects, type ContractDefinition, type MethodInfo } from './contract.js';
import { encodeHeaderText, natsHeaders } from './error-wire.js';
import type { ContractHandlers } from './handlers.js';
import { runServerCall } from './instrumentation.js';

const reservedHeaders = new Set(
  [natsHeaders.timeout, natsHeaders.status, natsHeaders.message, 'traceparent', 'tracestate', 'baggage'].map((h) =>
    h.toLowerCase(),
  ),
);

interface PendingReply {
  msg: Msg;
  data: Uint8Array;
  replyHeaders: MsgHdrs | undefined;
}

export interface NatsServeOptions {
  /** Subject token; defaults to the proto package's service segment ("routing"). */
  domain?: string;
}

export class NatsRpcServer {
  private readonly subscriptions: Subscription[] = [];
  private readonly replies: PendingReply[] = [];
  /** Calls being handled; close() waits for them so a rolling restart never drops an accepted request. */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly logger: Logger;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    logger: Logger,
  ) {
    this.logger = logger.child({ module: 'nats-rpc' });
  }

  serve<Definition extends ContractDefinition>(
    definition: Definition,
    handlers: ContractHandlers<Definition>,
    options: NatsServeOptions = {},
  ): void {
    const domain = options.domain ?? defaultRpcDomainOf(definition);
    for (const method of methodsOf(definition)) {
      const subject = rpcSubjects.method(domain, method.name);
      const handler = (handlers as Record<string, unknown>)[method.key];
      if (typeof handler !== 'function') throw new Error(`no handler for ${method.path}`);
      const subscription = this.nc.subscribe(subject, {
        queue: rpcSubjects.queueGroup(domain),
        callback: (error, msg) => {
          if (error) {
            this.logger.error({ err: error, subject }, 'RPC subscription failed');
            return;
          }
          try {
            this.handle(method, handler as UnaryHandler<unknown, unknown>, msg);
          } catch (thrown) {
            // nats.js parses headers lazily and throws on a malformed one: answer, never let it reach the parser
            // (an exception there stops the connection from reading).
            this.logger.warn({ err: thrown, subject }, 'malformed RPC request');
            this.replyError(
              msg,
              new ParleyError(KitErrorCode.RPC_DECODE_FAILED, 'request headers are malformed', {
                status: Status.INVALID_ARGUMENT,
                cause: thrown,
              }),
            );
          }
        },
      });
      this.subscriptions.push(subscription);
    }
    this.logger.debug({ domain, methods: methodsOf(definition).length }, 'serving contract over NATS');
  }

  private handle(method: MethodInfo, handler: UnaryHandler<unknown, unknown>, msg: Msg): void {
    if (!msg.reply) return; // a publish, not a request: nobody to answer
    if (method.definition.requestStream || method.definition.responseStream) {
      this.replyError(
        msg,
        new ParleyError(KitErrorCode.RPC_UNIMPLEMENTED, `${method.path} is streaming; call it over gRPC`, {
          status: Status.UNIMPLEMENTED,
        }),
      );
      return;
    }
    const deadline = deadlineFromTimeout(msg.headers?.get(natsHeaders.timeout), Date.now());
    if (deadline && deadline.getTime() <= Date.now()) {
      this.replyError(
        msg,
        new ParleyError(KitErrorCode.RPC_DEADLINE_EXCEEDED, 'deadline passed before the call started', {
          status: Status.DEADLINE_EXCEEDED,
        }),
      );
      return;
    }
    const call: Promise<void> = runServerCall(
      { transport: 'nats', method: method.path },
      extractFromNatsHeaders(msg.headers),
      this.logger,
      () => {
        let request: unknown;
        try {
          // ts-proto decodes any Uint8Array; the Buffer in grpc-js's signature would only cost a copy.
          request = method.definition.requestDeserialize(msg.data as Buffer);
        } catch (cause) {
          throw new ParleyError(KitErrorCode.RPC_DECODE_FAILED, `request is not a valid ${method.path} request`, {
            status: Status.INVALID_ARGUMENT,
            cause,
          });
        }
        const context = createCallContext(method.path, 'nats', deadline, () => metadataFrom(msg.headers));
        return handler(request, context);
      },
    )
      .then((outcome) => {
        if (!outcome.ok) {
          this.replyError(msg, outcome.error);
          return;
        }
        let encoded: Uint8Array;
        try {
          encoded = method.definition.responseSerialize(outcome.response);
        } catch (cause) {
          this.logger.error({ err: cause, method: method.path }, 'handler returned a response that cannot be encoded');
          this.replyError(
            msg,
            new ParleyError(KitErrorCode.INTERNAL, 'internal error', { status: Status.INTERNAL, cause }),
          );
          return;
        }
        this.respond(msg, encoded);
      })
      .finally(() => this.inFlight.delete(call));
    this.inFlight.add(call);
  }

  private replyError(msg: Msg, error: ParleyError): void {
    if (!msg.reply) return;
    const replyHeaders = natsHeadersFactory();
    replyHeaders.set(natsHeaders.status, String(error.status));
    replyHeaders.set(natsHeaders.message, encodeHeaderText(error.message));
    this.respond(msg, Buffer.from(ErrorDetailCodec.encode(error.toDetail()).finish()), replyHeaders);
  }

  private respond(msg: Msg, data: Uint8Array, replyHeaders?: MsgHdrs): void {
    this.replies.push({ msg, data, replyHeaders });
    if (this.replies.length === 1) setImmediate(this.flushReplies);
  }

  /**
   * Sends every reply produced since the last flush in one go. Handlers finish in separate microtasks; sent one by
   * one, each reply became its own socket write (nats.js flushes after each microtask wave). Batched once per event
   * loop turn, a burst of calls costs one write, as it does for a synchronous raw NATS responder.
   */
  private readonly flushReplies = (): void => {
    const batch = this.replies.splice(0);
    for (const reply of batch) this.send(reply);
  };

  private send({ msg, data, replyHeaders }: PendingReply): void {
    try {
      msg.respond(data, replyHeaders ? { headers: replyHeaders } : undefined);
    } catch (error) {
      this.logger.warn({ err: error, subject: msg.subject, bytes: data.length }, 'could not send RPC reply');
      // Most likely larger than the server's max_payload: tell the caller rather than let it wait out its deadline.
      if (!replyHeaders) {
        const tooLarge = new ParleyError(
          KitErrorCode.RPC_TOO_LARGE,
          `reply of ${data.length} bytes could not be sent`,
          {
            status: Status.RESOURCE_EXHAUSTED,
          },
        );
        const errorHeaders = natsHeadersFactory();
        errorHeaders.set(natsHeaders.status, String(tooLarge.status));
        errorHeaders.set(natsHeaders.message, encodeHeaderText(tooLarge.message));
        try {
          msg.respond(ErrorDetailCodec.encode(tooLarge.toDetail()).finish(), { headers: errorHeaders });
        } catch {
          /* the connection itself is gone: the caller's deadline will tell it */
        }
      }
    }
  }

  /** Idempotent: stops taking new requests (queue-group peers get them instead) and lets in-flight calls reply. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all(this.subscriptions.map((s) => (s.isClosed() ? undefined : s.drain())));
      await Promise.allSettled([...this.inFlight]);
      this.flushReplies(); // before the connection drains, not at the next loop turn
    })();
    return this.closing;
  }
}

function metadataFrom(headers: MsgHdrs | undefined): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (!headers) return metadata;
  for (const key of headers.keys()) {
    const lower = key.toLowerCase();
    if (!reservedHeaders.has(lower)) metadata[lower] = headers.get(key);
  }
  return metadata;
}

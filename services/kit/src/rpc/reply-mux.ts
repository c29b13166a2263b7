// Request/reply over one wildcard inbox subscription per connection, for the RPC client's hot path.
// Why not nc.request(): nats.js builds a RequestError (with a stack trace) for every request that completes, to
// reject an already-settled promise, and that alone was ~10 % of the caller's CPU in the kit benchmark. The
// mechanism is the same as nats.js's own muxed requests (one `_INBOX.<id>.*` subscription, a token per request).
import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';

export class ReplyTimeoutError extends Error {
  override readonly name = 'ReplyTimeoutError';
}
export class NoRespondersError extends Error {
  override readonly name = 'NoRespondersError';
}
export class ReplyMuxClosedError extends Error {
  override readonly name = 'ReplyMuxClosedError';
}

interface PendingRequest {
  resolve: (msg: Msg) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

// NATS answers a request nobody subscribes to with an empty message carrying status 503.
const noRespondersStatus = 503;

export class ReplyMux {
  private readonly prefix = createInbox();
  private readonly pending = new Map<string, PendingRequest>();
  private readonly subscription: Subscription;
  private nextToken = 0;

  constructor(private readonly nc: NatsConnection) {
    this.subscription = nc.subscribe(`${this.prefix}.*`, {
      callback: (error, msg) => {
        if (error) return; // e.g. a permission error: pending requests time out with a clear status
        this.dispatch(msg);
      },
    });
    void nc.closed().then(() => this.rejectAll(new ReplyMuxClosedError('connection closed')));
  }

  request(subject: string, data: Uint8Array, headers: MsgHdrs | undefined, timeoutMs: number): Promise<Msg> {
    const token = (this.nextToken++).toString(36);
    return new Promise<Msg>((resolve, reject) => {
      // Node timers overflow past 2^31-1 ms and would fire at once; the RPC client never asks for more.
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new ReplyTimeoutError(`no reply on ${subject} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(token, { resolve, reject, timer });
      try {
        this.nc.publish(
          subject,
          data,
          headers ? { reply: `${this.prefix}.${token}`, headers } : { reply: `${this.prefix}.${token}` },
        );
      } catch (error) {
        clearTimeout(timer);
        this.pending.delete(token);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  private dispatch(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length + 1);
    const request = this.pending.get(token);
    if (!request) return; // answered after its timeout: the caller has moved on
    this.pending.delete(token);
    clearTimeout(request.timer);
    if (msg.data.length === 0 && noResponders(msg)) {
      request.reject(new NoRespondersError(`no responders for ${msg.subject}`));
      return;
    }
    request.resolve(msg);
  }

  private rejectAll(error: Error): void {
    for (const request of this.pending.values()) {
      clearTimeout(request.timer);
      request.reject(error);
    }
    this.pending.clear();
  }

  close(): void {
    this.subscription.unsubscribe();
    this.rejectAll(new ReplyMuxClosedError('reply mux closed'));
  }
}

function noResponders(msg: Msg): boolean {
  try {
    return msg.headers?.code === noRespondersStatus;
  } catch {
    return false; // malformed headers: hand the reply over; the client reports it as malformed
  }
}

const muxes = new WeakMap<NatsConnection, ReplyMux>();

/** The connection's shared reply mux, created on first use. */
export function replyMuxFor(nc: NatsConnection): ReplyMux {
  let mux = muxes.get(nc);
  if (!mux) {
    mux = new ReplyMux(nc);
    muxes.set(nc, mux);
  }
  return mux;
}

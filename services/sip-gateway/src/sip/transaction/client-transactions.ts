// Client transactions (RFC 3261 §17.1, with RFC 6026's Accepted state for INVITE): a request is retransmitted over
// UDP until a response arrives (Timers A and E, doubling from T1; E capped at T2), given up after 64·T1 (Timers B
// and F); a failed INVITE is acknowledged by the transaction itself (§17.1.1.3) and its retransmitted finals answered
// with that ACK until Timer D; 2xx responses (and their retransmissions, until Timer M) go up to the dialog, which
// sends its own ACK.
import type { SipRequest, SipResponse } from '../message.js';
import { Headers } from '../headers.js';
import { SIP_VERSION } from '../message.js';
import type { SipTimers, TimerScheduler } from './timers.js';

export interface ClientTransactionContext {
  /** Sends the request (or the ACK) to the next hop. */
  send(request: SipRequest): void;
  reliable: boolean;
  timers: SipTimers;
  scheduler: TimerScheduler;
  /** Every response for the layer above (provisional, final, and for INVITE each 2xx retransmission). */
  onResponse(response: SipResponse): void;
  /** No final response in time (Timer B or F): the TU treats it as a 408 (§8.1.3.1). */
  onTimeout(): void;
  onTerminated(): void;
}

abstract class ClientTransactionBase {
  protected timers: unknown[] = [];
  protected ended = false;

  constructor(
    readonly request: SipRequest,
    protected readonly context: ClientTransactionContext,
  ) {}

  get terminated(): boolean {
    return this.ended;
  }

  protected after(ms: number, callback: () => void): void {
    this.timers.push(this.context.scheduler.set(callback, ms));
  }

  protected clearTimers(): void {
    for (const timer of this.timers) this.context.scheduler.clear(timer);
    this.timers = [];
  }

  protected terminate(): void {
    if (this.ended) return;
    this.ended = true;
    this.clearTimers();
    this.context.onTerminated();
  }

  abstract receive(response: SipResponse): void;
}

type InviteClientState = 'calling' | 'proceeding' | 'accepted' | 'completed';

export class InviteClientTransaction extends ClientTransactionBase {
  private state: InviteClientState = 'calling';
  private ack: SipRequest | undefined;

  start(): void {
    const { t1 } = this.context.timers;
    this.context.send(this.request);
    if (!this.context.reliable) this.retransmit(t1); // Timer A
    this.after(64 * t1, () => {
      // Timer B
      if (this.state !== 'calling' && this.state !== 'proceeding') return;
      this.context.onTimeout();
      this.terminate();
    });
  }

  private retransmit(interval: number): void {
    this.after(interval, () => {
      if (this.state !== 'calling') return;
      this.context.send(this.request);
      this.retransmit(interval * 2);
    });
  }

  receive(response: SipResponse): void {
    if (this.ended) return;
    const { status } = response;
    if (this.state === 'completed') {
      if (status >= 300 && this.ack) this.context.send(this.ack); // the final again: our ACK was lost
      return;
    }
    if (this.state === 'accepted') {
      if (status >= 200 && status < 300) this.context.onResponse(response); // retransmitted 2xx: the dialog ACKs
      return;
    }
    if (status < 200) {
      this.state = 'proceeding';
      this.context.onResponse(response);
      return;
    }
    this.clearTimers();
    if (status < 300) {
      this.state = 'accepted';
      this.context.onResponse(response);
      this.after(64 * this.context.timers.t1, () => this.terminate()); // Timer M
      return;
    }
    this.state = 'completed';
    this.ack = ackForFailure(this.request, response);
    this.context.send(this.ack);
    this.context.onResponse(response);
    this.after(this.context.reliable ? 0 : 32_000, () => this.terminate()); // Timer D (> 32 s over UDP)
  }
}

type NonInviteClientState = 'trying' | 'proceeding' | 'completed';

export class NonInviteClientTransaction extends ClientTransactionBase {
  private state: NonInviteClientState = 'trying';

  start(): void {
    const { t1 } = this.context.timers;
    this.context.send(this.request);
    if (!this.context.reliable) this.retransmit(t1); // Timer E
    this.after(64 * t1, () => {
      // Timer F
      if (this.state === 'completed') return;
      this.context.onTimeout();
      this.terminate();
    });
  }

  private retransmit(interval: number): void {
    this.after(interval, () => {
      if (this.state === 'completed') return;
      this.context.send(this.request);
      // In Proceeding the interval is T2 (§17.1.2.2).
      const { t2 } = this.context.timers;
      this.retransmit(this.state === 'proceeding' ? t2 : Math.min(interval * 2, t2));
    });
  }

  receive(response: SipResponse): void {
    if (this.ended || this.state === 'completed') return; // retransmitted finals are absorbed
    if (response.status < 200) {
      this.state = 'proceeding';
      this.context.onResponse(response);
      return;
    }
    this.state = 'completed';
    this.clearTimers();
    this.context.onResponse(response);
    this.after(this.context.reliable ? 0 : this.context.timers.t4, () => this.terminate()); // Timer K
  }
}

/** §17.1.1.3: the ACK of a failed INVITE — the INVITE's Request-URI, Call-ID, From, top Via, Route and CSeq
 * number, the response's To (with the UAS's tag). */
export function ackForFailure(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = new Headers();
  const top = invite.headers.get('Via');
  if (top !== undefined) headers.append('Via', top);
  for (const route of invite.headers.getAll('Route')) headers.append('Route', route);
  headers.append('From', invite.headers.get('From') ?? '');
  headers.append('To', response.headers.get('To') ?? invite.headers.get('To') ?? '');
  headers.append('Call-ID', invite.headers.get('Call-ID') ?? '');
  const number = (invite.headers.get('CSeq') ?? '1').trim().split(/\s+/)[0];
  headers.append('CSeq', `${number} ACK`);
  headers.append('Max-Forwards', '70');
  return { kind: 'request', method: 'ACK', uri: invite.uri, version: SIP_VERSION, headers, body: new Uint8Array(0) };
}

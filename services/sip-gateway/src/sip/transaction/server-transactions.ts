// Server transactions (RFC 3261 §17.2, with RFC 6026's Accepted state for INVITE). A transaction absorbs request
// retransmissions by resending its last response, retransmits a final response over UDP until the peer's ACK
// (INVITE, non-2xx) or for as long as a retransmitted request could still arrive (non-INVITE), then ends.
// The 2xx to an INVITE is retransmitted here too until the dialog layer reports its ACK (§13.3.1.4 gives that job
// to the UAS core; one place for every retransmission keeps the call logic free of timers).
import type { SipResponse } from '../message.js';
import type { SipTimers, TimerScheduler } from './timers.js';

export interface ServerTransactionContext {
  /** Sends a response to where the request came from (the transport applies §18.2.2). */
  send(response: SipResponse): void;
  /** TCP/TLS: no retransmissions, and Timers I and J are zero. */
  reliable: boolean;
  timers: SipTimers;
  scheduler: TimerScheduler;
  /** The transaction ended: the layer forgets it. */
  onTerminated(): void;
  /** No ACK came for a final response (Timer H), or none for a 2xx (Timer L): the call logic may clean up. */
  onAckTimeout?(): void;
}

type InviteState = 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';
type NonInviteState = 'trying' | 'proceeding' | 'completed' | 'terminated';

/** What every server transaction offers the layer above it. */
export interface ServerTransaction {
  readonly method: string;
  /** Sends a response (provisional or final) through the transaction. */
  respond(response: SipResponse): void;
  /** The same request arrived again. */
  retransmitted(): void;
  /** The transaction has sent its final response. */
  readonly answered: boolean;
  readonly terminated: boolean;
}

export class InviteServerTransaction implements ServerTransaction {
  readonly method = 'INVITE';
  private state: InviteState = 'proceeding';
  private last: SipResponse | undefined;
  private timers: unknown[] = [];
  private acked = false;

  constructor(private readonly context: ServerTransactionContext) {}

  get answered(): boolean {
    return this.state !== 'proceeding';
  }

  get terminated(): boolean {
    return this.state === 'terminated';
  }

  respond(response: SipResponse): void {
    if (this.state === 'terminated' || this.state === 'confirmed' || this.state === 'completed') return;
    if (this.state === 'accepted') {
      if (response.status >= 200 && response.status < 300) this.context.send(response); // the TU's own resend
      return;
    }
    this.last = response;
    this.context.send(response);
    if (response.status < 200) return;
    const { t1, t2 } = this.context.timers;
    if (response.status < 300) {
      this.state = 'accepted';
      this.retransmitUntil(() => this.state === 'accepted' && !this.acked, t1, t2);
      this.after(64 * t1, () => {
        this.terminate();
        if (!this.acked) this.context.onAckTimeout?.();
      }); // Timer L
    } else {
      this.state = 'completed';
      this.retransmitUntil(() => this.state === 'completed', t1, t2); // Timer G
      this.after(64 * t1, () => {
        if (this.state !== 'completed') return;
        this.terminate();
        this.context.onAckTimeout?.(); // Timer H
      });
    }
  }

  /** The ACK for a non-2xx final response (it matches this transaction). */
  ackForFailure(): void {
    if (this.state !== 'completed') return;
    this.state = 'confirmed';
    this.clearTimers();
    this.after(this.context.reliable ? 0 : this.context.timers.t4, () => this.terminate()); // Timer I
  }

  /** The dialog layer saw the ACK for the 2xx: stop retransmitting it (the transaction stays until Timer L). */
  ackForSuccess(): void {
    this.acked = true;
  }

  retransmitted(): void {
    // Proceeding: the last provisional again; Completed: the final again; Accepted: absorbed (RFC 6026).
    if ((this.state === 'proceeding' || this.state === 'completed') && this.last) this.context.send(this.last);
  }

  private retransmitUntil(keepGoing: () => boolean, interval: number, cap: number): void {
    if (this.context.reliable) return;
    this.after(interval, () => {
      if (!keepGoing() || !this.last) return;
      this.context.send(this.last);
      this.retransmitUntil(keepGoing, Math.min(interval * 2, cap), cap);
    });
  }

  private after(ms: number, callback: () => void): void {
    this.timers.push(this.context.scheduler.set(callback, ms));
  }

  private clearTimers(): void {
    for (const timer of this.timers) this.context.scheduler.clear(timer);
    this.timers = [];
  }

  private terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.clearTimers();
    this.context.onTerminated();
  }
}

export class NonInviteServerTransaction implements ServerTransaction {
  private state: NonInviteState = 'trying';
  private last: SipResponse | undefined;
  private timer: unknown;

  constructor(
    readonly method: string,
    private readonly context: ServerTransactionContext,
  ) {}

  get answered(): boolean {
    return this.state === 'completed' || this.state === 'terminated';
  }

  get terminated(): boolean {
    return this.state === 'terminated';
  }

  respond(response: SipResponse): void {
    if (this.state === 'completed' || this.state === 'terminated') return;
    this.last = response;
    this.context.send(response);
    if (response.status < 200) {
      this.state = 'proceeding';
      return;
    }
    this.state = 'completed';
    // Timer J: retransmitted requests may still arrive for 64*T1 over UDP.
    this.timer = this.context.scheduler.set(
      () => {
        this.state = 'terminated';
        this.context.onTerminated();
      },
      this.context.reliable ? 0 : 64 * this.context.timers.t1,
    );
  }

  retransmitted(): void {
    if (this.state !== 'trying' && this.last) this.context.send(this.last);
  }

  /** For shutdown: stop the timer. */
  dispose(): void {
    if (this.timer !== undefined) this.context.scheduler.clear(this.timer);
  }
}

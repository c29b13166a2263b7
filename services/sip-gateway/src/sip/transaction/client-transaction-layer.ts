// Starts client transactions and matches responses to them (RFC 3261 §17.1.3): by the top Via's branch and the
// CSeq method. A response that matches none is stray and is dropped (a 2xx retransmission after Timer M included).
import { randomBytes } from 'node:crypto';
import type { SipRequest, SipResponse } from '../message.js';
import { parseVia, viaBranch } from '../via.js';
import { InviteClientTransaction, NonInviteClientTransaction } from './client-transactions.js';
import { defaultSipTimers, realTimers, type SipTimers, type TimerScheduler } from './timers.js';

export interface ClientTransactionLayerOptions<Target> {
  send(request: SipRequest, target: Target): void;
  reliable?: (target: Target) => boolean;
  timers?: SipTimers;
  scheduler?: TimerScheduler;
}

export interface ClientRequestHandlers {
  onResponse(response: SipResponse): void;
  /** No final response in time: act as on a 408 (§8.1.3.1). */
  onTimeout(): void;
}

/** A new RFC 3261 branch: the magic cookie and 96 random bits. */
export function newBranch(): string {
  return `z9hG4bK${randomBytes(12).toString('base64url')}`;
}

function keyOf(branch: string | undefined, cseq: string | undefined): string | undefined {
  const method = (cseq ?? '').trim().split(/\s+/)[1];
  return branch && method ? `${branch}|${method === 'ACK' ? 'INVITE' : method}` : undefined;
}

export class ClientTransactionLayer<Target> {
  private readonly transactions = new Map<string, InviteClientTransaction | NonInviteClientTransaction>();

  constructor(private readonly options: ClientTransactionLayerOptions<Target>) {}

  get size(): number {
    return this.transactions.size;
  }

  /** Sends `request` in a new transaction; its top Via must carry a branch (newBranch()). ACKs of 2xx are sent
   * outside transactions (send them directly). */
  start(request: SipRequest, target: Target, handlers: ClientRequestHandlers): void {
    const top = request.headers.get('Via');
    const key = keyOf(top ? viaBranch(parseVia(top)) : undefined, request.headers.get('CSeq'));
    if (!key || request.method === 'ACK') throw new Error('a client transaction needs a request with a Via branch');
    if (this.transactions.has(key)) throw new Error(`a transaction with branch ${key} is running`);
    const context = {
      send: (message: SipRequest) => this.options.send(message, target),
      reliable: this.options.reliable?.(target) ?? false,
      timers: this.options.timers ?? defaultSipTimers,
      scheduler: this.options.scheduler ?? realTimers,
      onResponse: handlers.onResponse,
      onTimeout: handlers.onTimeout,
      onTerminated: () => this.transactions.delete(key),
    };
    const transaction =
      request.method === 'INVITE'
        ? new InviteClientTransaction(request, context)
        : new NonInviteClientTransaction(request, context);
    this.transactions.set(key, transaction);
    transaction.start();
  }

  /** True when the response belonged to a transaction. */
  receive(response: SipResponse): boolean {
    const top = response.headers.get('Via');
    let branch: string | undefined;
    try {
      branch = top ? viaBranch(parseVia(top)) : undefined;
    } catch {
      return false;
    }
    const transaction = this.transactions.get(keyOf(branch, response.headers.get('CSeq')) ?? '');
    if (!transaction) return false;
    transaction.receive(response);
    return true;
  }
}

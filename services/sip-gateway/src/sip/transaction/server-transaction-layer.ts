// Matches incoming requests to server transactions (RFC 3261 §17.2.3): by the top Via's branch (with the RFC 3261
// magic cookie), its sent-by, and the method — ACK matching its INVITE. A new request creates a transaction and goes
// up to the call logic; a retransmission is answered by the transaction; the ACK of a failed INVITE ends there; an
// ACK for a 2xx (its own transaction, RFC 3261 §17.1.1.3) goes up to the dialog layer.
import type { SipRequest, SipResponse } from '../message.js';
import { parseVia, viaBranch } from '../via.js';
import {
  InviteServerTransaction,
  NonInviteServerTransaction,
  type ServerTransaction,
  type ServerTransactionContext,
} from './server-transactions.js';
import { defaultSipTimers, realTimers, type SipTimers, type TimerScheduler } from './timers.js';

const MAGIC_COOKIE = 'z9hG4bK';

/** What the call logic gets with a new request: the transaction to answer through. */
export interface IncomingRequest<Source> {
  request: SipRequest;
  source: Source;
  transaction: ServerTransaction;
}

export interface ServerTransactionLayerOptions<Source> {
  /** Sends a response back to a request's source (the transport routes it by Via, §18.2.2). */
  send(response: SipResponse, source: Source): void;
  /** A request that starts a transaction. */
  onRequest(incoming: IncomingRequest<Source>): void;
  /** An ACK that matched no transaction: the ACK of a 2xx, for the dialog layer. */
  onAck(ack: SipRequest, source: Source): void;
  /** The final response of an INVITE was never acknowledged. */
  onAckTimeout?(request: SipRequest): void;
  reliable?: (source: Source) => boolean;
  timers?: SipTimers;
  scheduler?: TimerScheduler;
}

/** The transaction key of a request, or undefined when its top Via cannot give one (the caller answers 400). */
export function serverTransactionKey(request: SipRequest): string | undefined {
  const top = request.headers.get('Via');
  if (!top) return undefined;
  const via = parseVia(top);
  const branch = viaBranch(via);
  const method = request.method === 'ACK' ? 'INVITE' : request.method;
  const sentBy = `${via.host.toLowerCase()}:${via.port ?? ''}`;
  if (branch?.startsWith(MAGIC_COOKIE)) return `${branch}|${sentBy}|${method}`;
  // RFC 2543 peers (no magic cookie, §17.2.3): the request's identity stands in for the branch.
  const cseq = (request.headers.get('CSeq') ?? '').split(/\s+/)[0];
  const fromTag = /;\s*tag\s*=\s*([^;\s]+)/i.exec(request.headers.get('From') ?? '')?.[1] ?? '';
  return `legacy|${request.headers.get('Call-ID')}|${cseq}|${fromTag}|${sentBy}|${branch ?? ''}|${method}`;
}

export class ServerTransactionLayer<Source> {
  private readonly transactions = new Map<string, ServerTransaction>();
  private readonly invites = new Map<string, { transaction: InviteServerTransaction; request: SipRequest }>();

  constructor(private readonly options: ServerTransactionLayerOptions<Source>) {}

  get size(): number {
    return this.transactions.size;
  }

  /** Throws (SipParseError) if the top Via cannot be parsed: the transport answers 400 then. */
  receive(request: SipRequest, source: Source): void {
    const key = serverTransactionKey(request);
    if (key === undefined) throw new Error('no Via');
    const existing = this.transactions.get(key);
    if (request.method === 'ACK') {
      const invite = this.invites.get(key);
      if (invite && existing) invite.transaction.ackForFailure();
      else this.options.onAck(request, source);
      return;
    }
    if (existing) {
      existing.retransmitted();
      return;
    }
    const context: ServerTransactionContext = {
      send: (response) => this.options.send(response, source),
      reliable: this.options.reliable?.(source) ?? false,
      timers: this.options.timers ?? defaultSipTimers,
      scheduler: this.options.scheduler ?? realTimers,
      onTerminated: () => {
        this.transactions.delete(key);
        this.invites.delete(key);
      },
      onAckTimeout: () => this.options.onAckTimeout?.(request),
    };
    let transaction: ServerTransaction;
    if (request.method === 'INVITE') {
      const invite = new InviteServerTransaction(context);
      this.invites.set(key, { transaction: invite, request });
      transaction = invite;
    } else {
      transaction = new NonInviteServerTransaction(request.method, context);
    }
    this.transactions.set(key, transaction);
    this.options.onRequest({ request, source, transaction });
  }

  /** The INVITE transaction a CANCEL targets (same branch and sent-by, method INVITE), if it is still there. */
  inviteFor(cancel: SipRequest): { transaction: InviteServerTransaction; request: SipRequest } | undefined {
    const key = serverTransactionKey(cancel);
    return key ? this.invites.get(key.replace(/\|CANCEL$/, '|INVITE')) : undefined;
  }
}

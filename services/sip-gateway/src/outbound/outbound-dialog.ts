// One call Parley places (the UAC side of RFC 3261 §13.2, §12.1.2, §15): the INVITE with our SDP offer through the
// trunk's proxy, a digest answer when the carrier challenges (401/407, once), ringing, the answer (ACK to the remote
// target, also for each retransmitted 2xx), CANCEL when the ring timeout passes or the call is dropped before answer
// (after a provisional response, as §9.1 asks), BYE from either side afterwards. Every request goes to the trunk's
// proxy (the outbound-proxy model), with the route set the 2xx recorded. Only the signalling: what the SDP means and
// what the call is for belong to the caller of this.
import { randomBytes } from 'node:crypto';
import { authorize, parseDigestChallenge } from '../sip/auth/digest.js';
import { Headers } from '../sip/headers.js';
import { SIP_VERSION, type SipRequest, type SipResponse } from '../sip/message.js';
import { parseNameAddr } from '../sip/name-addr.js';
import { serializeUri } from '../sip/uri.js';
import { newBranch, type ClientRequestHandlers } from '../sip/transaction/client-transaction-layer.js';

export interface SipHop {
  address: string;
  port: number;
}

/** The SIP endpoint this dialog sends through (UDP). */
export interface SipClient {
  /** Our address as Via and Contact name it (the port once the socket is bound). */
  readonly host: string;
  port(): number;
  /** Sends a request in a new client transaction. */
  start(request: SipRequest, hop: SipHop, handlers: ClientRequestHandlers): void;
  /** Sends a request outside any transaction (the ACK of a 2xx). */
  send(request: SipRequest, hop: SipHop): void;
}

export interface OutboundDialogEvents {
  /** 180/183: the far end is alerting. */
  ringing(): void;
  /** 2xx: the call is up; `sdp` is the answer. */
  answered(sdp: string): void;
  /** Never answered: the final status (408 for no answer in time or no response, 487 when we cancelled). */
  failed(status: number, reason: string): void;
  /** The answered call ended: `remote` when the far end sent BYE. */
  ended(by: 'remote' | 'local'): void;
}

export interface OutboundDialogOptions {
  sip: SipClient;
  proxy: SipHop;
  /** sip:<number>@<proxy host> */
  requestUri: string;
  /** Default: a new random one. */
  callId?: string;
  /** Who calls: the presented number. */
  callerId: string;
  sdpOffer: string;
  credentials?: { username: string; password: string } | undefined;
  ringTimeoutMs: number;
  events: OutboundDialogEvents;
}

type State = 'calling' | 'ringing' | 'answered' | 'ended';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO';

export class OutboundDialog {
  readonly callId: string;
  readonly localTag = randomBytes(6).toString('hex');
  private state: State = 'calling';
  private cseq = 1;
  private invite: SipRequest;
  private ack: SipRequest | undefined;
  private remoteTo: string | undefined;
  private remoteTarget: string | undefined;
  private routeSet: string[] = [];
  private authorized = false;
  private provisional = false;
  private cancelWanted = false;
  private ringTimedOut = false;
  private readonly ringTimer: NodeJS.Timeout;

  constructor(private readonly options: OutboundDialogOptions) {
    this.callId = options.callId ?? `${randomBytes(12).toString('hex')}@parley`;
    this.invite = this.inviteRequest();
    this.ringTimer = setTimeout(() => {
      this.ringTimedOut = true;
      this.cancel();
    }, options.ringTimeoutMs);
  }

  get answered(): boolean {
    return this.state === 'answered';
  }

  get ended(): boolean {
    return this.state === 'ended';
  }

  start(): void {
    this.send(this.invite);
  }

  /** Drops the call before answer (ring timeout, the other party left): CANCEL once the far end has answered 1xx. */
  cancel(): void {
    if (this.state !== 'calling' && this.state !== 'ringing') return;
    this.cancelWanted = true;
    if (!this.provisional) return; // sent when the first provisional response arrives
    const cancel = this.request('CANCEL', this.invite.uri, this.options.callerId, {
      via: this.invite.headers.get('Via') ?? '',
      cseq: `${this.cseq} CANCEL`,
      to: this.invite.headers.get('To') ?? '',
    });
    this.options.sip.start(cancel, this.options.proxy, { onResponse: () => undefined, onTimeout: () => undefined });
  }

  /** Ends the answered call with our BYE (or cancels it when not answered yet). */
  hangUp(): void {
    if (this.state !== 'answered') return this.cancel();
    this.state = 'ended';
    this.cseq += 1;
    const bye = this.inDialogRequest('BYE');
    bye.headers.append('Reason', 'Q.850;cause=16;text="normal call clearing"');
    this.options.sip.start(bye, this.options.proxy, { onResponse: () => undefined, onTimeout: () => undefined });
    this.options.events.ended('local');
  }

  /** A key to the far end as SIP INFO (application/dtmf-relay); resolves with whether it took it. */
  info(body: { contentType: string; text: string }): Promise<boolean> {
    if (this.state !== 'answered') return Promise.resolve(false);
    this.cseq += 1;
    const info = this.inDialogRequest('INFO');
    info.headers.append('Content-Type', body.contentType);
    info.body = encoder.encode(body.text);
    return new Promise((resolve) =>
      this.options.sip.start(info, this.options.proxy, {
        onResponse: (response) => {
          if (response.status >= 200) resolve(response.status < 300);
        },
        onTimeout: () => resolve(false),
      }),
    );
  }

  /** A request inside this dialog from the far end; returns the status to answer with. */
  receive(request: SipRequest): { status: number; headers?: [string, string][]; body?: string } {
    if (this.state !== 'answered') return { status: 481 };
    switch (request.method) {
      case 'BYE':
        this.state = 'ended';
        this.options.events.ended('remote');
        return { status: 200 };
      case 'INVITE':
        // A session refresh or a hold from the far end: our side of the media does not change, so our offer stands
        // as the answer (direction changes are not mirrored yet).
        return {
          status: 200,
          headers: [
            ['Contact', this.contact()],
            ['Content-Type', 'application/sdp'],
          ],
          body: this.options.sdpOffer,
        };
      case 'INFO':
      case 'OPTIONS':
        return { status: 200 };
      default:
        return { status: 405, headers: [['Allow', ALLOW]] };
    }
  }

  private send(invite: SipRequest): void {
    const handlers: ClientRequestHandlers = {
      onResponse: (response) => this.onResponse(response),
      onTimeout: () => this.fail(408, 'no response from the trunk'),
    };
    this.options.sip.start(invite, this.options.proxy, handlers);
  }

  private onResponse(response: SipResponse): void {
    const { status } = response;
    if (status < 200) {
      this.provisional = true;
      if (this.state === 'calling' && (status === 180 || status === 183)) {
        this.state = 'ringing';
        this.options.events.ringing();
      }
      if (this.cancelWanted) this.cancel();
      return;
    }
    if (status < 300) return this.onSuccess(response);
    if ((status === 401 || status === 407) && !this.authorized && this.options.credentials && !this.cancelWanted) {
      if (this.retryWithCredentials(response)) return;
    }
    this.fail(status, response.reason);
  }

  private onSuccess(response: SipResponse): void {
    if (this.ack) {
      this.options.sip.send(this.ack, this.options.proxy); // a retransmitted 2xx: our ACK was lost
      return;
    }
    clearTimeout(this.ringTimer);
    this.remoteTo = response.headers.get('To');
    const contact = response.headers.get('Contact');
    this.remoteTarget = contact ? serializeUri(parseNameAddr(contact, 'Contact').uri) : this.invite.uri;
    this.routeSet = response.headers.getAll('Record-Route').reverse();
    this.ack = this.inDialogRequest('ACK');
    this.options.sip.send(this.ack, this.options.proxy);
    if (this.cancelWanted || this.state === 'ended') {
      // Answered as we gave up: the call was never wanted any more.
      this.state = 'answered';
      this.hangUp();
      return;
    }
    this.state = 'answered';
    this.options.events.answered(decoder.decode(response.body));
  }

  /** 401/407 (§22.2, §22.3): the same INVITE again with our credentials, a new branch and the next CSeq. */
  private retryWithCredentials(response: SipResponse): boolean {
    const proxy = response.status === 407;
    const challengeHeader = response.headers.get(proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate');
    const challenge = challengeHeader ? parseDigestChallenge(challengeHeader) : undefined;
    if (!challenge || !this.options.credentials) return false;
    this.authorized = true;
    this.cseq += 1;
    this.invite = this.inviteRequest();
    this.invite.headers.append(
      proxy ? 'Proxy-Authorization' : 'Authorization',
      authorize(challenge, this.options.credentials, { method: 'INVITE', uri: this.invite.uri }),
    );
    this.provisional = false;
    this.send(this.invite);
    return true;
  }

  private fail(status: number, reason: string): void {
    if (this.state === 'ended' || this.state === 'answered') return;
    this.state = 'ended';
    clearTimeout(this.ringTimer);
    if (this.ringTimedOut) this.options.events.failed(408, 'no answer');
    else this.options.events.failed(status, reason);
  }

  private inviteRequest(): SipRequest {
    const request = this.request('INVITE', this.options.requestUri, this.options.callerId, {
      via: this.via(),
      cseq: `${this.cseq} INVITE`,
      to: `<${this.options.requestUri}>`,
    });
    request.headers.append('Contact', this.contact());
    request.headers.append('Allow', ALLOW);
    request.headers.append('Content-Type', 'application/sdp');
    request.body = encoder.encode(this.options.sdpOffer);
    return request;
  }

  /** ACK and BYE: to the remote target, through the route set, the To with the far end's tag. */
  private inDialogRequest(method: 'ACK' | 'BYE' | 'INFO'): SipRequest {
    const request = this.request(method, this.remoteTarget ?? this.invite.uri, this.options.callerId, {
      via: this.via(),
      cseq: `${this.cseq} ${method}`,
      to: this.remoteTo ?? '',
    });
    for (const route of this.routeSet) request.headers.append('Route', route);
    return request;
  }

  private request(
    method: string,
    uri: string,
    callerId: string,
    fields: { via: string; cseq: string; to: string },
  ): SipRequest {
    const { host } = this.options.sip;
    const port = this.options.sip.port();
    const headers = new Headers([
      { name: 'Via', value: fields.via },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: `<sip:${callerId}@${hostText(host)}:${port}>;tag=${this.localTag}` },
      { name: 'To', value: fields.to },
      { name: 'Call-ID', value: this.callId },
      { name: 'CSeq', value: fields.cseq },
    ]);
    return { kind: 'request', method, uri, version: SIP_VERSION, headers, body: new Uint8Array(0) };
  }

  private via(): string {
    const { host } = this.options.sip;
    const port = this.options.sip.port();
    return `SIP/2.0/UDP ${hostText(host)}:${port};branch=${newBranch()};rport`;
  }

  private contact(): string {
    const { host } = this.options.sip;
    const port = this.options.sip.port();
    return `<sip:parley@${hostText(host)}:${port}>`;
  }
}

function hostText(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

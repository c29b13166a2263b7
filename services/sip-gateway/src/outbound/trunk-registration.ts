// Registering Parley with a carrier that delivers calls only to registered customers (RFC 3261 §10.2): a REGISTER
// for the trunk's address of record with our contact, a digest answer to 401/407 (the last challenge reused, its
// nonce count raised, for refreshes), the expiry the carrier grants (423 → its Min-Expires), a refresh before it
// runs out, retries with a growing pause after a failure, and an unregister (Expires: 0) on shutdown.
import { randomBytes } from 'node:crypto';
import type { Logger } from '@parley/kit';
import { authorize, parseDigestChallenge, type DigestChallenge } from '../sip/auth/digest.js';
import { Headers } from '../sip/headers.js';
import { SIP_VERSION, type SipRequest, type SipResponse } from '../sip/message.js';
import { newBranch } from '../sip/transaction/client-transaction-layer.js';
import type { SipClient, SipHop } from './outbound-dialog.js';

export interface TrunkRegistrationOptions {
  sip: SipClient;
  trunkId: string;
  proxy: SipHop;
  /** The carrier's domain (the proxy's host), the Request-URI and the address-of-record host. */
  domain: string;
  /** The user part of the address of record (the account, or the trunk's number). */
  user: string;
  credentials?: { username: string; password: string } | undefined;
  expiresSeconds: number;
  logger: Logger;
}

export type RegistrationState = 'registering' | 'registered' | 'failed' | 'stopped';

const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 300_000;

export class TrunkRegistration {
  private readonly callId = `${randomBytes(12).toString('hex')}@parley`;
  private readonly localTag = randomBytes(6).toString('hex');
  private cseq = 0;
  private challenge:
    { value: DigestChallenge; header: 'Authorization' | 'Proxy-Authorization'; nc: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retryMs = RETRY_FIRST_MS;
  private requestedExpires: number;
  /** Where the registration stands, and when the carrier's binding runs out. */
  state: RegistrationState = 'registering';
  expiresAt: Date | undefined;
  lastStatus = 0;
  /** REGISTERs the carrier accepted: the first and each refresh. */
  accepted = 0;

  constructor(private readonly options: TrunkRegistrationOptions) {
    this.requestedExpires = options.expiresSeconds;
  }

  start(): void {
    this.register(this.requestedExpires, false);
  }

  /** Unregisters (Expires: 0) and resolves when the carrier answered or gave up. */
  stop(): Promise<void> {
    clearTimeout(this.timer);
    const wasRegistered = this.state === 'registered';
    this.state = 'stopped';
    if (!wasRegistered) return Promise.resolve();
    return new Promise((resolve) => this.send(0, () => resolve()));
  }

  private register(expires: number, answeredChallenge: boolean): void {
    if (this.state === 'stopped') return;
    this.send(expires, (response) => this.onFinal(response, answeredChallenge));
  }

  private send(expires: number, onFinal: (response: SipResponse | undefined) => void): void {
    const request = this.request(expires);
    if (this.challenge) {
      this.challenge.nc += 1;
      request.headers.append(
        this.challenge.header,
        authorize(
          this.challenge.value,
          this.options.credentials!,
          { method: 'REGISTER', uri: request.uri },
          this.challenge.nc,
        ),
      );
    }
    this.options.sip.start(request, this.options.proxy, {
      onResponse: (response) => {
        if (response.status >= 200) onFinal(response);
      },
      onTimeout: () => onFinal(undefined),
    });
  }

  private onFinal(response: SipResponse | undefined, answeredChallenge: boolean): void {
    if (this.state === 'stopped') return;
    const status = response?.status ?? 408;
    this.lastStatus = status;
    if (response && status >= 200 && status < 300) return this.registered(response);
    if (response && (status === 401 || status === 407) && this.options.credentials && !answeredChallenge) {
      const header = response.headers.get(status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate');
      const challenge = header ? parseDigestChallenge(header) : undefined;
      if (challenge) {
        this.challenge = {
          value: challenge,
          header: status === 401 ? 'Authorization' : 'Proxy-Authorization',
          nc: 0,
        };
        return this.register(this.requestedExpires, true);
      }
    }
    if (response && status === 423) {
      const minimum = Number(response.headers.get('Min-Expires'));
      if (Number.isInteger(minimum) && minimum > this.requestedExpires) {
        this.requestedExpires = minimum;
        return this.register(minimum, answeredChallenge);
      }
    }
    this.state = 'failed';
    this.challenge = undefined;
    this.options.logger.warn(
      { trunk: this.options.trunkId, status, retryInMs: this.retryMs },
      'registration with the carrier failed; retrying',
    );
    this.schedule(this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private registered(response: SipResponse): void {
    const granted = grantedExpires(response, this.contactUri()) ?? this.requestedExpires;
    const first = this.state !== 'registered';
    this.state = 'registered';
    this.accepted += 1;
    this.retryMs = RETRY_FIRST_MS;
    this.expiresAt = new Date(Date.now() + granted * 1000);
    if (first)
      this.options.logger.info({ trunk: this.options.trunkId, expires: granted }, 'registered with the carrier');
    // Well before the end: a minute early for long bindings, halfway for short ones.
    this.schedule((granted > 120 ? granted - 60 : granted / 2) * 1000);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.register(this.requestedExpires, false), ms);
    this.timer.unref();
  }

  private contactUri(): string {
    const { host } = this.options.sip;
    const shown = host.includes(':') ? `[${host}]` : host;
    return `sip:${this.options.user}@${shown}:${this.options.sip.port()}`;
  }

  private request(expires: number): SipRequest {
    this.cseq += 1;
    const { host } = this.options.sip;
    const shown = host.includes(':') ? `[${host}]` : host;
    const aor = `<sip:${this.options.user}@${this.options.domain}>`;
    const headers = new Headers([
      { name: 'Via', value: `SIP/2.0/UDP ${shown}:${this.options.sip.port()};branch=${newBranch()};rport` },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: `${aor};tag=${this.localTag}` },
      { name: 'To', value: aor },
      { name: 'Call-ID', value: this.callId },
      { name: 'CSeq', value: `${this.cseq} REGISTER` },
      { name: 'Contact', value: `<${this.contactUri()}>` },
      { name: 'Expires', value: String(expires) },
      { name: 'User-Agent', value: 'Parley' },
      { name: 'Content-Length', value: '0' },
    ]);
    return {
      kind: 'request',
      method: 'REGISTER',
      uri: `sip:${this.options.domain}`,
      version: SIP_VERSION,
      headers,
      body: new Uint8Array(0),
    };
  }
}

/** The expiry the registrar granted our contact: its Contact's expires parameter, else the Expires header. */
function grantedExpires(response: SipResponse, ours: string): number | undefined {
  for (const contact of response.headers.getAll('Contact')) {
    if (!contact.includes(ours)) continue;
    const expires = /;\s*expires\s*=\s*(\d+)/i.exec(contact)?.[1];
    if (expires) return Number(expires);
  }
  const header = response.headers.get('Expires');
  return header && /^\d+$/.test(header.trim()) ? Number(header.trim()) : undefined;
}

// The registrar for agents' SIP phones (RFC 3261 §10.3): a REGISTER must answer a digest challenge (MD5, what desk
// phones speak; nonces signed so any replica can check them, nonce counts replayed once only) with the credentials
// of the address of record it registers, not another one's; then its Contacts are bound (expires from the contact,
// the Expires header or the default, 423 below the minimum, capped at the maximum), removed (expires 0, or "*"
// with Expires: 0), or only listed (no Contact). The 200 lists every live binding of the address with its expiry.
import { DigestVerifier, formatChallenge, parseDigestCredentials } from '../sip/auth/digest.js';
import { parseNameAddr, parseContact, type ContactValue } from '../sip/name-addr.js';
import type { SipRequest } from '../sip/message.js';
import { isIpv6, isSipUri, serializeUri, uriParam } from '../sip/uri.js';
import type { PhoneAccounts } from './phone-accounts.js';
import type { Binding, RegistrationStore } from './registration-store.js';

export interface RegistrarOptions {
  /** The SIP domain of the addresses of record (and the digest realm). */
  domain: string;
  accounts: PhoneAccounts;
  store: RegistrationStore;
  nonceSecret: Uint8Array;
  site: string;
  minExpiresSeconds?: number;
  maxExpiresSeconds?: number;
  defaultExpiresSeconds?: number;
  /** Contacts one address may have at once (a desk phone and a softphone, say). */
  maxBindingsPerAor?: number;
  now?: () => Date;
}

export interface RegisterOutcome {
  status: number;
  reason?: string;
  headers: [string, string][];
}

export type RegisterSource = Binding['source'];

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export class Registrar {
  private readonly verifier: DigestVerifier;

  constructor(private readonly options: RegistrarOptions) {
    this.verifier = new DigestVerifier({
      realm: options.domain,
      secret: options.nonceSecret,
      algorithm: 'MD5',
      ...(options.now ? { now: () => options.now!().getTime() } : {}),
    });
  }

  async register(request: SipRequest, source: RegisterSource): Promise<RegisterOutcome> {
    const aor = this.addressOfRecord(request);
    if ('status' in aor) return aor;
    const account = this.options.accounts.find(aor.username);

    const header = request.headers.get('Authorization');
    const credentials = header ? parseDigestCredentials(header) : undefined;
    const outcome = credentials
      ? this.verifier.verify(
          credentials,
          'REGISTER',
          credentials.username === aor.username ? account?.password : undefined,
        )
      : undefined;
    if (!outcome || (!outcome.ok && (outcome.reason === 'stale' || outcome.reason === 'unknown-nonce'))) {
      const stale = outcome !== undefined && !outcome.ok && outcome.reason === 'stale';
      return { status: 401, headers: [['WWW-Authenticate', formatChallenge(this.verifier.challenge(stale))]] };
    }
    if (!outcome.ok || !account) return { status: 403, reason: 'Forbidden', headers: [] };

    let contacts: ContactValue[];
    try {
      contacts = request.headers.getAll('Contact').map(parseContact);
    } catch {
      return { status: 400, reason: 'Bad Contact', headers: [] };
    }
    const now = this.now();
    const headerExpires = request.headers.get('Expires');
    const defaultExpires =
      headerExpires !== undefined && /^\d+$/.test(headerExpires.trim())
        ? Number(headerExpires.trim())
        : (this.options.defaultExpiresSeconds ?? 3_600);

    if (contacts.some((contact) => 'wildcard' in contact)) {
      // "*" removes every binding, and only with Expires: 0 and nothing else (§10.3 step 6).
      if (contacts.length !== 1 || defaultExpires !== 0) return { status: 400, reason: 'Bad Wildcard', headers: [] };
      for (const binding of await this.options.store.list(aor.username, now))
        await this.options.store.remove(aor.username, binding.contactUri);
      return this.bindings(aor.username, now);
    }

    const min = this.options.minExpiresSeconds ?? 60;
    const max = this.options.maxExpiresSeconds ?? 3_600;
    const changes: { contactUri: string; expires: number }[] = [];
    for (const contact of contacts as Exclude<ContactValue, { wildcard: true }>[]) {
      const param = contact.params.find((p) => p.name.toLowerCase() === 'expires')?.value;
      const expires = param !== undefined && param !== null && /^\d+$/.test(param) ? Number(param) : defaultExpires;
      if (expires > 0 && expires < min) return { status: 423, headers: [['Min-Expires', String(min)]] };
      changes.push({ contactUri: serializeUri(contact.uri), expires: Math.min(expires, max) });
    }
    const current = await this.options.store.list(aor.username, now);
    const added = changes.filter((c) => c.expires > 0 && !current.some((b) => b.contactUri === c.contactUri));
    const removed = changes.filter((c) => c.expires === 0 && current.some((b) => b.contactUri === c.contactUri));
    if (current.length - removed.length + added.length > (this.options.maxBindingsPerAor ?? 5)) {
      return { status: 403, reason: 'Too Many Contacts', headers: [] };
    }
    for (const change of changes) {
      if (change.expires === 0) {
        await this.options.store.remove(aor.username, change.contactUri);
        continue;
      }
      const earlier = current.find((binding) => binding.contactUri === change.contactUri);
      await this.options.store.put({
        aor: aor.uri,
        username: aor.username,
        agentId: account.agentId,
        contactUri: change.contactUri,
        source,
        userAgent: request.headers.get('User-Agent') ?? '',
        registeredAt: earlier?.registeredAt ?? now.toISOString(),
        expiresAt: new Date(now.getTime() + change.expires * 1000).toISOString(),
        site: this.options.site,
      });
    }
    return this.bindings(aor.username, now);
  }

  /** The 200 of a REGISTER: every live binding of the address with the seconds it has left. */
  private async bindings(username: string, now: Date): Promise<RegisterOutcome> {
    const live = await this.options.store.list(username, now);
    const headers: [string, string][] = live.map((binding) => {
      const left = Math.max(1, Math.round((new Date(binding.expiresAt).getTime() - now.getTime()) / 1000));
      return ['Contact', `<${binding.contactUri}>;expires=${left}`];
    });
    headers.push(['Date', now.toUTCString()]);
    return { status: 200, headers };
  }

  /** The To header's address: a sip: URI with a user, in our domain (or naming us by IP address, as phones do). */
  private addressOfRecord(request: SipRequest): { uri: string; username: string } | RegisterOutcome {
    let to;
    try {
      to = parseNameAddr(request.headers.get('To') ?? '', 'To').uri;
    } catch {
      return { status: 400, reason: 'Bad To', headers: [] };
    }
    if (!isSipUri(to) || !to.user) return { status: 404, reason: 'Not Found', headers: [] };
    const host = to.host.replace(/^\[|\]$/g, '');
    const ours = host.toLowerCase() === this.options.domain.toLowerCase() || IPV4.test(host) || isIpv6(host);
    if (!ours || uriParam(to, 'user') === 'phone') return { status: 404, reason: 'Not Found', headers: [] };
    return { uri: `sip:${to.user}@${this.options.domain}`, username: to.user };
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

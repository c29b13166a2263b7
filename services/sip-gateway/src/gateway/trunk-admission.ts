// The rules a trunk puts on a new call: its digest credentials (401 until answered, 403 when wrong), the dialled
// number (404 when the trunk does not deliver it) and its concurrent-call cap (503). Counts the trunk's live calls.
import { DigestVerifier, formatChallenge, parseDigestCredentials } from '../sip/auth/digest.js';
import type { SipRequest } from '../sip/message.js';
import { isSipUri, isTelUri, parseUri } from '../sip/uri.js';
import type { Trunk } from '../trunks/trunk-config.js';
import type { TrunkDirectory } from '../trunks/trunk-directory.js';

export interface Refusal {
  status: number;
  headers?: [string, string][];
  reason: 'challenged' | 'auth-failed' | 'unknown-number' | 'over-capacity';
}

export class TrunkAdmission {
  private readonly calls = new Map<string, number>();
  private readonly verifiers = new Map<string, DigestVerifier>();

  constructor(
    readonly directory: TrunkDirectory,
    /** The digest realm (the gateway's host). */
    private readonly realm: string,
    private readonly nonceSecret: Uint8Array | undefined,
  ) {}

  /** Undefined when the call may proceed (then call `started`). */
  check(trunk: Trunk, invite: SipRequest): Refusal | undefined {
    if (trunk.inboundCredentials) {
      const verifier = this.verifierFor(trunk);
      const header = invite.headers.get('Authorization');
      const credentials = header ? parseDigestCredentials(header) : undefined;
      const outcome = credentials
        ? verifier.verify(
            credentials,
            'INVITE',
            credentials.username === trunk.inboundCredentials.username ? trunk.inboundCredentials.password : undefined,
          )
        : undefined;
      if (!outcome || (!outcome.ok && (outcome.reason === 'stale' || outcome.reason === 'unknown-nonce'))) {
        const stale = outcome !== undefined && !outcome.ok && outcome.reason === 'stale';
        return {
          status: 401,
          headers: [['WWW-Authenticate', formatChallenge(verifier.challenge(stale))]],
          reason: 'challenged',
        };
      }
      if (!outcome.ok) return { status: 403, reason: 'auth-failed' };
    }
    const uri = parseUri(invite.uri);
    const dialled = isSipUri(uri) ? (uri.user ?? '') : isTelUri(uri) ? uri.number : '';
    if (!this.directory.flowFor(trunk, dialled)) return { status: 404, reason: 'unknown-number' };
    if (!this.hasRoom(trunk)) return { status: 503, headers: [['Retry-After', '5']], reason: 'over-capacity' };
    return undefined;
  }

  /** Whether the trunk can take one more call (inbound and outbound share the cap). */
  hasRoom(trunk: Trunk): boolean {
    return (this.calls.get(trunk.id) ?? 0) < trunk.maxCalls;
  }

  started(trunkId: string): void {
    this.calls.set(trunkId, (this.calls.get(trunkId) ?? 0) + 1);
  }

  ended(trunkId: string): void {
    this.calls.set(trunkId, Math.max(0, (this.calls.get(trunkId) ?? 0) - 1));
  }

  private verifierFor(trunk: Trunk): DigestVerifier {
    let verifier = this.verifiers.get(trunk.id);
    if (!verifier) {
      if (!this.nonceSecret) throw new Error(`trunk ${trunk.id} has credentials but no nonce secret is set`);
      verifier = new DigestVerifier({ realm: this.realm, secret: this.nonceSecret });
      this.verifiers.set(trunk.id, verifier);
    }
    return verifier;
  }
}

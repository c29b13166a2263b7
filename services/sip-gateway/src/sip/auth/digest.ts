// HTTP Digest authentication as SIP uses it (RFC 3261 §22.4, RFC 7616 for SHA-256 and the computation, RFC 8760 for
// SHA-256 in SIP): challenges with self-validating nonces (a timestamp and random bytes signed with HMAC, so any
// replica can check them without shared state), verification with nonce-count replay protection, and the client
// side for trunks that challenge Parley. Each function is small; the server state is the nonce-count table only.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  algorithm: DigestAlgorithm;
  qop?: string;
  opaque?: string;
  stale?: boolean;
}

/** The fields of an Authorization / Proxy-Authorization header (RFC 7616 §3.4). */
export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: DigestAlgorithm;
  cnonce?: string;
  qop?: string;
  nc?: string;
  opaque?: string;
}

const hash = (algorithm: DigestAlgorithm, text: string) =>
  createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
    .update(text)
    .digest('hex');

/** The request-digest of RFC 7616 §3.4.1 (qop=auth) or RFC 2069 (no qop). */
export function digestResponse(
  algorithm: DigestAlgorithm,
  fields: { username: string; realm: string; password: string; method: string; uri: string; nonce: string },
  qop?: { cnonce: string; nc: string },
): string {
  const ha1 = hash(algorithm, `${fields.username}:${fields.realm}:${fields.password}`);
  const ha2 = hash(algorithm, `${fields.method}:${fields.uri}`);
  return qop
    ? hash(algorithm, `${ha1}:${fields.nonce}:${qop.nc}:${qop.cnonce}:auth:${ha2}`)
    : hash(algorithm, `${ha1}:${fields.nonce}:${ha2}`);
}

/** `Digest k=v, k="v", …` → its parameters (names lower-cased), or undefined for another scheme. */
function parseDigestParams(header: string): Map<string, string> | undefined {
  const match = /^\s*Digest\s+(.*)$/is.exec(header);
  if (!match?.[1]) return undefined;
  const fields = new Map<string, string>();
  const pattern = /\s*([A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))\s*(?:,|$)/gy;
  let part: RegExpExecArray | null;
  while ((part = pattern.exec(match[1])) !== null) {
    const name = (part[1] ?? '').toLowerCase();
    fields.set(name, part[2] !== undefined ? part[2].replace(/\\(.)/g, '$1') : (part[3] ?? ''));
  }
  return fields;
}

/** A WWW-Authenticate / Proxy-Authenticate Digest challenge; undefined if malformed or of an unknown algorithm. */
export function parseDigestChallenge(header: string): DigestChallenge | undefined {
  const fields = parseDigestParams(header);
  const realm = fields?.get('realm');
  const nonce = fields?.get('nonce');
  if (!fields || realm === undefined || nonce === undefined) return undefined;
  const algorithm = (fields.get('algorithm') ?? 'MD5').toUpperCase();
  if (algorithm !== 'MD5' && algorithm !== 'SHA-256') return undefined;
  return {
    realm,
    nonce,
    algorithm,
    ...(fields.has('qop') ? { qop: fields.get('qop') as string } : {}),
    ...(fields.has('opaque') ? { opaque: fields.get('opaque') as string } : {}),
    ...(fields.get('stale')?.toUpperCase() === 'TRUE' ? { stale: true } : {}),
  };
}

/** Parses `Digest k=v, k="v", …`; undefined when it is not a Digest header or lacks a required field. */
export function parseDigestCredentials(header: string): DigestCredentials | undefined {
  const fields = parseDigestParams(header);
  if (!fields) return undefined;
  const required = ['username', 'realm', 'nonce', 'uri', 'response'];
  if (required.some((name) => !fields.has(name))) return undefined;
  const algorithm = (fields.get('algorithm') ?? 'MD5').toUpperCase();
  if (algorithm !== 'MD5' && algorithm !== 'SHA-256') return undefined;
  const optional = (name: string) => (fields.has(name) ? { [name]: fields.get(name) as string } : {});
  return {
    username: fields.get('username') as string,
    realm: fields.get('realm') as string,
    nonce: fields.get('nonce') as string,
    uri: fields.get('uri') as string,
    response: (fields.get('response') as string).toLowerCase(),
    algorithm,
    ...optional('cnonce'),
    ...optional('qop'),
    ...optional('nc'),
    ...optional('opaque'),
  };
}

export function formatChallenge(challenge: DigestChallenge): string {
  const parts = [`realm="${challenge.realm}"`, `nonce="${challenge.nonce}"`, `algorithm=${challenge.algorithm}`];
  if (challenge.qop) parts.push(`qop="${challenge.qop}"`);
  if (challenge.opaque) parts.push(`opaque="${challenge.opaque}"`);
  if (challenge.stale) parts.push('stale=TRUE');
  return `Digest ${parts.join(', ')}`;
}

export type VerifyOutcome =
  | { ok: true; username: string }
  /** stale: the nonce was ours but expired — challenge again with stale=TRUE, the client retries silently. */
  | { ok: false; reason: 'malformed' | 'unknown-nonce' | 'stale' | 'replay' | 'realm' | 'wrong-password' };

export interface DigestVerifierOptions {
  realm: string;
  /** Signs nonces; every replica of the gateway uses the same secret. */
  secret: Uint8Array;
  /** How long a nonce is good for (default 5 min). */
  nonceLifetimeMs?: number;
  algorithm?: DigestAlgorithm;
  now?: () => number;
}

/** Issues and checks challenges for one realm. */
export class DigestVerifier {
  /** Highest nonce-count seen per nonce, dropped with the nonce's lifetime. */
  private readonly counts = new Map<string, { nc: number; expires: number }>();

  constructor(private readonly options: DigestVerifierOptions) {}

  private get now(): number {
    return this.options.now?.() ?? Date.now();
  }

  challenge(stale = false): DigestChallenge {
    const issued = Buffer.alloc(8);
    issued.writeBigUInt64BE(BigInt(this.now));
    const body = Buffer.concat([issued, randomBytes(12)]);
    const nonce = Buffer.concat([body, this.sign(body)]).toString('base64url');
    return {
      realm: this.options.realm,
      nonce,
      algorithm: this.options.algorithm ?? 'SHA-256',
      qop: 'auth',
      ...(stale ? { stale: true } : {}),
    };
  }

  /**
   * Checks credentials against the password of their user (looked up by the caller, e.g. an agent's SIP account).
   * With qop=auth each nonce-count may be used once, in increasing order: a captured request cannot be replayed.
   */
  verify(credentials: DigestCredentials, method: string, password: string | undefined): VerifyOutcome {
    if (credentials.realm !== this.options.realm) return { ok: false, reason: 'realm' };
    const issuedAt = this.issuedAt(credentials.nonce);
    if (issuedAt === undefined) return { ok: false, reason: 'unknown-nonce' };
    const lifetime = this.options.nonceLifetimeMs ?? 300_000;
    if (this.now - issuedAt > lifetime) return { ok: false, reason: 'stale' };
    if (password === undefined) return { ok: false, reason: 'wrong-password' }; // unknown user: same answer
    const qop = credentials.qop?.toLowerCase();
    if (qop !== undefined && (qop !== 'auth' || !credentials.cnonce || !/^[0-9a-f]{8}$/i.test(credentials.nc ?? '')))
      return { ok: false, reason: 'malformed' };
    const expected = digestResponse(
      credentials.algorithm,
      { ...credentials, password, method },
      qop ? { cnonce: credentials.cnonce as string, nc: credentials.nc as string } : undefined,
    );
    if (!safeEqual(expected, credentials.response)) return { ok: false, reason: 'wrong-password' };
    // Replay protection: with qop the count must grow; without it a nonce is good for one request only.
    const nc = qop ? Number.parseInt(credentials.nc as string, 16) : Number.MAX_SAFE_INTEGER;
    const seen = this.counts.get(credentials.nonce);
    if (seen && nc <= seen.nc) return { ok: false, reason: 'replay' };
    this.counts.set(credentials.nonce, { nc, expires: issuedAt + lifetime });
    this.forgetExpired();
    return { ok: true, username: credentials.username };
  }

  private issuedAt(nonce: string): number | undefined {
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== 8 + 12 + 32) return undefined;
    const body = raw.subarray(0, 20);
    if (!timingSafeEqual(raw.subarray(20), this.sign(body))) return undefined;
    return Number(body.readBigUInt64BE(0));
  }

  private sign(body: Uint8Array): Buffer {
    return createHmac('sha256', this.options.secret).update(body).digest();
  }

  private forgetExpired(): void {
    if (this.counts.size < 10_000) return;
    const now = this.now;
    for (const [nonce, entry] of this.counts) if (entry.expires < now) this.counts.delete(nonce);
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The client side: the Authorization value answering `challenge` for a request (trunks that challenge Parley). */
export function authorize(
  challenge: DigestChallenge,
  account: { username: string; password: string },
  request: { method: string; uri: string },
  nc = 1,
  cnonce = randomBytes(12).toString('base64url'),
): string {
  const useQop = (challenge.qop ?? '')
    .split(',')
    .map((q) => q.trim().toLowerCase())
    .includes('auth');
  const count = nc.toString(16).padStart(8, '0');
  const response = digestResponse(
    challenge.algorithm,
    {
      username: account.username,
      realm: challenge.realm,
      password: account.password,
      ...request,
      nonce: challenge.nonce,
    },
    useQop ? { cnonce, nc: count } : undefined,
  );
  const parts = [
    `username="${account.username}"`,
    `realm="${challenge.realm}"`,
    `nonce="${challenge.nonce}"`,
    `uri="${request.uri}"`,
    `response="${response}"`,
    `algorithm=${challenge.algorithm}`,
  ];
  if (useQop) parts.push(`qop=auth`, `nc=${count}`, `cnonce="${cnonce}"`);
  if (challenge.opaque) parts.push(`opaque="${challenge.opaque}"`);
  return `Digest ${parts.join(', ')}`;
}

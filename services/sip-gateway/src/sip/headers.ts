// Header fields in wire order with case-insensitive look-up; compact forms (RFC 3261 §7.3.3 and later RFCs) and
// known names are normalised to one canonical spelling when a message is parsed or a field is added.

/** Compact form → full name (RFC 3261 §7.3.3 and the registry of later RFCs: RFC 3515 r, RFC 4028 x, ...). */
const COMPACT: Record<string, string> = {
  a: 'Accept-Contact',
  b: 'Referred-By',
  c: 'Content-Type',
  d: 'Request-Disposition',
  e: 'Content-Encoding',
  f: 'From',
  i: 'Call-ID',
  j: 'Reject-Contact',
  k: 'Supported',
  l: 'Content-Length',
  m: 'Contact',
  o: 'Event',
  r: 'Refer-To',
  s: 'Subject',
  t: 'To',
  u: 'Allow-Events',
  v: 'Via',
  x: 'Session-Expires',
  y: 'Identity',
};

const KNOWN = [
  'Accept',
  'Accept-Encoding',
  'Accept-Language',
  'Alert-Info',
  'Allow',
  'Authentication-Info',
  'Authorization',
  'Call-ID',
  'Call-Info',
  'Contact',
  'Content-Disposition',
  'Content-Encoding',
  'Content-Language',
  'Content-Length',
  'Content-Type',
  'CSeq',
  'Date',
  'Error-Info',
  'Expires',
  'From',
  'In-Reply-To',
  'Max-Forwards',
  'Min-Expires',
  'MIME-Version',
  'Organization',
  'Priority',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'Proxy-Require',
  'Record-Route',
  'Reply-To',
  'Require',
  'Retry-After',
  'Route',
  'Server',
  'Subject',
  'Supported',
  'Timestamp',
  'To',
  'Unsupported',
  'User-Agent',
  'Via',
  'Warning',
  'WWW-Authenticate',
  'RAck',
  'RSeq',
  'Path',
  'Service-Route',
  'Reason',
  'Min-SE',
  'P-Asserted-Identity',
  'P-Preferred-Identity',
  'Privacy',
  'Replaces',
  'Content-Transfer-Encoding',
  ...Object.values(COMPACT),
];
const CANONICAL = new Map(KNOWN.map((name) => [name.toLowerCase(), name]));

/** The canonical spelling of a header name: compact forms expanded, known names in their RFC case. */
export function canonicalHeaderName(name: string): string {
  if (name.length === 1) {
    const full = COMPACT[name.toLowerCase()];
    if (full) return full;
  }
  return CANONICAL.get(name.toLowerCase()) ?? name;
}

/**
 * Headers whose values are comma-separated lists (RFC 3261 §7.3.1): a line holding several values is split into
 * one field per value. Others (From, Subject, unknown extension headers, the authentication headers whose values
 * contain commas) are kept whole.
 */
export const LIST_HEADERS = new Set(
  [
    'Accept',
    'Accept-Encoding',
    'Accept-Language',
    'Alert-Info',
    'Allow',
    'Call-Info',
    'Contact',
    'Content-Encoding',
    'Content-Language',
    'Error-Info',
    'In-Reply-To',
    'Proxy-Require',
    'Record-Route',
    'Require',
    'Route',
    'Supported',
    'Unsupported',
    'Via',
    'Warning',
    'Path',
    'Service-Route',
    'Allow-Events',
    'Accept-Contact',
    'Reject-Contact',
    'Reason',
    'P-Asserted-Identity',
    'P-Preferred-Identity',
  ].map((n) => n.toLowerCase()),
);

/** Headers that may appear at most once (RFC 4475 §3.3.8 multi01, §3.3.9 mcl01). */
export const SINGLE_HEADERS = new Set(
  ['Call-ID', 'CSeq', 'From', 'To', 'Max-Forwards', 'Content-Length', 'Content-Type'].map((n) => n.toLowerCase()),
);

export interface HeaderField {
  name: string;
  value: string;
}

/** Ordered header fields; names compare case-insensitively. One field per value for list headers. */
export class Headers {
  readonly fields: HeaderField[];

  constructor(fields: Iterable<HeaderField> = []) {
    this.fields = [...fields].map((f) => ({ name: canonicalHeaderName(f.name), value: f.value }));
  }

  get(name: string): string | undefined {
    const lower = canonicalHeaderName(name).toLowerCase();
    return this.fields.find((f) => f.name.toLowerCase() === lower)?.value;
  }

  getAll(name: string): string[] {
    const lower = canonicalHeaderName(name).toLowerCase();
    return this.fields.filter((f) => f.name.toLowerCase() === lower).map((f) => f.value);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  append(name: string, value: string): this {
    this.fields.push({ name: canonicalHeaderName(name), value });
    return this;
  }

  /** Replaces the first field of that name in place (keeping its position) and drops the others, or appends. */
  set(name: string, value: string): this {
    const canonical = canonicalHeaderName(name);
    const lower = canonical.toLowerCase();
    const first = this.fields.findIndex((f) => f.name.toLowerCase() === lower);
    if (first < 0) return this.append(canonical, value);
    this.fields[first] = { name: canonical, value };
    for (let i = this.fields.length - 1; i > first; i--) {
      if ((this.fields[i] as HeaderField).name.toLowerCase() === lower) this.fields.splice(i, 1);
    }
    return this;
  }

  delete(name: string): this {
    const lower = canonicalHeaderName(name).toLowerCase();
    for (let i = this.fields.length - 1; i >= 0; i--) {
      if ((this.fields[i] as HeaderField).name.toLowerCase() === lower) this.fields.splice(i, 1);
    }
    return this;
  }

  clone(): Headers {
    return new Headers(this.fields);
  }
}

// URIs in SIP (RFC 3261 §19.1, §25.1; tel: RFC 3966): parsed into parts with %-escapes decoded, serialized back
// with canonical escaping, so parseUri(serializeUri(u)) equals u.
import {
  DIGITS,
  HEX,
  HNV_UNRESERVED,
  PARAM_UNRESERVED,
  PASSWORD_EXTRA,
  UNRESERVED,
  USER_UNRESERVED,
  fail,
} from './grammar.js';

export interface UriParam {
  name: string;
  /** null for a parameter without a value (";lr"). */
  value: string | null;
}

export interface SipUri {
  scheme: 'sip' | 'sips';
  /** Decoded user part ("%75ser" → "user"); undefined when the URI has no userinfo. */
  user?: string;
  password?: string;
  /** Hostname or IPv4 address, or an IPv6 reference with its brackets ("[2001:db8::1]"). */
  host: string;
  port?: number;
  params: UriParam[];
  headers: UriParam[];
}

export interface TelUri {
  scheme: 'tel';
  /** The telephone-subscriber's number: "+1-201-555-0123" (global) or "7042" (local). */
  number: string;
  params: UriParam[];
}

/** Any other absoluteURI (RFC 3261 allows them in the Request-URI and name-addr), kept opaque. */
export interface AbsoluteUri {
  scheme: string;
  opaque: string;
}

export type Uri = SipUri | TelUri | AbsoluteUri;

export function isSipUri(uri: Uri): uri is SipUri {
  return uri.scheme === 'sip' || uri.scheme === 'sips';
}

export function isTelUri(uri: Uri): uri is TelUri {
  return uri.scheme === 'tel';
}

/** Case-insensitive URI parameter look-up: undefined when absent, null when present without a value. */
export function uriParam(uri: SipUri | TelUri, name: string): string | null | undefined {
  const lower = name.toLowerCase();
  return uri.params.find((p) => p.name.toLowerCase() === lower)?.value;
}

function decode(text: string, allowed: (c: string) => boolean, what: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '%') {
      const h1 = text[i + 1];
      const h2 = text[i + 2];
      if (h1 === undefined || h2 === undefined || !HEX.has(h1) || !HEX.has(h2)) {
        fail('PARLEY_SIP_BAD_URI', `bad escape in URI ${what}`);
      }
      bytes.push(parseInt(h1 + h2, 16));
      i += 2;
    } else if (allowed(c)) {
      for (const b of encoder.encode(c)) bytes.push(b);
    } else {
      fail('PARLEY_SIP_BAD_URI', `bad character in URI ${what}`);
    }
  }
  // Escapes may spell any octets (escnull: %00); latin1 keeps non-UTF-8 octets one-to-one, UTF-8 is tried first.
  const buffer = Uint8Array.from(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    return Buffer.from(buffer).toString('latin1');
  }
}

function encode(text: string, allowed: (c: string) => boolean): string {
  let out = '';
  for (const c of text) {
    if (c !== '%' && c.charCodeAt(0) < 0x80 && allowed(c)) out += c;
    else for (const b of new TextEncoder().encode(c)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const userChar = (c: string): boolean => UNRESERVED.has(c) || USER_UNRESERVED.has(c);
const passwordChar = (c: string): boolean => UNRESERVED.has(c) || PASSWORD_EXTRA.has(c);
const paramChar = (c: string): boolean => UNRESERVED.has(c) || PARAM_UNRESERVED.has(c);
const headerChar = (c: string): boolean => UNRESERVED.has(c) || HNV_UNRESERVED.has(c);

const HOSTNAME = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.)*[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.?$/;
const IPV4 = /^(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;

export function isIpv6(text: string): boolean {
  // RFC 3261's IPv6address: hex groups, at most one "::", optionally ending in an IPv4 address.
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return false;
  const doubleColons = text.split('::').length - 1;
  if (doubleColons > 1) return false;
  let groups = text.split(':');
  const last = groups[groups.length - 1] as string;
  let ipv4Groups = 0;
  if (last.includes('.')) {
    if (!IPV4.test(last)) return false;
    groups = groups.slice(0, -1);
    ipv4Groups = 2;
  }
  const filled = groups.filter((g) => g.length > 0);
  if (!filled.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const total = filled.length + ipv4Groups;
  if (doubleColons === 0) return total === 8 && groups.every((g) => g.length > 0);
  // With "::" only the groups around it may be empty; ":::" and a lone leading/trailing ":" are invalid.
  if (/:::/.test(text) || /^:[^:]/.test(text) || /[^:]:$/.test(text)) return false;
  return total <= 7;
}

/** host = hostname / IPv4address / IPv6reference */
export function isHost(host: string): boolean {
  if (host.startsWith('[')) return host.endsWith(']') && isIpv6(host.slice(1, -1));
  return IPV4.test(host) || HOSTNAME.test(host);
}

/** Parses host [":" port]; the caller has already taken whitespace off. */
export function parseHostPort(text: string, what: string): { host: string; port?: number } {
  let host: string;
  let rest: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) fail('PARLEY_SIP_BAD_URI', `bad IPv6 reference in ${what}`);
    host = text.slice(0, close + 1);
    rest = text.slice(close + 1);
  } else {
    const colon = text.indexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    rest = colon < 0 ? '' : text.slice(colon);
  }
  if (!isHost(host)) fail('PARLEY_SIP_BAD_URI', `bad host in ${what}`);
  if (rest === '') return { host };
  const portText = rest.slice(1);
  if (!rest.startsWith(':') || !DIGITS.test(portText) || portText.length > 5 || Number(portText) > 65535) {
    fail('PARLEY_SIP_BAD_URI', `bad port in ${what}`);
  }
  return { host, port: Number(portText) };
}

function parseParams(text: string, what: string): UriParam[] {
  if (text === '') return [];
  return text.split(';').map((part) => {
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    if (rawName === '') fail('PARLEY_SIP_BAD_URI', `empty parameter in ${what}`);
    const name = decode(rawName, paramChar, what);
    if (eq < 0) return { name, value: null };
    const rawValue = part.slice(eq + 1);
    if (rawValue === '') fail('PARLEY_SIP_BAD_URI', `empty parameter value in ${what}`);
    return { name, value: decode(rawValue, paramChar, what) };
  });
}

function parseHeaders(text: string, what: string): UriParam[] {
  return text.split('&').map((part) => {
    const eq = part.indexOf('=');
    if (eq <= 0) fail('PARLEY_SIP_BAD_URI', `bad header in ${what}`);
    return { name: decode(part.slice(0, eq), headerChar, what), value: decode(part.slice(eq + 1), headerChar, what) };
  });
}

function parseSipUri(scheme: 'sip' | 'sips', rest: string, what: string): SipUri {
  const uri: SipUri = { scheme, host: '', params: [], headers: [] };
  let hostPart = rest;
  const at = rest.indexOf('@');
  if (at >= 0) {
    // '@' cannot appear unescaped anywhere but after the userinfo (user, password, params and headers exclude it).
    if (rest.indexOf('@', at + 1) >= 0) fail('PARLEY_SIP_BAD_URI', `bad userinfo in ${what}`);
    const userinfo = rest.slice(0, at);
    hostPart = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    const rawUser = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (rawUser === '') fail('PARLEY_SIP_BAD_URI', `empty user in ${what}`);
    uri.user = decode(rawUser, userChar, what);
    if (colon >= 0) uri.password = decode(userinfo.slice(colon + 1), passwordChar, what);
  }
  const question = hostPart.indexOf('?');
  const beforeHeaders = question < 0 ? hostPart : hostPart.slice(0, question);
  if (question >= 0) uri.headers = parseHeaders(hostPart.slice(question + 1), what);
  const semi = beforeHeaders.indexOf(';');
  const hostport = semi < 0 ? beforeHeaders : beforeHeaders.slice(0, semi);
  if (semi >= 0) uri.params = parseParams(beforeHeaders.slice(semi + 1), what);
  const { host, port } = parseHostPort(hostport, what);
  uri.host = host;
  if (port !== undefined) uri.port = port;
  return uri;
}

const TEL_NUMBER = /^(?:\+[0-9\-.()]*[0-9][0-9\-.()]*|[0-9A-Fa-f*#\-.()]*[0-9A-Fa-f*#][0-9A-Fa-f*#\-.()]*)$/;

function parseTelUri(rest: string, what: string): TelUri {
  const semi = rest.indexOf(';');
  const number = semi < 0 ? rest : rest.slice(0, semi);
  if (!TEL_NUMBER.test(number)) fail('PARLEY_SIP_BAD_URI', `bad telephone number in ${what}`);
  return { scheme: 'tel', number, params: semi < 0 ? [] : parseParams(rest.slice(semi + 1), what) };
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+\-.]*$/;

/** Parses a URI as written in a Request-URI or inside <...>; `what` names where it came from, for the error. */
export function parseUri(text: string, what = 'URI'): Uri {
  const colon = text.indexOf(':');
  if (colon <= 0) fail('PARLEY_SIP_BAD_URI', `no scheme in ${what}`);
  const scheme = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (!SCHEME.test(scheme)) fail('PARLEY_SIP_BAD_URI', `bad scheme in ${what}`);
  // eslint-disable-next-line no-control-regex -- the grammar excludes exactly these control characters
  if (rest === '' || /[\s\x00-\x1f\x7f]/.test(rest)) fail('PARLEY_SIP_BAD_URI', `bad ${what}`);
  const lower = scheme.toLowerCase();
  if (lower === 'sip' || lower === 'sips') return parseSipUri(lower, rest, what);
  if (lower === 'tel') return parseTelUri(rest, what);
  if (/[<>"]/.test(rest)) fail('PARLEY_SIP_BAD_URI', `bad ${what}`);
  return { scheme, opaque: rest };
}

function serializeParams(params: readonly UriParam[]): string {
  return params
    .map((p) => `;${encode(p.name, paramChar)}${p.value === null ? '' : `=${encode(p.value, paramChar)}`}`)
    .join('');
}

export function serializeUri(uri: Uri): string {
  if (isSipUri(uri)) {
    let out = `${uri.scheme}:`;
    if (uri.user !== undefined) {
      out += encode(uri.user, userChar);
      if (uri.password !== undefined) out += `:${encode(uri.password, passwordChar)}`;
      out += '@';
    }
    out += uri.host;
    if (uri.port !== undefined) out += `:${uri.port}`;
    out += serializeParams(uri.params);
    if (uri.headers.length > 0) {
      out += `?${uri.headers.map((h) => `${encode(h.name, headerChar)}=${encode(h.value ?? '', headerChar)}`).join('&')}`;
    }
    return out;
  }
  if (isTelUri(uri)) return `tel:${uri.number}${serializeParams(uri.params)}`;
  return `${uri.scheme}:${uri.opaque}`;
}

// name-addr / addr-spec with header parameters (RFC 3261 §20.10, §20.20, §20.39, §25.1): the values of From, To,
// Contact, Route, Record-Route, Reply-To and the like.
import {
  type GenericParam,
  TOKEN,
  fail,
  isWsp,
  parseGenericParams,
  quoteString,
  readQuotedString,
  serializeGenericParams,
  skipWsp,
  trimLws,
} from './grammar.js';
import { type Uri, parseUri, serializeUri } from './uri.js';

export interface NameAddr {
  /** Unquoted, unescaped display name; undefined when there is none. */
  displayName?: string;
  uri: Uri;
  params: GenericParam[];
}

export interface ParseNameAddrOptions {
  /** Route and Record-Route take only the <...> form. */
  requireAngleBrackets?: boolean;
}

/** Parses one (already comma-split) value: [display-name] <URI> *(;param), or URI *(;param). */
export function parseNameAddr(value: string, what: string, options: ParseNameAddrOptions = {}): NameAddr {
  let i = skipWsp(value, 0);
  let displayName: string | undefined;
  if (value[i] === '"') {
    const quoted = readQuotedString(value, i, what);
    displayName = quoted.text;
    i = skipWsp(value, quoted.end);
    if (value[i] !== '<') fail('PARLEY_SIP_BAD_HEADER_VALUE', `bad name-addr in ${what}`);
  } else {
    const angle = value.indexOf('<', i);
    if (angle >= 0) {
      // display-name = *(token LWS): tokens separated by whitespace. RFC 4475 §3.1.1.6 (lwsdisp) asks parsers to
      // accept a token directly followed by "<", which RFC 3261's grammar forgot.
      const words = value.slice(i, angle);
      let j = 0;
      while (j < words.length) {
        if (!TOKEN.has(words[j] as string) && !isWsp(words[j])) {
          fail('PARLEY_SIP_BAD_HEADER_VALUE', `bad display name in ${what}`);
        }
        j++;
      }
      const trimmed = trimLws(words);
      if (trimmed.length > 0) displayName = trimmed;
      i = angle;
    }
  }
  let uri: Uri;
  if (value[i] === '<') {
    const close = value.indexOf('>', i);
    if (close < 0) fail('PARLEY_SIP_BAD_HEADER_VALUE', `unterminated <URI> in ${what}`);
    // No whitespace inside the brackets (RFC 4475 §3.1.2.14, badaspec).
    uri = parseUri(value.slice(i + 1, close), what);
    i = close + 1;
  } else {
    if (options.requireAngleBrackets) fail('PARLEY_SIP_BAD_HEADER_VALUE', `${what} needs <URI>`);
    // addr-spec form: the URI ends at the first ";" (what follows are header parameters) and may contain neither
    // "?" nor "," (RFC 3261 §20: such URIs must be enclosed in <>).
    let j = i;
    while (j < value.length && value[j] !== ';' && !isWsp(value[j])) j++;
    const text = value.slice(i, j);
    if (text.includes('?') || text.includes(',')) fail('PARLEY_SIP_BAD_HEADER_VALUE', `${what} URI needs <>`);
    uri = parseUri(text, what);
    i = j;
  }
  const params = parseGenericParams(value, i, what);
  const result: NameAddr = { uri, params };
  if (displayName !== undefined) result.displayName = displayName;
  return result;
}

/** Canonical form: quoted display name if any, URI always in <>, then parameters. */
export function serializeNameAddr(nameAddr: NameAddr): string {
  const display = nameAddr.displayName === undefined ? '' : `${quoteString(nameAddr.displayName)} `;
  return `${display}<${serializeUri(nameAddr.uri)}>${serializeGenericParams(nameAddr.params)}`;
}

export type ContactValue = NameAddr | { wildcard: true; params: GenericParam[] };

/** Contact: "*" (with only expires, RFC 3261 §10.2.2) or a name-addr/addr-spec. */
export function parseContact(value: string): ContactValue {
  const trimmed = trimLws(value);
  if (trimmed.startsWith('*')) return { wildcard: true, params: parseGenericParams(trimmed, 1, 'Contact') };
  return parseNameAddr(value, 'Contact');
}

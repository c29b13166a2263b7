// Character classes and small scanners from RFC 3261 §25.1 shared by the start-line, URI and header parsers.
import { SipParseError, type SipErrorCode } from './errors.js';

const set = (chars: string): Set<string> => new Set(chars.split(''));
const ALPHANUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" ) */
export const TOKEN = set(ALPHANUM + "-.!%*_+`'~");
/** word (Call-ID) = token characters plus ( ) < > : \ DQUOTE / [ ] ? { } */
export const WORD = set(ALPHANUM + '-.!%*_+`\'~()<>:\\"/[]?{}');
/** unreserved = alphanum / mark */
export const UNRESERVED = set(ALPHANUM + "-_.!~*'()");
export const USER_UNRESERVED = set('&=+$,;?/');
export const PASSWORD_EXTRA = set('&=+$,');
export const PARAM_UNRESERVED = set('[]/:&+$');
export const HNV_UNRESERVED = set('[]/?:+$');
export const HEX = set('0123456789abcdefABCDEF');
export const DIGITS = /^[0-9]+$/;

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (const c of s) if (!TOKEN.has(c)) return false;
  return true;
}

/** Strips SP and HTAB only: String.prototype.trim would also eat U+FEFF and other Unicode spaces in values. */
export function trimLws(s: string): string {
  return s.replace(/^[ \t]+|[ \t]+$/g, '');
}

export function isWsp(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

export function fail(code: SipErrorCode, reason: string): never {
  throw new SipParseError(code, reason);
}

/**
 * Splits a header value at commas that are not inside a quoted string or <...> (RFC 3261 §7.3.1). Returns the
 * trimmed elements; the caller decides whether an empty element is an error.
 */
export function splitTopLevel(value: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let inQuotes = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (inQuotes) {
      if (c === '\\') i++;
      else if (c === '"') inQuotes = false;
    } else if (c === '"') inQuotes = true;
    else if (c === '<') inAngle = true;
    else if (c === '>') inAngle = false;
    else if (c === separator && !inAngle) {
      parts.push(trimLws(value.slice(start, i)));
      start = i + 1;
    }
  }
  parts.push(trimLws(value.slice(start)));
  return parts;
}

/**
 * Reads a quoted-string starting at value[start] === '"'. Returns the unescaped content and the index after the
 * closing quote. quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F).
 */
export function readQuotedString(value: string, start: number, what: string): { text: string; end: number } {
  let text = '';
  for (let i = start + 1; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '"') return { text, end: i + 1 };
    if (c === '\\') {
      const next = value[i + 1];
      if (next === undefined || next === '\r' || next === '\n' || next.charCodeAt(0) > 0x7f) {
        fail('PARLEY_SIP_BAD_HEADER_VALUE', `bad escape in quoted string in ${what}`);
      }
      text += next;
      i++;
    } else {
      text += c;
    }
  }
  return fail('PARLEY_SIP_BAD_HEADER_VALUE', `unterminated quoted string in ${what}`);
}

export function quoteString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function skipWsp(value: string, i: number): number {
  while (isWsp(value[i])) i++;
  return i;
}

/** A generic-param as it appears in headers: name, and the value as written (a quoted value keeps its quotes). */
export interface GenericParam {
  name: string;
  value: string | null;
}

/** Case-insensitive parameter look-up: undefined when absent, null when present without a value. */
export function getParam(params: readonly GenericParam[], name: string): string | null | undefined {
  const lower = name.toLowerCase();
  return params.find((p) => p.name.toLowerCase() === lower)?.value;
}

// ':' admits Via received=IPv6address (RFC 3261 §20.42 writes it without brackets).
const HOST_CHARS = set(ALPHANUM + '-.:');

/**
 * Parses `*( SEMI generic-param )` from value[start..]. SEMI = SWS ";" SWS, EQUAL = SWS "=" SWS;
 * gen-value = token / host / quoted-string.
 */
export function parseGenericParams(value: string, start: number, what: string): GenericParam[] {
  const params: GenericParam[] = [];
  let i = skipWsp(value, start);
  while (i < value.length) {
    if (value[i] !== ';') fail('PARLEY_SIP_BAD_HEADER_VALUE', `bad parameters in ${what}`);
    i = skipWsp(value, i + 1);
    let j = i;
    while (j < value.length && TOKEN.has(value[j] as string)) j++;
    const name = value.slice(i, j);
    if (name.length === 0) fail('PARLEY_SIP_BAD_HEADER_VALUE', `empty parameter in ${what}`);
    i = skipWsp(value, j);
    let paramValue: string | null = null;
    if (value[i] === '=') {
      i = skipWsp(value, i + 1);
      if (value[i] === '"') {
        const quoted = readQuotedString(value, i, what);
        paramValue = value.slice(i, quoted.end);
        i = quoted.end;
      } else if (value[i] === '[') {
        const close = value.indexOf(']', i);
        if (close < 0) fail('PARLEY_SIP_BAD_HEADER_VALUE', `bad IPv6 parameter value in ${what}`);
        paramValue = value.slice(i, close + 1);
        if (!/^\[[0-9a-fA-F:.]+\]$/.test(paramValue)) fail('PARLEY_SIP_BAD_HEADER_VALUE', `bad parameter in ${what}`);
        i = close + 1;
      } else {
        j = i;
        while (j < value.length && (TOKEN.has(value[j] as string) || HOST_CHARS.has(value[j] as string))) j++;
        paramValue = value.slice(i, j);
        if (paramValue.length === 0) fail('PARLEY_SIP_BAD_HEADER_VALUE', `empty parameter value in ${what}`);
        i = j;
      }
    }
    params.push({ name, value: paramValue });
    i = skipWsp(value, i);
  }
  return params;
}

export function serializeGenericParams(params: readonly GenericParam[]): string {
  return params.map((p) => (p.value === null ? `;${p.name}` : `;${p.name}=${p.value}`)).join('');
}

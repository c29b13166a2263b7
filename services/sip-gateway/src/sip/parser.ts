// Parses one SIP message from bytes (RFC 3261 §7, §18.3, §25): start line, headers with folding and comma lists,
// the headers the stack relies on checked against their grammar, body framed by Content-Length.
import { SipParseError } from './errors.js';
import { fail, isToken, splitTopLevel, trimLws } from './grammar.js';
import { type HeaderField, Headers, LIST_HEADERS, SINGLE_HEADERS, canonicalHeaderName } from './headers.js';
import { type SipMessage, SIP_VERSION } from './message.js';
import { parseContact, parseNameAddr } from './name-addr.js';
import { parseCSeq, parseCallId, parseContentLength, parseMaxForwards } from './scalar-headers.js';
import { isSipUri, parseUri } from './uri.js';
import { parseVia } from './via.js';

export interface SipLimits {
  /** Whole message, header section and body (a UDP datagram is at most 65,507 bytes anyway). */
  maxMessageBytes: number;
  /** Start line and header section up to the empty line. */
  maxHeaderBytes: number;
  /** Header fields, counted after comma-separated values are split. */
  maxHeaders: number;
}

export const defaultSipLimits: SipLimits = { maxMessageBytes: 65_535, maxHeaderBytes: 32_768, maxHeaders: 256 };

export interface ParseOptions {
  /**
   * datagram (UDP): the buffer is the whole datagram; a body shorter than Content-Length is an error, bytes past it
   * are ignored, and without Content-Length the body is the rest (RFC 3261 §18.3). stream (TCP/TLS): the buffer is
   * one frame from SipStreamFramer; Content-Length is mandatory.
   */
  transport?: 'datagram' | 'stream';
  limits?: Partial<SipLimits>;
}

const CR = 0x0d;
const LF = 0x0a;

/** Index of the CRLFCRLF ending the header section at or after `from`, or -1. */
export function findHeaderEnd(data: Uint8Array, from: number): number {
  for (let i = from; i + 3 < data.length; i++) {
    if (data[i] === CR && data[i + 1] === LF && data[i + 2] === CR && data[i + 3] === LF) return i;
  }
  return -1;
}

/** Number of bytes of CRLF pairs at `from` (stream keep-alives, and CRLFs allowed before a start line). */
export function leadingCrlfBytes(data: Uint8Array, from: number): number {
  let i = from;
  while (data[i] === CR && data[i + 1] === LF) i += 2;
  return i - from;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Splits a header section into logical lines: CRLF line ends, folded continuation lines joined with one SP. */
export function headerLines(head: string): string[] {
  const lines: string[] = [];
  for (const line of head.split('\r\n')) {
    if (line.includes('\r') || line.includes('\n')) fail('PARLEY_SIP_BAD_LINE_ENDING', 'bare CR or LF');
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (lines.length < 2) fail('PARLEY_SIP_MALFORMED_START_LINE', 'whitespace before start line or header');
      lines[lines.length - 1] = `${(lines[lines.length - 1] as string).replace(/[ \t]+$/, '')} ${trimLws(line)}`;
    } else {
      lines.push(line);
    }
  }
  return lines;
}

const HEADER_LINE = /^([^:]*?)[ \t]*:[ \t]*(.*)$/s;

/** Splits one header line into its name and trimmed value. */
export function splitHeaderLine(line: string): HeaderField {
  const match = HEADER_LINE.exec(line);
  const name = match?.[1];
  if (match === null || name === undefined || !isToken(name)) fail('PARLEY_SIP_MALFORMED_HEADER', 'bad header line');
  return { name: canonicalHeaderName(name), value: trimLws(match[2] as string) };
}

const VERSION = /^SIP\/[0-9]+\.[0-9]+$/i;

function checkVersion(version: string): string {
  if (!VERSION.test(version)) fail('PARLEY_SIP_MALFORMED_START_LINE', 'bad SIP version');
  if (version.toUpperCase() !== SIP_VERSION) fail('PARLEY_SIP_VERSION_NOT_SUPPORTED', 'SIP version not supported');
  return SIP_VERSION;
}

type StartLine =
  | { kind: 'request'; method: string; uri: string; version: string }
  | { kind: 'response'; version: string; status: number; reason: string };

function parseStartLine(line: string): StartLine {
  if (/^SIP\/[0-9]/i.test(line)) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase; the second SP is required even when the
    // Reason-Phrase is empty (RFC 4475 §3.1.1.13).
    const match = /^(\S+) ([0-9]{3}) (.*)$/s.exec(line);
    if (!match) fail('PARLEY_SIP_MALFORMED_START_LINE', 'bad Status-Line');
    const [, version, status, reason] = match as unknown as [string, string, string, string];
    const code = Number(status);
    if (code < 100 || code > 699) fail('PARLEY_SIP_MALFORMED_START_LINE', 'bad status code');
    // Reason-Phrase excludes control characters other than HTAB.
    // eslint-disable-next-line no-control-regex -- the grammar excludes exactly these control characters
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(reason)) fail('PARLEY_SIP_MALFORMED_START_LINE', 'bad Reason-Phrase');
    return { kind: 'response', version: checkVersion(version), status: code, reason };
  }
  // Request-Line = Method SP Request-URI SP SIP-Version: exactly one SP between the three, none around them
  // (RFC 4475 §3.1.2.8-10: lwsruri, lwsstart, trws are rejected rather than repaired).
  const parts = line.split(' ');
  if (parts.length !== 3 || parts.some((p) => p.length === 0))
    fail('PARLEY_SIP_MALFORMED_START_LINE', 'bad Request-Line');
  const [method, uri, version] = parts as [string, string, string];
  if (!isToken(method)) fail('PARLEY_SIP_MALFORMED_START_LINE', 'bad method');
  if (!VERSION.test(version)) fail('PARLEY_SIP_MALFORMED_START_LINE', 'bad SIP version');
  const parsed = parseUri(uri, 'Request-URI');
  // RFC 3261 §19.1.1 table: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11, escruri).
  if (isSipUri(parsed) && parsed.headers.length > 0) fail('PARLEY_SIP_BAD_URI', 'headers in Request-URI');
  return { kind: 'request', method, uri, version: checkVersion(version) };
}

const MANDATORY = ['Via', 'From', 'To', 'Call-ID', 'CSeq'];

/** Header → grammar check, in the order errors are reported (CSeq first: RFC 4475 §3.1.2.4 names it). */
const VALIDATORS: [string, (value: string) => unknown][] = [
  ['CSeq', parseCSeq],
  ['Call-ID', parseCallId],
  ['From', (v) => parseNameAddr(v, 'From')],
  ['To', (v) => parseNameAddr(v, 'To')],
  ['Via', parseVia],
  ['Max-Forwards', parseMaxForwards],
  ['Content-Length', parseContentLength],
  ['Contact', parseContact],
  ['Route', (v) => parseNameAddr(v, 'Route', { requireAngleBrackets: true })],
  ['Record-Route', (v) => parseNameAddr(v, 'Record-Route', { requireAngleBrackets: true })],
];

function validateHeaders(start: StartLine, headers: Headers): void {
  for (const name of MANDATORY) {
    if (!headers.has(name)) fail('PARLEY_SIP_MISSING_HEADER', `missing ${name}`);
  }
  const seen = new Set<string>();
  for (const field of headers.fields) {
    const lower = field.name.toLowerCase();
    if (SINGLE_HEADERS.has(lower)) {
      if (seen.has(lower)) fail('PARLEY_SIP_DUPLICATE_HEADER', `duplicate ${field.name}`);
      seen.add(lower);
    }
  }
  for (const [name, validate] of VALIDATORS) for (const value of headers.getAll(name)) validate(value);
  if (headers.getAll('Contact').length > 1 && headers.getAll('Contact').some((v) => trimLws(v).startsWith('*'))) {
    fail('PARLEY_SIP_BAD_HEADER_VALUE', 'Contact * with other values');
  }
  if (start.kind === 'request' && parseCSeq(headers.get('CSeq') as string).method !== start.method) {
    // RFC 3261 §8.1.1.5; RFC 4475 §3.1.2.17-18 (mismatch01/02).
    fail('PARLEY_SIP_CSEQ_METHOD_MISMATCH', 'CSeq method does not match');
  }
}

/**
 * Parses one message. Throws SipParseError (and nothing else) for anything it rejects; `status` on the error is
 * what a server answers a request with.
 */
export function parseMessage(data: Uint8Array, options: ParseOptions = {}): SipMessage {
  const limits = { ...defaultSipLimits, ...options.limits };
  const transport = options.transport ?? 'datagram';
  if (data.length > limits.maxMessageBytes) fail('PARLEY_SIP_MESSAGE_TOO_LARGE', 'message too large');
  const start = leadingCrlfBytes(data, 0);
  const end = findHeaderEnd(data, start);
  if (end < 0) {
    if (data.length - start > limits.maxHeaderBytes) fail('PARLEY_SIP_MESSAGE_TOO_LARGE', 'header section too large');
    fail('PARLEY_SIP_INCOMPLETE_MESSAGE', 'no end of headers');
  }
  if (end - start > limits.maxHeaderBytes) fail('PARLEY_SIP_MESSAGE_TOO_LARGE', 'header section too large');
  let head: string;
  try {
    head = utf8.decode(data.subarray(start, end));
  } catch (cause) {
    throw new SipParseError('PARLEY_SIP_INVALID_ENCODING', 'header section is not UTF-8', { cause });
  }
  const lines = headerLines(head);
  if (lines.length - 1 > limits.maxHeaders) fail('PARLEY_SIP_TOO_MANY_HEADERS', 'too many headers');
  const startLine = parseStartLine(lines[0] as string);

  const fields: HeaderField[] = [];
  for (const line of lines.slice(1)) {
    const field = splitHeaderLine(line);
    const lower = field.name.toLowerCase();
    if (LIST_HEADERS.has(lower) && field.value.includes(',')) {
      for (const value of splitTopLevel(field.value, ',')) {
        if (value === '') fail('PARLEY_SIP_BAD_HEADER_VALUE', `empty value in ${field.name}`);
        fields.push({ name: field.name, value });
      }
    } else {
      fields.push(field);
    }
    if (fields.length > limits.maxHeaders) fail('PARLEY_SIP_TOO_MANY_HEADERS', 'too many headers');
  }
  const headers = new Headers(fields);
  validateHeaders(startLine, headers);

  const bodyStart = end + 4;
  const available = data.length - bodyStart;
  const contentLength = headers.get('Content-Length');
  let bodyLength: number;
  if (contentLength === undefined) {
    if (transport === 'stream') fail('PARLEY_SIP_BAD_CONTENT_LENGTH', 'missing Content-Length');
    bodyLength = available;
  } else {
    bodyLength = parseContentLength(contentLength);
    // RFC 3261 §18.3: a datagram shorter than Content-Length is rejected (RFC 4475 §3.1.2.2, clerr); octets past
    // it are discarded (§3.1.1.8, dblreq).
    if (bodyLength > available) fail('PARLEY_SIP_TRUNCATED_BODY', 'body shorter than Content-Length');
  }
  const body = new Uint8Array(data.subarray(bodyStart, bodyStart + bodyLength));
  if (startLine.kind === 'request') {
    return { kind: 'request', method: startLine.method, uri: startLine.uri, version: startLine.version, headers, body };
  }
  return {
    kind: 'response',
    version: startLine.version,
    status: startLine.status,
    reason: startLine.reason,
    headers,
    body,
  };
}
